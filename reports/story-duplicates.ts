/**
 * Why a message's effect reached the DB more than once. Each re-application has one of three causes, told
 * apart by comparing it with the previous application of the same message:
 * - a different log offset: the log held the message twice (a produce retry or an outbox re-send appended it again);
 * - the same offset, a later delivery: the consumer got the record again (it crashed before its offset commit covered it);
 * - the same delivery, a later DB attempt: the consumer re-tried a write the DB had already committed (lost reply).
 */
import type { EventOf } from '../models/events.js';
import { crashMoment } from './fault-words.js';
import { timesWord, trimNumber } from './format.js';
import { OUTBOX_RELAY_PUBLISHED, OUTBOX_RESENT_AFTER_RESTART, attemptFate, resendReason } from './story-producer.js';
import { abortedCopy } from './story-transactions.js';
import { Citations, TOLD_MAX, untoldApplications } from './story-types.js';
import type { Story } from './story-types.js';
import type { Fault } from '../models/faults/catalog.js';
import { is } from './trace-facts.js';
import type { TraceFacts } from './trace-facts.js';

interface Application {
  commit: EventOf<'db-commit'>;
  write?: EventOf<'db-write'>;
  deliver?: EventOf<'deliver'>;
  offset: number;
  delivery: number;
  attempt: number;
}

export function application(facts: TraceFacts, msg: string, commit: EventOf<'db-commit'>): Application {
  const attempt = commit.attempt;
  const write = facts.previous(commit, is('db-write', { msg, attempt }));
  const deliver = facts.previous(write ?? commit, is('deliver', { msg }));
  return { commit, write, deliver, offset: commit.offset, delivery: deliver?.delivery ?? 0, attempt };
}

export function duplicateStory(facts: TraceFacts, msg: string): Story | undefined {
  const commits = facts.aboutKind(msg, 'db-commit');
  if (commits.length < 2) return undefined;
  const cite = new Citations(facts);
  const applications = commits.slice(0, TOLD_MAX + 1).map((commit) => application(facts, msg, commit));
  const causes: string[] = [];
  const mechanisms: string[] = [];
  for (let index = 1; index < applications.length; index++) {
    const [earlier, later] = [applications[index - 1], applications[index]];
    cite.add(earlier.commit, later.commit);
    let cause: { text: string; mechanism: string } | undefined;
    if (later.offset !== earlier.offset) cause = abortedCopy(facts, cite, msg, earlier.commit, later.commit) ?? logDuplicate(facts, cite, msg, earlier, later);
    else if (later.delivery !== earlier.delivery) cause = redelivery(facts, cite, msg, earlier, later);
    else cause = rewrite(facts, cite, msg, earlier, later);
    causes.push(cause.text);
    if (!mechanisms.includes(cause.mechanism)) mechanisms.push(cause.mechanism);
  }
  const text = `${msg} was applied to the DB ${timesWord(commits.length)}: ${causes.join('; then ')}${untoldApplications(commits.length)}.`;
  return { invariant: 'duplicates', msg, mechanism: mechanisms.join('; '), text, records: cite.list(), msgs: [msg] };
}

/** The log held the message twice: a produce retry (or an outbox re-send) was appended again. */
function logDuplicate(facts: TraceFacts, cite: Citations, msg: string, earlier: Application, later: Application): { text: string; mechanism: string } {
  const firstAppend = facts.aboutKind(msg, 'append', { offset: earlier.offset })[0];
  const secondAppend = facts.aboutKind(msg, 'append', { offset: later.offset })[0];
  cite.add(firstAppend, secondAppend);
  const firstAttempt = firstAppend?.attempt ?? 1;
  const secondAttempt = secondAppend?.attempt ?? firstAttempt + 1;
  const fate = attemptFate(facts, cite, msg, firstAttempt);
  const steps: string[] = [`its produce request (attempt ${firstAttempt}${cite.step(facts.aboutKind(msg, 'send', { attempt: firstAttempt })[0])}) ${fate}`];
  // Every attempt between the two appends explains itself too (a retry can be lost as well), the first few of them.
  const toldUntil = Math.min(secondAttempt, firstAttempt + TOLD_MAX);
  for (let attempt = firstAttempt; attempt < toldUntil; attempt++) {
    steps.push(resendReason(facts, cite, msg, attempt));
    if (attempt + 1 < toldUntil) steps.push(`attempt ${attempt + 1} ${attemptFate(facts, cite, msg, attempt + 1)}`);
  }
  if (toldUntil < secondAttempt) steps.push(toldUntil === secondAttempt - 1 ? `what became of attempt ${toldUntil} is not told here` : `what became of attempts ${toldUntil} to ${secondAttempt - 1} is not told here`);
  const sessionChange = producerSessionChanged(facts, msg, firstAttempt, secondAttempt);
  const why = facts.settings.enableIdempotence
    ? sessionChange
      ? ' — idempotence de-duplicates only within one producer session, and the restarted producer had a new producer id'
      : ''
    : ' — without enable.idempotence the broker cannot tell a retry from a new record';
  steps.push(`the broker appended ${msg} again at offset ${later.offset}${secondAppend === undefined ? '' : ` (${cite.at(secondAppend)})`}${why}`);
  return { text: `${steps.join('; ')}; the consumer processed both copies (offsets ${earlier.offset} and ${later.offset}), so the DB applied ${msg} at ${cite.at(earlier.commit)} and again at ${cite.at(later.commit)}`, mechanism: logDuplicateMechanism(steps, fate) };
}

