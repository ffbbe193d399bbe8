/**
 * Why a message never reached the DB. The story follows the message as far as it got and names the step
 * where it disappeared: never sent (the producer's memory buffer died with it), never stored (requests lost
 * or refused, no retry left), stored and then truncated (a leader failover before replication: with acks=1
 * that is an acknowledged write lost), or fetched and then skipped (an offset committed past it before it
 * was processed, then a crash), or dropped by the consumer after DB failures.
 */
import type { EventOf } from '../models/events.js';
import { expiryMechanism, expiryOf, expiryWords } from './expiry-words.js';
import { crashMoment } from './fault-words.js';
import { at, listWords, trimNumber } from './format.js';
import { blockedStory, handlerChose, poisonStory, skippedStory } from './story-failures.js';
import type { Told } from './story-failures.js';
import { attemptFate, electionWords, fireAndForgetWords, resendReason } from './story-producer.js';
import { Citations } from './story-types.js';
import { RESET_TO_LATEST } from '../models/kafka/protocol.js';
import type { Story } from './story-types.js';
import { crashOf, is, restartOf, roleOf } from './trace-facts.js';
import { isClusterActor } from '../models/kafka/cluster/names.js';
import { describeFault } from '../models/faults/catalog.js';
import type { TraceFacts } from './trace-facts.js';


export function lossStory(facts: TraceFacts, msg: string): Story | undefined {
  const cite = new Citations(facts);
  const told =
    neverSent(facts, cite, msg) ??
    neverStored(facts, cite, msg) ??
    truncated(facts, cite, msg) ??
    skippedStory(facts, cite, msg) ??
    poisonStory(facts, cite, msg) ??
    blockedStory(facts, cite, msg) ??
    skippedByConsumer(facts, cite, msg);
  if (told === undefined) return undefined;
  // A record the producer failed (delivery.timeout.ms) after what the story tells (a truncated append): why it was not sent again.
  const expired = expiryOf(facts.aboutKind(msg, 'gave-up'));
  if (expired !== undefined && !told.text.includes('delivery.timeout.ms')) {
    told.text += `; ${expiryWords(facts, cite, expired)}`;
    told.mechanism += `, then ${expiryMechanism(expired)}`;
  }
  const acked = facts.run.brokerAcked.includes(msg);
  const headline = `${msg} was never applied to the DB${acked ? ', although the broker had acknowledged it to the producer' : ''}`;
  return { invariant: 'loss', msg, mechanism: told.mechanism, text: `${headline}: ${told.text}.`, records: cite.list(), msgs: [msg] };
}

/** Handed over but never sent: it sat in the producer's in-memory buffer when the producer crashed. */
function neverSent(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  if (facts.aboutKind(msg, 'send').length > 0) return undefined;
  const handover = facts.aboutKind(msg, 'handover')[0];
  const bufferLost = facts.aboutKind(msg, 'buffer-lost')[0];
  if (bufferLost === undefined) {
    if (handover === undefined) return { text: 'the producer application never handed it over before the run stopped', mechanism: 'never handed over' };
    cite.add(handover);
    const expired = expiryOf(facts.aboutKind(msg, 'gave-up'));
    if (expired !== undefined) return { text: `the producer was handed it at ${cite.at(handover)}, and ${expiryWords(facts, cite, expired)}`, mechanism: expiryMechanism(expired) };
    return { text: `the producer was handed it at ${cite.at(handover)} but never sent it`, mechanism: 'never sent' };
  }
  const crash = facts.previous(bufferLost, crashOf('producer'));
  const fault = crash === undefined ? undefined : facts.faultBehind(crash);
  const restart = facts.next(bufferLost, restartOf('producer'));
  cite.add(handover, crash === undefined ? undefined : facts.faultRecordBehind(crash), crash, bufferLost, restart);
  const others = bufferLost.msgs.filter((id) => id !== msg);
  const alongWith = others.length > 0 ? ` (along with ${listWords(others)})` : '';
  return {
    text: `the producer was handed it at ${handover === undefined ? at(bufferLost.t) : cite.at(handover)} and crashed at ${crash === undefined ? at(bufferLost.t) : cite.at(crash)}${fault === undefined ? '' : `, ${crashMoment(fault)},`} while ${msg} was still in its in-memory buffer${alongWith}${cite.step(bufferLost)}; with producerBuffer=memory nothing survives a crash, so the restarted producer${restart === undefined ? '' : ` (${cite.at(restart)})`} never sent ${msg} (a durable outbox would have re-sent it)`,
    mechanism: 'producer crash with an in-memory buffer',
  };
}

