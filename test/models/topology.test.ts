/**
 * Who is in the world: instance ids, the order instancesOf lists them in (the first is what a fault naming none
 * strikes), groupOf, and that a run reports the topology it was configured with.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../models/engine.js';
import { DEFAULT_TOPOLOGY, FIRST_INSTANCE, buildTopology, groupOf, instancesOf } from '../../models/topology.js';
import type { InstanceKind } from '../../models/topology.js';

const KINDS: readonly InstanceKind[] = ['producer', 'consumer', 'group'];

describe('buildTopology', () => {
  it('the default world: one producer, one group with one member', () => {
    expect(DEFAULT_TOPOLOGY).toEqual({ producers: 1, groups: 1, consumers: 1 });
    expect(buildTopology(DEFAULT_TOPOLOGY)).toEqual({ producers: ['p1'], groups: [{ name: 'g1', members: ['g1/c1'] }], consumers: ['g1/c1'] });
  });

  it('numbers producers, groups and members from 1; every group gets the same number of members', () => {
    const topology = buildTopology({ producers: 3, groups: 2, consumers: 2 });
    expect(topology.producers).toEqual(['p1', 'p2', 'p3']);
    expect(topology.groups).toEqual([
      { name: 'g1', members: ['g1/c1', 'g1/c2'] },
      { name: 'g2', members: ['g2/c1', 'g2/c2'] },
    ]);
    // Every member of every group, group by group.
    expect(topology.consumers).toEqual(['g1/c1', 'g1/c2', 'g2/c1', 'g2/c2']);
  });

  it('keeps members in numeric order past c9 (c10 after c9, not after c1)', () => {
    const topology = buildTopology({ producers: 1, groups: 1, consumers: 12 });
    expect(topology.consumers).toHaveLength(12);
    expect(topology.consumers.slice(8, 12)).toEqual(['g1/c9', 'g1/c10', 'g1/c11', 'g1/c12']);
    expect(new Set(topology.consumers).size).toBe(12);
  });

  it('ids are unique across groups: the same member number in two groups names two instances', () => {
    const topology = buildTopology({ producers: 2, groups: 3, consumers: 3 });
    expect(topology.consumers).toHaveLength(9);
    expect(new Set(topology.consumers).size).toBe(9);
    for (const group of topology.groups) for (const member of group.members) expect(groupOf(member)).toBe(group.name);
  });
});

describe('instancesOf', () => {
  const topology = buildTopology({ producers: 2, groups: 2, consumers: 3 });

  it('lists each kind in order', () => {
    expect(instancesOf(topology, 'producer')).toEqual(['p1', 'p2']);
    expect(instancesOf(topology, 'group')).toEqual(['g1', 'g2']);
    expect(instancesOf(topology, 'consumer')).toEqual(['g1/c1', 'g1/c2', 'g1/c3', 'g2/c1', 'g2/c2', 'g2/c3']);
  });

  it('its first instance of each kind is FIRST_INSTANCE, whatever the topology', () => {
    for (const settings of [DEFAULT_TOPOLOGY, { producers: 4, groups: 3, consumers: 5 }]) {
      const world = buildTopology(settings);
      for (const kind of KINDS) expect(instancesOf(world, kind)[0]).toBe(FIRST_INSTANCE[kind]);
    }
    expect(FIRST_INSTANCE).toEqual({ producer: 'p1', consumer: 'g1/c1', group: 'g1' });
  });
});

describe('groupOf', () => {
  it('is the part of a member id before the slash', () => {
    expect(groupOf('g1/c1')).toBe('g1');
    expect(groupOf('g2/c10')).toBe('g2');
    expect(groupOf('g12/c3')).toBe('g12');
  });

  it("keeps a dynamic member's incarnation out of it", () => {
    expect(groupOf('g3/c2@4')).toBe('g3');
  });

  it('returns an id without a slash unchanged (a group, or a producer)', () => {
    expect(groupOf('g2')).toBe('g2');
    expect(groupOf('p1')).toBe('p1');
  });
});

describe('a run reports its topology', () => {
  it('result.topology is the configured one, and every member has an appliedByConsumer entry (0 when idle)', () => {
    // Three members for two partitions: one of them has nothing to do.
    const result = simulate({ mode: 'at-least-once', seed: 3, faults: 'none', topology: { producers: 2, groups: 2, consumers: 3 }, workload: { messages: 12, partitions: 2 } });
    expect(result.topology).toEqual(buildTopology({ producers: 2, groups: 2, consumers: 3 }));
    expect(Object.keys(result.stats.appliedByConsumer).sort()).toEqual([...result.topology.consumers].sort());
    expect(Object.keys(result.groups).sort()).toEqual(['g1', 'g2']);
    for (const group of ['g1', 'g2']) {
      const applied = [1, 2, 3].map((member) => result.stats.appliedByConsumer[`${group}/c${member}`]);
      // The range assignor gives c1 and c2 a partition each, c3 none.
      expect(applied[0]).toBeGreaterThan(0);
      expect(applied[1]).toBeGreaterThan(0);
      expect(applied[2]).toBe(0);
      expect(applied[0] + applied[1]).toBe(12);
    }
    // Handovers come from both producers, as their actor ids.
    const handovers = result.trace.filter((record) => record.kind === 'handover');
    expect(new Set(handovers.map((record) => record.actor))).toEqual(new Set(['p1', 'p2']));
  });
});
