import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWTH_CAPPED_FROM_MESSAGES, heapGrowthFlag, heapNeededBytes, heapPlan, workersThatFit } from '../../cli/heap-budget.js';
import { resolveConfig } from '../../models/engine.js';
import { CLI_MAIN } from '../helpers/build.js';
import { expectOneLineError, requireBuiltCli } from '../helpers/cli.js';

const GB = 2 ** 30;
const config = (messages: number, groups = 1) => resolveConfig({ mode: 'at-least-once', seed: 1, workload: { messages }, topology: { groups } });

describe('heapGrowthFlag', () => {
  it("caps V8's heap growing factor from half a million messages, unless node was given its own value", () => {
    expect(heapGrowthFlag(HEAP_GROWTH_CAPPED_FROM_MESSAGES - 1, [])).toBeUndefined();
    expect(heapGrowthFlag(HEAP_GROWTH_CAPPED_FROM_MESSAGES, [])).toBe('--heap-growing-percent=60');
    expect(heapGrowthFlag(10_000_000, ['--max-old-space-size=8192', ''])).toBe('--heap-growing-percent=60');
    expect(heapGrowthFlag(10_000_000, ['--heap-growing-percent=20'])).toBeUndefined();
    expect(heapGrowthFlag(10_000_000, ['--heap_growing_percent=20'])).toBeUndefined();
  });
});

describe('heapPlan', () => {
  it('runs what fits the heap, more groups needing more', () => {
    expect(heapPlan(config(1_000_000), { heapLimitBytes: 4 * GB, totalMemBytes: 16 * GB, raised: false })).toEqual({ action: 'run' });
    expect(heapNeededBytes(config(1_000_000, 3))).toBeGreaterThan(heapNeededBytes(config(1_000_000)));
  });

  it('asks for a larger heap, within the machine, for a run that outgrows the limit', () => {
    const plan = heapPlan(config(10_000_000), { heapLimitBytes: 4 * GB, totalMemBytes: 32 * GB, raised: false });
    expect(plan.action).toBe('respawn');
    const heapMb = plan.action === 'respawn' ? plan.heapMb : 0;
    expect(heapMb * 2 ** 20 * 0.8).toBeGreaterThanOrEqual(heapNeededBytes(config(10_000_000)) - 2 ** 20);
    expect(heapMb * 2 ** 20).toBeLessThanOrEqual(32 * GB * 0.75);
  });

  it('fits ten million messages on an 8 GB machine (a whole at-least-once run peaks at about 2.5 GB)', () => {
    expect(heapPlan(config(10_000_000), { heapLimitBytes: 2 * GB, totalMemBytes: 8 * GB, raised: false }).action).toBe('respawn');
  });

  it('refuses, naming a run that fits, what the machine cannot hold or a raised process still cannot', () => {
    const small = heapPlan(config(10_000_000), { heapLimitBytes: 2 * GB, totalMemBytes: 4 * GB, raised: false });
    expect(small.action).toBe('refuse');
    const message = small.action === 'refuse' ? small.message : '';
    expect(message).toMatch(/^--messages 10000000 needs about 4\.\d GB of memory .*the machine has 4\.0 GB.*run at most (\d+) messages/);
    const fitting = Number(/run at most (\d+)/.exec(message)?.[1]);
    expect(heapPlan(config(fitting), { heapLimitBytes: 2 * GB, totalMemBytes: 4 * GB, raised: false }).action).not.toBe('refuse');
    expect(heapPlan(config(10_000_000), { heapLimitBytes: 4 * GB, totalMemBytes: 32 * GB, raised: true }).action).toBe('refuse');
  });
});

describe('results kept beside a run', () => {
  it('count toward the heap: a compare of three modes needs more than one run, and may need a larger heap where one run fits', () => {
    const one = heapNeededBytes(config(5_000_000));
    const three = heapNeededBytes(config(5_000_000), 2);
    expect(three - one).toBeGreaterThan(2 * 250 * 5_000_000);
    const facts = { heapLimitBytes: 4 * GB, totalMemBytes: 16 * GB, raised: false };
    expect(heapPlan(config(5_000_000), facts).action).toBe('run');
    expect(heapPlan(config(5_000_000), facts, 2).action).toBe('respawn');
    // The messages the refusal names fit with the same results kept.
    const refused = heapPlan(config(10_000_000), { ...facts, totalMemBytes: 8 * GB }, 2);
    const fitting = Number(/run at most (\d+)/.exec(refused.action === 'refuse' ? refused.message : '')?.[1]);
    expect(fitting).toBeGreaterThan(0);
    expect(heapPlan(config(fitting), { ...facts, totalMemBytes: 8 * GB }, 2).action).not.toBe('refuse');
  });
});

describe('workersThatFit', () => {
  it('runs as many threads at once as the machine holds runs at their peak, and at least one', () => {
    const need = heapNeededBytes(config(5_000_000));
    expect(workersThatFit(config(5_000_000), 8, 16 * GB)).toBe(Math.floor((16 * GB * 0.75) / need));
    expect(workersThatFit(config(5_000_000), 8, 16 * GB)).toBeLessThan(8);
    expect(workersThatFit(config(1000), 8, 64 * GB)).toBe(8);
    expect(workersThatFit(config(10_000_000), 4, 8 * GB)).toBe(1);
  });
});

describe('simulate with a heap too small for the run', () => {
  requireBuiltCli();
  // The shipped bin in a node whose heap limit (200 MB) is below what 300,000 messages need.
  const run = (env: Record<string, string>) => spawnSync(process.execPath, ['--max-old-space-size=200', CLI_MAIN, '--messages', '300000', '--faults', 'none', '--json'], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 2 ** 20 });

  it('runs it again with a heap that fits, and says so on stderr', () => {
    const child = run({});
    expect(child.status).toBe(0);
    expect(child.stderr).toMatch(/running it again with --max-old-space-size=\d+/);
    expect((JSON.parse(child.stdout) as { invariants: { loss: { count: number } } }).invariants.loss.count).toBe(0);
  }, 120_000);

  it('refuses with one line and exit 2 in a process that was already given a larger heap', () => {
    expectOneLineError(run({ SIMULATE_HEAP_RAISED: '1' }), ['--messages 300000 needs about', 'of memory']);
  });

  it('guards every command that runs simulations: a sweep, check or compare runs again with a heap that fits, to the same result', () => {
    // A 100 MB limit is below even the base a small run is budgeted, so each command is run again in a larger heap.
    const json = (args: string[], heapLimit: string[]) => spawnSync(process.execPath, [...heapLimit, CLI_MAIN, ...args, '--messages', '20', '--json'], { encoding: 'utf8' });
    for (const args of [['sweep', '--seeds', '1..3', '--workers', '2'], ['check', '--mode', 'at-most-once', '--runs', '5'], ['compare', '--seed', '4']]) {
      const small = json(args, ['--max-old-space-size=100']);
      const plain = json(args, []);
      expect(small.stderr, args[0]).toMatch(/running it again with --max-old-space-size=\d+/);
      expect(plain.stderr, args[0]).not.toMatch(/running it again/);
      expect(small.status, args[0]).toBe(plain.status);
      const withoutWall = (stdout: string) => stdout.replace(/"wallMs": [\d.]+/g, '"wallMs": 0');
      expect(withoutWall(small.stdout), args[0]).toBe(withoutWall(plain.stdout));
    }
  }, 120_000);
});
