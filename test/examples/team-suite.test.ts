/**
 * The suite a team copies to put its own handler under property-based test (README: "Your own handler under
 * test"). It imports the package by name, as your project will, and uses @fast-check/vitest: fast-check draws a
 * seed and a fault plan named by the handler's steps (`handlerCalls`: crashes after each of its calls, lost
 * replies), and the run must keep exactly-once's promises. The seed is pinned (FC_SEED overrides it); a failure
 * prints it, the plan in domain words, and fast-check's replay path.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { faultPlanArb, simulate } from 'delivery-sim';
import type { Handler } from 'delivery-sim';

// Your handler goes here (or: import { handler } from '../src/payments.js').
const handler: Handler = async (record, db) =>
  db.transaction(async (tx) => {
    if ((await tx.insert('processed', record.id, true)) === 'conflict') return 'ack';
    await tx.increment('ledger', record.key, 1);
    return 'ack';
  });

const workload = { messages: 10 };

describe('our ledger handler', () => {
  test.prop([fc.integer({ min: 1, max: 100_000 }), faultPlanArb({ maxFaults: 3, handlerCalls: 3, workload })], { seed: Number(process.env.FC_SEED ?? 42), numRuns: 60 })(
    'applies every message exactly once, whatever faults hit it between its steps',
    async (seed, faults) => {
      const result = await simulate({ mode: 'exactly-once', seed, workload, faults, handler, effects: ['ledger'] });
      expect(result.invariants.loss.witnesses).toEqual([]);
      expect(result.invariants.duplicates.witnesses).toEqual([]);
      expect(result.verdict).toBe('ok');
    },
  );
});
