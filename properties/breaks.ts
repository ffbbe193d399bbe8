/**
 * The predicate every search and shrink is about: does replaying this plan in this world break that
 * invariant? Kept in one place so check, shrink, the CLI and the property suites agree on it.
 */
import type { SimulationConfig } from '../models/config.js';
import type { FaultPlan } from '../models/faults/catalog.js';
import { INVARIANT_NAMES, PROMISES } from '../models/modes.js';
import type { InvariantName, ModeName } from '../models/modes.js';
import { runSimulation } from '../models/engine.js';
import type { RunObservers, SimulationResult, SimulationRunner } from '../models/engine.js';
import type { InvariantStatus } from '../models/invariants/index.js';

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

/**
 * An invariant a search aims at: a built-in one, or a team's handler's own, by the name its module exports it under
 * (promised in every mode).
 */
export type SearchedInvariant = InvariantName | (string & {});

export function isBuiltInInvariant(invariant: SearchedInvariant): invariant is InvariantName {
  return (INVARIANT_NAMES as readonly string[]).includes(invariant);
}

/** True when the invariant broke in this run (whether or not the mode promises it). */
export function breaks(result: SimulationResult, invariant: SearchedInvariant): boolean {
  return isBuiltInInvariant(invariant) ? !result.invariants[invariant].holds : result.handlerInvariants[invariant]?.holds === false;
}

/** A searched invariant's status in a run: a built-in one's, or a handler's own (promised: VIOLATED when broken). */
export function statusIn(result: SimulationResult, invariant: SearchedInvariant): InvariantStatus {
  return isBuiltInInvariant(invariant) ? result.invariants[invariant].status : (result.handlerInvariants[invariant]?.status ?? 'holds');
}

/** What broke, a line each: a built-in invariant's witnesses' summaries, or what a handler's own check said. */
export function summariesIn(result: SimulationResult, invariant: SearchedInvariant): string[] {
  return isBuiltInInvariant(invariant) ? result.invariants[invariant].witnesses.map((witness) => witness.summary) : (result.handlerInvariants[invariant]?.witnesses ?? []);
}

/** Whether the mode promises it: a handler's own invariants are promised in every mode. */
export function promisedIn(mode: ModeName, invariant: SearchedInvariant): boolean {
  return isBuiltInInvariant(invariant) ? PROMISES[mode][invariant] : true;
}

/** The invariants a run is judged on: the built-in ones in INVARIANT_NAMES order, then a handler's own, in its module's. */
export function invariantsOf(result: SimulationResult): SearchedInvariant[] {
  return [...INVARIANT_NAMES, ...Object.keys(result.handlerInvariants)];
}

/** The invariants a run broke, in invariantsOf order. */
export function brokenInvariants(result: SimulationResult): SearchedInvariant[] {
  return invariantsOf(result).filter((name) => breaks(result, name));
}

/** The invariants a run broke although they were promised (its verdict's reasons), in invariantsOf order. */
export function violatedInvariants(result: SimulationResult): SearchedInvariant[] {
  return invariantsOf(result).filter((name) => statusIn(result, name) === 'VIOLATED');
}
