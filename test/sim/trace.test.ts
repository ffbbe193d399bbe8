import { describe, expect, it } from 'vitest';
import { Trace, TraceFull, TraceHasher, traceHash, traceLine } from '../../sim/trace.js';
import type { TraceEvent } from '../../models/events.js';
import type { TraceRecord } from '../../sim/trace.js';
import { resolveConfig, runSimulation, simulate, toFaultSource } from '../../models/engine.js';

const sample: TraceEvent[] = [
  { t: 0, actor: 'producer', kind: 'handover', msg: 'm1', key: 'k0', partition: 0 },
  { t: 512, actor: 'broker', kind: 'append', msg: 'm1', attempt: 1, partition: 0, offset: 0, replica: 0 },
  { t: 900, actor: 'network', kind: 'partition-drop', from: 'consumer', to: 'db', type: 'db-apply' },
];

describe('trace', () => {
  it('appends in order and counts', () => {
    const trace = new Trace();
    for (const record of sample) trace.append(record);
    expect(trace.length).toBe(3);
    expect(trace.records).toEqual(sample);
  });

  it('renders one JSON line per record, keys in insertion order', () => {
    expect(traceLine(sample[0])).toBe('{"t":0,"actor":"producer","kind":"handover","msg":"m1","key":"k0","partition":0}');
  });

  it('has a pinned hash: the same records give the same 16 hex digits on every machine and version', () => {
    expect(traceHash([])).toMatch(/^[0-9a-f]{16}$/);
    // Pinned: a change here means every replay command and stored hash in the wild stops matching.
    expect(traceHash(sample)).toBe(PINNED_SAMPLE_HASH);
    expect(traceHash(sample.map((record) => ({ ...record })))).toBe(traceHash(sample));
  });

  it('changes with any change: a value, a key order, a record order, a dropped or an added record', () => {
    const base = traceHash(sample);
    const variants = [
      [{ ...sample[0], t: 1 }, sample[1], sample[2]],
      [{ ...sample[0], msg: 'm2' }, sample[1], sample[2]],
      [{ actor: 'producer', t: 0, kind: 'handover', msg: 'm1', key: 'k0', partition: 0 }, sample[1], sample[2]],
      [sample[1], sample[0], sample[2]],
      [sample[0], sample[1]],
      [...sample, { t: 900, actor: 'world', kind: 'heal' }],
      [sample[0], { ...sample[1], offset: 1 }, sample[2]],
    ] as TraceRecord[][];
    const hashes = variants.map((variant) => traceHash(variant));
    for (const hash of hashes) expect(hash).not.toBe(base);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('does not confuse record boundaries', () => {
    // Two records vs one record whose text is their concatenation: the newline separator is hashed.
    const one: TraceRecord[] = [{ t: 0, actor: 'a', kind: 'x' }];
    expect(traceHash([...one, ...one])).not.toBe(traceHash(one));
  });

  it('tells values apart by type and nesting, and strings past the table of remembered ones', () => {
    const one = (record: Record<string, unknown>): string => traceHash([{ t: 0, actor: 'a', kind: 'x', ...record }]);
    const values = [1, '1', 1.5, true, 'true', null, [1, 2], [[1, 2]], [1, [2]], { a: 1 }, { a: '1' }, [], {}, 2 ** 40, -1, 'ab', 'ba', ''];
    const hashes = values.map((value) => one({ v: value }));
    expect(new Set(hashes).size).toBe(values.length);
    // An undefined field is no field, as in the record's JSON line.
    expect(one({ v: undefined })).toBe(one({}));
    // Past 4096 distinct strings the oldest are forgotten (written whole again when seen again): still one string per distinct value.
    const many = Array.from({ length: 5000 }, (_, index) => ({ t: index, actor: 'a', kind: 'x', msg: `m${index}` }));
    expect(traceHash([...many, { t: 0, actor: 'a', kind: 'x', msg: 'm1' }])).not.toBe(traceHash([...many, { t: 0, actor: 'a', kind: 'x', msg: 'm2' }]));
  });

  it('hashes as records are appended exactly as over the whole trace, and keeps only what it is asked to', () => {
    const hasher = new TraceHasher();
    const kept = new Trace({ keepMax: 2, hash: true });
    const sunk: TraceRecord[] = [];
    const streamed = new Trace({ keepMax: 0, sink: (record) => sunk.push(record) });
    for (const record of sample) {
      hasher.add(record);
      kept.append(record);
      streamed.append(record);
    }
    expect(hasher.digest()).toBe(traceHash(sample));
    expect(kept.hash()).toBe(traceHash(sample));
    expect(kept.records).toEqual(sample.slice(0, 2));
    expect(kept.complete).toBe(false);
    expect(kept.length).toBe(3);
    expect(kept.tail()).toEqual(sample);
    expect(streamed.records).toEqual([]);
    expect(streamed.tail()).toEqual(sample);
    expect(streamed.hash()).toBeUndefined();
    expect(sunk).toEqual(sample);
    const full = new Trace({ keepMax: 1, stopWhenFull: true });
    full.append(sample[0]);
    expect(() => full.append(sample[1])).toThrow(TraceFull);
  });

  it('the tail of a trace not kept is its last five records, in order', () => {
    const records = Array.from({ length: 12 }, (_, index): TraceRecord => ({ t: index, actor: 'a', kind: 'x' }));
    for (const keepMax of [0, 3, 9, 11]) {
      const trace = new Trace({ keepMax });
      for (const record of records) trace.append(record);
      expect(trace.tail()).toEqual(records.slice(-5));
    }
  });

  it('a run that kept nothing gives the same hash, trace and witnesses as one that kept everything', () => {
    const config = resolveConfig({ mode: 'at-least-once', seed: 5 });
    const kept = runSimulation(config, toFaultSource('chaos'));
    const none = runSimulation(config, toFaultSource('chaos'), { trace: { keepMax: 0 } });
    expect(none.traceHash()).toBe(kept.traceHash());
    expect(none.stats.traceRecords).toBe(kept.trace.length);
    expect(JSON.stringify(none.invariants)).toBe(JSON.stringify(kept.invariants));
    expect(none.trace).toEqual(kept.trace);
  });

  it('a simulation\'s hash is the hash of its records, stable across runs of the same seed', () => {
    const first = simulate({ mode: 'exactly-once', seed: 17 });
    const second = simulate({ mode: 'exactly-once', seed: 17 });
    expect(first.traceHash()).toBe(second.traceHash());
    expect(first.traceHash()).toBe(traceHash(first.trace));
    expect(simulate({ mode: 'exactly-once', seed: 18 }).traceHash()).not.toBe(first.traceHash());
  });
});

const PINNED_SAMPLE_HASH = '49c40eccca4d5f45';
