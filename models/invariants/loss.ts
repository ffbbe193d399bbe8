/** Loss: a message handed to the producer that the DB never applied (and whether the broker had acknowledged it). */
import { workloadOf } from '../workload.js';
import { applications } from './applications.js';
import type { Applications } from './applications.js';
import type { CheckInput } from './input.js';
import { MAX_WITNESSES, SINGLE_GROUP, result, witness } from './witness.js';
import type { InvariantResult, Scope } from './witness.js';

export function checkLoss(input: CheckInput, promised: boolean): InvariantResult {
  return lossOf(input, promised, applications(input));
}

/**
 * A message is lost when its group neither applied nor parked it (a parked record is its own outcome). Two kinds of
 * message are neither, yet not lost: one never handed over (a limit stopped the run first: not produced), and, in a
 * run a limit stopped, one handed over but not yet applied: in flight, as it may still have been on its way (liveness
 * reports the limit). Only a run that settled (or stalled: nothing more could happen) shows what was lost.
 */
export function lossOf(input: CheckInput, promised: boolean, applied: Applications, scope: Scope = SINGLE_GROUP, parked: ReadonlySet<string> = new Set()): InvariantResult {
  const where = scope.where;
  const handedAtUs = input.handedAtUs;
  const stoppedByLimit = input.outcome.kind === 'limit';
  let notProduced = 0;
  let inFlight = 0;
  const workload = workloadOf(input.workload);
  // Positions of the lost messages: only they are built as objects (a workload keeps columns).
  const lostPositions: number[] = [];
  for (let position = 0; position < workload.length; position++) {
    if (applied.counts[applied.canon[position]] !== 0 || parked.has(workload.idAt(position))) continue;
    if (handedAtUs !== undefined && !(handedAtUs[position] >= 0)) notProduced++;
    else if (stoppedByLimit) inFlight++;
    else lostPositions.push(position);
  }
  const lost = lostPositions.map((position) => workload.at(position));
  const acknowledged = lost.filter((message) => input.brokerAcked.has(message.id));
  const witnesses = lost
    .slice(0, MAX_WITNESSES)
    .map((message) =>
      witness(message.id, `${message.id} (key ${message.key}) was handed to the producer but never applied to the DB${where}${input.brokerAcked.has(message.id) ? ', although the broker had acknowledged it' : ''}`, input.trace, [message.id], scope.group),
    );
  return result('loss', promised, lost.length, witnesses, { acknowledgedCount: acknowledged.length, ...(notProduced > 0 ? { notProducedCount: notProduced } : {}), ...(inFlight > 0 ? { inFlightAtLimitCount: inFlight } : {}) });
}
