/**
 * check on every core: the plans fast-check will try are drawn ahead (same seed, same stream), run in batches on
 * the task runner, and handed to the ordinary sequential search as verdicts. The search, its shrinking and its
 * counts are then exactly those of a one-thread run; only the simulations moved.
 */
import type { SimulationConfig } from '../../models/config.js';
import type { SearchedInvariant } from '../../properties/breaks.js';
import { planKey, searchPlans } from '../../properties/check.js';
import type { CheckOptions } from '../../properties/check.js';
import type { TaskRunner } from './pool.js';

/** Above this many plans per invariant the verdicts would crowd memory: the search then runs in this thread. */
export const PREFETCH_RUNS_MAX = 200_000;

export interface PrefetchJob {
  config: SimulationConfig;
  /** The invariants searched; drawing stops once each has broken (each search stops at its first break). */
  invariants: readonly SearchedInvariant[];
  runs: number;
  plans: CheckOptions['plans'];
}

export function prefetchChunkSize(runs: number, workers: number): number {
  return Math.max(8, Math.min(250, Math.ceil(runs / (workers * 16))));
}

export async function prefetchVerdicts(runner: TaskRunner, job: PrefetchJob, onProgress?: (done: number, breaks: string) => void): Promise<Map<string, readonly SearchedInvariant[]>> {
  const plans = searchPlans({ config: job.config, plans: job.plans, seed: job.config.seed }, job.runs);
  const verdicts = new Map<string, readonly SearchedInvariant[]>();
  const broken = new Set<SearchedInvariant>();
  const size = prefetchChunkSize(job.runs, runner.workers);
  // Waves of a few chunks per worker: after each, stop if every search has met its first break (they stop there).
  const wave = size * runner.workers * 4;
  for (let start = 0; start < plans.length && broken.size < job.invariants.length; start += wave) {
    const batch = plans.slice(start, start + wave);
    const chunks: (typeof plans)[] = [];
    for (let index = 0; index < batch.length; index += size) chunks.push(batch.slice(index, index + size));
    let done = start;
    await Promise.all(
      chunks.map(async (chunk) => {
        const results = await runner.run('planVerdicts', { config: job.config, plans: chunk });
        chunk.forEach((plan, index) => {
          verdicts.set(planKey(plan), results[index]);
          for (const name of results[index]) if (job.invariants.includes(name)) broken.add(name);
        });
        done += chunk.length;
        onProgress?.(done, broken.size === 0 ? 'no breaks yet' : `broken: ${[...broken].join(', ')}`);
      }),
    );
  }
  return verdicts;
}
