/**
 * The library's one-call API: `simulate({ mode, seed, settings, workload, topology, faults })` returns a result;
 * with `handler` (and `effects`) it runs a team's own handler in place of the built-in processing and returns a
 * promise of the result. Every input is checked with the same one-line errors the CLI gives: an unknown key, an
 * unknown setting, a malformed fault plan, a handler without effects.
 */
import { ConfigError } from '../models/config-error.js';
import { runSimulation, runSimulationAsync, toFaultSource } from '../models/engine.js';
import type { FaultsInput, SimulationResult } from '../models/engine.js';
import { checkHandlerModule } from '../models/handler/contract.js';
import type { Handler, HandlerInvariant, HandlerModule } from '../models/handler/contract.js';
import { resolveConfig } from '../models/resolve.js';
import { assertHandlerReplays } from '../properties/determinism-probe.js';
import { LIMIT_SETTINGS, TIMING_SETTINGS } from '../models/settings/common.js';
import type { SimulationInput } from '../models/resolve.js';

/** The built-in processing: a plain input. */
export type LibraryInput = SimulationInput & { faults?: FaultsInput };

/** A team's handler in place of the built-in processing (see models/handler/contract.ts). */
export type HandlerInput = LibraryInput & {
  handler: Handler;
  /** Tables whose committed writes are a message's effect. */
  effects: readonly string[];
  invariants?: Readonly<Record<string, HandlerInvariant>>;
};

const INPUT_KEYS = ['family', 'mode', 'seed', 'settings', 'workload', 'topology', 'timing', 'limits', 'faults', 'handler', 'effects', 'invariants'];

/** A checked library input: unknown keys refused (`extraKeys`: a caller's own, e.g. checkHandler's search options). */
export function checkInputKeys(input: unknown, extraKeys: readonly string[] = []): void {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ConfigError('input', input, 'an object like { mode, seed, settings, workload, faults }');
  const allowed = [...INPUT_KEYS, ...extraKeys];
  // A misspelled key would silently run the defaults: refuse it, as an unknown setting is refused.
  const unknown = Object.keys(input).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw new ConfigError(unknown, (input as Record<string, unknown>)[unknown], `an input key: ${allowed.join(', ')}`);
  if ('config' in input || 'trace' in input) throw new ConfigError('input', input, 'a SimulationInput ({ mode, seed, ... }), not a config or a result');
  // A resolved SimulationConfig has every group complete, derived limits included: it belongs to runSimulation.
  const groups = input as { family?: unknown; limits?: object; timing?: object };
  if (groups.family !== undefined && isComplete(groups.limits, LIMIT_SETTINGS) && isComplete(groups.timing, TIMING_SETTINGS)) {
    throw new ConfigError('input', '(a resolved SimulationConfig)', 'a SimulationInput with only the overrides you mean; pass a resolved config to runSimulation(config, faults)');
  }
}

function isComplete(group: object | undefined, specs: readonly { key: string }[]): boolean {
  return group !== undefined && specs.every((spec) => spec.key in group);
}

export function simulate(input: HandlerInput): Promise<SimulationResult>;
export function simulate(input: LibraryInput): SimulationResult;
export function simulate(input: LibraryInput | HandlerInput): SimulationResult | Promise<SimulationResult> {
  checkInputKeys(input);
  const config = resolveConfig(input);
  const source = toFaultSource(input.faults);
  if (!('handler' in input) || input.handler === undefined) {
    if ('effects' in input || 'invariants' in input) throw new ConfigError('effects', (input as HandlerInput).effects, 'a handler to go with them');
    return runSimulation(config, source);
  }
  const module: HandlerModule = checkHandlerModule({ handler: input.handler, effects: input.effects, invariants: input.invariants });
  return runSimulationAsync(config, source, module);
}

/**
 * Throws HandlerError when the handler does not replay: the run of `input` and its replay (its first events, see
 * properties/determinism-probe.ts) part somewhere. For a team's own property suite, once before it trusts the
 * handler's runs (`checkHandler` and every CLI command check this themselves).
 */
export async function checkDeterministic(input: HandlerInput): Promise<void> {
  checkInputKeys(input);
  const config = resolveConfig(input);
  const source = toFaultSource(input.faults);
  const module: HandlerModule = checkHandlerModule({ handler: input.handler, effects: input.effects, invariants: input.invariants });
  await assertHandlerReplays(await runSimulationAsync(config, source, module), source, module);
}

/** A handler module given whole (as `import * as module from './handler.mjs'` gives it). */
export function simulateModule(input: LibraryInput, module: unknown, source?: string): Promise<SimulationResult> {
  const checked = checkHandlerModule(module, source);
  return runSimulationAsync(resolveConfig(input), toFaultSource(input.faults), checked);
}
