/**
 * Why two messages of one key reached the DB out of send order. The checker names the message applied too
 * late; the one it was applied after is recomputed here from the DB effects, the same way the checker does.
 * Usually the log itself holds them inverted: the earlier message's first request failed (lost, refused,
 * held up) while later ones, already in flight (max.in.flight.requests > 1), were appended first, and the
 * retry landed behind them.
 */
import { at, trimNumber } from './format.js';
import { appendRecord, attemptFate, isRelayResend, resendReason, sendRecord } from './story-producer.js';
import { Citations } from './story-types.js';
import type { Story } from './story-types.js';
import { is } from './trace-facts.js';
import type { TraceFacts } from './trace-facts.js';
import type { TraceEvent } from '../models/events.js';

/** The message `late` was applied after (the latest applied of its key at that moment), as the checker sees it. */
export function appliedBefore(facts: TraceFacts, late: string): string | undefined {
  const seen = new Set<string>();
  const latestPerKey = new Map<string, { id: string; keySeq: number }>();
  const effects = facts.effects;
  for (let index = 0; index < effects.length; index++) {
    const msgId = effects.msgIdAt(index);
    if (seen.has(msgId)) continue;
    seen.add(msgId);
    const message = facts.message(msgId);
    if (message === undefined) continue;
    const latest = latestPerKey.get(message.orderKey);
    if (msgId === late) return latest !== undefined && latest.keySeq > message.keySeq ? latest.id : undefined;
    if (latest === undefined || latest.keySeq < message.keySeq) latestPerKey.set(message.orderKey, { id: message.id, keySeq: message.keySeq });
  }
  return undefined;
}

/**
 * A message's first application, read off the DB effects (the built-in processing's and a handler's alike): its time,
 * its log offset, and the record that applied it (a built-in db-commit, or the handler's committing db call).
 */
function firstApplication(facts: TraceFacts, msg: string): { tUs: number; offset: number; record: TraceEvent | undefined } | undefined {
  const effects = facts.effects;
  for (let index = 0; index < effects.length; index++) {
    if (effects.msgIdAt(index) !== msg) continue;
    return { tUs: effects.tAt(index), offset: effects.offsetAt(index), record: facts.aboutKind(msg, 'db-commit')[0] ?? facts.aboutKind(msg, 'db-op', { effect: true })[0] };
  }
  return undefined;
}