/**
 * The mechanism behind a second append, from the steps told: a restarted producer re-sending its outbox, the outbox
 * relay publishing a row the producer gave up (no crash at all), a lost ack, or a plain retry.
 */
function logDuplicateMechanism(steps: readonly string[], fate: string): string {
  const mechanisms: string[] = [];
  if (steps.some((step) => step.includes(OUTBOX_RESENT_AFTER_RESTART))) mechanisms.push('producer crash, outbox re-send: duplicate in the log');
  if (steps.some((step) => step.includes(OUTBOX_RELAY_PUBLISHED))) mechanisms.push('producer gave up, outbox relay re-send: duplicate in the log');
  if (mechanisms.length > 0) return mechanisms.join('; ');
  return fate.includes('ack was lost') ? 'lost ack, then a retry: duplicate in the log' : 'produce retry: duplicate in the log';
}

function producerSessionChanged(facts: TraceFacts, msg: string, first: number, second: number): boolean {
  const pid = (attempt: number): number | undefined => facts.aboutKind(msg, 'send', { attempt })[0]?.pid;
  return pid(first) !== pid(second);
}

function fetchOf(facts: TraceFacts, msg: string, deliver: EventOf<'deliver'> | undefined): EventOf<'fetched'> | undefined {
  if (deliver === undefined) return undefined;
  return facts.previous(deliver, is('fetched', {}, (record) => record.msgs.includes(msg)));
}

/** The consumer got the same record again: it crashed before an offset commit covered it, or its partition moved. */
function redelivery(facts: TraceFacts, cite: Citations, msg: string, earlier: Application, later: Application): { text: string; mechanism: string } {
  const partition = facts.message(msg)?.partition ?? 0;
  const first = earlier.deliver?.actor ?? '';
  const second = later.deliver?.actor ?? first;
  const crash = facts.previous(later.deliver ?? later.commit, is('crash', {}, (record) => record.actor === first), earlier.commit);
  // The fetches that handed the record over, both times: the diagram shows the re-delivery as an arrow.
  const refetch = fetchOf(facts, msg, later.deliver);
  cite.add(fetchOf(facts, msg, earlier.deliver), refetch, later.deliver);
  const applied = `${facts.who(first)} applied it at ${cite.at(earlier.commit)} (delivery ${earlier.delivery}, offset ${earlier.offset})`;
  if (crash === undefined && second === first) {
    return { text: `${applied}, and the broker delivered it again (delivery ${later.delivery}${cite.step(refetch)}), applied at ${cite.at(later.commit)}`, mechanism: 'redelivery' };
  }
  const committed = facts.previous(later.deliver ?? later.commit, is('offset-committed', { partition }), earlier.commit) ?? facts.previous(earlier.commit, is('offset-committed', { partition }));
  const lostCommits = facts.between(earlier.commit, crash ?? later.deliver, is('fault', {}, (record) => record.fault.kind === 'commit-lost' && record.fault.partition === partition));
  cite.add(committed, ...lostCommits);
  const lostFault = lostCommits[0]?.fault;
  const lost = lostFault?.kind === 'commit-lost' ? ` (its commit of offset ${lostFault.offset} had been lost on the way to the broker)` : '';
  const uncovered = `partition ${partition}'s committed offset was still ${committed?.offset ?? 0}${lost}, so no commit covered ${msg} (offset ${earlier.offset}) yet`;
  const again = `processed ${msg} again (delivery ${later.delivery}${cite.step(refetch)}), applied at ${cite.at(later.commit)}`;
  const committedOffset = committed?.offset ?? 0;
  if (second !== first) return movedStory(facts, cite, { crash, applied, committedOffset, uncovered, again, first, second, partition, earlier, later });
  return restartedStory(facts, cite, msg, { crash: crash as EventOf<'crash'>, applied, committedOffset, uncovered, again, partition, earlier, later });
}

interface Retold {
  applied: string;
  committedOffset: number;
  uncovered: string;
  again: string;
  partition: number;
  earlier: Application;
  later: Application;
}

