/**
 * Where sweep, check and explore send their work: a tinypool of worker threads running cli/scale/worker.js, or, with one
 * worker, the same functions in this thread (no thread start-up, and a yield between tasks so progress can draw).
 * Both run the same code on the same inputs, so the answer does not depend on the worker count.
 */
import { builtWorker } from '../built-worker.js';
import { importModule } from '../import-module.js';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import type { Tinypool } from 'tinypool';
import { explorePlans, handlerSweepChunk, planVerdicts, sweepChunk } from './worker.js';

const TASKS = { sweepChunk, handlerSweepChunk, planVerdicts, explorePlans };
export type TaskName = keyof typeof TASKS;
type TaskInput<Name extends TaskName> = Parameters<(typeof TASKS)[Name]>[0];
/** What each task resolves to (handlerSweepChunk is async: a handler's runs are). */
type TaskOutputs = { [Name in TaskName]: Awaited<ReturnType<(typeof TASKS)[Name]>> };
type TaskOutput<Name extends TaskName> = TaskOutputs[Name];

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

/**
 * A smaller inlining budget for TurboFan (V8's default is 920 bytes of bytecode) for the long work of sweep, check and
 * explore. Each pool thread is its own isolate and optimises the same hot functions again on V8's helper threads,
 * which, on a machine with as many cores as workers, compete with the workers themselves; the largest functions of a
 * run (judgeRun, checkGroups) took hundreds of ms of compiling each, several times over. Measured on 20,000-seed
 * sweeps, it cuts the helpers' CPU per seed by 20-40% and the steady CPU per seed of the thread doing the work did not
 * grow (it looked lower: 640-740 against 750-870 µs/seed). Set for one worker as well, so --workers 1 and N compare
 * like with like. Inlining changes no result.
 */
export const POOL_V8_FLAGS = '--max-inlined-bytecode-size-cumulative=300';

export function openRunner(workers: number): TaskRunner {
  // V8 reads the flag each time it optimises a function: this thread's later compiles, and the threads started below.
  setFlagsFromString(POOL_V8_FLAGS);
  if (workers <= 1) return inThread();
  // Loaded only here: a one-worker run and every other command never pay for the pool's module.
  const pool = (importModule('tinypool') as Promise<{ Tinypool: typeof Tinypool }>).then((tinypool) => new tinypool.Tinypool({ filename: workerFile(), minThreads: workers, maxThreads: workers }));
  return {
    workers,
    run: async (name, task) => (await (await pool).run(task, { name })) as TaskOutput<typeof name>,
    close: async () => (await pool).destroy(),
  };
}

function inThread(): TaskRunner {
  return {
    workers: 1,
    run: async (name, task) => {
      // Give timers (the progress bar) a turn between tasks: this thread does the work itself.
      await new Promise((resolve) => setImmediate(resolve));
      return (await (TASKS[name] as (input: typeof task) => unknown)(task)) as TaskOutput<typeof name>;
    },
    close: async () => {},
  };
}