/** Sent, but no attempt was ever appended to the log. */
function neverStored(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  if (facts.aboutKind(msg, 'append').length > 0) return undefined;
  const sends = facts.aboutKind(msg, 'send');
  if (sends.length === 0) return undefined;
  const steps: string[] = [];
  sends.forEach((send, index) => {
    const attempt = send.attempt;
    steps.push(`${index === 0 ? `its produce request (attempt ${attempt}${cite.step(send)})` : `attempt ${attempt}`} ${attemptFate(facts, cite, msg, attempt)}`);
    if (index < sends.length - 1 || facts.settings.acks !== 0) steps.push(resendReason(facts, cite, msg, attempt));
  });
  const bufferLost = facts.aboutKind(msg, 'buffer-lost')[0];
  if (bufferLost !== undefined) {
    const crash = facts.previous(bufferLost, crashOf('producer'));
    cite.add(crash, crash === undefined ? undefined : facts.faultRecordBehind(crash), bufferLost);
    steps.push(`the producer crashed at ${crash === undefined ? at(bufferLost.t) : cite.at(crash)} and, with producerBuffer=memory, forgot ${msg} for good`);
  } else if (facts.settings.acks === 0) {
    steps.push(fireAndForgetWords());
  }
  const first = steps[0];
  const what = first.includes('lost on the way') ? 'produce request lost' : first.includes('dropped') ? 'produce request dropped by a network partition' : first.includes('refused') ? 'produce request refused' : 'never stored by the broker';
  const gaveUp = facts.aboutKind(msg, 'gave-up');
  const expired = expiryOf(gaveUp);
  const end = bufferLost !== undefined ? ', then a producer crash with an in-memory buffer' : facts.settings.acks === 0 ? ' with acks=0: no retry' : expired !== undefined ? `, then ${expiryMechanism(expired)}` : gaveUp.length > 0 ? ', retries exhausted' : '';
  const mechanism = `${what}${end}`;
  return { text: steps.filter((step) => !step.endsWith('never sent it again')).join('; '), mechanism };
}

/**
 * A broker cluster's (--nodes): appended by a broker that lost its leadership (crashed, or fenced while cut off
 * from the controller) before a follower had it; the controller's new leader never had it, and the old leader cut
 * it at the end of its epoch (KIP-101) when it came back.
 */
function clusterTruncated(facts: TraceFacts, cite: Citations, msg: string, append: EventOf<'append'>): Told | undefined {
  const broker = append.actor;
  const { partition, offset } = append;
  const chosen = facts.next(append, is('leader-chosen', { partition }, (record) => record.broker !== broker));
  const cut = facts.next(append, is('truncated', {}, (record) => record.msgs.includes(msg)));
  if (chosen === undefined && cut === undefined) return undefined;
  const fenced = facts.next(append, is('broker-fenced', { broker }));
  const fault = facts.faultRecord('controller-partition', { broker }) ?? facts.faultRecord('broker-crash', { broker }) ?? facts.faultRecord('leader-failover', { message: msg });
  const acked = facts.aboutKind(msg, 'acked', { attempt: append.attempt })[0];
  cite.add(append, acked, fault, fenced, chosen, cut);
  const answer = acked === undefined ? '' : `, and the producer got an ack at ${cite.at(acked)}${facts.settings.acks === 1 ? ' (acks=1: the leader alone)' : ''}`;
  const fencing = fenced === undefined ? '' : `the controller fenced ${broker} at ${cite.at(fenced)} (no heartbeat for broker.session.timeout.ms${fault === undefined ? '' : `: ${describeFault(fault.fault)}`}) and `;
  const election = chosen === undefined ? 'another broker led' : `elected ${chosen.broker ?? 'nobody'} in leader epoch ${chosen.epoch}${chosen.unclean ? ', UNCLEANLY (outside the ISR)' : ''} at ${cite.at(chosen)}`;
  const truncation = cut === undefined ? '' : `; ${cut.actor} cut it from its log at ${cite.at(cut)}, at the end of its epoch on the new leader (OffsetsForLeaderEpoch)`;
  const lost = acked === undefined ? `${msg} was gone` : `${msg} was gone — an acknowledged write lost`;
  const mechanism = acked === undefined ? 'leader change before replication: record truncated' : chosen?.unclean === true ? 'unclean leader election: acknowledged write truncated' : facts.settings.acks === 1 ? 'acks=1 and a leader change: acknowledged write truncated' : 'leader change: acknowledged write truncated';
  return { text: `broker ${broker}, leading partition ${partition}, appended it at offset ${offset} (${cite.at(append)})${answer}; ${fencing}${election} before any in-sync follower had it, so ${lost}${truncation}`, mechanism };
}

