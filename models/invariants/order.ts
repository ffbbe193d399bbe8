/** Order: for one key, first applications in an order that differs from the producer's hand-over order. */
import { workloadOf } from '../workload.js';
import { applications } from './applications.js';
import type { Applications } from './applications.js';
import type { CheckInput } from './input.js';
import { MAX_WITNESSES, SINGLE_GROUP, result, witness } from './witness.js';
import type { InvariantResult, Scope, Witness } from './witness.js';

export function checkOrder(input: CheckInput, promised: boolean): InvariantResult {
  return orderOf(input, promised, applications(input));
}

export function orderOf(input: CheckInput, promised: boolean, applied: Applications, scope: Scope = SINGLE_GROUP): InvariantResult {
  const where = scope.where;
  const workload = workloadOf(input.workload);
  const firstApplied = new Uint8Array(workload.length);
  /** Per order key: the position of the message applied latest (first applications only). */
  const latestPerKey = new Map<string, number>();
  const witnesses: Witness[] = [];
  let count = 0;
  for (let index = 0; index < applied.effectPositions.length; index++) {
    const position = applied.effectPositions[index];
    if (position < 0) continue; // an effect of no workload message
    if (firstApplied[position] === 1) continue; // re-applications are the duplicates checker's business
    firstApplied[position] = 1;
    // A delayed message is due later on purpose: its place in the order is the schedule's business.
    if (input.unordered?.has(position) === true) continue;
    const at = applied.last[position];
    // Per order key: the key, or the producer and the key (nothing orders two producers' sends of one key).
    const orderKey = workload.orderKeyAt(at);
    const latest = latestPerKey.get(orderKey);
    if (latest !== undefined && workload.keySeqAt(latest) > workload.keySeqAt(at)) {
      count++;
      if (witnesses.length < MAX_WITNESSES) {
        const message = workload.at(at);
        const latestId = workload.idAt(latest);
        const whose = orderKey === message.key ? `key ${message.key}` : `key ${message.key} of producer ${message.producer}`;
        witnesses.push(witness(message.id, `${message.id} was applied after ${latestId}${where}, but the producer sent ${message.id} first (${whose})`, input.trace, [message.id, latestId], scope.group));
      }
    } else {
      latestPerKey.set(orderKey, at);
    }
  }
  return result('order', promised, count, witnesses);
}
