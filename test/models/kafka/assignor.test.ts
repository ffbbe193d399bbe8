/**
 * Kafka's partition assignors for one topic: RangeAssignor (contiguous ranges, the first members one more) and
 * RoundRobinAssignor (partitions dealt in turn), over members taken in their natural order.
 */
import { describe, expect, it } from 'vitest';
import { assign, sortMembers } from '../../../models/kafka/consumer/assignor.js';
import type { Assignor } from '../../../models/kafka/settings.js';

const members = (count: number, group = 'g1'): string[] => Array.from({ length: count }, (_, index) => `${group}/c${index + 1}`);
const asObject = (assignment: Map<string, number[]>): Record<string, number[]> => Object.fromEntries(assignment);

describe('sortMembers', () => {
  it('orders members by their number, not as strings (c2 before c10)', () => {
    expect(sortMembers(['g1/c10', 'g1/c2', 'g1/c1', 'g1/c11', 'g1/c9'])).toEqual(['g1/c1', 'g1/c2', 'g1/c9', 'g1/c10', 'g1/c11']);
  });

  it("sorts a dynamic member's incarnation by its member number; incarnations of one member by their id", () => {
    expect(sortMembers(['g1/c3@1', 'g1/c2@3', 'g1/c10@1', 'g1/c1@2'])).toEqual(['g1/c1@2', 'g1/c2@3', 'g1/c3@1', 'g1/c10@1']);
    expect(sortMembers(['g1/c2@2', 'g1/c2@1'])).toEqual(['g1/c2@1', 'g1/c2@2']);
    expect(sortMembers(['g1/c2', 'g1/c2@1', 'g1/c1@5'])).toEqual(['g1/c1@5', 'g1/c2', 'g1/c2@1']);
  });

  it('takes any iterable and leaves its input alone', () => {
    const input = ['g1/c3', 'g1/c1', 'g1/c2'];
    expect(sortMembers(new Set(input))).toEqual(['g1/c1', 'g1/c2', 'g1/c3']);
    expect(input).toEqual(['g1/c3', 'g1/c1', 'g1/c2']);
  });
});

describe('range assignor', () => {
  it('6 partitions, 3 members: two contiguous partitions each', () => {
    expect(asObject(assign('range', 6, members(3)))).toEqual({ 'g1/c1': [0, 1], 'g1/c2': [2, 3], 'g1/c3': [4, 5] });
  });

  it('7 partitions, 3 members: the first member gets the extra one', () => {
    expect(asObject(assign('range', 7, members(3)))).toEqual({ 'g1/c1': [0, 1, 2], 'g1/c2': [3, 4], 'g1/c3': [5, 6] });
  });

  it('8 partitions, 3 members: the first two get one extra each', () => {
    expect(asObject(assign('range', 8, members(3)))).toEqual({ 'g1/c1': [0, 1, 2], 'g1/c2': [3, 4, 5], 'g1/c3': [6, 7] });
  });

  it('2 partitions, 3 members: the last member gets nothing but is still listed', () => {
    expect(asObject(assign('range', 2, members(3)))).toEqual({ 'g1/c1': [0], 'g1/c2': [1], 'g1/c3': [] });
  });

  it('one member takes every partition', () => {
    expect(asObject(assign('range', 4, ['g2/c1']))).toEqual({ 'g2/c1': [0, 1, 2, 3] });
  });
});

describe('round-robin assignor', () => {
  it('6 partitions, 3 members: dealt in turn', () => {
    expect(asObject(assign('round-robin', 6, members(3)))).toEqual({ 'g1/c1': [0, 3], 'g1/c2': [1, 4], 'g1/c3': [2, 5] });
  });

  it('7 partitions, 3 members: the first member gets the extra one', () => {
    expect(asObject(assign('round-robin', 7, members(3)))).toEqual({ 'g1/c1': [0, 3, 6], 'g1/c2': [1, 4], 'g1/c3': [2, 5] });
  });

  it('2 partitions, 3 members: the last member gets nothing', () => {
    expect(asObject(assign('round-robin', 2, members(3)))).toEqual({ 'g1/c1': [0], 'g1/c2': [1], 'g1/c3': [] });
  });
});

describe('both assignors', () => {
  const ASSIGNORS: readonly Assignor[] = ['range', 'round-robin'];

  it('deal members in natural order whatever order they come in', () => {
    const shuffled = ['g1/c10', 'g1/c3', 'g1/c1', 'g1/c2', 'g1/c4', 'g1/c5', 'g1/c6', 'g1/c7', 'g1/c8', 'g1/c9'];
    for (const assignor of ASSIGNORS) {
      const assignment = assign(assignor, 12, shuffled);
      // Map order is the member order.
      expect([...assignment.keys()], assignor).toEqual(members(10));
      expect(assignment.get('g1/c10'), assignor).toEqual(assignor === 'range' ? [11] : [9]);
      expect(assignment.get('g1/c2'), assignor).toEqual(assignor === 'range' ? [2, 3] : [1, 11]);
    }
  });

  it('dynamic incarnations take the place of their member number', () => {
    expect(asObject(assign('range', 6, ['g1/c3@1', 'g1/c1@2', 'g1/c2@3']))).toEqual({ 'g1/c1@2': [0, 1], 'g1/c2@3': [2, 3], 'g1/c3@1': [4, 5] });
  });

  it('give every partition to exactly one member, shares differing by at most one, more to earlier members', () => {
    for (const assignor of ASSIGNORS) {
      for (let partitions = 0; partitions <= 13; partitions++) {
        for (let count = 1; count <= 6; count++) {
          const where = `${assignor} ${partitions}/${count}`;
          const assignment = assign(assignor, partitions, members(count));
          expect(assignment.size, where).toBe(count);
          const all = [...assignment.values()].flat().sort((a, b) => a - b);
          expect(all, where).toEqual(Array.from({ length: partitions }, (_, index) => index));
          const sizes = [...assignment.values()].map((owned) => owned.length);
          expect(sizes, where).toEqual(sizes.map((_, index) => Math.floor(partitions / count) + (index < partitions % count ? 1 : 0)));
          for (const owned of assignment.values()) expect(owned, where).toEqual([...owned].sort((a, b) => a - b));
          if (assignor === 'range') {
            // Contiguous ranges, in member order.
            const flat = [...assignment.values()].flat();
            expect(flat, where).toEqual(all);
          }
        }
      }
    }
  });

  it('no members: an empty assignment', () => {
    for (const assignor of ASSIGNORS) expect(assign(assignor, 4, []).size).toBe(0);
  });
});
