/**
 * What a pool thread runs (tinypool loads this file from dist/): one chunk of a sweep, or the verdicts of a batch
 * of generated plans for check. Inputs and outputs are plain data, cloned across the thread boundary.
 */
import type { SimulationConfig } from '../../models/config.js';
import type { FaultPlan, FaultSource } from '../../models/faults/catalog.js';
import type { InvariantName } from '../../models/modes.js';
import { brokenInvariants, runPlan } from '../../properties/breaks.js';
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

/** For each plan, the invariants its run broke. */
export function planVerdicts(task: PlanVerdictsTask): (readonly InvariantName[])[] {
  return task.plans.map((plan) => brokenInvariants(runPlan(task.config, plan)));
}
