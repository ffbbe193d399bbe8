/**
 * The predicate every search and shrink is about: does replaying this plan in this world break that
 * invariant? Kept in one place so check, shrink, the CLI and the property suites agree on it.
 */
import type { SimulationConfig } from '../models/config.js';
import type { FaultPlan } from '../models/faults/catalog.js';
import { INVARIANT_NAMES } from '../models/modes.js';
import type { InvariantName } from '../models/modes.js';
import { runSimulation } from '../models/engine.js';
import type { RunObservers, SimulationResult, SimulationRunner } from '../models/engine.js';

/**
 * What a search's run keeps of its trace: nothing, neither kept nor hashed, as it reads only the verdicts. A result
 * whose trace or hash is read after all replays its plan with them (runs are deterministic: the same trace).
 */
export const VERDICTS_ONLY: RunObservers = { trace: { keepMax: 0, hash: false } };

/**
 * Replay `plan` exactly (plan mode: only its faults, each at its named decision point); `run`: see SimulationRunner;
 * `observers`: what the run keeps of its trace (VERDICTS_ONLY for a search), by default what any run keeps.
 */
export function runPlan(config: SimulationConfig, plan: FaultPlan, run: SimulationRunner = runSimulation, observers?: RunObservers): SimulationResult {
  return run(config, { plan }, observers);
}

/** True when the invariant broke in this run (whether or not the mode promises it). */
export function breaks(result: SimulationResult, invariant: InvariantName): boolean {
  return !result.invariants[invariant].holds;
}

/** The invariants a run broke, in INVARIANT_NAMES order. */
export function brokenInvariants(result: SimulationResult): InvariantName[] {
  return INVARIANT_NAMES.filter((name) => breaks(result, name));
}
