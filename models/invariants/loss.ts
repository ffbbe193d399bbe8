/** Loss: a message handed to the producer that the DB never applied (and whether the broker had acknowledged it). */
import { applications } from './applications.js';
import type { Applications } from './applications.js';
import type { CheckInput } from './input.js';
import { MAX_WITNESSES, result, witness } from './witness.js';
import type { InvariantResult } from './witness.js';

export function checkLoss(input: CheckInput, promised: boolean): InvariantResult {
  return lossOf(input, promised, applications(input));
}

export function lossOf(input: CheckInput, promised: boolean, applied: Applications, where = ''): InvariantResult {
  const lost = input.workload.filter((_message, position) => applied.counts[applied.canon[position]] === 0);
  const acknowledged = lost.filter((message) => input.brokerAcked.has(message.id));
  const witnesses = lost
    .slice(0, MAX_WITNESSES)
    .map((message) =>
      witness(message.id, `${message.id} (key ${message.key}) was handed to the producer but never applied to the DB${where}${input.brokerAcked.has(message.id) ? ', although the broker had acknowledged it' : ''}`, input.trace, [message.id]),
    );
  return result('loss', promised, lost.length, witnesses, { acknowledgedCount: acknowledged.length });
}
