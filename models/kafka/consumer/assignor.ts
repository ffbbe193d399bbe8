/**
 * Kafka's partition assignors (`partition.assignment.strategy`), for one topic: which partitions each live member
 * of a group gets. Members are taken in their natural order (c1, c2, ..., c10), as Kafka takes them sorted.
 */
import type { Assignor } from '../settings.js';

/** The member's number in its group: `g1/c10` -> 10, `g1/c10@2` (a dynamic member's second incarnation) -> 10. */
function memberNumber(member: string): number {
  const match = /\/c(\d+)/.exec(member);
  return match === null ? 0 : Number(match[1]);
}

export function sortMembers(members: Iterable<string>): string[] {
  return [...members].sort((a, b) => memberNumber(a) - memberNumber(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * RangeAssignor: each member gets a contiguous range of partitions, the first `partitions % members` one more.
 * RoundRobinAssignor: partitions dealt to the members in turn.
 */
export function assign(assignor: Assignor, partitions: number, members: Iterable<string>): Map<string, number[]> {
  const sorted = sortMembers(members);
  const assignment = new Map<string, number[]>(sorted.map((member) => [member, []]));
  if (sorted.length === 0) return assignment;
  if (assignor === 'round-robin') {
    for (let partition = 0; partition < partitions; partition++) assignment.get(sorted[partition % sorted.length])?.push(partition);
    return assignment;
  }
  const each = Math.floor(partitions / sorted.length);
  const extra = partitions % sorted.length;
  sorted.forEach((member, index) => {
    const start = index * each + Math.min(index, extra);
    const count = each + (index < extra ? 1 : 0);
    for (let partition = start; partition < start + count; partition++) assignment.get(member)?.push(partition);
  });
  return assignment;
}
