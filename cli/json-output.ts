/** The `--json` object: everything but `stats.wallMs` is identical run to run. */
import type { SimulationResult } from '../models/engine.js';
import type { InvariantResult, ParkedResult } from '../models/invariants/index.js';
import type { RunSpec } from './run-options.js';

/** Invariants as `--json` prints them, for the run and for each group. */
export function invariantsJson(invariants: Record<string, InvariantResult>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(invariants).map(([name, invariant]) => [
      name,
      {
        promised: invariant.promised,
        holds: invariant.holds,
        count: invariant.count,
        status: invariant.status,
        ...(invariant.acknowledgedCount !== undefined ? { acknowledgedCount: invariant.acknowledgedCount } : {}),
        witnesses: invariant.witnesses,
      },
    ]),
  );
}

function parkedJson(parked: ParkedResult): Record<string, unknown> {
  return { count: parked.count, witnesses: parked.witnesses };
}

export function runJson(result: SimulationResult, spec: RunSpec, wallMs: number, replay: string): Record<string, unknown> {
  return {
    mode: result.config.mode,
    seed: result.config.seed,
    scenario: spec.scenario?.name ?? null,
    config: result.config,
    faultSource: 'plan' in spec.faults ? { plan: spec.faultsLabel } : { rates: spec.faults.rates, spec: spec.faultsLabel },
    faults: result.faultCounts,
    faultPlan: result.injected,
    ...(result.unusedPlanFaults.length > 0 ? { unusedPlanFaults: result.unusedPlanFaults } : {}),
    invariants: invariantsJson(result.invariants),
    groups: Object.fromEntries(Object.entries(result.groups).map(([name, group]) => [name, { invariants: invariantsJson(group.invariants), parked: parkedJson(group.parked), lag: group.lag }])),
    parked: parkedJson(result.parked),
    verdict: result.verdict,
    outcome: result.outcome,
    stats: {
      events: result.stats.events,
      virtualTimeMs: result.stats.virtualTimeMs,
      traceRecords: result.stats.traceRecords,
      appliedByConsumer: result.stats.appliedByConsumer,
      lag: result.stats.lag,
      wallMs,
    },
    traceHash: result.traceHash(),
    replay,
  };
}
