/**
 * Shrink a failing plan to the fewest faults that still break the same invariant: drop the faults that
 * never fired (they cannot matter), then delta-debug the rest. Every candidate is an exact replay, so the
 * result is 1-minimal: remove any one of its faults and the invariant holds again.
 */
import type { SimulationRunner } from '../models/engine.js';
import type { SimulationConfig } from '../models/config.js';
import { faultKey } from '../models/faults/catalog.js';
import type { FaultPlan } from '../models/faults/catalog.js';
import type { InvariantName } from '../models/modes.js';
import type { SimulationResult } from '../models/engine.js';
import { breaks, runPlan } from './breaks.js';
import { deltaDebug } from './delta-debug.js';

export interface ShrinkOptions {
  /** Most simulation runs spent on delta debugging. Default 10_000 (a 40-fault plan needs a few hundred). */
  maxRuns?: number;
  /** How each plan runs (default runSimulation; a team's handler: cli/handler-sync/runner.ts). */
  run?: SimulationRunner;
}

export interface ShrinkOutcome {
  invariant: InvariantName;
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
export function shrinkPlan(config: SimulationConfig, plan: FaultPlan, invariant: InvariantName, options: ShrinkOptions = {}): ShrinkOutcome {
  const first = runPlan(config, plan, options.run);
  if (!breaks(first, invariant)) throw new RangeError(`the plan does not break ${invariant} in this configuration; nothing to shrink`);
  const unused = new Set(first.unusedPlanFaults.map(faultKey));
  const fired = plan.faults.filter((fault) => !unused.has(faultKey(fault)));
  const sizes = [plan.faults.length];
  if (fired.length < plan.faults.length) sizes.push(fired.length);
  const search = deltaDebug(fired, (faults) => breaks(runPlan(config, { version: 1, faults }, options.run), invariant), { maxTests: options.maxRuns });
  sizes.push(...search.sizes.slice(1));
  const minimal: FaultPlan = { version: 1, faults: search.items };
  return {
    invariant,
    plan: minimal,
    originalFaults: plan.faults.length,
    unusedFaults: plan.faults.length - fired.length,
    runs: 1 + search.tests + 1,
    steps: sizes.length - 1,
    sizes,
    truncated: search.truncated,
    result: runPlan(config, minimal, options.run),
  };
}
