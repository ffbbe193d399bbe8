/**
 * What a pool thread runs (tinypool loads this file from dist/): one chunk of a sweep (with the built-in processing
 * or a team's handler), the verdicts of a batch of generated plans for check, or the outcomes of a batch of explore's plans. Inputs and outputs are plain data,
 * cloned across the thread boundary.
 */
import type { SimulationConfig } from '../../models/config.js';
import type { Fault, FaultKind, FaultPlan, FaultSource } from '../../models/faults/catalog.js';
import { VERDICTS_ONLY, brokenInvariants, runPlan } from '../../properties/breaks.js';
import type { SearchedInvariant } from '../../properties/breaks.js';
import { runSimulation, runSimulationAsync } from '../../models/engine.js';
import { HandlerError } from '../../models/handler/contract.js';
import { handlerModuleAt } from '../handler-module-cache.js';
import { runPlanOutcome } from '../../properties/explore.js';
import type { PlanOutcome } from '../../properties/explore.js';
import { sweepSeeds, sweepSeedsAsync } from '../../properties/sweep.js';
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

export interface HandlerSweepChunkTask extends SweepChunkTask {
  /** The handler module's absolute path, and the path as the user wrote it (for messages). */
  handler: { path: string; label: string };
}

/** A misuse of the handler contract comes back as its message, not a thrown object, so it keeps its one line. */
export type HandlerSweepAnswer = { sweep: SweepResult } | { error: string };

/** One chunk of a sweep with a team's handler, loaded once per thread (seed after seed: its runs are async). */
export async function handlerSweepChunk(task: HandlerSweepChunkTask): Promise<HandlerSweepAnswer> {
  try {
    const module = await handlerModuleAt(task.handler.path, task.handler.label);
    return { sweep: await sweepSeedsAsync(task, (config) => runSimulationAsync(config, task.faults, module)) };
  } catch (error) {
    if (error instanceof HandlerError) return { error: error.message };
    throw error;
  }
}

export interface PlanVerdictsTask {
  config: SimulationConfig;
  plans: FaultPlan[];
}

/** For each plan, the invariants its run broke (keeping no trace, as check's own search runs do). */
export function planVerdicts(task: PlanVerdictsTask): (readonly SearchedInvariant[])[] {
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
