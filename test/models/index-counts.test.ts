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
