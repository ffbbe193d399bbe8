import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessagePositions } from '../../reports/message-positions.js';
import { SEED_TAG, fcParams } from '../properties/fc-config.js';

/** What the index must answer: a list of positions per id, in the order they were added. */
function naive(mentions: readonly (readonly [string, number])[]): Map<string, number[]> {
  const lists = new Map<string, number[]>();
  for (const [id, position] of mentions) lists.set(id, [...(lists.get(id) ?? []), position]);
  return lists;
}

describe('MessagePositions', () => {
  it('lists the positions naming each id in order: chained ids (m1..mN), ids past N, and ids of any other form', () => {
    const index = new MessagePositions(3, 2);
    const mentions: [string, number][] = [['m1', 0], ['m2', 0], ['m4', 1], ['m1', 2], ['x', 3], ['m0', 4], ['m01', 5], ['m3', 6], ['m1', 7], ['', 8]];
    for (const [id, position] of mentions) index.add(id, position);
    for (const [id, positions] of naive(mentions)) expect(index.positions(id), id).toEqual(positions);
    expect(index.positions('m2')).toEqual([0]);
    expect(index.positions('m5')).toEqual([]);
    expect(index.positions('nobody')).toEqual([]);
  });

  it('returns a fresh array each time: a caller may keep or change what it got', () => {
    const index = new MessagePositions(2, 4);
    index.add('m1', 3);
    index.add('other', 4);
    index.positions('m1').push(99);
    index.positions('other').push(99);
    expect(index.positions('m1')).toEqual([3]);
    expect(index.positions('other')).toEqual([4]);
  });

  it(`agrees with a map of lists for any ids and positions ${SEED_TAG}`, () => {
    const id = fc.oneof(fc.integer({ min: 0, max: 40 }).map((n) => `m${n}`), fc.constantFrom('m', 'm007', 'k1', 'p1', 'm1x', ''));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.array(id, { maxLength: 300 }), (numbers, ids) => {
        const mentions = ids.map((name, position) => [name, position] as const);
        const index = new MessagePositions(numbers, 1);
        for (const [name, position] of mentions) index.add(name, position);
        for (const [name, positions] of naive(mentions)) expect(index.positions(name)).toEqual(positions);
      }),
      fcParams(),
    );
  });
});
