/**
 * Log duplicates: a producer message the partition log holds more than once at the end of the run (a retry or an
 * outbox re-send appended it again). Not an invariant of any mode (the consumer side may still apply it once); a
 * figure with witnesses, so a run shows where the log itself duplicated, not only in --trace.
 */
import type { CheckInput } from './input.js';
import type { LogCopies } from '../observations.js';
import { workloadIndex, workloadOf } from '../workload.js';
import type { Workload, WorkloadMessage } from '../workload.js';
import { MAX_WITNESSES, witness } from './witness.js';
import type { Witness } from './witness.js';

export interface LogDuplicates {
  /** Messages held more than once by their partition's log. */
  count: number;
  /** The first MAX_WITNESSES of them, in workload order. */
  witnesses: Witness[];
}

export function checkLogDuplicates(given: readonly WorkloadMessage[] | Workload, trace: CheckInput['trace'], copies: readonly LogCopies[]): LogDuplicates {
  const duplicated = copies.filter((entry) => entry.offsets.length > 1);
  // Most runs duplicate nothing in the log: no map of the whole workload for them.
  if (duplicated.length === 0) return { count: 0, witnesses: [] };
  // The workload's shared id index, not a map of every message per run: many short runs duplicate something.
  const workload = workloadOf(given);
  const { positionOf, last } = workloadIndex(workload);
  const witnesses = duplicated.slice(0, MAX_WITNESSES).map((entry) => {
    const position = positionOf(entry.msgId);
    const summary = `${entry.msgId} (key ${position >= 0 ? workload.keyAt(last[position]) : '?'}) is in partition ${entry.partition}'s log ${entry.offsets.length} times (offsets ${offsetsWords(entry.offsets)})`;
    return witness(entry.msgId, summary, trace, [entry.msgId]);
  });
  return { count: duplicated.length, witnesses };
}

/** Offsets listed in a summary at most; a message re-sent endlessly is in its log thousands of times. */
const OFFSETS_LISTED_MAX = 10;

/** "0, 1, 4", or the first OFFSETS_LISTED_MAX and how many more. */
function offsetsWords(offsets: readonly number[]): string {
  if (offsets.length <= OFFSETS_LISTED_MAX) return offsets.join(', ');
  return `${offsets.slice(0, OFFSETS_LISTED_MAX).join(', ')} and ${offsets.length - OFFSETS_LISTED_MAX} more`;
}
