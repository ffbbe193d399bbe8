import { describe, expect, it } from 'vitest';
import { IndexCounts } from '../../models/index-counts.js';

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
