/**
 * Parked records: given up by a group's failure policy and published to the dead-letter topic. They are neither
 * applied nor lost: their own outcome, counted once per group however often a redelivery parked them again.
 */
import { workloadOf } from '../workload.js';
import type { WorkloadMessage } from '../workload.js';
import type { CheckInput } from './input.js';
import { MAX_WITNESSES, witness } from './witness.js';
import type { Witness } from './witness.js';

export interface ParkedResult {
  count: number;
  witnesses: Witness[];
}

const NONE: ReadonlySet<string> = new Set();

export function parkedIn(input: CheckInput, group: string, groups: number): { ids: ReadonlySet<string>; result: ParkedResult } {
  // Most runs park nothing: no filtering of the workload for them.
  if (input.parked === undefined || input.parked.length === 0) return { ids: NONE, result: { count: 0, witnesses: [] } };
  const ids = new Set((input.parked ?? []).filter((record) => record.group === group).map((record) => record.msgId));
  const where = groups === 1 ? '' : ` by group ${group}`;
  const workload = workloadOf(input.workload);
  const messages: WorkloadMessage[] = [];
  for (let position = 0; position < workload.length; position++) if (ids.has(workload.idAt(position))) messages.push(workload.at(position));
  const witnesses = messages.slice(0, MAX_WITNESSES).map((message: WorkloadMessage) => witness(message.id, `${message.id} (key ${message.key}) was parked in ${input.deadLetter ?? 'the dead-letter topic'}${where}: its processing kept failing`, input.trace, [message.id], group));
  return { ids, result: { count: messages.length, witnesses } };
}

export function mergeParked(results: readonly ParkedResult[]): ParkedResult {
  if (results.length === 1) return results[0];
  return { count: results.reduce((sum, item) => sum + item.count, 0), witnesses: results.flatMap((item) => item.witnesses).slice(0, MAX_WITNESSES) };
}
