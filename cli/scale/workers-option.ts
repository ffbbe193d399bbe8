/** `--workers <n>` for sweep, check and explore: how many threads share the work (default: every available core). */
import type { Command } from 'commander';
import { parseInteger } from '../setting-flags.js';
import { defaultWorkers } from './pool.js';

export const MAX_WORKERS = 256;

/**
 * Runs a thread must have before the default starts it: a new thread compiles and warms up the simulator on its
 * own, so a smaller job is done sooner in fewer threads. Measured on 2 cores (default 40-message runs): 2 threads
 * were 5-20% slower than 1 on 2,000-4,000 seeds, even at 5,000-6,000, and faster from 8,000 (10-15%).
 */
export const RUNS_PER_DEFAULT_WORKER_MIN = 3000;

/**
 * The same for explore's plans, which are cheaper (a few messages each: 0.1 ms of CPU on 3, against 0.25 for a
 * default run): 2 threads took 1.3 s where 1 took 1.1 on 6,090 plans, and were 1.4x faster on 42,331.
 */
export const PLANS_PER_DEFAULT_WORKER_MIN = 8000;

export function addWorkersOption(command: Command): Command {
  return command.option('--workers <n>', `worker threads to share the runs (default: the available cores, ${defaultWorkers()} here, for jobs large enough to gain from them); the result is the same for any n`);
}

/**
 * The threads to run `units` runs on: exactly --workers when given (never more than the runs), else every core the
 * job is large enough for. Only speed depends on this; the result never does.
 */
export function workersFor(raw: string | undefined, units: number, unitsPerWorkerMin = RUNS_PER_DEFAULT_WORKER_MIN): number {
  if (raw !== undefined) return Math.max(1, Math.min(parseInteger('--workers', raw, 1, MAX_WORKERS), units));
  return Math.max(1, Math.min(defaultWorkers(), Math.floor(units / unitsPerWorkerMin)));
}
