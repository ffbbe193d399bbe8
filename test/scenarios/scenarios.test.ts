/**
 * Every named scenario against its own stated expectations, per mode, over a few pinned seeds:
 * `holds` must hold in every seed, `breaks` must break in every seed, `may-break` is left to the seeds.
 */
import { describe, expect, it } from 'vitest';
import { MODE_NAMES } from '../../models/config.js';
import { PROMISES } from '../../models/modes.js';
import { simulate } from '../../models/engine.js';
import { SCENARIOS, findScenario } from '../../scenarios/scenarios.js';

const SEEDS = [1, 2, 3, 4, 5];
const CHECKED = ['loss', 'duplicates', 'order'] as const;

describe('scenarios', () => {
  it('have unique names, findable by name', () => {
    const names = SCENARIOS.map((scenario) => scenario.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(findScenario(name)?.name).toBe(name);
    expect(findScenario('no-such-scenario')).toBeUndefined();
    expect(names).toContain('default');
  });

  for (const scenario of SCENARIOS) {
    describe(scenario.name, () => {
      for (const mode of MODE_NAMES) {
        it(`${mode}: ${CHECKED.map((name) => `${name} ${scenario.expected[mode][name]}`).join(', ')}`, () => {
          for (const seed of SEEDS) {
            const result = simulate({ family: scenario.family, mode, seed, faults: scenario.faults, settings: scenario.settings, workload: scenario.workload, topology: scenario.topology, timing: scenario.timing });
            const expected = scenario.expected[mode];
            if (expected.liveness === 'breaks') expect(result.outcome.kind, `seed ${seed}: liveness should break`).toBe('stalled');
            else expect(result.outcome, `seed ${seed}`).toEqual({ kind: 'quiescent' });
            if (expected.parked === 'some') expect(result.parked.count, `seed ${seed}: something should be parked`).toBeGreaterThan(0);
            if (expected.parked === 'none') expect(result.parked.count, `seed ${seed}: nothing should be parked`).toBe(0);
            // The scenario's plan must hit its window; the one exception is an ack to lose under acks=0, which sends none.
            // Likewise a RabbitMQ confirm to lose without publisher confirms, and a dead-letter queue without a dead-letter exchange.
            const settings = result.config.settings as unknown as Record<string, unknown>;
            const unhittable = result.unusedPlanFaults.filter(
              (fault) => !(fault.kind === 'ack-lost' && settings.acks === 0) && !(fault.kind === 'confirm-lost' && settings.publisherConfirms === false) && !(fault.kind === 'dead-letter-unavailable' && settings.deadLetterExchange === false),
            );
            expect(unhittable, `seed ${seed}: the scenario's plan must hit`).toEqual([]);
            for (const name of CHECKED) {
              const expectation = scenario.expected[mode][name];
              const invariant = result.invariants[name];
              if (expectation === 'holds') expect(invariant.count, `seed ${seed}: ${name} should hold`).toBe(0);
              if (expectation === 'breaks') expect(invariant.count, `seed ${seed}: ${name} should break`).toBeGreaterThan(0);
              // The status follows the mode's promise, scenario or not.
              expect(invariant.status).toBe(invariant.count === 0 ? 'holds' : PROMISES[mode][name] ? 'VIOLATED' : 'broken, as expected');
            }
          }
        });
      }
    });
  }

  it('the anti-pattern scenarios make a mode that promises the broken invariant report VIOLATED', () => {
    const failover = findScenario('leader-failover-acks-1');
    expect(failover).toBeDefined();
    const result = simulate({ mode: 'at-least-once', seed: 1, faults: failover?.faults, settings: failover?.settings, workload: failover?.workload });
    expect(result.invariants.loss.status).toBe('VIOLATED');
    expect(result.verdict).toBe('violated');
  });
});
