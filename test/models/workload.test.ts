/**
 * The producer applications' messages: which producer hands each over and when, its key, partition, order key and
 * position among its order key's messages — and that simulate() runs exactly the workload generateWorkload makes.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../models/engine.js';
import { workloadDurationMs } from '../../models/settings/common.js';
import type { WorkloadSettings } from '../../models/settings/common.js';
import { generateWorkload, shareOf, workloadIndex } from '../../models/workload.js';
import type { WorkloadMessage } from '../../models/workload.js';
import { RandomStreams } from '../../sim/random.js';

const BASE: WorkloadSettings = { messages: 40, keys: 4, partitions: 2, produceIntervalMs: 2, burst: 0 };

function workloadOf(overrides: Partial<WorkloadSettings>, seed = 1, producers = 1): WorkloadMessage[] {
  return generateWorkload({ ...BASE, ...overrides }, new RandomStreams(seed), producers);
}

const keyIndex = (message: WorkloadMessage): number => Number(message.key.slice(1));

describe('ids, producers and order keys', () => {
  it('numbers messages m1..mN in hand-over order', () => {
    const messages = workloadOf({ messages: 7 });
    expect(messages.map((message) => message.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    expect(messages.map((message) => message.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('hands message i to producer i mod N', () => {
    const messages = workloadOf({ messages: 10 }, 1, 3);
    expect(messages.map((message) => message.producer)).toEqual(['p1', 'p2', 'p3', 'p1', 'p2', 'p3', 'p1', 'p2', 'p3', 'p1']);
    expect(workloadOf({ messages: 5 }).every((message) => message.producer === 'p1')).toBe(true);
  });

  it("gives each producer its share in workload order, and a lone producer the workload itself (not a copy)", () => {
    const three = workloadOf({ messages: 10 }, 1, 3);
    expect(shareOf(three, 'p2').map((message) => message.id)).toEqual(['m2', 'm5', 'm8']);
    expect(shareOf(three, 'p4')).toEqual([]);
    const one = workloadOf({ messages: 10 });
    expect(shareOf(one, 'p1')).toBe(one);
  });

  it('with one producer the order key is the key, and keySeq counts each key from 0', () => {
    const messages = workloadOf({ messages: 30, keys: 3 });
    const seen = new Map<string, number>();
    for (const message of messages) {
      expect(message.orderKey).toBe(message.key);
      const expected = seen.get(message.key) ?? 0;
      expect(message.keySeq, message.id).toBe(expected);
      seen.set(message.key, expected + 1);
    }
    // Every key was used, so the check above covered each key's sequence.
    expect([...seen.keys()].sort()).toEqual(['k0', 'k1', 'k2']);
  });

  it('with several producers the order key is producer/key and keySeq counts per producer and key', () => {
    const messages = workloadOf({ messages: 40, keys: 2 }, 5, 2);
    const seen = new Map<string, number>();
    for (const message of messages) {
      expect(message.orderKey).toBe(`${message.producer}/${message.key}`);
      const expected = seen.get(message.orderKey) ?? 0;
      expect(message.keySeq, message.id).toBe(expected);
      seen.set(message.orderKey, expected + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['p1/k0', 'p1/k1', 'p2/k0', 'p2/k1']);
    // Not a per-key count: some key has messages from both producers, so its keySeqs repeat.
    const k0 = messages.filter((message) => message.key === 'k0').map((message) => message.keySeq);
    expect(new Set(k0).size).toBeLessThan(k0.length);
  });

  it('the keys do not depend on how many producers share the workload', () => {
    const keys = (producers: number): string[] => workloadOf({ messages: 25, keys: 5 }, 9, producers).map((message) => message.key);
    expect(keys(2)).toEqual(keys(1));
    expect(keys(3)).toEqual(keys(1));
  });

  it('draws keys k0..k(K-1) only, sharing one string per key', () => {
    const messages = workloadOf({ messages: 60, keys: 6 }, 2);
    expect(new Set(messages.map((message) => message.key))).toEqual(new Set(['k0', 'k1', 'k2', 'k3', 'k4', 'k5']));
    expect(workloadOf({ messages: 10, keys: 1 }).every((message) => message.key === 'k0' && message.partition === 0)).toBe(true);
  });
});

describe('hand-over times', () => {
  it('without a burst: one message per interval from t=0 (burst 0 and burst 1 are the same)', () => {
    const times = workloadOf({ messages: 5, produceIntervalMs: 2 }).map((message) => message.handoverUs);
    expect(times).toEqual([0, 2000, 4000, 6000, 8000]);
    expect(workloadOf({ messages: 5, produceIntervalMs: 2, burst: 1 })).toEqual(workloadOf({ messages: 5, produceIntervalMs: 2, burst: 0 }));
  });

  it('a burst hands the first messages over at t=0, then the rest one interval apart', () => {
    const times = workloadOf({ messages: 8, produceIntervalMs: 3, burst: 5 }).map((message) => message.handoverUs);
    expect(times).toEqual([0, 0, 0, 0, 0, 3000, 6000, 9000]);
  });

  it('a burst of every message hands them all over at t=0', () => {
    expect(workloadOf({ messages: 6, burst: 6 }).every((message) => message.handoverUs === 0)).toBe(true);
  });

  it('fractional intervals give whole microseconds', () => {
    const times = workloadOf({ messages: 11, produceIntervalMs: 0.1 }).map((message) => message.handoverUs);
    expect(times).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(workloadOf({ messages: 4, produceIntervalMs: 0.3, burst: 2 }).map((message) => message.handoverUs)).toEqual([0, 0, 300, 600]);
  });

  it("the workload's duration is one interval past the last hand-over", () => {
    for (const settings of [{ messages: 40, burst: 0, produceIntervalMs: 2 }, { messages: 40, burst: 10, produceIntervalMs: 2 }, { messages: 7, burst: 7, produceIntervalMs: 5 }]) {
      const workload = { ...BASE, ...settings };
      const messages = generateWorkload(workload, new RandomStreams(1));
      expect(workloadDurationMs(workload)).toBe(messages[messages.length - 1].handoverUs / 1000 + settings.produceIntervalMs);
    }
  });
});

describe('key -> partition', () => {
  it('at least as many keys as partitions: key i on partition i mod P', () => {
    const messages = workloadOf({ messages: 80, keys: 5, partitions: 3 }, 4);
    for (const message of messages) expect(message.partition, message.id).toBe(keyIndex(message) % 3);
    // k3 and k4 wrap around.
    expect(new Set(messages.filter((message) => message.key === 'k3').map((message) => message.partition))).toEqual(new Set([0]));
    expect(new Set(messages.filter((message) => message.key === 'k4').map((message) => message.partition))).toEqual(new Set([1]));
  });

  it('as many keys as partitions: one key per partition', () => {
    const messages = workloadOf({ messages: 40, keys: 4, partitions: 4 }, 2);
    for (const message of messages) expect(message.partition).toBe(keyIndex(message));
  });

  it('fewer keys than partitions: key i of K is spread to partition floor(i*P/K)', () => {
    const partitionOf = (keys: number, partitions: number): Record<string, number> => {
      const map: Record<string, number> = {};
      for (const message of workloadOf({ messages: 60, keys, partitions }, 3)) {
        if (message.key in map) expect(map[message.key], `${message.key} moved`).toBe(message.partition);
        map[message.key] = message.partition;
      }
      return map;
    };
    expect(partitionOf(2, 6)).toEqual({ k0: 0, k1: 3 });
    expect(partitionOf(3, 8)).toEqual({ k0: 0, k1: 2, k2: 5 });
    expect(partitionOf(3, 7)).toEqual({ k0: 0, k1: 2, k2: 4 });
    // Not i mod P, which would crowd k0..k(K-1) into the first K partitions.
    expect(partitionOf(2, 4)).toEqual({ k0: 0, k1: 2 });
  });
});

describe('determinism', () => {
  it('the same seed gives the same workload; another seed draws other keys', () => {
    const settings: WorkloadSettings = { ...BASE, messages: 30, keys: 4, partitions: 3, burst: 4 };
    expect(generateWorkload(settings, new RandomStreams(42), 2)).toEqual(generateWorkload(settings, new RandomStreams(42), 2));
    const keys = (seed: number): string[] => generateWorkload(settings, new RandomStreams(seed)).map((message) => message.key);
    expect(keys(43)).not.toEqual(keys(42));
  });

  it('the workload draws only from its own stream: other streams drawn first change nothing', () => {
    const streams = new RandomStreams(7);
    streams.stream('network').uint32();
    streams.stream('faults').uint32();
    expect(generateWorkload(BASE, streams)).toEqual(generateWorkload(BASE, new RandomStreams(7)));
  });

  it('simulate() runs the workload generateWorkload makes from its seed, handing each message over on time by its producer', () => {
    const result = simulate({ mode: 'at-least-once', seed: 11, faults: 'none', topology: { producers: 3 }, workload: { messages: 20, keys: 3, partitions: 2, burst: 4 } });
    expect(result.workload).toEqual(generateWorkload(result.config.workload, new RandomStreams(11), 3));
    const handovers = result.trace.filter((record) => record.kind === 'handover');
    expect(handovers).toHaveLength(20);
    for (const record of handovers) {
      const message = result.workload.find((item) => item.id === record.msg);
      expect(message, record.msg).toBeDefined();
      expect(record.actor).toBe(message?.producer);
      expect(record.t).toBe(message?.handoverUs);
      expect(record.partition).toBe(message?.partition);
    }
  });
});

describe('workloadIndex: message id -> first position', () => {
  const message = (id: string, index: number): WorkloadMessage => ({ id, index, key: 'k0', partition: 0, producer: 'p1', orderKey: 'k0', keySeq: index, handoverUs: 0 });

  it('a generated workload: m<n> is at n - 1, anything else is nowhere', () => {
    const workload = generateWorkload({ messages: 12, keys: 3, partitions: 2, produceIntervalMs: 1, burst: 0 }, new RandomStreams(1));
    const index = workloadIndex(workload);
    for (const item of workload) expect(index.positionOf(item.id)).toBe(item.index);
    for (const id of ['m0', 'm13', 'm01', 'x1', 'm', 'm1a', '', 'm99999999999999999']) expect(index.positionOf(id), id).toBe(-1);
    expect([...index.canon]).toEqual(workload.map((item) => item.index));
    expect([...index.last]).toEqual(workload.map((item) => item.index));
  });

  it('any other workload: ids looked up by name, a repeated id at its first position', () => {
    const workload = [message('a', 0), message('m2', 1), message('a', 2), message('m1', 3)];
    const index = workloadIndex(workload);
    expect(['a', 'm2', 'm1', 'm3'].map((id) => index.positionOf(id))).toEqual([0, 1, 3, -1]);
    expect([...index.canon]).toEqual([0, 1, 0, 3]);
    // The last position holding each canonical id: what a lookup by id finds.
    expect(index.last[0]).toBe(2);
  });

  it('is built once per workload array', () => {
    const workload = [message('m1', 0), message('m2', 1)];
    expect(workloadIndex(workload)).toBe(workloadIndex(workload));
    expect(workloadIndex([...workload])).not.toBe(workloadIndex(workload));
  });
});
