/**
 * Invariant checkers: pure functions of the workload, the final DB effects, the producer's acknowledgements, the
 * run outcome and the trace. They know nothing of how the run was produced, so they are tested on hand-written
 * inputs. Each returns a count and witnesses; `judge` turns that into holds / broken, as expected / VIOLATED.
 */
import type { InvariantName } from '../modes.js';
import { applications } from './applications.js';
import { duplicatesOf } from './duplicates.js';
import type { CheckInput } from './input.js';
import { checkLiveness } from './liveness.js';
import { lossOf } from './loss.js';
import { orderOf } from './order.js';
import type { InvariantResult } from './witness.js';

export function checkInvariants(input: CheckInput, promises: Record<InvariantName, boolean>): Record<InvariantName, InvariantResult> {
  const applied = applications(input);
  return {
    loss: lossOf(input, promises.loss, applied),
    duplicates: duplicatesOf(input, promises.duplicates, applied),
    order: orderOf(input, promises.order, applied),
    liveness: checkLiveness(input, promises.liveness),
  };
}

export { checkDuplicates } from './duplicates.js';
export { checkLiveness } from './liveness.js';
export { checkLoss } from './loss.js';
export { checkOrder } from './order.js';
export { judge, MAX_WITNESSES } from './witness.js';
export type { InvariantResult, InvariantStatus, Witness } from './witness.js';
export type { CheckInput } from './input.js';
