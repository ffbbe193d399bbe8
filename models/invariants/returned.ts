/**
 * Returned messages: a mandatory publish the broker could not route came back to its publisher (RabbitMQ's
 * basic.return). Not an invariant: the publisher knows and re-publishes it. Counted once per message, with a
 * witness each, so "mandatory returns an unroutable message" can be read off a run.
 */
import type { CheckInput } from './input.js';
import type { ParkedResult } from './parked.js';
import { MAX_WITNESSES, witness } from './witness.js';

export function returnedOf(returned: readonly string[] | undefined, trace: CheckInput['trace']): ParkedResult {
  if (returned === undefined || returned.length === 0) return { count: 0, witnesses: [] };
  const witnesses = returned.slice(0, MAX_WITNESSES).map((msg) => witness(msg, `${msg} matched no binding and came back to its publisher by basic.return (mandatory)`, trace, [msg]));
  return { count: returned.length, witnesses };
}
