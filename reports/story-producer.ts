/**
 * The producer side of a story: what happened to each produce attempt of a message (lost, refused, appended
 * but unanswered, acknowledged) and why the producer sent it again (timeout, error, outbox re-send after a
 * crash) or gave up. Shared by the duplicate, loss and order stories.
 */
import type { EventOf, TraceEvent } from '../models/events.js';
import { expiryWords } from './expiry-words.js';
import { crashMoment, produceErrorWords } from './fault-words.js';
import { at, trimNumber } from './format.js';
import type { Citations } from './story-types.js';
import { crashOf, is, restartOf } from './trace-facts.js';
import type { TraceFacts } from './trace-facts.js';

export function sendRecord(facts: TraceFacts, msg: string, attempt: number): EventOf<'send'> | undefined {
  return facts.aboutKind(msg, 'send', { attempt })[0];
}

export function appendRecord(facts: TraceFacts, msg: string, attempt: number): EventOf<'append'> | undefined {
  return facts.aboutKind(msg, 'append', { attempt })[0];
}

/**
 * The network partition window in force for a link at a record, as the trace announced it. A window that
 * opens at the very instant of the record may be traced just after it, so the same instant counts too.
 */
function partitionWindow(facts: TraceFacts, link: string, record: TraceEvent): EventOf<'partition-start'> | undefined {
  let window: EventOf<'partition-start'> | undefined;
  for (const candidate of facts.records) {
    if (candidate.t > record.t) break;
    if (candidate.kind === 'partition-start' && candidate.link === link && candidate.untilUs > record.t) window = candidate;
  }
  return window;
}

function partitionWords(facts: TraceFacts, cite: Citations, link: string, record: TraceEvent): string {
  const window = partitionWindow(facts, link, record);
  cite.add(window);
  const pretty = facts.linkName(link);
  if (window === undefined) return `the ${pretty} link was cut (a network partition)`;
  return `the ${pretty} link was cut (a network partition from ${cite.at(window)} to ${at(window.untilUs)})`;
}

/** Was this send dropped by a partition? The world traces the drop right after the send, at the same instant. */
export function droppedByPartition(facts: TraceFacts, send: TraceEvent, type: string): EventOf<'partition-drop'> | undefined {
  const index = facts.indexOf(send);
  for (let next = index + 1; next < facts.records.length && facts.records[next].t === send.t; next++) {
    const record = facts.records[next];
    if (record.kind === 'partition-drop') return record.type === type ? record : undefined;
    if (record.kind === send.kind || record.kind === 'send' || record.kind === 'commit-sent' || record.kind === 'db-write') return undefined;
  }
  return undefined;
}

/** The leader failure that left a partition without a leader at `record`, and the election that ended it. */
export function leaderOutage(facts: TraceFacts, partition: number, record: TraceEvent): { failed?: EventOf<'leader-failed'>; elected?: EventOf<'leader-elected'> } {
  const failed = facts.previous(record, is('leader-failed', { partition }));
  const elected = failed === undefined ? undefined : facts.next(failed, is('leader-elected', { partition }));
  return { failed, elected };
}

function outageWords(facts: TraceFacts, cite: Citations, partition: number, record: TraceEvent): string {
  const { failed, elected } = leaderOutage(facts, partition, record);
  if (failed === undefined) return '';
  cite.add(failed, facts.faultRecordBehind(failed), elected);
  const until = elected === undefined ? '' : ` and replica ${elected.replica} was elected only at ${cite.at(elected)}`;
  return ` — its leader had failed at ${cite.at(failed)}${until}`;
}

/** Why the ISR was too small: the last replica failure on the partition, not yet back in sync. */
function shrunkIsrWords(facts: TraceFacts, cite: Citations, partition: number, record: TraceEvent): string {
  const failed = facts.previous(record, is('leader-failed', { partition }));
  if (failed === undefined) return '';
  const back = facts.next(failed, is('isr-joined', { partition, replica: failed.replica }), record);
  if (back !== undefined) return '';
  cite.add(failed, facts.faultRecordBehind(failed));
  return ` — replica ${failed.replica} had failed at ${cite.at(failed)} and was not back in sync yet`;
}