/** Stored, but gone from the log after a leader failover (the new leader never had it). */
function truncated(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  const appends = facts.aboutKind(msg, 'append');
  const append = appends[appends.length - 1];
  if (append === undefined) return undefined;
  if (isClusterActor(append.actor)) return clusterTruncated(facts, cite, msg, append);
  const partition = append.partition;
  const offset = append.offset;
  const elected = facts.next(append, is('leader-elected', { partition }, (record) => record.logEnd <= offset));
  const cut = facts.next(append, is('truncated', {}, (record) => record.msgs.includes(msg)));
  if (elected === undefined && cut === undefined) return undefined;
  const failed = facts.previous(elected ?? cut, is('leader-failed', { partition }), undefined);
  const faultRecord = failed === undefined ? undefined : facts.faultRecordBehind(failed);
  const acked = facts.aboutKind(msg, 'acked', { attempt: append.attempt })[0];
  cite.add(facts.aboutKind(msg, 'send', { attempt: append.attempt })[0], append, faultRecord, failed, acked, elected, cut);
  const leader = append.replica;
  const acks = facts.settings.acks;
  const answer =
    acked === undefined
      ? ''
      : acks === 1
        ? `, and with acks=1 acknowledged it at once, without waiting for a follower (the producer got the ack at ${cite.at(acked)})`
        : `, and the producer got an ack at ${cite.at(acked)}`;
  const failure = failed === undefined ? 'the leader failed' : `the leader failed at ${cite.at(failed)}${faultRecord === undefined ? '' : ' (the injected leader failover)'}`;
  const lostWhat = acked === undefined ? `${msg} was gone` : `${msg} was gone — an acknowledged write lost`;
  const truncation = cut === undefined ? '' : ` (replica ${cut.replica} cut it from its own log at ${cite.at(cut)} when it rejoined)`;
  const retry = acked === undefined && acks === 0 ? `; ${fireAndForgetWords()}` : '';
  return {
    text: `replica ${leader}, the leader of partition ${partition}, appended it at offset ${offset} (${cite.at(append)})${answer}; ${failure} before any follower had copied it, and ${electionWords(elected, cite)}, so ${lostWhat}${truncation}${retry}`,
    mechanism: acked !== undefined ? (acks === 1 ? 'acks=1 and a leader failover: acknowledged write truncated' : 'leader failover: acknowledged write truncated') : 'leader failover before replication: record truncated',
  };
}

/**
 * A team's handler returned ack without writing to any of its effects tables (a write to another table is not an
 * effect), so the offset moved past it. (A returned skip is skippedStory's: the consumer records the skip.)
 */
function handlerLetGo(facts: TraceFacts, cite: Citations, msg: string, fetch: EventOf<'fetched'>): Told | undefined {
  const done = handlerChose(facts, msg, 'ack');
  if (done === undefined) return undefined;
  cite.add(done);
  const calls = facts.aboutKind(msg, 'handler-call', { delivery: done.delivery }).map((call) => call.text);
  const made = calls.length === 0 ? 'without a DB call' : `after ${calls.join(', ')}, none of them a write to its effects tables`;
  return {
    text: `the consumer fetched it at ${cite.at(fetch)}, and the handler returned ack for it ${made} (delivery ${done.delivery}, ${cite.at(done)}), so the consumer moved on past it`,
    mechanism: 'the handler returned ack without an effect',
  };
}

/**
 * Never fetched because the group started past it: no committed offset for its partition and auto.offset.reset=latest,
 * so the consumer began at the partition's end, which was already beyond the record.
 */
function startedPast(facts: TraceFacts, cite: Citations, msg: string, partition: number, append: EventOf<'append'> | undefined): Told | undefined {
  if (append === undefined) return undefined;
  const reset = facts.next(append, is('offset-reset', { partition }, (record) => record.fromOffset === RESET_TO_LATEST && record.resetTo > append.offset));
  if (reset === undefined) return undefined;
  cite.add(reset);
  return {
    text: `it was stored at offset ${append.offset} of partition ${partition}${cite.step(append)}; ${facts.who(reset.actor)}'s group had no committed offset there and, with auto.offset.reset=latest, ${facts.who(reset.actor)} started at the partition's end, offset ${reset.resetTo} (${cite.at(reset)}), past it`,
    mechanism: 'auto.offset.reset=latest: the group started past it',
  };
}

