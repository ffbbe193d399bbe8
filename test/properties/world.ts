/**
 * Small worlds for the property suites: a handful of messages so one run takes ~0.1 ms and a
 * counterexample reads in one line, and a fault-plan arbitrary sized to them.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { faultPlanArb, resolveConfig, runPlan, topologyArb, workloadArb } from '../../index.js';
import type { DeliverySettings, FaultPlan, FaultPlanConstraints, InvariantName, ModeName, SimulationConfig, SimulationResult, TopologySettings, WorkloadSettings } from '../../index.js';

/** The fixed world of the "can break" searches: 6 messages on 2 keys in one partition (several per key, for order). */
export const SMALL_WORKLOAD: WorkloadSettings = { messages: 6, keys: 2, partitions: 1, produceIntervalMs: 2, burst: 0 };

export function smallConfig(mode: ModeName, settings: Partial<DeliverySettings> = {}, seed = 1): SimulationConfig {
  return resolveConfig({ mode, seed, workload: SMALL_WORKLOAD, settings });
}

/** Plans over the small workload: up to 6 faults, so shrinking has real work to do. */
export function smallPlanArb(constraints: Omit<FaultPlanConstraints, 'workload'> = {}): Arbitrary<FaultPlan> {
  return faultPlanArb({ maxFaults: 6, ...constraints, workload: SMALL_WORKLOAD });
}

export interface GeneratedCase {
  seed: number;
  workload: WorkloadSettings;
  topology: TopologySettings;
  plan: FaultPlan;
}

/**
 * For "promised => holds": the world varies too (seed, 1-8 messages, 1-3 keys, 1-3 partitions, two paces, a
 * burst; 1-2 producers, 1-2 consumer groups of 1-3 members), and plans name messages up to 8, partitions up to 2
 * and that topology's instances (faults beyond the workload just never fire).
 */
export function generatedCaseArb(constraints: Omit<FaultPlanConstraints, 'workload' | 'topology'> = {}): Arbitrary<GeneratedCase> {
  return topologyArb({ maxProducers: 2, maxGroups: 2, maxConsumers: 3 }).chain((topology) =>
    fc.record({
      seed: fc.integer({ min: 0, max: 10_000 }),
      workload: workloadArb({ maxMessages: 8, maxKeys: 3, maxPartitions: 3, withBurst: true }),
      topology: fc.constant(topology),
      plan: faultPlanArb({ maxFaults: 6, ...constraints, workload: { messages: 8, partitions: 3, produceIntervalMs: 2, burst: 0 }, topology }),
    }),
  );
}

export function runCase(mode: ModeName, item: GeneratedCase, settings: Partial<DeliverySettings> = {}): SimulationResult {
  return runPlan(resolveConfig({ mode, seed: item.seed, workload: item.workload, topology: item.topology, settings }), item.plan);
}

/** One line for an assertion message: what broke, and the plan that broke it. */
export function explain(result: SimulationResult, invariant: InvariantName): string {
  const verdict = result.invariants[invariant];
  return `${invariant} ${verdict.status} (${verdict.witnesses.map((witness) => witness.summary).join('; ')}) in seed ${result.config.seed}, workload ${JSON.stringify(result.config.workload)}, topology ${JSON.stringify(result.config.topology)}, plan ${JSON.stringify(result.injected.faults)}`;
}
