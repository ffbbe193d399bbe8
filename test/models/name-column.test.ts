import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NameColumn, keyColumn, messageIdColumn } from '../../models/name-column.js';
import { SEED_TAG, fcParams } from '../properties/fc-config.js';

/** Encodes every name as a row, in order, then decodes every row. */
function roundTrip(column: NameColumn, names: readonly string[]): { numbers: number[]; back: string[] } {
  const numbers = names.map((name, row) => column.encode(row, name));
  return { numbers, back: numbers.map((n, row) => column.decode(row, n)) };
}

describe('NameColumn', () => {
  it('keeps a long run\'s canonical ids and keys as their numbers, and gives each name back', () => {
    const ids = Array.from({ length: 10_000 }, (_, at) => `m${at + 1}`);
    const { numbers, back } = roundTrip(messageIdColumn(), ids);
    expect(back).toEqual(ids);
    // The first rows keep their strings; past them a row keeps the id's number.
    expect(numbers.slice(4096, 4099)).toEqual([4097, 4098, 4099]);
    expect(numbers[9_999]).toBe(10_000);
    const keys = Array.from({ length: 5000 }, (_, at) => `k${at % 7}`);
    const column = keyColumn();
    const encoded = keys.map((key, row) => column.encode(row, key));
    expect(encoded.slice(4096, 4103)).toEqual([1, 2, 3, 4, 5, 6, 0]);
    // A key's string is built once: decoding gives the same string each time.
    expect(encoded.map((n, row) => column.decode(row, n))).toEqual(keys);
  });

  it('keeps any other name whole: not canonical, out of range, another prefix', () => {
    const odd = ['m0', 'm01', 'm', 'x1', '', 'm2147483648', 'm99999999999', 'm1a', 'k1', 'm-1', 'M5', 'm١', 'k0'];
    const names = [...Array.from({ length: 4100 }, (_, at) => `m${at + 1}`), ...odd];
    const { numbers, back } = roundTrip(messageIdColumn(), names);
    expect(back).toEqual(names);
    expect(numbers.slice(4100).every((n) => n === -1)).toBe(true);
    expect(roundTrip(keyColumn(), [...Array.from({ length: 4096 }, () => 'k0'), 'k0', 'k00', 'k07', 'k2147483647']).numbers.slice(4096)).toEqual([0, -1, -1, 2147483647]);
  });

  it(`gives back every name it was given, in any order ${SEED_TAG}`, () => {
    const name = fc.oneof(
      fc.nat({ max: 300 }).map((n) => `m${n}`),
      fc.nat({ max: 300 }).map((n) => `k${n}`),
      fc.nat().map((n) => `m${n}`),
      fc.string({ maxLength: 6 }),
      fc.constantFrom('m01', 'k00', 'm2147483648', 'k2147483648', 'm'),
    );
    fc.assert(
      fc.property(fc.array(name, { maxLength: 200 }), fc.boolean(), fc.boolean(), (drawn, ids, long) => {
        // Past the first rows too: a long run's rows keep numbers.
        const names = long ? [...Array.from({ length: 4096 }, (_, at) => drawn[at % Math.max(1, drawn.length)] ?? 'm1'), ...drawn] : drawn;
        const { back } = roundTrip(ids ? messageIdColumn() : keyColumn(), names);
        return back.every((decoded, row) => decoded === names[row]);
      }),
      fcParams(),
    );
  });

  it('refuses a prefix longer than a character', () => {
    expect(() => new NameColumn('mm', 1, 10)).toThrow(RangeError);
  });
});
