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
});
