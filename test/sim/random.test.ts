import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { RandomStream, RandomStreams, aleaState, probabilityThreshold } from '../../sim/random.js';
import { FAULT_PRESETS } from '../../models/faults/catalog.js';
import { FaultInjector } from '../../models/faults/injector.js';
import type { FaultRates } from '../../models/faults/catalog.js';
import { simulate } from '../../models/engine.js';
import { SEED_TAG, fcParams } from '../properties/fc-config.js';

const draws = (stream: RandomStream, count: number): number[] => Array.from({ length: count }, () => stream.uint32());

describe('probabilityThreshold', () => {
  it('maps 0 to 0 (never fires) and 1 to 2^32 (always fires)', () => {
    expect(probabilityThreshold(0)).toBe(0);
    expect(probabilityThreshold(1)).toBe(2 ** 32);
    expect(probabilityThreshold(0.5)).toBe(2 ** 31);
    expect(probabilityThreshold(0.25)).toBe(2 ** 30);
  });

  it('is an integer for awkward probabilities', () => {
    for (const probability of [0.1, 0.02, 1 / 3, 1e-9, 0.999999]) expect(Number.isInteger(probabilityThreshold(probability))).toBe(true);
  });

  it('refuses values outside [0, 1] and NaN', () => {
    for (const bad of [-0.0001, 1.0001, Number.NaN, Number.POSITIVE_INFINITY, -1]) expect(() => probabilityThreshold(bad)).toThrow(RangeError);
  });

  it('threshold 0 never fires and 2^32 always fires, whatever the draw', () => {
    const stream = new RandomStream('1', 'edges');
    for (let index = 0; index < 10_000; index++) {
      expect(stream.chance(probabilityThreshold(0))).toBe(false);
      expect(stream.chance(probabilityThreshold(1))).toBe(true);
    }
  });

  it('fires at about the requested rate', () => {
    const stream = new RandomStream('7', 'rate');
    const threshold = probabilityThreshold(0.25);
    let fired = 0;
    for (let index = 0; index < 100_000; index++) if (stream.chance(threshold)) fired++;
    expect(fired / 100_000).toBeGreaterThan(0.24);
    expect(fired / 100_000).toBeLessThan(0.26);
  });
});

describe('RandomStream', () => {
  it('draws exactly what seedrandom.alea draws for the stream name', () => {
    // The kernel steps alea inline for speed; it must stay the published generator.
    const reference = seedrandom.alea('42\u0000network');
    const stream = new RandomStream('42', 'network');
    for (let index = 0; index < 1000; index++) expect(stream.uint32()).toBe(reference.int32() >>> 0);
  });

  it(`draws what seedrandom.alea draws for any root seed and stream name ${SEED_TAG}`, () => {
    // Any text, including lone surrogates and astral characters, must seed and step the same.
    fc.assert(
      fc.property(fc.oneof(fc.integer().map(String), fc.string({ unit: 'binary' })), fc.string({ unit: 'binary', maxLength: 40 }), (root, name) => {
        const reference = seedrandom.alea(`${root}\u0000${name}`, { state: true });
        // The seeding is seedrandom's Mash, inlined: the very same state.
        expect(aleaState(`${root}\u0000${name}`)).toEqual(reference.state());
        const stream = new RandomStream(root, name);
        for (let index = 0; index < 4; index++) expect(stream.uint32()).toBe(reference.int32() >>> 0);
      }),
      fcParams(),
    );
  });

  it('gives the same draws for the same seed and name, different ones otherwise', () => {
    const first = draws(new RandomStream('5', 'workload'), 50);
    expect(draws(new RandomStream('5', 'workload'), 50)).toEqual(first);
    expect(draws(new RandomStream('6', 'workload'), 50)).not.toEqual(first);
    expect(draws(new RandomStream('5', 'network'), 50)).not.toEqual(first);
  });

  it(`RandomStreams reuse the last root seed's seeded states, and draw exactly what fresh streams draw ${SEED_TAG}`, () => {
    // Root seeds repeat and alternate (a search runs one seed again and again; a sweep moves on): every stream of
    // every RandomStreams must draw what a stream seeded afresh draws.
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom('workload', 'network', 'faults:drop', 'actor:p1')), { minLength: 1, maxLength: 30 }), (steps) => {
        for (const [seed, name] of steps) {
          const stream = new RandomStreams(seed).stream(name);
          expect(draws(stream, 3)).toEqual(draws(new RandomStream(String(seed), name), 3));
        }
      }),
      fcParams(),
    );
  });

  it('uint32 stays in [0, 2^32) and is an integer', () => {
    const stream = new RandomStream('3', 'range');
    for (let index = 0; index < 10_000; index++) {
      const value = stream.uint32();
      expect(Number.isInteger(value) && value >= 0 && value < 2 ** 32).toBe(true);
    }
  });

  it('intBetween covers [min, max] inclusive and nothing else', () => {
    const stream = new RandomStream('9', 'ints');
    const seen = new Set<number>();
    for (let index = 0; index < 5000; index++) {
      const value = stream.intBetween(-2, 3);
      expect(value).toBeGreaterThanOrEqual(-2);
      expect(value).toBeLessThanOrEqual(3);
      seen.add(value);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
  });

  it('draws exactly once per call, even for an empty range, so later draws do not shift', () => {
    const a = new RandomStream('11', 'once');
    const b = new RandomStream('11', 'once');
    expect(a.intBetween(4, 4)).toBe(4);
    expect(a.intBetween(9, 2)).toBe(9);
    a.chance(123);
    a.intBetween(0, 1000);
    b.uint32();
    b.uint32();
    b.uint32();
    b.uint32();
    expect(draws(a, 20)).toEqual(draws(b, 20));
  });
});

