/**
 * Kafka over a broker cluster (--nodes 3: broker actors, followers fetching from leaders, a controller), "promised =>
 * holds": worlds drawn by simulationInputArb (seed, workload, topology) with each mode's preset on three brokers,
 * transactions too under exactly-once, and plans of every Kafka fault kind the cluster has (broker crashes, cut links
 * between brokers) from faultPlanArb({ nodes: 3 }).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVARIANT_NAMES, MODES, MODE_NAMES, faultPlanArb, resolveConfig, runPlan, simulationInputArb } from '../../index.js';
import type { ModeName } from '../../index.js';
import { SEED_TAG, fcParams } from './fc-config.js';
import { explain } from './world.js';

function clusterCaseArb(mode: ModeName, transactions: boolean) {
  return simulationInputArb({ modes: [mode], workload: { maxMessages: 8, maxPartitions: 2, withBurst: true }, topology: { maxProducers: 2, maxGroups: 2, maxConsumers: 2 } }).chain((input) =>
    fc.record({
      input: fc.constant({ ...input, settings: { nodes: 3, ...(transactions ? { transactions: true } : {}) } }),
      plan: faultPlanArb({ maxFaults: 5, nodes: 3, transactions, workload: input.workload, topology: input.topology }),
    }),
  );
}

describe('Kafka cluster: promised invariants hold for every generated world and plan', () => {
  const cases = [...MODE_NAMES.map((mode) => [mode, false] as const), ['exactly-once', true] as const];
  for (const [mode, transactions] of cases) {
    const promised = INVARIANT_NAMES.filter((name) => MODES[mode].promises[name]);
    it(`${mode}${transactions ? ' with transactions' : ''} keeps ${promised.join(', ')} on 3 brokers ${SEED_TAG}`, () => {
      fc.assert(
        fc.property(clusterCaseArb(mode, transactions), ({ input, plan }) => {
          const result = runPlan(resolveConfig(input), plan);
          for (const invariant of promised) expect(result.invariants[invariant].status, explain(result, invariant)).toBe('holds');
        }),
        fcParams(),
      );
    });
  }
});
