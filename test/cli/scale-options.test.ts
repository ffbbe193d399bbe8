/** --vary and --shard as parsed: the values a vary walks, the seeds a shard runs, and what each refuses. */
import { describe, expect, it } from 'vitest';
import { parseShard, shardSeeds } from '../../cli/scale/shard.js';
import { parseVary, valuesAt } from '../../cli/scale/vary.js';
import type { RunOptionValues } from '../../cli/run-options.js';
import { UsageError } from '../../cli/usage-error.js';

describe('--vary', () => {
  it('walks from..to by step, with the decimals given (no binary-fraction tails)', () => {
    expect(parseVary('drop=0..0.2:0.02').values).toEqual([0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2]);
    expect(parseVary('max-in-flight=1..5:2')).toMatchObject({ name: 'max-in-flight', target: 'setting', values: [1, 3, 5] });
    expect(parseVary('ack-loss=0.1..0.1:1')).toMatchObject({ target: 'fault rate', values: [0.1] });
  });

  it('sets the flag of a setting, and sets a rate in the faults given (or the default preset)', () => {
    const drop = parseVary('drop=0..0.1:0.1');
    expect(valuesAt<RunOptionValues>({}, drop, 0.1).faults).toBe('default,drop=0.1');
    expect(valuesAt({ faults: 'none,dup=0.2' }, drop, 0).faults).toBe('none,dup=0.2,drop=0');
    // The varied rate replaces the one --faults names: --faults refuses a rate named twice.
    expect(valuesAt({ faults: 'chaos,drop=0.5,dup=0.2' }, drop, 0.1).faults).toBe('chaos,dup=0.2,drop=0.1');
    expect(valuesAt({}, parseVary('max-in-flight=1..2:1'), 2)).toEqual({ maxInFlight: '2' });
  });

  it('takes values listed, in the order given: numbers stay numbers, a word setting keeps its words (4.10 is not 4.1)', () => {
    expect(parseVary('acks=0,1,all')).toEqual({ name: 'acks', target: 'setting', values: ['0', '1', 'all'] });
    expect(parseVary('max-in-flight=5, 1')).toEqual({ name: 'max-in-flight', target: 'setting', values: [5, 1] });
    expect(parseVary('rabbitmq-version=4.2,4.10')).toMatchObject({ values: ['4.2', '4.10'] });
    expect(parseVary('drop=0.1,0')).toEqual({ name: 'drop', target: 'fault rate', values: [0.1, 0] });
    expect(parseVary('requeue-method=nack,reject').range).toBeUndefined();
    expect(valuesAt({}, parseVary('isolation-level=read_committed,read_uncommitted'), 'read_committed')).toEqual({ isolationLevel: 'read_committed' });
    expect(valuesAt<RunOptionValues>({}, parseVary('drop=0,0.1'), 0.1).faults).toBe('default,drop=0.1');
  });

  it.each([
    ['drop', 'expected name=from..to:step'],
    ['acks=1,1', 'listed twice'],
    ['drop=0,lots', 'a fault rate takes numbers'],
    ['nonsense=a,b', 'neither a fault rate'],
    ['drop=0.2..0:0.1', 'from <= to'],
    ['drop=0..1:0', 'step above 0'],
    ['nonsense=0..1:0.5', 'neither a fault rate'],
    ['mode=0..1:1', 'neither a fault rate'],
    ['drop=0..1:0.001', 'at most 101'],
  ])('refuses %s', (raw, fragment) => {
    expect(() => parseVary(raw)).toThrow(UsageError);
    expect(() => parseVary(raw)).toThrow(fragment);
  });

  it('refuses to vary a rate over a plan', () => {
    expect(() => valuesAt({ plan: 'plan.json' }, parseVary('drop=0..0.1:0.1'), 0)).toThrow('--plan replays an explicit plan');
  });
});

describe('--shard', () => {
  it('cuts the range into consecutive pieces, the larger first', () => {
    const whole = { fromSeed: 1, toSeed: 10 };
    expect([1, 2, 3].map((index) => shardSeeds(whole, parseShard(`${index}/3`)))).toEqual([
      { fromSeed: 1, toSeed: 4 },
      { fromSeed: 5, toSeed: 7 },
      { fromSeed: 8, toSeed: 10 },
    ]);
  });

  it.each(['0/2', '3/2', '1/0', '2', 'a/b', '1/2/3'])('refuses %s', (raw) => {
    expect(() => parseShard(raw)).toThrow('expected k/n');
  });

  it('refuses more shards than seeds', () => {
    expect(() => shardSeeds({ fromSeed: 1, toSeed: 2 }, parseShard('1/3'))).toThrow('more shards than the 2 seed(s)');
  });
});