describe('RandomStreams', () => {
  it('hands out one stream per name, created on first use', () => {
    const streams = new RandomStreams(8);
    expect(streams.stream('workload')).toBe(streams.stream('workload'));
    expect(streams.stream('workload').name).toBe('workload');
    expect(streams.seed).toBe('8');
  });

  it('named streams are independent: drawing from (or creating) others never shifts them', () => {
    const quiet = new RandomStreams(21);
    const busy = new RandomStreams(21);
    const expectedWorkload = draws(quiet.stream('workload'), 100);
    const expectedNetwork = draws(quiet.stream('network'), 100);
    // Interleave heavy use of fault streams, created in a different order.
    const faults = busy.stream('faults:drop');
    const workload: number[] = [];
    const network: number[] = [];
    for (let index = 0; index < 100; index++) {
      faults.uint32();
      busy.stream(`faults:other-${index % 7}`).chance(5);
      network.push(busy.stream('network').uint32());
      workload.push(busy.stream('workload').uint32());
    }
    expect(workload).toEqual(expectedWorkload);
    expect(network).toEqual(expectedNetwork);
  });

  it('a number seed and its decimal string are the same root', () => {
    expect(draws(new RandomStreams(77).stream('x'), 10)).toEqual(draws(new RandomStreams('77').stream('x'), 10));
  });
});

describe('fault rates do not touch the workload', () => {
  it('the same seed hands over the same messages with no faults, default faults and chaos', () => {
    for (const seed of [1, 2, 3, 50]) {
      const workloads = (['none', 'default', 'chaos'] as const).map((faults) => simulate({ mode: 'at-least-once', seed, faults }).workload);
      expect(workloads[1]).toEqual(workloads[0]);
      expect(workloads[2]).toEqual(workloads[0]);
    }
  });

  it('enabling one more fault rate leaves the decisions of the others unchanged (one stream per rate)', () => {
    const none = FAULT_PRESETS.none;
    const decide = (rates: FaultRates): boolean[] => {
      const injector = new FaultInjector({ rates }, new RandomStreams(12));
      const decisions: boolean[] = [];
      for (let index = 1; index <= 300; index++) {
        // The same candidates in the same order; db-reply decisions interleave with the ack decisions.
        decisions.push(injector.maybe({ kind: 'ack-lost', message: `m${index}`, attempt: 1 }, 'faulty') !== undefined);
        injector.maybe({ kind: 'db-reply-lost', message: `m${index}`, attempt: 1 }, 'faulty');
        injector.maybe({ kind: 'consumer-crash', message: `m${index}`, delivery: 1, point: 'mid-process' }, 'faulty');
      }
      return decisions;
    };
    const alone = decide({ ...none, 'ack-loss': 0.1 });
    expect(alone.filter(Boolean).length).toBeGreaterThan(10);
    expect(decide({ ...none, 'ack-loss': 0.1, 'db-reply-loss': 0.5, crash: 0.3 })).toEqual(alone);
  });

  it('no fault fires in the heal phase, and none is drawn there', () => {
    const streams = new RandomStreams(3);
    const injector = new FaultInjector({ rates: { ...FAULT_PRESETS.none, drop: 1 } }, streams);
    expect(injector.maybe({ kind: 'request-lost', message: 'm1', attempt: 1 }, 'heal')).toBeUndefined();
    expect(injector.injected).toEqual([]);
    expect(injector.maybe({ kind: 'request-lost', message: 'm1', attempt: 1 }, 'faulty')).toEqual({ kind: 'request-lost', message: 'm1', attempt: 1 });
    expect(draws(streams.stream('faults:drop'), 5)).toEqual(draws(new RandomStreams(3).stream('faults:drop'), 6).slice(1));
  });
});
