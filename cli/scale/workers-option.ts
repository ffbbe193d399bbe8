/** `--workers <n>` for sweep and check: how many threads share the work (default: every available core). */
import type { Command } from 'commander';
import { parseInteger } from '../setting-flags.js';
import { defaultWorkers } from './pool.js';

export const MAX_WORKERS = 256;

export function addWorkersOption(command: Command): Command {
  return command.option('--workers <n>', `worker threads to share the runs (default: the available cores, ${defaultWorkers()} here); the result is the same for any n`);
}

export function parseWorkers(raw: string | undefined): number {
  return raw === undefined ? defaultWorkers() : parseInteger('--workers', raw, 1, MAX_WORKERS);
}

/**
 * Threads worth starting for `units` of work: starting one costs about as much as a couple of hundred runs, so a
 * small job stays in this thread. Only speed depends on this; the result never does.
 */
export function workersFor(requested: number, units: number, unitsPerWorkerMin = 200): number {
  return Math.max(1, Math.min(requested, Math.floor(units / unitsPerWorkerMin)));
}
