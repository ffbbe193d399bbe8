/**
 * Shrink a failing plan to the fewest faults that still break the same invariant: drop the faults that
 * never fired (they cannot matter), then delta-debug the rest. Every candidate is an exact replay, so the
 * result is 1-minimal: remove any one of its faults and the invariant holds again.
 */
import type { SimulationRunner } from '../models/engine.js';
import type { SimulationConfig } from '../models/config.js';
import { faultKey } from '../models/faults/catalog.js';
import type { Fault, FaultPlan, FaultSource } from '../models/faults/catalog.js';
import type { SearchedInvariant } from './breaks.js';
import type { SimulationResult } from '../models/engine.js';
import { VERDICTS_ONLY, breaks, runPlan } from './breaks.js';
import { deltaDebug, deltaDebugAsync } from './delta-debug.js';
import type { DeltaDebugResult } from './delta-debug.js';

export interface ShrinkOptions {
  /** Most simulation runs spent on delta debugging. Default 10_000 (a 40-fault plan needs a few hundred). */
  maxRuns?: number;
  /** How each plan runs (default runSimulation; a team's handler: cli/handler-sync/runner.ts). */
  run?: SimulationRunner;
}

export interface ShrinkOutcome {
  invariant: SearchedInvariant;
  /** The minimal plan. */
  plan: FaultPlan;
  /** Faults in the plan given. */
  originalFaults: number;
  /** Faults of the plan given that never fired (removed before delta debugging). */
  unusedFaults: number;
  /** Simulation runs spent (the first replay included). */
  runs: number;
  /** How often the plan got smaller: the unused-fault cut, then each delta-debugging step. */
  steps: number;
  /** Plan sizes along the way, from the original to the minimal one. */
  sizes: number[];
  /** True when maxRuns stopped delta debugging early (the plan is smaller, maybe not minimal). */
  truncated: boolean;
  /** The replay of the minimal plan: what reports and the CLI show. */
  result: SimulationResult;
}

/** Throws RangeError when `plan` does not break `invariant` in `config` (there is nothing to shrink). */
export function shrinkPlan(config: SimulationConfig, plan: FaultPlan, invariant: SearchedInvariant, options: ShrinkOptions = {}): ShrinkOutcome {
  // The search reads verdicts only; the minimal plan's replay below keeps its trace for the witnesses.
  const fired = firedFaults(runPlan(config, plan, options.run, VERDICTS_ONLY), plan, invariant);
  const search = deltaDebug(fired, (faults) => breaks(runPlan(config, { version: 1, faults }, options.run, VERDICTS_ONLY), invariant), { maxTests: options.maxRuns });
  return outcomeOf(invariant, plan, fired, search, runPlan(config, { version: 1, faults: search.items }, options.run));
}

/** shrinkPlan with runs that are asynchronous (a team's handler driven on the host's promises). */
export async function shrinkPlanAsync(config: SimulationConfig, plan: FaultPlan, invariant: SearchedInvariant, run: AsyncRunner, options: Omit<ShrinkOptions, 'run'> = {}): Promise<ShrinkOutcome> {
  const fired = firedFaults(await run(config, { plan }), plan, invariant);
  const search = await deltaDebugAsync(fired, async (faults) => breaks(await run(config, { plan: { version: 1, faults } }), invariant), { maxTests: options.maxRuns });
  return outcomeOf(invariant, plan, fired, search, await run(config, { plan: { version: 1, faults: search.items } }));
}

/** How a search runs one plan asynchronously. */
export type AsyncRunner = (config: SimulationConfig, source: FaultSource) => Promise<SimulationResult>;

/** The plan's faults that fired in its run (the others cannot matter); throws when the run did not break. */
function firedFaults(first: SimulationResult, plan: FaultPlan, invariant: SearchedInvariant): Fault[] {
  if (!breaks(first, invariant)) throw new RangeError(`the plan does not break ${invariant} in this configuration; nothing to shrink`);
  const unused = new Set(first.unusedPlanFaults.map(faultKey));
  return plan.faults.filter((fault) => !unused.has(faultKey(fault)));
}

function outcomeOf(invariant: SearchedInvariant, plan: FaultPlan, fired: readonly Fault[], search: DeltaDebugResult<Fault>, result: SimulationResult): ShrinkOutcome {
  const sizes = [plan.faults.length];
  if (fired.length < plan.faults.length) sizes.push(fired.length);
  sizes.push(...search.sizes.slice(1));
  return {
    invariant,
    plan: { version: 1, faults: search.items },
    originalFaults: plan.faults.length,
    unusedFaults: plan.faults.length - fired.length,
    runs: 1 + search.tests + 1,
    steps: sizes.length - 1,
    sizes,
    truncated: search.truncated,
    result,
  };
}
