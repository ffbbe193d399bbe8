/**
 * The example of docs/properties.md, against the exported API, so the documentation cannot drift from
 * what the library does.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { faultPlanArb, simulate } from '../../index.js';

const workload = { messages: 6, keys: 2, partitions: 1 };

it('exactly-once never applies a message twice, whatever the consumer and the DB suffer (docs example)', () => {
  fc.assert(
    fc.property(faultPlanArb({ workload, maxFaults: 4, actors: ['consumer', 'db'] }), (plan) => {
      const result = simulate({ mode: 'exactly-once', seed: 1, workload, faults: plan });
      return result.invariants.duplicates.holds;
    }),
    { seed: 42, numRuns: 500 },
  );
});

it('at-least-once: fast-check finds and shrinks the documented counterexample (docs example)', () => {
  const details = fc.check(
    fc.property(faultPlanArb({ workload, kinds: ['request-lost', 'ack-lost'] }), (plan) => simulate({ mode: 'at-least-once', seed: 1, workload, faults: plan }).invariants.duplicates.holds),
    { seed: 42 },
  );
  expect(details.failed).toBe(true);
  expect(details.counterexample?.[0].faults).toEqual([{ kind: 'ack-lost', message: 'm1', attempt: 1 }]);
});
