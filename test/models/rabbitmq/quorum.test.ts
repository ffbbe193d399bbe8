/**
 * Quorum queues over `--nodes N` (RabbitMQ 3.10+ "Quorum Queues"): a member on a failed node does not stop the queue
 * while a majority is up; a failed leader is replaced by an election; a publish is confirmed once a majority has it;
 * without a majority the queue stalls (no confirm, no delivery) until one is back. A classic queue lives on one node.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../models/engine.js';
import type { SimulationResult } from '../../../models/engine.js';
import type { EventOf } from '../../../models/events.js';
import { translateFault } from '../../../models/faults/logical.js';
import { QuorumMembers } from '../../../models/rabbitmq/broker/quorum.js';
import type { RabbitMqSettings } from '../../../models/rabbitmq/settings.js';

const workload = { messages: 8, keys: 2 };
const run = (faults: object[], settings: Partial<RabbitMqSettings> = {}): SimulationResult =>
  simulate({ family: 'rabbitmq', mode: 'exactly-once', seed: 1, settings, workload, faults: { version: 1, faults } as never });
const records = <K extends 'quorum-member-down' | 'quorum-leader-elected' | 'node-restarted' | 'crash' | 'connection-lost' | 'basic-deliver' | 'publish-confirmed' | 'enqueued'>(result: SimulationResult, kind: K): EventOf<K>[] =>
  result.trace.filter((record): record is EventOf<K> => record.kind === kind);
const ms = (us: number): number => us / 1000;

describe('QuorumMembers', () => {
  it('needs a majority, elects the next member up, and waits for a majority when there is none', () => {
    const members = new QuorumMembers(3);
    expect(members.majority).toBe(2);
    members.fail(2, 0, 40);
    expect(members.up(10)).toBe(2);
    expect(members.majorityAtUs(10)).toBe(10);
    // The leader (node 1) fails while node 2 is down: only node 3 is up, so the election waits for node 2.
    members.fail(1, 10, 40);
    expect(members.majorityAtUs(10)).toBe(40);
    expect(members.elect(10, 5)).toBe(45);
    expect(members.leader).toBe(2);
    expect(new QuorumMembers(5).majority).toBe(3);
  });
});

describe('quorum queues over --nodes', () => {
  it('a follower failing leaves a majority: no connection closes, nothing is redelivered, every publish is confirmed at once', () => {
    const result = run([{ kind: 'quorum-member-failure', message: 'm3', node: 2 }]);
    expect(records(result, 'quorum-member-down').map((record) => [record.node, record.leader, record.up, record.majority])).toEqual([[2, false, 2, true]]);
    expect(records(result, 'crash')).toEqual([]);
    expect(records(result, 'connection-lost')).toEqual([]);
    expect(records(result, 'basic-deliver').filter((record) => record.redelivered)).toEqual([]);
    // Confirmed one replication delay (1 ms) after the enqueue, as with every member up.
    const enqueued = records(result, 'enqueued').find((record) => record.msg === 'm4') as EventOf<'enqueued'>;
    const confirmed = records(result, 'publish-confirmed').find((record) => record.msg === 'm4') as EventOf<'publish-confirmed'>;
    expect(ms(confirmed.t - enqueued.t)).toBeLessThan(3);
    expect(result.verdict).toBe('ok');
  });

  it('the leader failing: its connections close, the members up elect a new leader after --leader-election-ms, nothing confirmed is lost', () => {
    const result = run([{ kind: 'quorum-member-failure', message: 'm3' }]);
    const down = records(result, 'quorum-member-down');
    expect(down.map((record) => [record.node, record.leader, record.majority])).toEqual([[1, true, true]]);
    const elected = records(result, 'quorum-leader-elected');
    expect(elected.map((record) => record.node)).toEqual([2]);
    expect(ms(elected[0].t - down[0].t)).toBe(5);
    expect(records(result, 'node-restarted')).toEqual([]);
    expect(result.invariants.loss.count).toBe(0);
    expect(result.verdict).toBe('ok');
  });

  it('broker-restart of a quorum queue is its leader node restarting: a failover, not a cluster outage; on a classic queue its one node restarts', () => {
    const quorum = run([{ kind: 'broker-restart', message: 'm3' }]);
    expect(records(quorum, 'quorum-leader-elected').map((record) => record.node)).toEqual([2]);
    const classic = run([{ kind: 'broker-restart', message: 'm3' }], { queueType: 'classic', deliveryLimit: 'unlimited' });
    expect(records(classic, 'quorum-member-down')).toEqual([]);
    expect(records(classic, 'node-restarted')).toHaveLength(1);
  });

  it('without a majority the queue is unavailable until one is back: no confirm and no delivery in between', () => {
    // Two followers of three fail: the leader is alone, commits nothing, confirms nothing, delivers nothing.
    const result = run([{ kind: 'quorum-member-failure', message: 'm2', node: 2 }, { kind: 'quorum-member-failure', message: 'm3', node: 3 }]);
    const down = records(result, 'quorum-member-down');
    expect(down.map((record) => [record.node, record.majority])).toEqual([[2, true], [3, false]]);
    const stalledFrom = down[1].t;
    const backAt = down[0].backAtUs;
    const inside = (record: { t: number }): boolean => record.t > stalledFrom && record.t < backAt;
    expect(records(result, 'publish-confirmed').filter(inside)).toEqual([]);
    expect(records(result, 'basic-deliver').filter(inside)).toEqual([]);
    expect(records(result, 'basic-deliver').some((record) => record.t >= backAt)).toBe(true);
    expect(records(result, 'crash')).toEqual([]);
    expect(result.invariants.loss.count).toBe(0);
    expect(result.verdict).toBe('ok');
  });

  it('the leader failing while a follower is down leaves no majority: the election waits for the follower to come back', () => {
    const result = run([{ kind: 'quorum-member-failure', message: 'm2', node: 2 }, { kind: 'quorum-member-failure', message: 'm3' }]);
    const down = records(result, 'quorum-member-down');
    expect(down.map((record) => [record.node, record.leader, record.majority])).toEqual([[2, false, true], [1, true, false]]);
    const elected = records(result, 'quorum-leader-elected');
    expect(elected.map((record) => record.node)).toEqual([2]);
    expect(elected[0].t).toBe(down[0].backAtUs + 5_000);
    expect(result.invariants.loss.count).toBe(0);
  });

  it('with --nodes 1 a member failure is the only node restarting; a node the cluster does not have is refused', () => {
    const single = run([{ kind: 'quorum-member-failure', message: 'm3' }], { nodes: 1 });
    expect(records(single, 'node-restarted')).toHaveLength(1);
    expect(records(single, 'quorum-leader-elected')).toEqual([]);
    expect(() => run([{ kind: 'quorum-member-failure', message: 'm3', node: 4 }])).toThrow(/"node" names node 4, which this cluster does not have \(--nodes 3\)/);
  });

  it('compare --broker kafka,rabbitmq: the leader failing is Kafka leader-failover; a named member (maybe a follower) has no Kafka counterpart', () => {
    expect(translateFault({ kind: 'quorum-member-failure', message: 'm3' }, 'kafka')).toEqual({ kind: 'leader-failover', message: 'm3' });
    expect(translateFault({ kind: 'quorum-member-failure', message: 'm3', node: 2 }, 'kafka')).toBeUndefined();
    expect(translateFault({ kind: 'leader-failover', message: 'm3' }, 'rabbitmq')).toEqual({ kind: 'quorum-member-failure', message: 'm3' });
  });
});
