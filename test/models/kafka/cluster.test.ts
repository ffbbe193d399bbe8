/**
 * The Kafka broker cluster (--nodes N): replica placement, the controller's clean and unclean elections, the ISR
 * shrinking by replica.lag.time.max.ms and refusing writes under min.insync.replicas, KIP-101 truncation, the broker
 * fault kinds, and the refusals Kafka makes; runs are deterministic and replay from their emitted plan.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../models/engine.js';
import type { FaultPlan } from '../../../models/faults/catalog.js';
import { resolveConfig } from '../../../models/resolve.js';
import { replicasOf } from '../../../models/kafka/cluster/names.js';
import { findScenario } from '../../../scenarios/scenarios.js';
import { checkInvariant } from '../../../properties/check.js';

type Records = readonly { readonly kind: string; readonly [key: string]: unknown }[];
const recordsOf = (result: ReturnType<typeof simulate>): Records => result.trace as unknown as Records;
const plan = (...faults: FaultPlan['faults']): FaultPlan => ({ version: 1, faults });

function scenarioRun(name: string, mode: 'at-most-once' | 'at-least-once' | 'exactly-once', seed: number, settings: Record<string, unknown> = {}) {
  const scenario = findScenario(name);
  if (scenario === undefined) throw new Error(`no scenario ${name}`);
  return simulate({ mode, seed, faults: scenario.faults, settings: { ...scenario.settings, ...settings }, workload: scenario.workload });
}

describe('Kafka broker cluster', () => {
  it('places replica i of partition p on broker (p + i) mod N, the preferred leader first', () => {
    expect(replicasOf(0, 3, 3)).toEqual(['B1', 'B2', 'B3']);
    expect(replicasOf(1, 3, 3)).toEqual(['B2', 'B3', 'B1']);
    expect(replicasOf(4, 2, 5)).toEqual(['B5', 'B1']);
  });

  it("refuses a replication factor larger than the brokers, in Kafka's words; takes transactions over a cluster", () => {
    expect(() => resolveConfig({ mode: 'at-least-once', seed: 1, settings: { nodes: 2 } })).toThrow('Replication factor: 3 larger than available brokers: 2.');
    // Modelled since the thirteenth session (test/models/kafka/cluster-transactions.test.ts); refused before.
    expect(resolveConfig({ mode: 'exactly-once', seed: 1, settings: { nodes: 3, transactions: true } }).settings).toMatchObject({ nodes: 3, transactions: true });
    expect(resolveConfig({ mode: 'at-least-once', seed: 1 }).settings).toMatchObject({ nodes: 0, uncleanLeaderElection: false, replicaLagTimeMaxMs: 30 });
  });

  it('refuses a plan naming a broker the cluster does not have, and broker faults without a cluster', () => {
    const crash = plan({ kind: 'broker-crash', broker: 'B4', message: 'm3' });
    expect(() => simulate({ mode: 'at-least-once', seed: 1, faults: crash, settings: { nodes: 3 } })).toThrow(/names B4, which this cluster does not have/);
    expect(() => simulate({ mode: 'at-least-once', seed: 1, faults: crash })).toThrow(/needs a broker cluster: give --nodes N/);
  });

  it('a broker crash fences it after broker.session.timeout.ms and moves its leaderships, with a higher leader epoch', () => {
    const result = simulate({ mode: 'at-least-once', seed: 3, faults: plan({ kind: 'broker-crash', broker: 'B1', message: 'm2' }), settings: { nodes: 3 }, workload: { messages: 8, partitions: 2 } });
    const records = recordsOf(result);
    const fenced = records.find((record) => record.kind === 'broker-fenced');
    expect(fenced).toMatchObject({ broker: 'B1', partitionsLed: [0] });
    const crashAt = records.find((record) => record.kind === 'crash' && record.actor === 'B1')?.t as number;
    expect((fenced?.t as number) - crashAt).toBeGreaterThan(9_000);
    expect(records.find((record) => record.kind === 'leader-chosen')).toMatchObject({ partition: 0, broker: 'B2', epoch: 1, unclean: false });
    expect(records.some((record) => record.kind === 'leader-elected' && record.actor === 'B2' && record.epoch === 1)).toBe(true);
    expect(result.outcome).toEqual({ kind: 'quiescent' });
    expect(result.invariants.loss.count).toBe(0);
  });

  it('unclean election loses acknowledged writes; the same run with clean election waits for the old leader and loses none', () => {
    for (const seed of [1, 2, 3]) {
      const unclean = scenarioRun('kafka-unclean-election', 'at-least-once', seed);
      expect(recordsOf(unclean).some((record) => record.kind === 'leader-chosen' && record.unclean === true)).toBe(true);
      expect(unclean.invariants.loss.acknowledgedCount).toBeGreaterThan(0);
      const clean = scenarioRun('kafka-unclean-election', 'at-least-once', seed, { uncleanLeaderElection: false });
      expect(recordsOf(clean).some((record) => record.kind === 'partition-offline')).toBe(true);
      expect(recordsOf(clean).some((record) => record.kind === 'leader-chosen' && record.unclean === true)).toBe(false);
      expect(clean.invariants.loss.count).toBe(0);
    }
  });

  it('with a lagging follower, min.insync.replicas=2 refuses writes where 1 acknowledges and then loses them', () => {
    for (const seed of [1, 2, 3]) {
      const one = scenarioRun('kafka-min-insync-1-lagging-follower', 'at-least-once', seed);
      const two = scenarioRun('kafka-min-insync-2-lagging-follower', 'at-least-once', seed);
      for (const run of [one, two]) expect(recordsOf(run).some((record) => record.kind === 'isr-shrunk' && record.broker === 'B2')).toBe(true);
      expect(one.invariants.loss.acknowledgedCount).toBeGreaterThan(0);
      expect(recordsOf(one).some((record) => record.kind === 'produce-refused' && record.error === 'NOT_ENOUGH_REPLICAS')).toBe(false);
      expect(two.invariants.loss.count).toBe(0);
      expect(recordsOf(two).some((record) => record.kind === 'produce-refused' && record.error === 'NOT_ENOUGH_REPLICAS')).toBe(true);
    }
  });

  it('a leader cut off from the controller keeps acknowledging acks=1 writes, and truncates them at the end of its epoch (KIP-101)', () => {
    const result = scenarioRun('kafka-acks1-leader-isolated', 'at-least-once', 1);
    const records = recordsOf(result);
    const answer = records.find((record) => record.kind === 'epoch-end-answered' && record.actor === 'B1');
    expect(answer).toBeDefined();
    // Truncated to where epoch 0 ended on the new leader, not to B1's high watermark.
    const truncated = records.find((record) => record.kind === 'truncated' && record.actor === 'B1');
    expect(truncated?.fromOffset).toBe(answer?.endOffset);
    expect((truncated?.msgs as string[]).length).toBeGreaterThan(0);
    expect(result.invariants.loss.acknowledgedCount).toBeGreaterThan(0);
  });

  it('the ISR expands again once a lagging follower caught up, and the run settles', () => {
    const result = scenarioRun('kafka-min-insync-2-lagging-follower', 'exactly-once', 2);
    const records = recordsOf(result);
    const shrunk = records.findIndex((record) => record.kind === 'isr-shrunk');
    expect(records.slice(shrunk).some((record) => record.kind === 'isr-expanded')).toBe(true);
    expect(result.outcome).toEqual({ kind: 'quiescent' });
  });

  it('is deterministic, and a rate-driven run replays from the plan it emits', () => {
    const input = { mode: 'at-least-once' as const, seed: 11, faults: 'chaos', settings: { nodes: 3 } };
    const first = simulate(input);
    expect(simulate(input).traceHash()).toBe(first.traceHash());
    const kinds = new Set(first.injected.faults.map((fault) => fault.kind));
    expect([...kinds].some((kind) => kind === 'broker-crash' || kind === 'controller-partition' || kind === 'inter-broker-partition')).toBe(true);
    const replay = simulate({ ...input, faults: first.injected });
    expect(replay.traceHash()).toBe(first.traceHash());
  });

  it('check finds and shrinks a small plan for each broker fault kind', () => {
    // acks=1 loses what a crashed or isolated leader acknowledged; a leader cut off from its followers makes acks=all retry (duplicates).
    const cases = [
      { kind: 'broker-crash', settings: { acks: 1 }, invariant: 'loss' },
      { kind: 'controller-partition', settings: { acks: 1 }, invariant: 'loss' },
      { kind: 'inter-broker-partition', settings: {}, invariant: 'duplicates' },
    ] as const;
    for (const { kind, settings, invariant } of cases) {
      const config = resolveConfig({ mode: 'at-least-once', seed: 1, settings: { nodes: 3, ...settings }, workload: { messages: 12, partitions: 1 } });
      const outcome = checkInvariant({ config, invariant, numRuns: 200, plans: { kinds: [kind], maxFaults: 3 } });
      expect(outcome.found, kind).toBe(true);
      if (!outcome.found) continue;
      expect(outcome.plan.faults.length).toBeLessThanOrEqual(2);
      expect(outcome.plan.faults.every((fault) => fault.kind === kind)).toBe(true);
    }
  });
});
