/** Liveness: after healing, the run settles within its limits. */
import { traceTail } from './input.js';
import type { CheckInput } from './input.js';
import { result } from './witness.js';
import type { InvariantResult } from './witness.js';

export function checkLiveness(input: Pick<CheckInput, 'outcome' | 'trace' | 'unsettledBecause'>, promised: boolean): InvariantResult {
  const outcome = input.outcome;
  if (outcome.kind === 'quiescent') return result('liveness', promised, 0, []);
  // A timeout no answer (or most answers) can meet is why, whatever the limit: raising the limit would not help.
  const because = input.unsettledBecause === undefined || input.unsettledBecause.length === 0 ? '' : `; ${input.unsettledBecause.join('; ')}`;
  if (outcome.kind === 'stalled') {
    const summary =
      outcome.idleSinceUs === undefined
        ? 'the run stalled after healing: no event was left to run, yet the system had not settled (something waits for an answer that cannot come)'
        : `the run stalled after healing: nothing moved forward after t=${outcome.idleSinceUs / 1000} ms, yet the system had not settled (something retries what cannot succeed, or waits for what cannot come)`;
    return result('liveness', promised, 1, [{ msg: '', summary: summary + because, records: traceTail(input.trace, 5) }]);
  }
  const limit = outcome.limit === 'events' ? `${outcome.value} events (limits.maxEvents, --max-events raises it)` : `${outcome.value / 1000} ms of virtual time (limits.maxVirtualTimeMs, --max-virtual-time-ms raises it)`;
  return result('liveness', promised, 1, [{ msg: '', summary: `the run did not settle after healing: it hit the limit of ${limit}${because}`, records: traceTail(input.trace, 5) }]);
}
