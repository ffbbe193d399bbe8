/** Running the delivery world with an explicit fault plan, and reading its trace, for mechanism tests. */
import type { DeliverySettings, ModeName, WorkloadSettings } from '../../models/config.js';
import type { Fault } from '../../models/faults.js';
import { simulate } from '../../models/simulation.js';
import type { SimulationResult } from '../../models/simulation.js';
import type { TraceRecord } from '../../sim/trace.js';

/** Six messages on two keys in one partition: small enough to reason about, long enough to have a middle. */
export const SMALL_WORKLOAD: Partial<WorkloadSettings> = { messages: 6, keys: 2, partitions: 1 };

export interface PlanRun {
  seed?: number;
  settings?: Partial<DeliverySettings>;
  workload?: Partial<WorkloadSettings>;
}

export function runPlan(mode: ModeName, faults: Fault[], options: PlanRun = {}): SimulationResult {
  return simulate({ mode, seed: options.seed ?? 1, faults: { version: 1, faults }, settings: options.settings, workload: options.workload ?? SMALL_WORKLOAD });
}

/** Trace records of one kind, optionally about one message (its `msg`). */
export function recordsOf(result: SimulationResult, kind: string, msg?: string): TraceRecord[] {
  return result.trace.filter((record) => record.kind === kind && (msg === undefined || record.msg === msg));
}

/** How many times the DB applied the message's effect. */
export function appliedCount(result: SimulationResult, msg: string): number {
  return result.effects.filter((effect) => effect.msgId === msg).length;
}

/** Invariant counts in one object, for compact assertions. */
export function counts(result: SimulationResult): { loss: number; duplicates: number; order: number; liveness: number } {
  const { loss, duplicates, order, liveness } = result.invariants;
  return { loss: loss.count, duplicates: duplicates.count, order: order.count, liveness: liveness.count };
}