/**
 * What became of one produce attempt, as a clause that follows "m3's produce request (attempt 1)":
 * "was lost on the way to the broker", "was appended at offset 2 (t=4.245 ms), but the broker's ack was lost".
 */
export function attemptFate(facts: TraceFacts, cite: Citations, msg: string, attempt: number): string {
  const send = sendRecord(facts, msg, attempt);
  cite.add(send);
  const partition = facts.message(msg)?.partition;
  const lost = facts.faultRecord('request-lost', { message: msg, attempt });
  if (lost !== undefined) {
    cite.add(lost);
    return `was lost on the way to the broker (${cite.at(lost)})`;
  }
  if (send !== undefined) {
    const drop = droppedByPartition(facts, send, 'produce');
    if (drop !== undefined) {
      cite.add(drop);
      return `was dropped at ${cite.at(drop)}: ${partitionWords(facts, cite, `${drop.from}<->${drop.to}`, drop)}`;
    }
  }
  const refused = facts.aboutKind(msg, 'produce-refused', { attempt })[0];
  if (refused !== undefined) {
    cite.add(refused);
    const error = refused.error;
    const outage = partition === undefined ? '' : error === 'NOT_LEADER_OR_FOLLOWER' ? outageWords(facts, cite, partition, refused) : error === 'NOT_ENOUGH_REPLICAS' ? shrunkIsrWords(facts, cite, partition, refused) : '';
    return `was refused by the broker at ${cite.at(refused)}: ${produceErrorWords(error, partition, refused.isr, facts.settings.minInsyncReplicas)}${outage}`;
  }
  const delayed = facts.faultRecord('request-delayed', { message: msg, attempt });
  const delayWords = delayed === undefined ? '' : `was held up ${trimNumber(delayed.fault.delayMs)} ms on the way and `;
  cite.add(delayed);
  const append = appendRecord(facts, msg, attempt);
  const dropped = facts.aboutKind(msg, 'duplicate-dropped', { attempt })[0];
  if (append === undefined && dropped !== undefined) {
    return `${delayWords}was recognised by the broker as a retry of a record it already had (enable.idempotence) and not appended again${cite.step(dropped)}`;
  }
  if (append === undefined) return delayWords === '' ? 'got no answer' : `${delayWords}got no answer in time`;
  cite.add(append);
  // A request stuck behind a delayed one on the same link (FIFO) arrives late without a fault of its own.
  const late = delayed === undefined && send !== undefined && append.t - send.t > facts.settings.requestTimeoutMs * 1000 ? 'reached the broker only after the request timeout and ' : '';
  const prefix = delayWords !== '' ? delayWords : late !== '' ? late : 'was ';
  const appended = `${prefix}appended at offset ${append.offset} (${cite.at(append)})`;
  const ackLost = facts.faultRecord('ack-lost', { message: msg, attempt });
  if (ackLost !== undefined) {
    cite.add(ackLost);
    return `${appended}, but the broker's ack was lost on the way back (${cite.at(ackLost)})`;
  }
  const acked = facts.aboutKind(msg, 'acked', { attempt })[0];
  if (acked !== undefined) {
    cite.add(acked);
    return `${appended} and acknowledged to the producer at ${cite.at(acked)}`;
  }
  const failed = facts.next(append, is('leader-failed', {}, (record) => record.unansweredMsgs.includes(msg)));
  if (failed !== undefined) {
    cite.add(failed, facts.faultRecordBehind(failed));
    return `${appended}, but the leader failed at ${cite.at(failed)} before answering${vanished(facts, cite, append)}`;
  }
  const timeout = facts.aboutKind(msg, 'request-timeout', { attempt })[0];
  const crash = send === undefined ? undefined : facts.next(send, crashOf('producer'), timeout);
  if (crash !== undefined) {
    // The crash itself is told by resendReason (it is why the message was sent again).
    return `${appended}${vanished(facts, cite, append)}, but no answer reached the producer`;
  }
  const responseDrop = facts.next(append, is('partition-drop', { from: append.actor, to: facts.producerOf(msg), type: 'produce-response' }), timeout);
  if (responseDrop !== undefined) {
    cite.add(responseDrop);
    return `${appended}, but the answer was dropped at ${cite.at(responseDrop)}: ${partitionWords(facts, cite, `${responseDrop.to}<->${responseDrop.from}`, responseDrop)}`;
  }
  return `${appended}, but no answer reached the producer in time`;
}