/** The same member re-processed it after its restart. */
function restartedStory(facts: TraceFacts, cite: Citations, msg: string, told: Retold & { crash: EventOf<'crash'> }): { text: string; mechanism: string } {
  const { crash, earlier } = told;
  const faultRecord = facts.faultRecordBehind(crash);
  const fault = facts.faultBehind(crash);
  const restart = facts.next(crash, is('restart', {}, (record) => record.actor === crash.actor));
  const resumed = facts.next(crash, is('resumed', {}, (record) => record.actor === crash.actor));
  cite.add(crash, faultRecord, restart, resumed);
  const moment = fault === undefined ? '' : `, ${crashMoment(fault)}`;
  let text = `${told.applied} and crashed at ${cite.at(crash)}${moment}; ${told.uncovered}`;
  const marked = facts.between(earlier.commit, crash, is('db-mark-seen', { msg }));
  const unmarked = facts.settings.dedup === 'separate-transaction' && marked.length === 0;
  if (unmarked) text += `; the dedup key for ${msg} is written in a separate transaction (dedup=separate-transaction) and the crash came before it was written, so the dedup check on re-delivery found nothing${cite.step(told.later.write, ':check')}`;
  const position = resumed?.positions[told.partition];
  text += `; after restarting${restart === undefined ? '' : ` at ${cite.at(restart)}`} ${facts.who(crash.actor)} resumed from offset ${position ?? told.committedOffset}${cite.step(resumed)} and ${told.again}`;
  const mechanism = unmarked ? 'crash between the effect and the dedup mark: redelivery passes the check' : fault?.kind === 'consumer-crash' && fault.point === 'after-db-commit' ? 'crash after the DB commit, before the offset commit: redelivery' : 'consumer crash before the offset commit: redelivery';
  return { text, mechanism };
}

/** Another member of the group re-processed it: its partition moved in a rebalance. */
function movedStory(facts: TraceFacts, cite: Citations, told: Retold & { crash: EventOf<'crash'> | undefined; first: string; second: string }): { text: string; mechanism: string } {
  const { crash, first, second, partition, later } = told;
  const since = crash ?? told.earlier.commit;
  const gone = facts.next(since, (record): record is EventOf<'member-expired' | 'member-left' | 'member-removed'> => (record.kind === 'member-expired' || record.kind === 'member-left' || record.kind === 'member-removed') && record.member.startsWith(first), later.deliver);
  const rebalanced = facts.next(gone ?? since, is('rebalanced', {}, (record) => (record.assignment[second] ?? []).includes(partition)), later.deliver);
  const assigned = facts.next(rebalanced ?? since, is('assigned', {}, (record) => record.actor === second && record.partitions.includes(partition)), later.deliver);
  cite.add(crash, crash === undefined ? undefined : facts.faultRecordBehind(crash), gone, rebalanced, assigned);
  const moment = crash === undefined ? '' : ` and crashed at ${cite.at(crash)}${facts.faultBehind(crash) === undefined ? '' : `, ${crashMoment(facts.faultBehind(crash) as Fault)}`}`;
  const why =
    gone?.kind === 'member-expired'
      ? `its session expired at ${cite.at(gone)} (no heartbeat for session.timeout.ms=${trimNumber(facts.settings.sessionTimeoutMs)})`
      : gone?.kind === 'member-left'
        ? `it left the group at ${cite.at(gone)}`
        : gone?.kind === 'member-removed'
          ? `it was removed from the group at ${cite.at(gone)} for not rejoining in time`
          : 'the group rebalanced';
  const moved = rebalanced === undefined ? `partition ${partition} moved to ${second}` : `the group rebalanced at ${cite.at(rebalanced)} (generation ${rebalanced.generation}) and gave partition ${partition} to ${second}`;
  const text = `${told.applied}${moment}; ${told.uncovered}; ${why}, ${moved}, which resumed from the committed offset and ${told.again}`;
  return { text, mechanism: 'rebalance: the partition moved, and its new owner re-processed from the committed offset' };
}

/** Same delivery, another DB attempt: the consumer retried a write the DB had already committed (any family). */
export function rewrite(facts: TraceFacts, cite: Citations, msg: string, earlier: Application, later: Application): { text: string; mechanism: string } {
  const replyLost = facts.faultRecord('db-reply-lost', { message: msg, attempt: earlier.attempt });
  const timeout = facts.next(earlier.commit, is('timeout', { msg, attempt: earlier.attempt }));
  const drop = facts.next(earlier.commit, is('partition-drop', { from: earlier.commit.actor, to: earlier.write?.actor ?? later.write?.actor }), later.write);
  cite.add(earlier.write, replyLost, timeout, later.write, replyLost === undefined ? drop : undefined);
  const why = replyLost !== undefined ? `but its reply was lost on the way back${cite.step(replyLost)}` : drop !== undefined ? 'but its reply was dropped: the consumer-db link was cut (a network partition)' : 'but its reply did not arrive in time';
  const waited = timeout === undefined ? 'the consumer' : `after consumerTimeoutMs=${trimNumber(facts.settings.consumerTimeoutMs)} without an answer (${cite.at(timeout)}) the consumer`;
  const dedup = facts.settings.dedup === 'none' ? ', which keeps no dedup key (dedup=none),' : '';
  return {
    text: `the DB committed the consumer's write of ${msg} (attempt ${earlier.attempt}) at ${cite.at(earlier.commit)} ${why}; ${waited} retried the write (attempt ${later.attempt}, dbRetries=${facts.settings.dbRetries}) and the DB${dedup} applied it again at ${cite.at(later.commit)}`,
    mechanism: replyLost !== undefined ? 'lost DB reply, then a retried write' : 'retried DB write',
  };
}
