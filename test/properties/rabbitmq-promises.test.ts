/**
 * RabbitMQ's "promised => holds", with worlds drawn by the exported arbitraries a user would use: a RabbitMQ
 * simulation input (seed, workload, topology) from simulationInputArb({ family: 'rabbitmq' }) and a plan of its own
 * fault kinds from faultPlanArb({ family: 'rabbitmq' }) over that workload and topology.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVARIANT_NAMES, MODE_NAMES, MODES, faultPlanArb, resolveConfig, runPlan, simulationInputArb } from '../../index.js';
import type { ModeName } from '../../index.js';
import { RABBITMQ_VERSIONS } from '../../models/rabbitmq/settings.js';
import type { RabbitMqSettings } from '../../models/rabbitmq/settings.js';
import { SEED_TAG, fcParams } from './fc-config.js';
import { explain } from './world.js';

/** Releases without at-least-once dead-lettering (3.10 brought it): a dead-lettered message is lost if the dead-letter queue cannot take it. */
const WITHOUT_SAFE_DEAD_LETTERING = new Set(['3.8', '3.9']);

/**
 * A RabbitMQ world of the mode's preset (plus `settings`) on any release the model knows (a preset's promise must not
 * rest on one release's delivery-limit rules), and a plan for it. On 3.8 and 3.9 the plan leaves out an unavailable
 * dead-letter queue: no setting there keeps a dead-lettered message safe from it (a test below shows the loss).
 */
function rabbitCaseArb(mode: ModeName, settings: Partial<RabbitMqSettings> = {}, maxConsumers = 2) {
  return simulationInputArb({ family: 'rabbitmq', modes: [mode], workload: { maxMessages: 8, maxPartitions: 1, withBurst: true }, topology: { maxProducers: 2, maxGroups: 2, maxConsumers } }).chain((input) =>
    fc
      .record({
        input: fc.constantFrom(...RABBITMQ_VERSIONS).map((rabbitmqVersion) => ({ ...input, settings: { rabbitmqVersion, ...settings } })),
        plan: faultPlanArb({ family: 'rabbitmq', maxFaults: 5, workload: input.workload, topology: input.topology }),
      })
      .map(({ input: world, plan }) => ({ input: world, plan: WITHOUT_SAFE_DEAD_LETTERING.has(world.settings.rabbitmqVersion) ? { ...plan, faults: plan.faults.filter((fault) => fault.kind !== 'dead-letter-unavailable') } : plan })),
  );
}

describe('RabbitMQ: promised invariants hold for every generated world and plan', () => {
  for (const mode of MODE_NAMES) {
    const promised = INVARIANT_NAMES.filter((name) => MODES[mode].promises[name]);
    it(`${mode} keeps ${promised.join(', ')} ${SEED_TAG}`, () => {
      fc.assert(
        fc.property(rabbitCaseArb(mode), ({ input, plan }) => {
          const result = runPlan(resolveConfig(input), plan);
          for (const invariant of promised) {
            if (invariant === 'order' && result.topology.consumers.length > result.topology.groups.length) continue;
            expect(result.invariants[invariant].status, explain(result, invariant)).toBe('holds');
          }
        }),
        fcParams(),
      );
    });
  }

  it(`exactly-once with x-single-active-consumer keeps every promise, order included, with up to 3 consumers per queue ${SEED_TAG}`, () => {
    fc.assert(
      fc.property(rabbitCaseArb('exactly-once', { singleActiveConsumer: true }, 3), ({ input, plan }) => {
        const result = runPlan(resolveConfig(input), plan);
        for (const invariant of INVARIANT_NAMES) expect(result.invariants[invariant].status, explain(result, invariant)).toBe('holds');
      }),
      fcParams(),
    );
  });
});
