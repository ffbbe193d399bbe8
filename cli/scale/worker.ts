/**
 * What a pool thread runs (tinypool loads this file from dist/): one chunk of a sweep, the verdicts of a batch of
 * generated plans for check, or the outcomes of a batch of explore's plans. Inputs and outputs are plain data,
 * cloned across the thread boundary.
 */
import type { SimulationConfig } from '../../models/config.js';
import type { Fault, FaultKind, FaultPlan, FaultSource } from '../../models/faults/catalog.js';
import type { InvariantName } from '../../models/modes.js';
import { VERDICTS_ONLY, brokenInvariants, runPlan } from '../../properties/breaks.js';
import { runSimulation } from '../../models/engine.js';
import { runPlanOutcome } from '../../properties/explore.js';
import type { PlanOutcome } from '../../properties/explore.js';
import { sweepSeeds } from '../../properties/sweep.js';
import type { SweepResult } from '../../properties/sweep.js';

export interface SweepChunkTask {
  config: SimulationConfig;
  faults: FaultSource;
  fromSeed: number;
  toSeed: number;
}

export function sweepChunk(task: SweepChunkTask): SweepResult {
  return sweepSeeds(task);
}

export interface PlanVerdictsTask {
  config: SimulationConfig;
  plans: FaultPlan[];
}

/** For each plan, the invariants its run broke (keeping no trace, as check's own search runs do). */
export function planVerdicts(task: PlanVerdictsTask): (readonly InvariantName[])[] {
  return task.plans.map((plan) => brokenInvariants(runPlan(task.config, plan, runSimulation, VERDICTS_ONLY)));
}

export interface ExplorePlansTask {
  config: SimulationConfig;
  plans: Fault[][];
  kinds: FaultKind[];
  /** Whether the plans' decision points are wanted (plans of fewer than K faults). */
  extendable: boolean;
}

/** For each of explore's plans, what the search absorbs (properties/explore.ts). */
export function explorePlans(task: ExplorePlansTask): PlanOutcome[] {
  return task.plans.map((faults) => runPlanOutcome(task.config, faults, task).outcome);
}
