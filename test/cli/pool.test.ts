/**
 * The worker pool from the TypeScript sources (as vitest runs them): the threads load the built worker from dist/,
 * and a sweep or a batch of plan verdicts spread over them equals the one-thread answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultWorkers, openRunner, workerFile } from '../../cli/scale/pool.js';
import { PLANS_PER_DEFAULT_WORKER_MIN, RUNS_PER_DEFAULT_WORKER_MIN, workersFor } from '../../cli/scale/workers-option.js';
import { sweepOn } from '../../cli/scale/parallel-sweep.js';
import { exploreOn } from '../../cli/scale/parallel-explore.js';
import { explore } from '../../properties/explore.js';
import { resolveConfig } from '../../models/engine.js';
import { FAULT_PRESETS } from '../../models/faults/catalog.js';
import { brokenInvariants, runPlan } from '../../properties/breaks.js';
import { checkInvariant, planKey, searchPlans } from '../../properties/check.js';
import type { SearchedInvariant } from '../../properties/breaks.js';
import { sweepSeeds } from '../../properties/sweep.js';
import { requireBuiltCli } from '../helpers/cli.js';

beforeAll(requireBuiltCli);

describe('worker pool', () => {
  it('runs the built worker from dist/, whatever file imports it', () => {
    expect(workerFile()).toMatch(/[/\\]dist[/\\]cli[/\\]scale[/\\]worker\.js$/);
  });

  it('a sweep over two threads, and plan verdicts on them, equal the one-thread results', async () => {
    const config = resolveConfig({ mode: 'at-least-once', seed: 3, settings: { producerBuffer: 'memory' } });
    const faults = { rates: FAULT_PRESETS.chaos };
    const runner = openRunner(2);
    try {
      const job = { config, faults, fromSeed: 1, toSeed: 120 };
      expect(JSON.stringify(await sweepOn(runner, job))).toBe(JSON.stringify(sweepSeeds(job)));
      const plans = searchPlans({ config, plans: { maxFaults: 3 } }, 12);
      expect(await runner.run('planVerdicts', { config, plans })).toEqual(plans.map((plan) => brokenInvariants(runPlan(config, plan))));
    } finally {
      await runner.close();
    }
  });

  it('explore with its levels on two threads equals the one-thread search, also when --max-runs stops it mid-level', async () => {
    const config = resolveConfig({ mode: 'at-least-once', seed: 2, workload: { messages: 2, partitions: 1 } });
    const runner = openRunner(2);
    const levels: number[] = [];
    try {
      for (const maxRuns of [undefined, 700]) {
        const options = { config, maxFaults: 2, ...(maxRuns === undefined ? {} : { maxRuns }) };
        const threaded = await exploreOn(options, { runnerFor: (plans) => (levels.push(plans), runner) });
        const here = explore(options);
        expect(JSON.stringify(threaded)).toBe(JSON.stringify(here));
        expect(threaded.breaks.length).toBeGreaterThan(0);
        expect(threaded.stoppedBy).toBe(maxRuns === undefined ? null : 'max-runs');
      }
    } finally {
      await runner.close();
    }
    // Levels 1 and 2 ran on the threads, each time (level 0, the baseline, runs here).
    expect(levels).toHaveLength(4);
  });

  it('the plans drawn ahead are exactly the ones the search tries: none is simulated again', () => {
    const config = resolveConfig({ mode: 'exactly-once', seed: 11 });
    const plans = { maxFaults: 3 };
    const ahead = searchPlans({ config, plans }, 40);
    const misses: string[] = [];
    class Verdicts extends Map<string, readonly SearchedInvariant[]> {
      override get(key: string): readonly SearchedInvariant[] | undefined {
        const found = super.get(key);
        if (found === undefined) misses.push(key);
        return found;
      }
    }
    const verdicts = new Verdicts(ahead.map((plan) => [planKey(plan), brokenInvariants(runPlan(config, plan))]));
    const withVerdicts = checkInvariant({ config, invariant: 'loss', numRuns: 40, plans, verdicts });
    expect(withVerdicts.found).toBe(false);
    expect(misses).toEqual([]);
    expect(withVerdicts).toEqual(checkInvariant({ config, invariant: 'loss', numRuns: 40, plans }));
  });
});

describe('the default number of threads', () => {
  it('starts a thread only for a job large enough to pay its warm-up, never more than the cores; --workers is taken as given', () => {
    const cores = defaultWorkers();
    expect(workersFor(undefined, RUNS_PER_DEFAULT_WORKER_MIN * 2 - 1)).toBe(1);
    expect(workersFor(undefined, RUNS_PER_DEFAULT_WORKER_MIN * 2)).toBe(Math.min(cores, 2));
    expect(workersFor(undefined, 1_000_000)).toBe(cores);
    // Explore's plans are cheaper than sweep's runs: the 6,090 plans of exactly-once K=2 on 3 messages stay in one thread.
    expect(workersFor(undefined, 6090, PLANS_PER_DEFAULT_WORKER_MIN)).toBe(1);
    expect(workersFor(undefined, 42_331, PLANS_PER_DEFAULT_WORKER_MIN)).toBe(Math.min(cores, 5));
    expect(workersFor('2', 6090, PLANS_PER_DEFAULT_WORKER_MIN)).toBe(2);
    expect(workersFor('8', 3)).toBe(3);
  });
});
