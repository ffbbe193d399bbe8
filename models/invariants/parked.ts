/**
 * Parked records: given up by a group's failure policy and published to the dead-letter topic. They are neither
 * applied nor lost: their own outcome, counted once per group however often a redelivery parked them again. A
 * redelivery after the publish (a crash or a rebalance before the offset moved past it) can still apply one: it is
 * then both in the topic and applied, which its witness says (re-processing the topic would apply it twice).
 */
import { workloadOf } from '../workload.js';
import type { WorkloadMessage } from '../workload.js';
import type { Applications } from './applications.js';
import type { CheckInput } from './input.js';
import { MAX_WITNESSES, witness } from './witness.js';
import type { Witness } from './witness.js';

export interface ParkedResult {
  count: number;
  witnesses: Witness[];
  /** Of `count`, the records a later redelivery applied as well (absent when none). */
  alsoApplied?: number;
}

const NONE: ReadonlySet<string> = new Set();

/** `applied`: the group's applications, to tell the parked records a redelivery applied after all. */
export function parkedIn(input: CheckInput, group: string, groups: number, applied: Applications): { ids: ReadonlySet<string>; result: ParkedResult } {
  // Most runs park nothing: no filtering of the workload for them.
  if (input.parked === undefined || input.parked.length === 0) return { ids: NONE, result: { count: 0, witnesses: [] } };
  // Why each was parked, the first time (a record parked again by a redelivery keeps its first reason).
  const why = new Map<string, string>();
  for (const record of input.parked) if (record.group === group && !why.has(record.msgId)) why.set(record.msgId, record.why ?? 'its processing kept failing');
  const ids: ReadonlySet<string> = new Set(why.keys());
  const where = groups === 1 ? '' : ` by group ${group}`;
  const workload = workloadOf(input.workload);
  const messages: WorkloadMessage[] = [];
  const alsoApplied = new Set<string>();
  for (let position = 0; position < workload.length; position++) {
    const id = workload.idAt(position);
    if (!ids.has(id)) continue;
    messages.push(workload.at(position));
    if (applied.counts[applied.canon[position]] !== 0) alsoApplied.add(id);
  }
  const witnesses = messages.slice(0, MAX_WITNESSES).map((message: WorkloadMessage) => {
    const after = alsoApplied.has(message.id) ? ', and a later redelivery applied it too' : '';
    return witness(message.id, `${message.id} (key ${message.key}) was parked in ${input.deadLetter ?? 'the dead-letter topic'}${where}: ${why.get(message.id) ?? ''}${after}`, input.trace, [message.id], group);
  });
  return { ids, result: { count: messages.length, witnesses, ...(alsoApplied.size > 0 ? { alsoApplied: alsoApplied.size } : {}) } };
}

export function mergeParked(results: readonly ParkedResult[]): ParkedResult {
  if (results.length === 1) return results[0];
  const alsoApplied = results.reduce((sum, item) => sum + (item.alsoApplied ?? 0), 0);
  return { count: results.reduce((sum, item) => sum + item.count, 0), witnesses: results.flatMap((item) => item.witnesses).slice(0, MAX_WITNESSES), ...(alsoApplied > 0 ? { alsoApplied } : {}) };
}
