/**
 * The worker behind handler-sync/runner.ts: runs one simulation with a team's handler (loaded once per module
 * path) and hands back the result as plain data, with the decision points reached when asked. A misuse of the
 * handler contract comes back as an error message, not a thrown object, so it keeps its one line.
 */
import { runAsWorker } from 'synckit';
import { runSimulationAsync } from '../../models/engine.js';
import type { SimulationResult } from '../../models/engine.js';
import type { SimulationConfig } from '../../models/config.js';
import type { Fault, FaultSource } from '../../models/faults/catalog.js';
import { HandlerError } from '../../models/handler/contract.js';
import { handlerModuleAt } from '../handler-module-cache.js';

/**
 * A result without its traceHash method (functions do not cross threads), and without its views of the effects and
 * the messages (class instances arrive as plain objects): the runner rebuilds them over `effects` and `workload`.
 */
export type ResultData = Omit<SimulationResult, 'traceHash' | 'appliedEffects' | 'messages'>;

export type WorkerAnswer = { result: ResultData; candidates: Fault[] } | { error: string };

export async function runWithHandlerInWorker(path: string, label: string, config: SimulationConfig, source: FaultSource, collect: boolean): Promise<WorkerAnswer> {
  const candidates: Fault[] = [];
  try {
    const module = await handlerModuleAt(path, label);
    const result = await runSimulationAsync(config, source, module, collect ? { candidate: (candidate) => candidates.push(candidate) } : undefined);
    const data: Partial<SimulationResult> = { ...result };
    delete data.traceHash;
    delete data.appliedEffects;
    delete data.messages;
    return { result: data as ResultData, candidates };
  } catch (error) {
    if (error instanceof HandlerError) return { error: error.message };
    throw error;
  }
}

runAsWorker(runWithHandlerInWorker);