/** In the log and fetched, but never applied: skipped by a committed offset, or dropped after DB failures. */
function skippedByConsumer(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  const fetches = facts.aboutKind(msg, 'fetched');
  const message = facts.message(msg);
  const partition = message?.partition ?? 0;
  if (fetches.length === 0) {
    const append = facts.aboutKind(msg, 'append')[0];
    cite.add(append);
    return startedPast(facts, cite, msg, partition, append) ?? { text: `it was stored at offset ${append?.offset} of partition ${partition}${cite.step(append)}, but the consumer never fetched it before the run ended`, mechanism: 'never fetched' };
  }
  const gaveUp = facts.aboutKind(msg, 'db-gave-up')[0];
  if (gaveUp !== undefined) return droppedAfterDbFailures(facts, cite, msg, gaveUp);
  const fetch = fetches[fetches.length - 1];
  const offset = facts.aboutKind(msg, 'deliver')[0]?.offset ?? facts.aboutKind(msg, 'append').slice(-1)[0]?.offset;
  const crash = facts.next(fetch, crashOf('consumer'));
  const resumed = crash === undefined ? undefined : facts.next(crash, is('resumed'));
  if (crash === undefined || resumed === undefined) {
    cite.add(fetch);
    return handlerLetGo(facts, cite, msg, fetch) ?? { text: `the consumer fetched it at ${cite.at(fetch)} but never applied it`, mechanism: 'fetched, never applied' };
  }
  const covering = facts.previous(resumed, is('offset-committed', { partition }, (record) => offset !== undefined && record.offset > offset));
  const sent = covering === undefined ? undefined : facts.previous(covering, (record): record is EventOf<'commit-sent' | 'auto-commit-sent'> => (record.kind === 'commit-sent' || record.kind === 'auto-commit-sent') && record.partition === partition && record.offset === covering.offset);
  const faultRecord = facts.faultRecordBehind(crash);
  const fault = facts.faultBehind(crash);
  const restart = facts.next(crash, restartOf('consumer'));
  cite.add(fetch, sent, covering, faultRecord, crash, restart, resumed);
  const batch = fetch.msgs;
  const inBatch = batch.length > 1 ? ` in a batch of ${batch.length} (${listWords(batch)})` : '';
  const committedOffset = covering?.offset;
  let commitWords: string;
  if (sent?.kind === 'auto-commit-sent') commitWords = `the background auto-commit (auto.commit.interval.ms=${trimNumber(facts.settings.autoCommitIntervalMs)}) committed offset ${committedOffset} at ${covering === undefined ? cite.at(sent) : cite.at(covering)}, past ${msg} (offset ${offset}), although the batch was not processed yet`;
  else if (facts.settings.commit === 'before-process') commitWords = `with commit=before-process it committed offset ${committedOffset} (past ${msg}'s offset ${offset}) before processing the batch — the broker stored that commit at ${covering === undefined ? at(fetch.t) : cite.at(covering)}`;
  else if (covering !== undefined) commitWords = `offset ${committedOffset} (past ${msg}'s offset ${offset}) was committed at ${cite.at(covering)} before ${msg} was processed`;
  else commitWords = `no offset commit covered ${msg}`;
  const position = resumed.positions[partition] as number | undefined;
  return {
    text: `the consumer fetched it at ${cite.at(fetch)}${inBatch}; ${commitWords}; then it crashed at ${cite.at(crash)}${fault === undefined ? '' : `, ${crashMoment(fault)}`}; after restarting${restart === undefined ? '' : ` at ${cite.at(restart)}`} it resumed from the committed offset ${position ?? committedOffset}${cite.step(resumed)}, past ${msg}, so ${msg} was never processed`,
    mechanism: sent?.kind === 'auto-commit-sent' ? 'auto-commit ahead of processing, then a crash' : facts.settings.commit === 'before-process' ? 'offset committed before processing, then a crash' : 'offset committed past an unprocessed record, then a crash',
  };
}

export function droppedAfterDbFailures(facts: TraceFacts, cite: Citations, msg: string, gaveUp: EventOf<'db-gave-up'>): Told {
  const writes = facts.aboutKind(msg, 'db-write');
  const timeouts = facts.aboutKind(msg, 'timeout');
  const drops = writes.map((write) => facts.next(write, is('partition-drop', { from: write.actor, t: write.t }, (drop) => roleOf(drop.to) === 'db'))).filter((drop) => drop !== undefined);
  cite.add(...writes, ...timeouts, ...drops, gaveUp);
  const why = drops.length > 0 ? ' (the consumer-db link was cut: a network partition dropped the write)' : '';
  return {
    text: `the consumer tried to write it ${writes.length === 1 ? 'once' : `${writes.length} times`} and got no answer${why}; with dbRetries=${facts.settings.dbRetries} it gave up at ${cite.at(gaveUp)} and moved on to the next record`,
    mechanism: 'DB write failed, consumer gave up',
  };
}
