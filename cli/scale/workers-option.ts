/** `--workers <n>` for sweep, check and explore: how many threads share the work (default: every available core). */
import type { Command } from 'commander';
import { parseInteger } from '../setting-flags.js';
import { defaultWorkers } from './pool.js';

export const MAX_WORKERS = 256;

/**
 * Runs a thread must have before the default starts it: a new thread compiles and warms up the simulator on its
 * own (about as much CPU as two thousand runs take once warm), so a smaller job is done sooner in fewer threads.
 */
export const RUNS_PER_DEFAULT_WORKER_MIN = 2000;

export function addWorkersOption(command: Command): Command {
  return command.option('--workers <n>', `worker threads to share the runs (default: the available cores, ${defaultWorkers()} here, for jobs large enough to gain from them); the result is the same for any n`);
}

/**
 * The threads to run `units` runs on: exactly --workers when given (never more than the runs), else every core the
 * job is large enough for. Only speed depends on this; the result never does.
 */
export function workersFor(raw: string | undefined, units: number): number {
  if (raw !== undefined) return Math.max(1, Math.min(parseInteger('--workers', raw, 1, MAX_WORKERS), units));
  return Math.max(1, Math.min(defaultWorkers(), Math.floor(units / RUNS_PER_DEFAULT_WORKER_MIN)));
}
