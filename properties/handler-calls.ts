/**
 * How many steps a handler has: the most DB calls it made in one delivery of one message in a run (at least 1).
 * A search over a handler's faults names consumer crashes and lost replies by step up to this many calls.
 */
import type { SimulationResult } from '../models/engine.js';

export function handlerCallsOf(result: Pick<SimulationResult, 'trace'>): number {
  let most = 1;
  const firstCall = new Map<string, number>();
  for (const record of result.trace) {
    if (record.kind !== 'handler-call') continue;
    const key = `${record.actor} ${record.msg} ${record.delivery}`;
    const first = firstCall.get(key) ?? record.call;
    if (!firstCall.has(key)) firstCall.set(key, first);
    most = Math.max(most, record.call - first + 1);
  }
  return most;
}
