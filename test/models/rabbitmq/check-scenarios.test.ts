/**
 * `simulate check --broker rabbitmq` finds every break the RabbitMQ scenarios expect: for each scenario and mode
 * whose expected verdict says an invariant breaks, a seeded search over generated plans of RabbitMQ's fault kinds
 * (in the scenario's world, with its settings and workload, not its plan) finds a plan that breaks it and shrinks it
 * to at most 2 faults (none, for a scenario that breaks without faults), and that plan replays to the same break.
 */
import { describe, expect, it } from 'vitest';
import { MODE_NAMES } from '../../../models/config.js';
import { runSimulation } from '../../../models/engine.js';
import { resolveConfig } from '../../../models/resolve.js';
import type { InvariantName } from '../../../models/modes.js';
import { checkInvariant } from '../../../properties/check.js';
import { brokenInvariants } from '../../../properties/breaks.js';
import { RABBITMQ_SCENARIOS } from '../../../scenarios/rabbitmq.js';

const INVARIANTS: readonly InvariantName[] = ['loss', 'duplicates', 'order', 'liveness'];

/**
 * Breaks that need two faults on the same message (a poison message and the dead-letter queue down at its
 * dead-lettering): a random search of 300, or 3,000, plans does not pair them; `explore` does (test/models/rabbitmq/versions.test.ts).
 */
const CORRELATED = new Set(['dead-letter-at-most-once-loses']);

const expectedBreaks = RABBITMQ_SCENARIOS.filter((scenario) => !CORRELATED.has(scenario.name)).flatMap((scenario) =>
  MODE_NAMES.flatMap((mode) => INVARIANTS.filter((invariant) => (scenario.expected[mode] as Partial<Record<InvariantName, string>>)[invariant] === 'breaks').map((invariant) => ({ scenario, mode, invariant }))),
);

describe('check finds and shrinks the expected breaks of every RabbitMQ scenario', () => {
  it('covers every scenario that expects a break', () => {
    const named = new Set(expectedBreaks.map((entry) => entry.scenario.name));
    expect([...named].sort()).toEqual(RABBITMQ_SCENARIOS.filter((scenario) => !CORRELATED.has(scenario.name) && Object.values(scenario.expected).some((row) => Object.values(row).includes('breaks'))).map((scenario) => scenario.name).sort());
    expect(expectedBreaks.length).toBeGreaterThanOrEqual(12);
  });

  for (const { scenario, mode, invariant } of expectedBreaks) {
    it(`${scenario.name} · ${mode}: ${invariant} breaks with a plan of 1-2 faults`, () => {
      const config = resolveConfig({ family: 'rabbitmq', mode, seed: 1, settings: scenario.settings, workload: scenario.workload });
      const outcome = checkInvariant({ config, invariant, numRuns: 300, plans: { maxFaults: 2 } });
      expect(outcome.found).toBe(true);
      if (!outcome.found) return;
      // A scenario that breaks with no fault at all (a setting's own effect, as a consumer slower than consumer_timeout) shrinks to none.
      expect(outcome.plan.faults.length).toBeGreaterThanOrEqual(scenario.faults === 'none' ? 0 : 1);
      expect(outcome.plan.faults.length).toBeLessThanOrEqual(2);
      expect(brokenInvariants(runSimulation(config, { plan: outcome.plan }))).toContain(invariant);
    });
  }
});
