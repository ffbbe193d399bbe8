/** Duplicates: a message whose effect the DB applied more than once. */
import { workloadOf } from '../workload.js';
import { applications } from './applications.js';
import type { Applications } from './applications.js';
import type { CheckInput } from './input.js';
import { MAX_WITNESSES, SINGLE_GROUP, result, witness } from './witness.js';
import type { InvariantResult, Scope } from './witness.js';

export function checkDuplicates(input: CheckInput, promised: boolean): InvariantResult {
  return duplicatesOf(input, promised, applications(input));
}

export function duplicatesOf(input: CheckInput, promised: boolean, applied: Applications, scope: Scope = SINGLE_GROUP): InvariantResult {
  const where = scope.where;
  const countAt = (position: number): number => applied.counts[applied.canon[position]];
  const duplicated: number[] = [];
  const workload = workloadOf(input.workload);
  for (let position = 0; position < workload.length; position++) if (countAt(position) > 1) duplicated.push(position);
  const witnesses = duplicated.slice(0, MAX_WITNESSES).map((position) => {
    const message = workload.at(position);
    return witness(message.id, `${message.id} (key ${message.key}) was applied to the DB ${countAt(position)} times${where}`, input.trace, [message.id], scope.group);
  });
  return result('duplicates', promised, duplicated.length, witnesses);
}
