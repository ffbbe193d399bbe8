/**
 * The library's `faults` input: a preset's name, rates (those left out are 0, as `--faults drop=0.1` reads them),
 * a plan, or just a plan's list of faults. A bad one is a ConfigError naming it, not a RangeError from deep inside.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../models/config-error.js';
import { simulate } from '../../../models/engine.js';
import { FAULT_PRESETS } from '../../../models/faults/catalog.js';

const run = (faults: Parameters<typeof simulate>[0]['faults']) => simulate({ mode: 'at-least-once', seed: 3, faults });

describe('faults given to simulate()', () => {
  it('a list of faults is the plan it lists', () => {
    const list = [{ kind: 'leader-failover' as const, message: 'm3' }];
    expect(run(list).traceHash()).toBe(run({ version: 1, faults: list }).traceHash());
    expect(run(list).faultCounts['leader-failover']).toBe(1);
  });

  it('rates left out are 0', () => {
    expect(run({ drop: 0.2 }).traceHash()).toBe(run({ ...FAULT_PRESETS.none, drop: 0.2 }).traceHash());
    expect(run({}).traceHash()).toBe(run('none').traceHash());
  });

  it('refuses an unknown preset, an unknown rate and a rate outside 0..1 with a ConfigError naming it', () => {
    expect(() => run('chaotic')).toThrow(ConfigError);
    expect(() => run('chaotic')).toThrow('invalid faults: "chaotic" (allowed: a preset (none, default, chaos), rates, or a plan)');
    expect(() => run({ dorp: 0.1 } as never)).toThrow(/invalid faults: "dorp" \(allowed: a rate named drop, /);
    expect(() => run({ drop: 2 })).toThrow('invalid faults.drop: 2 (allowed: a number from 0 to 1)');
    expect(() => run({ drop: Number.NaN })).toThrow(ConfigError);
    expect(() => run([{ kind: 'no-such-kind' } as never])).toThrow(/no-such-kind/);
  });
});
