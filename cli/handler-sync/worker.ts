/**
 * The worker behind handler-sync/runner.ts: runs one simulation with a team's handler (loaded once per module
 * path) and hands back the result as plain data, with the decision points reached when asked. A misuse of the
 * handler contract comes back as an error message, not a thrown object, so it keeps its one line.
 */
import { pathToFileURL } from 'node:url';
import { runAsWorker } from 'synckit';
import { runSimulationAsync } from '../../models/engine.js';
import type { SimulationResult } from '../../models/engine.js';
import type { SimulationConfig } from '../../models/config.js';
import type { Fault, FaultSource } from '../../models/faults/catalog.js';
import { HandlerError, checkHandlerModule } from '../../models/handler/contract.js';
import type { HandlerModule } from '../../models/handler/contract.js';

/**
 * A result without its traceHash method (functions do not cross threads), and without its views of the effects and
 * the messages (class instances arrive as plain objects): the runner rebuilds them over `effects` and `workload`.
 */
export type ResultData = Omit<SimulationResult, 'traceHash' | 'appliedEffects' | 'messages'>;

export type WorkerAnswer = { result: ResultData; candidates: Fault[] } | { error: string };

const modules = new Map<string, Promise<HandlerModule>>();

/** The module, loaded once; a module that does not load is the user's input, in one line like any other. */
function moduleAt(path: string, label: string): Promise<HandlerModule> {
  let module = modules.get(path);
  if (module === undefined) {
    const loading = import(pathToFileURL(path).href).catch((error: unknown) => {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : 'it threw while loading';
      throw new HandlerError(`cannot load it: ${text.split('\n')[0]}`);
    });
    modules.set(path, (module = loading.then((loaded: unknown) => checkHandlerModule(loaded, label))));
  }
  return module;
}

export async function runWithHandlerInWorker(path: string, label: string, config: SimulationConfig, source: FaultSource, collect: boolean): Promise<WorkerAnswer> {
  const candidates: Fault[] = [];
  try {
    const module = await moduleAt(path, label);
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
