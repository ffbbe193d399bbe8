/**
 * The shipped handler examples (examples/handlers/), each against what the README says of it, over seeded chaos
 * runs of exactly-once delivery settings: the naive increment and the check outside the transaction duplicate;
 * the processed id in the effect's transaction and the unique-key insert hold.
 */
import { describe, expect, it } from 'vitest';
import { simulateModule } from '../../index.js';
import type { SimulationResult } from '../../index.js';
import { ROOT } from '../helpers/build.js';

const SEEDS = 30;

async function sweep(example: string): Promise<{ duplicateSeeds: number; violatedSeeds: number; results: SimulationResult[] }> {
  const module: unknown = await import(`${ROOT}/examples/handlers/${example}.mjs`);
  const results: SimulationResult[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) results.push(await simulateModule({ mode: 'exactly-once', seed, faults: 'chaos', workload: { messages: 20 } }, module, example));
  return {
    duplicateSeeds: results.filter((result) => !result.invariants.duplicates.holds).length,
    violatedSeeds: results.filter((result) => result.verdict === 'violated').length,
    results,
  };
}

describe('examples/handlers under exactly-once delivery, chaos faults', () => {
  it('naive-increment duplicates in many seeds', async () => {
    const { duplicateSeeds } = await sweep('naive-increment');
    expect(duplicateSeeds).toBeGreaterThan(SEEDS / 3);
  });

  it('processed-ids-outside-transaction duplicates in some seeds, where a crash or a lost reply falls between the effect and the mark', async () => {
    const { duplicateSeeds, results } = await sweep('processed-ids-outside-transaction');
    expect(duplicateSeeds).toBeGreaterThan(0);
    const faulted = results.flatMap((result) => result.invariants.duplicates.witnesses.flatMap((witness) => witness.records.filter((record) => record.kind === 'fault')));
    expect(faulted.length).toBeGreaterThan(0);
  });

  it('processed-ids-same-transaction and unique-key-insert hold in every seed', async () => {
    for (const example of ['processed-ids-same-transaction', 'unique-key-insert']) {
      const { violatedSeeds, results } = await sweep(example);
      expect(violatedSeeds, example).toBe(0);
      // Every message's effect was committed exactly once.
      for (const result of results) expect(result.effects, example).toHaveLength(20);
    }
  });

  it('version-upsert keeps the newest version per account under at-least-once reordering: its own invariant holds where order breaks', async () => {
    const module = (await import(`${ROOT}/examples/handlers/version-upsert.mjs`)) as Record<string, unknown>;
    let reordered = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const result = await simulateModule({ mode: 'at-least-once', seed, faults: 'chaos', workload: { messages: 20 } }, module, 'version-upsert');
      expect(result.handlerInvariants.newestVersionWins, `seed ${seed}`).toMatchObject({ holds: true, promised: true });
      expect(result.verdict, `seed ${seed}`).toBe('ok');
      if (!result.invariants.order.holds) reordered++;
    }
    expect(reordered).toBeGreaterThan(0);
    // The same tables and invariant with a plain put (no version check): a stale delivery overwrites, VIOLATED.
    const naive = { ...module, handler: async (record: { id: string; key: string; value: { seq: number } }, db: { transaction: (body: (tx: { insert: (t: string, k: string, v: unknown) => Promise<string>; put: (t: string, k: string, v: unknown) => Promise<void> }) => Promise<string>) => Promise<string> }) =>
      db.transaction(async (tx) => {
        if ((await tx.insert('applied', record.id, true)) === 'conflict') return 'ack';
        await tx.put('accounts', record.key, { version: record.value.seq });
        return 'ack';
      }) };
    let violated = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const result = await simulateModule({ mode: 'at-least-once', seed, faults: 'chaos', workload: { messages: 20 } }, naive, 'naive put');
      if (result.verdict === 'violated') {
        violated++;
        expect(result.handlerInvariants.newestVersionWins.witnesses[0]).toMatch(/^accounts\[k\d+\] holds version \d+, not the newest \d+$/);
      }
    }
    expect(violated).toBeGreaterThan(0);
  });
});
