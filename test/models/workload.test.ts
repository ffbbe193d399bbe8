/**
 * The producer applications' messages: which producer hands each over and when, its key, partition, order key and
 * position among its order key's messages — and that simulate() runs exactly the workload generateWorkload makes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../models/engine.js';
import { workloadDurationMs } from '../../models/settings/common.js';
import type { WorkloadSettings } from '../../models/settings/common.js';
import { arrayOf } from '../../models/arrays.js';
import { producerId } from '../../models/topology.js';
import { generateWorkload as generateColumns, messagesOf, shareOf, sliceOf, workloadIndex, workloadOf as viewOf } from '../../models/workload.js';
import type { Workload, WorkloadMessage } from '../../models/workload.js';
import { RandomStreams } from '../../sim/random.js';
import { SEED_TAG, fcParams } from '../properties/fc-config.js';

/** The workload as objects (the columns' messages, built). */
const generateWorkload = (settings: WorkloadSettings, streams: RandomStreams, producers = 1): WorkloadMessage[] => messagesOf(generateColumns(settings, streams, producers));

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
    const three = generateColumns({ ...BASE, messages: 10 }, new RandomStreams(1), 3);
    const share = shareOf(three, 'p2');
    expect(messagesOf(share)).toEqual(messagesOf(three).filter((message) => message.producer === 'p2'));
    expect(messagesOf(share).map((message) => message.id)).toEqual(['m2', 'm5', 'm8']);
    expect([share.idAt(1), share.indexAt(1), share.keyAt(1), share.partitionAt(1), share.producerAt(1), share.orderKeyAt(1), share.keySeqAt(1), share.handoverUsAt(1)]).toEqual(Object.values(three.at(4)));
    expect(() => share.at(3)).toThrow(RangeError);
    expect(shareOf(three, 'p4').length).toBe(0);
    const one = generateColumns({ ...BASE, messages: 10 }, new RandomStreams(1));
    expect(shareOf(one, 'p1')).toBe(one);
    expect(sliceOf(one, 8, 20).map((message) => message.id)).toEqual(['m9', 'm10']);
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
      const messages = generateColumns(workload, new RandomStreams(1));
      expect(workloadDurationMs(workload)).toBe(messages.handoverUsAt(messages.length - 1) / 1000 + settings.produceIntervalMs);
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
    const columns = generateColumns({ messages: 12, keys: 3, partitions: 2, produceIntervalMs: 1, burst: 0 }, new RandomStreams(1));
    const workload = messagesOf(columns);
    expect(workloadIndex(columns)).toBe(workloadIndex(columns));
    // The same index whether the workload is read as columns or as the objects built from them.
    const fromObjects = workloadIndex(workload);
    expect([[...fromObjects.canon], [...fromObjects.last], fromObjects.positionOf('m5'), fromObjects.positionOf('m13')]).toEqual([[...workloadIndex(columns).canon], [...workloadIndex(columns).last], 4, -1]);
    const index = workloadIndex(columns);
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

/** The generator as it was when a workload was an array of objects: the columns must give exactly its messages. */
function referenceWorkload(workload: WorkloadSettings, streams: RandomStreams, producers: number): WorkloadMessage[] {
  const rng = streams.stream('workload');
  const seen = new Array<number>(producers * workload.keys).fill(0);
  const messages: WorkloadMessage[] = [];
  const producerNames = arrayOf(producers, producerId);
  const burst = Math.max(workload.burst, 1);
  for (let index = 0; index < workload.messages; index++) {
    const keyIndex = rng.intBetween(0, workload.keys - 1);
    const key = `k${keyIndex}`;
    const producer = producerNames[index % producers];
    const slot = (index % producers) * workload.keys + keyIndex;
    messages.push({
      id: `m${index + 1}`,
      index,
      key,
      partition: workload.keys >= workload.partitions ? keyIndex % workload.partitions : Math.floor((keyIndex * workload.partitions) / workload.keys),
      producer,
      orderKey: producers === 1 ? key : `${producer}/${key}`,
      keySeq: seen[slot]++,
      handoverUs: index < burst ? 0 : Math.round((index - burst + 1) * workload.produceIntervalMs * 1000),
    });
  }
  return messages;
}

/** Every accessor of a workload, as one object per position. */
function readEach(workload: Workload): WorkloadMessage[] {
  return Array.from({ length: workload.length }, (_, at) => ({ id: workload.idAt(at), index: workload.indexAt(at), key: workload.keyAt(at), partition: workload.partitionAt(at), producer: workload.producerAt(at), orderKey: workload.orderKeyAt(at), keySeq: workload.keySeqAt(at), handoverUs: workload.handoverUsAt(at) }));
}

describe('a workload in columns', () => {
  it(`gives exactly the messages the object generator gave, through every accessor and as objects ${SEED_TAG}`, () => {
    const settingsArb = fc.record({
      messages: fc.integer({ min: 0, max: 300 }),
      keys: fc.integer({ min: 1, max: 12 }),
      partitions: fc.integer({ min: 1, max: 8 }),
      produceIntervalMs: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.double({ min: 0, max: 5000, noNaN: true })),
      burst: fc.integer({ min: 0, max: 320 }),
    });
    fc.assert(
      fc.property(settingsArb, fc.integer({ min: 1, max: 4 }), fc.nat(), (settings, producers, seed) => {
        const expected = referenceWorkload(settings, new RandomStreams(seed), producers);
        const columns = generateColumns(settings, new RandomStreams(seed), producers);
        expect(columns.length).toBe(expected.length);
        expect(messagesOf(columns)).toEqual(expected);
        expect(readEach(columns)).toEqual(expected);
        // An array of objects read as a Workload answers the same.
        expect(readEach(viewOf(expected))).toEqual(expected);
        for (const producer of arrayOf(producers, producerId)) expect(messagesOf(shareOf(columns, producer))).toEqual(expected.filter((message) => message.producer === producer));
      }),
      fcParams(),
    );
  });

  it('refuses a position it does not have', () => {
    const columns = generateColumns({ ...BASE, messages: 3 }, new RandomStreams(1));
    expect(() => columns.at(3)).toThrow(RangeError);
    expect(() => columns.at(-1)).toThrow(RangeError);
    expect(() => viewOf(messagesOf(columns)).at(3)).toThrow(RangeError);
  });

  it("reads a hand-written message without an order key by its key, as the order checker always did", () => {
    const legacy = { id: 'm1', index: 0, key: 'k3', partition: 0, producer: 'p1', keySeq: 0, handoverUs: 0 } as unknown as WorkloadMessage;
    expect(viewOf([legacy]).orderKeyAt(0)).toBe('k3');
  });
});
