/**
 * Where sweep, check and explore send their work: a tinypool of worker threads running cli/scale/worker.js, or, with one
 * worker, the same functions in this thread (no thread start-up, and a yield between tasks so progress can draw).
 * Both run the same code on the same inputs, so the answer does not depend on the worker count.
 */
import { builtWorker } from '../built-worker.js';
import { importModule } from '../import-module.js';
import { availableParallelism } from 'node:os';
import type { Tinypool } from 'tinypool';
import { explorePlans, planVerdicts, sweepChunk } from './worker.js';

const TASKS = { sweepChunk, planVerdicts, explorePlans };
export type TaskName = keyof typeof TASKS;
type TaskInput<Name extends TaskName> = Parameters<(typeof TASKS)[Name]>[0];
type TaskOutput<Name extends TaskName> = ReturnType<(typeof TASKS)[Name]>;

export interface TaskRunner {
  readonly workers: number;
  run<Name extends TaskName>(name: Name, task: TaskInput<Name>): Promise<TaskOutput<Name>>;
  close(): Promise<void>;
}

/** The default --workers: every core this process may use. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/** The compiled worker (see builtWorker). */
export function workerFile(): string {
  return builtWorker(import.meta.url, 'scale');
}

export function openRunner(workers: number): TaskRunner {
  if (workers <= 1) return inThread();
  // Loaded only here: a one-worker run and every other command never pay for the pool's module.
  const pool = (importModule('tinypool') as Promise<{ Tinypool: typeof Tinypool }>).then((tinypool) => new tinypool.Tinypool({ filename: workerFile(), minThreads: workers, maxThreads: workers }));
  return {
    workers,
    run: async (name, task) => (await pool).run(task, { name }) as Promise<TaskOutput<typeof name>>,
    close: async () => (await pool).destroy(),
  };
}

function inThread(): TaskRunner {
  return {
    workers: 1,
    run: async (name, task) => {
      // Give timers (the progress bar) a turn between tasks: this thread does the work itself.
      await new Promise((resolve) => setImmediate(resolve));
      return (TASKS[name] as (input: typeof task) => TaskOutput<typeof name>)(task);
    },
    close: async () => {},
  };
}
