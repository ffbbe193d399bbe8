import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndexCounts } from '../../models/index-counts.js';
import { SEED_TAG, fcParams } from '../properties/fc-config.js';

describe('IndexCounts', () => {
  it('counts per index from 0, growing past its first capacity without losing a count', () => {
    const counts = new IndexCounts();
    expect(counts.get(3)).toBe(0);
    expect(counts.increment(3)).toBe(1);
    expect(counts.increment(3)).toBe(2);
    // Far past the initial 16: several doublings at once.
    expect(counts.increment(1000)).toBe(1);
    counts.set(17, 5);
    expect([counts.get(3), counts.get(17), counts.get(1000), counts.get(999), counts.get(5000)]).toEqual([2, 5, 1, 0, 0]);
  });

  it('refuses an index that is not a workload position', () => {
    const counts = new IndexCounts();
    expect(() => counts.increment(-1)).toThrow(RangeError);
    expect(() => counts.set(1.5, 1)).toThrow(RangeError);
    expect(() => counts.set(0, -1)).toThrow(RangeError);
    expect(() => counts.set(0, 2 ** 31)).toThrow(RangeError);
  });
});

describe('IndexCounts past its plain-array range', () => {
  it('keeps every count when it moves to a typed array, and goes on counting there', () => {
    const counts = new IndexCounts();
    for (let index = 0; index < 100; index++) counts.set(index, index);
    expect(counts.increment(50_000)).toBe(1);
    expect(counts.increment(99)).toBe(100);
    expect([counts.get(0), counts.get(42), counts.get(4095), counts.get(50_000), counts.get(200_000)]).toEqual([0, 42, 0, 1, 0]);
  });
});

describe('IndexCounts in bytes', () => {
  it('widens when a count passes 255, keeping every other count', () => {
    const counts = new IndexCounts();
    counts.set(10_000, 7);
    for (let n = 0; n < 255; n++) counts.increment(9_000);
    expect(counts.get(9_000)).toBe(255);
    // A byte would wrap to 0 here.
    expect(counts.increment(9_000)).toBe(256);
    expect(counts.increment(9_000)).toBe(257);
    counts.set(20_000, 70_000);
    expect([counts.get(9_000), counts.get(10_000), counts.get(20_000), counts.get(0)]).toEqual([257, 7, 70_000, 0]);
  });

  it('goes straight to 4-byte counts when the plain array already holds a count past a byte', () => {
    const counts = new IndexCounts();
    counts.set(3, 1_000);
    counts.increment(5_000);
    expect([counts.get(3), counts.get(5_000)]).toEqual([1_000, 1]);
  });

  it(`answers as a map of counts, across the plain, byte and 4-byte ranges ${SEED_TAG}`, () => {
    const operation = fc.oneof(
      fc.record({ op: fc.constant('increment' as const), index: fc.oneof(fc.nat({ max: 5000 }), fc.nat({ max: 40_000 })), times: fc.integer({ min: 1, max: 300 }) }),
      fc.record({ op: fc.constant('set' as const), index: fc.nat({ max: 40_000 }), count: fc.oneof(fc.nat({ max: 300 }), fc.nat({ max: 2 ** 31 - 1 })) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
        const counts = new IndexCounts();
        const model = new Map<number, number>();
        for (const step of operations) {
          if (step.op === 'set') {
            counts.set(step.index, step.count);
            model.set(step.index, step.count);
            continue;
          }
          for (let n = 0; n < step.times; n++) {
            const expected = (model.get(step.index) ?? 0) + 1;
            if (expected > 2 ** 31 - 1) break;
            model.set(step.index, expected);
            if (counts.increment(step.index) !== expected) return false;
          }
        }
        const probes = [...model.keys(), 0, 4095, 4096, 40_000, 90_000];
        return probes.every((index) => counts.get(index) === (model.get(index) ?? 0));
      }),
      fcParams(),
    );
  });
});
