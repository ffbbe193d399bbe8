/**
 * Invariant checkers: pure functions of the workload, the final DB effects, the producer's acknowledgements, the
 * run outcome and the trace. They know nothing of how the run was produced, so they are tested on hand-written
 * inputs. Each returns a count and witnesses; `judge` turns that into holds / broken, as expected / VIOLATED.
 */
import type { InvariantName } from '../modes.js';
import { checkGroups } from './groups.js';
import type { CheckInput } from './input.js';
import type { InvariantResult } from './witness.js';

/** Every invariant, judged per consumer group (see checkGroups) and summed over the groups. */
export function checkInvariants(input: CheckInput, promises: Record<InvariantName, boolean>): Record<InvariantName, InvariantResult> {
  return checkGroups(input, promises).invariants;
}

export { checkGroups } from './groups.js';
export type { GroupedVerdicts, Verdicts } from './groups.js';
export type { ParkedResult } from './parked.js';

export { checkDuplicates } from './duplicates.js';
export { checkLogDuplicates } from './log-duplicates.js';
export type { LogDuplicates } from './log-duplicates.js';
export { checkLiveness } from './liveness.js';
export { checkLoss } from './loss.js';
export { checkOrder } from './order.js';
export { judge, MAX_WITNESSES } from './witness.js';
export type { InvariantResult, InvariantStatus, Witness } from './witness.js';
export type { CheckInput } from './input.js';
