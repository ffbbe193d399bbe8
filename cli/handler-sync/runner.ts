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
import type { ResultData, runWithHandlerInWorker } from './worker.js';
import type { SimulationConfig } from '../../models/config.js';
import type { Fault, FaultSource } from '../../models/faults/catalog.js';
import { notDeterministic, partedAt, probeConfig } from '../../properties/determinism-probe.js';

export function handlerRunner(path: string): SimulationRunner {
  const call = createSyncFn<typeof runWithHandlerInWorker>(builtWorker(import.meta.url, 'handler-sync'));
  const absolute = resolve(path);
  // Checked once, not per run: the worker loads the module once too.
  if (!existsSync(absolute)) throw new UsageError(`cannot load --handler ${path}: no such file`);
  const run = (config: SimulationConfig, source: FaultSource, collect: boolean): { result: ResultData; candidates: Fault[] } => {
    const answer = call(absolute, path, config, source, collect);
    if ('error' in answer) throw new UsageError(`--handler ${path}: ${answer.error}`);
    return answer;
  };
  // The first run is played again before a search trusts the handler (properties/determinism-probe.ts).
  let probed = false;
  return (config, source, observers) => {
    const answer = run(config, source, observers?.candidate !== undefined);
    if (observers?.candidate !== undefined) for (const candidate of answer.candidates) observers.candidate(candidate);
    const data = answer.result;
    if (!probed) {
      probed = true;
      const parted = partedAt(data, run(probeConfig(config), source, false).result);
      if (parted !== undefined) throw new UsageError(`--handler ${path}: ${notDeterministic(parted).message}`);
    }
    let hash: string | undefined;
    return { ...data, appliedEffects: effectsOf(data.effects), messages: workloadOf(data.workload), traceHash: () => (hash ??= traceHash(data.trace)) };
  };
}

/** How a command's searches run: with its --handler (or the plan's recorded one), or the built-in processing. */
export function runnerFor(spec: Pick<RunSpec, 'handler'>): SimulationRunner {
  return spec.handler === undefined ? runSimulation : handlerRunner(spec.handler);
}
