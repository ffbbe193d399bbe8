import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndexBits } from '../../models/index-bits.js';
import { SEED_TAG, fcParams } from '../properties/fc-config.js';

describe('IndexBits', () => {
  it('says true the first time an index is added and false after, growing past its first words', () => {
    const bits = new IndexBits();
    expect([bits.add(3), bits.add(3), bits.has(3), bits.has(4)]).toEqual([true, false, true, false]);
    // Far past the first 64 bits: several doublings at once, keeping the bits set before.
    expect(bits.add(100_000)).toBe(true);
    expect([bits.has(3), bits.has(100_000), bits.has(99_999), bits.has(1e9)]).toEqual([true, true, false, false]);
    expect([bits.add(31), bits.add(32), bits.add(31)]).toEqual([true, true, false]);
  });

  it('refuses an index that is not a workload position', () => {
    const bits = new IndexBits();
    expect(() => bits.add(-1)).toThrow(RangeError);
    expect(() => bits.add(1.5)).toThrow(RangeError);
    expect(bits.has(-1)).toBe(false);
  });

  it(`answers as a set of the indexes added ${SEED_TAG}`, () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 5000 }), { maxLength: 300 }), (indexes) => {
        const bits = new IndexBits();
        const set = new Set<number>();
        const firsts = indexes.map((index) => bits.add(index));
        const expected = indexes.map((index) => {
          const first = !set.has(index);
          set.add(index);
          return first;
        });
        const probes = [...indexes, 0, 31, 32, 4999, 5000, 5001];
        return firsts.every((first, at) => first === expected[at]) && probes.every((index) => bits.has(index) === set.has(index));
      }),
      fcParams(),
    );
  });
});
