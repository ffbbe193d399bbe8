/**
 * Who is in the world: producers p1..pN sharing the workload, consumer groups g1..gM (each an independent
 * subscriber of the topic, pub/sub fan-out), each with members g1/c1..g1/cK competing for its partitions. Every
 * instance id is also its actor id and the name faults use to strike it ("consumer": "g1/c2").
 */
import { arrayOf } from './arrays.js';

export interface TopologySettings {
  /** Producers sharing the workload (message i goes to producer i mod N). */
  producers: number;
  /** Consumer groups subscribed to the topic: each gets every message (pub/sub). */
  groups: number;
  /** Members per consumer group: they share its partitions (competing consumers). */
  consumers: number;
}

export const DEFAULT_TOPOLOGY: TopologySettings = { producers: 1, groups: 1, consumers: 1 };

export interface GroupTopology {
  readonly name: string;
  readonly members: readonly string[];
}

export interface Topology {
  readonly producers: readonly string[];
  readonly groups: readonly GroupTopology[];
  /** Every member of every group, group by group. */
  readonly consumers: readonly string[];
}

export type InstanceKind = 'producer' | 'consumer' | 'group';

export const producerId = (index: number): string => `p${index + 1}`;
export const groupId = (index: number): string => `g${index + 1}`;
export const memberId = (group: string, index: number): string => `${group}/c${index + 1}`;

export function buildTopology(settings: TopologySettings): Topology {
  const producers = arrayOf(settings.producers, producerId);
  const groups = arrayOf(settings.groups, (index) => {
    const name = groupId(index);
    return { name, members: arrayOf(settings.consumers, (member) => memberId(name, member)) };
  });
  // A loop, not flatMap: built per run, and flatMap's generic path was a visible share of a short run's set-up.
  const consumers: string[] = [];
  for (const group of groups) for (const member of group.members) consumers.push(member);
  return { producers, groups, consumers };
}

/** The instances of one kind a topology has, in order (the first is what a fault naming none strikes). */
export function instancesOf(topology: Topology, kind: InstanceKind): readonly string[] {
  if (kind === 'producer') return topology.producers;
  if (kind === 'consumer') return topology.consumers;
  return topology.groups.map((group) => group.name);
}

/** The group a member belongs to: `g2/c1` -> `g2`. */
export function groupOf(member: string): string {
  const slash = member.indexOf('/');
  return slash < 0 ? member : member.slice(0, slash);
}

/** The first instance of each kind: what a fault that names none strikes, so plans written before topologies keep their meaning. */
export const FIRST_INSTANCE: Record<InstanceKind, string> = { producer: producerId(0), consumer: memberId(groupId(0), 0), group: groupId(0) };
