/** Split sweeps join into the one-pass sweep: the arithmetic under --workers, --shard and simulate merge. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../models/engine.js';
import { FAULT_PRESETS } from '../../models/faults/catalog.js';
import { chunkSeedRange, splitSeedRange } from '../../properties/seed-ranges.js';
import { mergeSweepResults } from '../../properties/sweep-merge.js';
import { sweepSeeds } from '../../properties/sweep.js';

describe('seed ranges', () => {
  it('split into consecutive near-equal pieces that cover the range once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 40 }), (fromSeed, seeds, parts) => {
        const range = { fromSeed, toSeed: fromSeed + seeds - 1 };
        for (const pieces of [splitSeedRange(range, parts), chunkSeedRange(range, parts)]) {
          expect(pieces[0].fromSeed).toBe(fromSeed);
          expect(pieces.at(-1)?.toSeed).toBe(range.toSeed);
          pieces.slice(1).forEach((piece, index) => expect(piece.fromSeed).toBe(pieces[index].toSeed + 1));
        }
        const sizes = splitSeedRange(range, parts).map((piece) => piece.toSeed - piece.fromSeed + 1);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        expect(sizes.length).toBe(Math.min(parts, seeds));
      }),
    );
  });
});

describe('mergeSweepResults', () => {
  // Fault-heavy, so examples, counts, lag and statuses all have something to merge.
  const config = resolveConfig({ mode: 'at-least-once', seed: 0, settings: { producerBuffer: 'memory' } });
  const faults = { rates: FAULT_PRESETS.chaos };
  const whole = sweepSeeds({ config, faults, fromSeed: 3, toSeed: 62 });

  it('joins the sweeps of any cut of the range into the one-pass sweep', () => {
    expect(whole.verdict).toBe('violated');
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 4, max: 62 }), { maxLength: 5 }), (cuts) => {
        const starts = [3, ...cuts.sort((a, b) => a - b)];
        const parts = starts.map((fromSeed, index) => sweepSeeds({ config, faults, fromSeed, toSeed: (starts[index + 1] ?? 63) - 1 }));
        expect(JSON.stringify(mergeSweepResults(parts))).toBe(JSON.stringify(whole));
      }),
      { numRuns: 8 },
    );
  });
});
