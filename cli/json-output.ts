/** The `--json` object: everything but `stats.wallMs` is identical run to run. */
import type { SimulationResult } from '../models/engine.js';
import type { RunSpec } from './run-options.js';

export function runJson(result: SimulationResult, spec: RunSpec, wallMs: number, replay: string): Record<string, unknown> {
  const invariants = Object.fromEntries(
    Object.entries(result.invariants).map(([name, invariant]) => [
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
  return {
    mode: result.config.mode,
    seed: result.config.seed,
    scenario: spec.scenario?.name ?? null,
    config: result.config,
    faultSource: 'plan' in spec.faults ? { plan: spec.faultsLabel } : { rates: spec.faults.rates, spec: spec.faultsLabel },
    faults: result.faultCounts,
    faultPlan: result.injected,
    ...(result.unusedPlanFaults.length > 0 ? { unusedPlanFaults: result.unusedPlanFaults } : {}),
    invariants,
    verdict: result.verdict,
    outcome: result.outcome,
    stats: { events: result.stats.events, virtualTimeMs: result.stats.virtualTimeMs, traceRecords: result.stats.traceRecords, wallMs },
    traceHash: result.traceHash(),
    replay,
  };
}
