/**
 * Schedule: a delayed message is never processed before its due time. Promised whenever delays are used; how late
 * the delayed messages were is reported as a figure (the TTL + dead-letter pattern is late behind a longer TTL).
 * Judged on each group's first delivery of each delayed message to the business logic.
 */
import type { TraceEvent } from '../events.js';
import { MAX_WITNESSES, judge, witness } from './witness.js';
import type { InvariantResult, Witness } from './witness.js';

export type ScheduleResult = Omit<InvariantResult, 'name'> & { name: 'schedule'; /** The latest a delayed message was first processed after its due time (ms). */ lateMsMax: number };

export function checkSchedule(dueUs: readonly number[], trace: readonly TraceEvent[]): ScheduleResult {
  const firstDelivery = new Map<string, number>();
  for (const record of trace) {
    if (record.kind !== 'deliver') continue;
    const key = `${record.actor.split('/')[0]}|${record.msg}`;
    if (!firstDelivery.has(key)) firstDelivery.set(key, record.t);
  }
  let early = 0;
  let lateUsMax = 0;
  const witnesses: Witness[] = [];
  for (const [key, t] of firstDelivery) {
    const msg = key.slice(key.indexOf('|') + 1);
    const index = Number(msg.slice(1)) - 1;
    const due = dueUs[index] ?? -1;
    if (due < 0) continue;
    if (t >= due) {
      lateUsMax = Math.max(lateUsMax, t - due);
      continue;
    }
    early++;
    if (witnesses.length < MAX_WITNESSES) witnesses.push(witness(msg, `${msg} was processed at t=${t / 1000} ms, before its due time t=${due / 1000} ms`, trace, [msg]));
  }
  return { name: 'schedule', promised: true, holds: early === 0, count: early, status: judge(true, early), witnesses, lateMsMax: lateUsMax / 1000 };
}
