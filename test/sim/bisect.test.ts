import { describe, expect, it } from 'vitest';
import { partitionPoint } from '../../sim/bisect.js';

describe('partitionPoint', () => {
  it('finds the first index in the range where the test turns false, or the range end', () => {
    const sorted = [1, 3, 3, 5, 8];
    const firstAbove = (value: number, low = 0): number => partitionPoint(low, sorted.length, (index) => sorted[index] <= value);
    expect([0, 1, 3, 4, 8, 9].map((value) => firstAbove(value))).toEqual([0, 1, 3, 3, 5, 5]);
    // Within a sub-range only.
    expect(firstAbove(0, 2)).toBe(2);
    expect(partitionPoint(0, 0, () => true)).toBe(0);
  });
});
