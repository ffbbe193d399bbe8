/** Running the delivery world with an explicit fault plan, and reading its trace, for mechanism tests. */
import type { DeliverySettings, ModeName, WorkloadSettings } from '../../models/config.js';
import type { Fault } from '../../models/faults/catalog.js';
import { simulate } from '../../models/engine.js';
import type { SimulationResult } from '../../models/engine.js';
import type { EventOf, TraceEvent, TraceKind } from '../../models/events.js';
import type { WorkloadMessage } from '../../models/workload.js';

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
export function recordsOf<K extends TraceKind>(result: SimulationResult, kind: K, msg?: string): EventOf<K>[] {
  return result.trace.filter((record): record is EventOf<K> => record.kind === kind && (msg === undefined || (record as { msg?: string }).msg === msg));
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

/** A trace record read loosely in tests: any field, typed unknown, next to the typed ones. */
export type LooseRecord = TraceEvent & { readonly [field: string]: unknown };

/** Messages m1..mN on the given keys, one producer, partition 0, a millisecond apart; keySeq is each one's position within its key. */
export function workloadOnKeys(keys: readonly string[]): WorkloadMessage[] {
  const perKey = new Map<string, number>();
  return keys.map((key, index) => {
    const keySeq = perKey.get(key) ?? 0;
    perKey.set(key, keySeq + 1);
    return { id: `m${index + 1}`, index, key, partition: 0, producer: 'p1', orderKey: key, keySeq, handoverUs: index * 1000 };
  });
}