export function orderStory(facts: TraceFacts, late: string): Story | undefined {
  const early = appliedBefore(facts, late);
  const lateMessage = facts.message(late);
  if (early === undefined || lateMessage === undefined) return undefined;
  const lateApplied = firstApplication(facts, late);
  const earlyApplied = firstApplication(facts, early);
  if (lateApplied === undefined || earlyApplied === undefined) return undefined;
  const cite = new Citations(facts);
  const lateCommit = lateApplied.record;
  const earlyCommit = earlyApplied.record;
  cite.add(lateCommit, earlyCommit);
  const lateOffset = lateApplied.offset;
  const earlyOffset = earlyApplied.offset;
  const lateAt = lateCommit === undefined ? at(lateApplied.tUs) : cite.at(lateCommit);
  const earlyAt = earlyCommit === undefined ? at(earlyApplied.tUs) : cite.at(earlyCommit);
  const headline = `${late} and ${early} share key ${lateMessage.key} and the producer was handed ${late} first, yet the DB applied ${late} after ${early}`;
  const lateSend = sendRecord(facts, late, 1);
  cite.add(lateSend);
  if (lateOffset > earlyOffset) {
    // The log itself is inverted: explain how the later message overtook the earlier one.
    const lateAppend = facts.aboutKind(late, 'append', { offset: lateOffset })[0];
    const earlyAppend = facts.aboutKind(early, 'append', { offset: earlyOffset })[0] ?? appendRecord(facts, early, 1);
    // The attempt of the earlier message that made it into the log is the one that overtook.
    const earlySend = sendRecord(facts, early, earlyAppend?.attempt ?? 1);
    cite.add(lateAppend, earlyAppend, earlySend);
    const appendedAttempt = lateAppend?.attempt ?? 1;
    const steps: string[] = [];
    for (let attempt = 1; attempt < appendedAttempt; attempt++) {
      steps.push(`${attempt === 1 ? `${late}'s first produce request` : `attempt ${attempt}`} ${attemptFate(facts, cite, late, attempt)}`);
      steps.push(resendReason(facts, cite, late, attempt));
    }
    const inFlight = facts.settings.maxInFlight > 1 ? ` — with max.in.flight.requests=${facts.settings.maxInFlight} the producer does not wait for ${late} before sending the next records` : '';
    steps.push(`meanwhile ${early}${earlySend === undefined ? '' : `, sent at ${cite.at(earlySend)},`} was appended at offset ${earlyOffset}${earlyAppend === undefined ? '' : ` (${cite.at(earlyAppend)})`}${inFlight}`);
    steps.push(`${late}'s ${appendedAttempt > 1 ? `retry (attempt ${appendedAttempt})` : 'request'} was appended only at offset ${lateOffset}${lateAppend === undefined ? '' : ` (${cite.at(lateAppend)})`}, behind ${early}`);
    const guard = facts.settings.enableIdempotence ? '' : '; without enable.idempotence the broker does not check sequence numbers, so nothing refused the out-of-order append';
    const text = `${headline}: ${steps.join('; ')}${guard}; the consumer applies records in log order, so ${early} (offset ${earlyOffset}) was applied at ${earlyAt} and ${late} (offset ${lateOffset}) only at ${lateAt}.`;
    const mechanism = appendedAttempt > 1 ? overtakenResend(facts, late, appendedAttempt) : 'requests reordered before reaching the broker';
    return { invariant: 'order', msg: late, mechanism, text, records: cite.list(), msgs: [late, early] };
  }
  const parked = facts.aboutKind(late, 'dead-lettered')[0];
  if (parked !== undefined && parked.t <= lateApplied.tUs) {
    // Dead-lettered, so the consumer went on; a redelivery (the offset not yet committed past it) applied it after all.
    const redelivery = facts.next(parked, is('deliver', { msg: late }));
    cite.add(parked, redelivery);
    const again = redelivery === undefined ? 'delivered again' : `delivered again at ${cite.at(redelivery)} (delivery ${redelivery.delivery}: the group's committed offset had not moved past it)`;
    const text = `${headline}: ${late} sits before ${early} in the log (offsets ${lateOffset} and ${earlyOffset}), but its processing kept failing: after processing-retries=${facts.settings.processingRetries} the consumer published it to ${parked.topic} at ${cite.at(parked)} (on-error=dead-letter) and went on to the records behind it, ${early} among them (applied at ${earlyAt}); ${late} was then ${again} and applied at ${lateAt}, behind ${early}. It is now both in ${parked.topic} and applied.`;
    return { invariant: 'order', msg: late, mechanism: 'dead-lettered, then redelivered and applied behind later records', text, records: cite.list(), msgs: [late, early] };
  }
  const text = `${headline}: ${late} sits before ${early} in the log (offsets ${lateOffset} and ${earlyOffset}), but its first application came only at ${lateAt}, after ${early}'s at ${earlyAt}.`;
  return { invariant: 'order', msg: late, mechanism: 'applied out of log order', text, records: cite.list(), msgs: [late, early] };
}

/**
 * What sent the attempt that landed behind a later record: an outbox re-send (the relay's, after the producer gave
 * the record up, or a restarted producer's) overtakes whatever max.in.flight.requests says; else a retry overtaken by
 * the requests in flight beside it.
 */
function overtakenResend(facts: TraceFacts, msg: string, attempt: number): string {
  const send = sendRecord(facts, msg, attempt);
  const resend = send === undefined ? undefined : facts.previous(send, is('outbox-resend', {}, (record) => record.msgs.includes(msg)), sendRecord(facts, msg, attempt - 1));
  if (resend !== undefined) return `${isRelayResend(facts, resend) ? 'outbox relay re-send' : 'outbox re-send after a producer restart'} overtaken by later records: reordered log`;
  if (send !== undefined && facts.previous(send, is('txn-aborted', {}, (record) => record.msgs.includes(msg)), sendRecord(facts, msg, attempt - 1)) !== undefined) return 'aborted transaction sent again behind later records: reordered log';
  return `retry overtaken by in-flight requests: reordered log (max.in.flight.requests=${trimNumber(facts.settings.maxInFlight)})`;
}
