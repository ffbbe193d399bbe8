/**
 * A team's async handler behind a synchronous run function, for the searches that call runs synchronously (check,
 * shrink, compare, explore): each run goes to a worker thread (synckit) that drives the handler with the host's
 * event loop, while this thread waits for the answer. The result is the same data, with its traceHash method
 * restored; decision points reached are replayed to the caller's observer.
 */
import { builtWorker } from '../built-worker.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSyncFn } from 'synckit';
import { runSimulation } from '../../models/engine.js';
import type { SimulationRunner } from '../../models/engine.js';
import type { RunSpec } from '../run-options.js';
import { traceHash } from '../../sim/trace.js';
import { effectsOf } from '../../models/db/effect-log.js';
import { workloadOf } from '../../models/workload.js';
import { UsageError } from '../usage-error.js';
import type { runWithHandlerInWorker } from './worker.js';

export function handlerRunner(path: string): SimulationRunner {
  const call = createSyncFn<typeof runWithHandlerInWorker>(builtWorker(import.meta.url, 'handler-sync'));
  const absolute = resolve(path);
  // Checked once, not per run: the worker loads the module once too.
  if (!existsSync(absolute)) throw new UsageError(`cannot load --handler ${path}: no such file`);
  return (config, source, observers) => {
    const answer = call(absolute, path, config, source, observers?.candidate !== undefined);
    if ('error' in answer) throw new UsageError(`--handler ${path}: ${answer.error}`);
    if (observers?.candidate !== undefined) for (const candidate of answer.candidates) observers.candidate(candidate);
    let hash: string | undefined;
    const data = answer.result;
    return { ...data, appliedEffects: effectsOf(data.effects), messages: workloadOf(data.workload), traceHash: () => (hash ??= traceHash(data.trace)) };
  };
}

/** How a command's searches run: with its --handler (or the plan's recorded one), or the built-in processing. */
export function runnerFor(spec: Pick<RunSpec, 'handler'>): SimulationRunner {
  return spec.handler === undefined ? runSimulation : handlerRunner(spec.handler);
}
