/** `sweepSeeds` and `simulate sweep`: aggregates agree with individual runs; exit codes; replay; bad input. */
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, runSimulation } from '../../models/engine.js';
import { FAULT_PRESETS } from '../../models/faults/catalog.js';
import { INVARIANT_NAMES } from '../../models/modes.js';
import { sweepSeeds } from '../../properties/sweep.js';
import { requireBuiltCli, runCli, withoutInvocation } from '../helpers/cli.js';

describe('sweepSeeds', () => {
  it('counts, per invariant, exactly the seeds whose own run broke it', () => {
    const config = resolveConfig({ mode: 'at-least-once', seed: 0 });
    const faults = { rates: FAULT_PRESETS.chaos };
    const sweep = sweepSeeds({ config, faults, fromSeed: 10, toSeed: 49, examplesMax: 3 });
    expect(sweep.runs).toBe(40);
    for (const name of INVARIANT_NAMES) {
      const broken: number[] = [];
      for (let seed = 10; seed <= 49; seed++) if (!runSimulation({ ...config, seed }, faults).invariants[name].holds) broken.push(seed);
      expect(sweep.invariants[name].seedsBroken, name).toBe(broken.length);
      expect(sweep.invariants[name].examples, name).toEqual(broken.slice(0, 3));
    }
    expect(sweep.invariants.duplicates.seedsBroken).toBeGreaterThan(0);
    expect(sweep.verdict).toBe('ok');
  });

  it('is violated when a promised invariant breaks in any seed', () => {
    const config = resolveConfig({ mode: 'at-least-once', seed: 0, settings: { producerBuffer: 'memory' } });
    const sweep = sweepSeeds({ config, faults: { rates: FAULT_PRESETS.chaos }, fromSeed: 1, toSeed: 40 });
    expect(sweep.invariants.loss.status).toBe('VIOLATED');
    expect(sweep.verdict).toBe('violated');
  });

  it('refuses an empty or reversed range', () => {
    const config = resolveConfig({ mode: 'at-most-once', seed: 0 });
    expect(() => sweepSeeds({ config, faults: { rates: FAULT_PRESETS.none }, fromSeed: 5, toSeed: 4 })).toThrow(RangeError);
  });
});

describe('simulate sweep', () => {
  beforeAll(() => requireBuiltCli());

  it('at-most-once over seeds 1..200: never duplicates, loses in some seeds, exit 0', async () => {
    const run = await runCli(['sweep', '--mode', 'at-most-once', '--seeds', '1..200', '--json']);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as { invariants: Record<string, { seedsBroken: number; status: string }>; stats: { runs: number }; verdict: string };
    expect(json.stats.runs).toBe(200);
    expect(json.invariants.duplicates.seedsBroken).toBe(0);
    expect(json.invariants.loss.seedsBroken).toBeGreaterThan(0);
    expect(json.invariants.loss.status).toBe('broken, as expected');
    expect(json.verdict).toBe('ok');
  });

  it('exits 1 on a violation and names a replay command that reproduces it', async () => {
    const run = await runCli(['sweep', '--mode', 'at-least-once', '--producer-buffer', 'memory', '--faults', 'chaos', '--seeds', '30', '--json']);
    expect(run.status).toBe(1);
    const replay = (JSON.parse(run.stdout) as { firstViolationReplay: string }).firstViolationReplay;
    expect(withoutInvocation(replay)).toMatch(/^--mode at-least-once --seed \d+ --producer-buffer memory --faults chaos$/);
    const single = await runCli([...withoutInvocation(replay).split(' '), '--json']);
    expect(single.status).toBe(1);
    expect((JSON.parse(single.stdout) as { invariants: { loss: { status: string } } }).invariants.loss.status).toBe('VIOLATED');
  });

  it.each([['0..'], ['5..4'], ['abc'], ['0'], ['1..2000000']])('rejects --seeds %s with one line and exit 2', async (range) => {
    const run = await runCli(['sweep', '--mode', 'at-most-once', '--seeds', range]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('--seeds');
  });

  it('refuses --seed (a sweep takes a range)', async () => {
    const run = await runCli(['sweep', '--seed', '3']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--seeds');
  });
});
