/**
 * A handler's own invariants (`invariants: { name: (db, workload) => ({ holds, witnesses }) }`): checked once over
 * the final tables and the workload in hand-over order, reported beside loss, duplicates and order, and promised
 * in every mode. An invariant that throws is a bug in the user's code: one line naming it.
 */
import type { Workload } from '../workload.js';
import { HandlerError } from './contract.js';
import type { FinalDb, HandlerModule, WorkloadEntry } from './contract.js';

/** Witnesses listed per invariant (the count is complete). */
const WITNESSES_MAX = 10;

export interface HandlerInvariantResult {
  promised: true;
  holds: boolean;
  /** Witnesses the check gave (0 when it holds). */
  count: number;
  status: 'holds' | 'VIOLATED';
  witnesses: string[];
}

export function judgeHandlerInvariants(module: HandlerModule | undefined, db: FinalDb | undefined, workload: Workload): Record<string, HandlerInvariantResult> {
  if (module?.invariants === undefined || db === undefined) return {};
  const entries: WorkloadEntry[] = [];
  for (let position = 0; position < workload.length; position++) entries.push({ id: workload.idAt(position), key: workload.keyAt(position), value: { seq: workload.indexAt(position) + 1, producer: workload.producerAt(position) } });
  const results: Record<string, HandlerInvariantResult> = {};
  for (const [name, check] of Object.entries(module.invariants)) {
    let outcome: ReturnType<typeof check>;
    try {
      outcome = check(db, entries);
    } catch (error) {
      throw new HandlerError(`invariant "${name}" threw: ${error instanceof Error ? error.message : 'a non-Error value'}`);
    }
    if (typeof outcome !== 'object' || outcome === null || typeof outcome.holds !== 'boolean') throw new HandlerError(`invariant "${name}" must return { holds: boolean, witnesses?: string[] }`);
    const witnesses = (outcome.witnesses ?? []).map(String);
    const holds = outcome.holds;
    results[name] = { promised: true, holds, count: holds ? 0 : Math.max(1, witnesses.length), status: holds ? 'holds' : 'VIOLATED', witnesses: holds ? [] : witnesses.slice(0, WITNESSES_MAX) };
  }
  return results;
}