/** How resendReason tells the two outbox re-sends apart, words the duplicates story reads its mechanism from. */
export const OUTBOX_RELAY_PUBLISHED = 'the outbox relay published it again';
export const OUTBOX_RESENT_AFTER_RESTART = 're-sent everything still in its outbox (producerBuffer=outbox)';

/**
 * Why the producer sent attempt `attempt + 1` (or never did), as a clause: "the producer timed out after
 * request.timeout.ms=15 (t=19 ms) and sent it again at t=21 ms (attempt 2)".
 */
export function resendReason(facts: TraceFacts, cite: Citations, msg: string, attempt: number): string {
  const next = sendRecord(facts, msg, attempt + 1);
  cite.add(next);
  const again = next === undefined ? '' : ` and sent it again at ${cite.at(next)} (attempt ${attempt + 1})`;
  const previousSend = sendRecord(facts, msg, attempt);
  // An outbox re-send between this attempt and the next: the relay's, or a restarted producer's.
  const resend = next === undefined ? undefined : facts.previous(next, is('outbox-resend', {}, (record) => record.msgs.includes(msg)), previousSend);
  if (resend !== undefined && isRelayResend(facts, resend)) {
    // The producer gave the record up, and the outbox relay published its row again.
    const gaveUp = facts.previous(resend, is('gave-up', { msg }));
    const why = gaveUp === undefined ? '' : gaveUp.reason === 'delivery.timeout.ms' ? `${expiryWords(facts, cite, gaveUp)}; ` : `the producer gave up on ${msg} after ${gaveUp.attempts} attempt${gaveUp.attempts === 1 ? '' : 's'} (retries=${facts.settings.retries})${cite.step(gaveUp)}; `;
    cite.add(gaveUp, resend);
    return `${why}its row was still in the outbox (producerBuffer=outbox), so ${OUTBOX_RELAY_PUBLISHED} at ${cite.at(resend)}${resentAttempt(cite, resend, next, attempt + 1)}`;
  }
  if (resend !== undefined) {
    const crash = facts.previous(resend, crashOf('producer'));
    const restart = facts.previous(resend, restartOf('producer'));
    const fault = crash === undefined ? undefined : facts.faultBehind(crash);
    cite.add(crash, crash === undefined ? undefined : facts.faultRecordBehind(crash), restart, resend);
    const when = fault === undefined ? '' : `, ${crashMoment(fault)}`;
    return `the producer crashed${crash === undefined ? '' : ` at ${cite.at(crash)}`}${when}; after restarting${restart === undefined ? '' : ` at ${cite.at(restart)}`} it ${OUTBOX_RESENT_AFTER_RESTART}, ${msg} included${resentAttempt(cite, resend, next, attempt + 1)}`;
  }
  // The give-up after this attempt, if any; with no attempt after it, a delivery.timeout.ms expiry is told last.
  const gaveUp = facts.next(previousSend, is('gave-up', { msg }));
  const expiry = next === undefined && gaveUp?.reason === 'delivery.timeout.ms' ? expiryWords(facts, cite, gaveUp) : undefined;
  const thenExpired = expiry === undefined ? '' : `; ${expiry}`;
  const timeout = facts.aboutKind(msg, 'request-timeout', { attempt })[0];
  if (timeout !== undefined) {
    cite.add(timeout);
    return `the producer timed out at ${cite.at(timeout)} (request.timeout.ms=${trimNumber(facts.settings.requestTimeoutMs)})${again}${thenExpired}`;
  }
  const error = facts.aboutKind(msg, 'produce-error', { attempt })[0];
  const retry = error === undefined ? undefined : facts.sameInstantAfter(error, is('retry-scheduled', { msg }));
  if (error !== undefined && retry === undefined && gaveUp !== undefined) {
    cite.add(error, gaveUp);
    return `the producer gave up on ${msg} at once (retries=${facts.settings.retries})`;
  }
  if (error !== undefined) {
    cite.add(error);
    const backoff = retry?.backoffMs;
    return `on that error the producer backed off${backoff === undefined ? '' : ` ${trimNumber(backoff)} ms`}${again}${thenExpired}`;
  }
  if (expiry !== undefined) return expiry;
  // Kafka transactions: the transaction holding it was aborted, and the transform stage sent its records again in the next.
  const aborted = next === undefined ? undefined : facts.previous(next, is('txn-aborted', {}, (record) => record.msgs.includes(msg)), previousSend);
  if (aborted !== undefined) {
    const begun = facts.next(aborted, is('txn-begin', {}, (record) => record.msgs.includes(msg)));
    cite.add(aborted, begun);
    const why = aborted.reason === 'application' ? 'the application aborted the transaction holding it' : aborted.reason === 'fenced' ? 'the transaction holding it was aborted when its producer was fenced' : 'the transaction holding it was aborted when a send in it failed';
    return `${why} (transaction ${aborted.txn}, ${cite.at(aborted)}), so the transform stage sent it again in transaction ${begun?.txn ?? aborted.txn + 1} at ${cite.at(next as EventOf<'send'>)} (attempt ${attempt + 1})`;
  }
  if (gaveUp !== undefined) {
    cite.add(gaveUp);
    return `the producer gave up on ${msg} after ${gaveUp.attempts} attempt${gaveUp.attempts === 1 ? '' : 's'} (retries=${facts.settings.retries})`;
  }
  return next === undefined ? 'the producer never sent it again' : `the producer sent it again at ${cite.at(next)} (attempt ${attempt + 1})`;
}

