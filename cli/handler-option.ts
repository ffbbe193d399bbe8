/**
 * `--handler <module>`: a team's own handler (an ES module exporting `handler` and `effects`; see
 * models/handler/contract.ts), loaded from a path relative to the working directory. A module that does not
 * load, or exports no handler, is one line and exit 2.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import type { SimulationConfig } from '../models/config.js';
import { handlerConfig, runSimulationAsync } from '../models/engine.js';
import type { RunObservers, SimulationResult } from '../models/engine.js';
import type { FaultSource } from '../models/faults/catalog.js';
import { HandlerError, checkHandlerModule } from '../models/handler/contract.js';
import { assertHandlerReplays, probeConfig } from '../properties/determinism-probe.js';
import type { RunSpec } from './run-options.js';
import type { HandlerModule } from '../models/handler/contract.js';
import { quoteInput } from '../models/quote.js';
import { UsageError } from './usage-error.js';
import { importModule } from './import-module.js';

export async function loadHandlerOption(raw: string): Promise<HandlerModule> {
  const label = `--handler ${quoteInput(raw)}`;
  const path = resolve(raw);
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined) throw new UsageError(`cannot load ${label}: no such file`);
  if (!stats.isFile()) throw new UsageError(`cannot load ${label}: not a file`);
  let module: unknown;
  try {
    module = await importModule(pathToFileURL(path).href);
  } catch (error) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : 'it threw while loading';
    throw new UsageError(`cannot load ${label}: ${text.split('\n')[0]}`);
  }
  try {
    return checkHandlerModule(module, raw);
  } catch (error) {
    if (error instanceof HandlerError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The handler as pool threads take it: checked in this thread first (a module that does not load, breaks the
 * contract's shape, or does not replay the start of `probe`'s run, is one line before any thread starts), then named
 * by its absolute path for each thread to load.
 */
export async function handlerTask(raw: string | undefined, probe: { config: SimulationConfig; faults: FaultSource }): Promise<{ path: string; label: string } | undefined> {
  if (raw === undefined) return undefined;
  const module = await loadHandlerOption(raw);
  await runWithHandler(probeConfig(probe.config), probe.faults, module);
  return { path: resolve(raw), label: raw };
}

/** `--handler <module>` on a command. */
export function addHandlerOption(command: Command): Command {
  return command.option('--handler <module>', 'run your own handler (an ES module exporting handler and effects) in place of the built-in processing and dedup');
}

/**
 * The spec of a run with a handler: the handler is part of the world, so every replay command names it, and the
 * config is the one the run uses (the handler owns dedup; offsets are committed after it acks: see handlerConfig).
 */
export function withHandler(spec: RunSpec, path: string): RunSpec {
  const args = ['--handler', path];
  return { ...spec, handler: path, config: handlerConfig(spec.config), replayArgs: [...spec.replayArgs, ...args], worldArgs: [...spec.worldArgs, ...args] };
}

/**
 * One run with the handler, then the start of it again (properties/determinism-probe.ts): its misuse of the contract
 * (a real timer, parallel calls, a run that does not replay) is the user's input: exit 2.
 */
export async function runWithHandler(config: SimulationConfig, faults: FaultSource, handler: HandlerModule, observers?: RunObservers): Promise<SimulationResult> {
  try {
    const result = await runSimulationAsync(config, faults, handler, observers);
    await assertHandlerReplays(result, faults, handler);
    return result;
  } catch (error) {
    if (error instanceof HandlerError) throw new UsageError(`--handler ${handler.source ?? ''}: ${error.message}`);
    throw error;
  }
}
