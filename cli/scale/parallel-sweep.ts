/**
 * A sweep spread over a task runner (worker threads or this one): the range is cut into chunks, run in any order,
 * and merged in seed order, so the result equals one pass over the range whatever the worker count.
 */
import { INVARIANT_NAMES } from '../../models/modes.js';
import { chunkSeedRange } from '../../properties/seed-ranges.js';
import { mergeSweepResults } from '../../properties/sweep-merge.js';
import type { SweepResult } from '../../properties/sweep.js';
import type { TaskRunner } from './pool.js';
import { UsageError } from '../usage-error.js';
import type { HandlerSweepChunkTask, SweepChunkTask } from './worker.js';

/** How far a sweep has got: seeds done, and seeds broken per invariant among them. */
export type SweepProgressListener = (done: number, breaks: string) => void;

/**
 * Enough chunks per worker that a slow one does not leave the others idle at the end (and progress moves),
 * few enough that sending each costs nothing next to running it.
 */
export function sweepChunkSize(seeds: number, workers: number): number {
  return Math.max(25, Math.min(2500, Math.ceil(seeds / (workers * 16))));
}

/**
 * `handler`: a team's handler module (its absolute path, and the path as written), which each thread loads itself;
 * a misuse of its contract in any chunk is one line, exit 2 (a UsageError), as in a single run.
 */
export async function sweepOn(runner: TaskRunner, job: SweepChunkTask, onProgress?: SweepProgressListener, handler?: HandlerSweepChunkTask['handler']): Promise<SweepResult> {
  const total = job.toSeed - job.fromSeed + 1;
  const chunks = chunkSeedRange(job, sweepChunkSize(total, runner.workers));
  const done: SweepResult[] = [];
  let seedsDone = 0;
  const runChunk = async (task: SweepChunkTask): Promise<SweepResult> => {
    if (handler === undefined) return runner.run('sweepChunk', task);
    const answer = await runner.run('handlerSweepChunk', { ...task, handler });
    if ('error' in answer) throw new UsageError(`--handler ${handler.label}: ${answer.error}`);
    return answer.sweep;
  };
  const parts = await Promise.all(
    chunks.map(async (chunk) => {
      const part = await runChunk({ ...job, ...chunk });
      done.push(part);
      seedsDone += part.runs;
      onProgress?.(seedsDone, breaksSoFar(done));
      return part;
    }),
  );
  return mergeSweepResults(parts);
}

/** "loss 3 · duplicates 12": seeds broken so far, per invariant that broke. */
export function breaksSoFar(parts: readonly SweepResult[]): string {
  const counts = INVARIANT_NAMES.map((name) => [name, parts.reduce((total, part) => total + part.invariants[name].seedsBroken, 0)] as const).filter(([, count]) => count > 0);
  return counts.length === 0 ? 'no breaks yet' : 'broken in ' + counts.map(([name, count]) => `${name} ${count}`).join(' · ');
}