/**
 * " (attempt 3)" for the send an outbox re-send queued, with its time when it did not go at once (it waited in the
 * queue: the in-flight window, a leader).
 */
function resentAttempt(cite: Citations, resend: EventOf<'outbox-resend'>, next: EventOf<'send'> | undefined, attempt: number): string {
  if (next === undefined) return '';
  return next.t === resend.t ? ` (attempt ${attempt}${cite.step(next)})` : ` (attempt ${attempt}, sent at ${cite.at(next)})`;
}

/**
 * An outbox-resend by the relay (one row the producer gave up), not by a restarted producer re-sending its whole
 * outbox (a Kafka producer's new session, a RabbitMQ publisher's restart, at the same instant).
 */
export function isRelayResend(facts: TraceFacts, resend: EventOf<'outbox-resend'>): boolean {
  const restarted = facts.previous(resend, is('session-start', {}, (record) => record.actor === resend.actor)) ?? facts.previous(resend, is('restart', {}, (record) => record.actor === resend.actor));
  return restarted?.t !== resend.t;
}

/** "with acks=0 the producer never waits for an answer, so it never learns of a loss and never retries". */
export function fireAndForgetWords(): string {
  return 'with acks=0 the producer does not wait for an answer, so it never learned of the loss and never retried';
}

/** ", and that copy vanished in the failover" when a later election left the record out of the log. */
export function vanished(facts: TraceFacts, cite: Citations, append: EventOf<'append'>): string {
  const offset = append.offset;
  const elected = facts.next(append, is('leader-elected', { partition: append.partition }, (record) => record.logEnd <= offset));
  if (elected === undefined) return '';
  return ` (that copy vanished: ${electionWords(elected, cite)}, which ends before offset ${offset})`;
}

/** How long a partition was without a leader, in words, for headers of failover stories. */
export function electionWords(elected: EventOf<'leader-elected'> | undefined, cite?: Citations): string {
  if (elected === undefined) return 'no new leader was elected';
  return `replica ${elected.replica} was elected leader at ${cite === undefined ? at(elected.t) : cite.at(elected)} with a log of ${elected.logEnd} record${elected.logEnd === 1 ? '' : 's'}`;
}

