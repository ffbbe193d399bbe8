/** The run's `--json` object (contract: cli/json-contract.ts): everything but `stats.wallMs` is identical run to run. */
import type { SimulationResult } from '../models/engine.js';
import type { InvariantResult, ParkedResult } from '../models/invariants/index.js';
import { WitnessWriter, envelope } from './json-contract.js';
import type { RunSpec } from './run-options.js';

/** Invariants as `--json` prints them, for the run and for each group. */
export function invariantsJson(invariants: Record<string, InvariantResult>, witnesses: WitnessWriter): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(invariants).map(([name, invariant]) => [
      name,
      {
        promised: invariant.promised,
        holds: invariant.holds,
        count: invariant.count,
        status: invariant.status,
        ...(invariant.acknowledgedCount !== undefined ? { acknowledgedCount: invariant.acknowledgedCount } : {}),
        ...(invariant.notProducedCount !== undefined ? { notProducedCount: invariant.notProducedCount } : {}),
        ...(invariant.inFlightAtLimitCount !== undefined ? { inFlightAtLimitCount: invariant.inFlightAtLimitCount } : {}),
        witnesses: invariant.witnesses.map((witness) => witnesses.witness(invariant, witness)),
      },
    ]),
  );
}

/** `invariants.schedule` when delays are used: the invariant's shape plus `lateMsMax`. */
function scheduleJson(result: SimulationResult, witnesses: WitnessWriter): Record<string, unknown> {
  const schedule = result.schedule;
  if (schedule === undefined) return {};
  const shaped = invariantsJson({ schedule: { ...schedule, name: 'loss' } }, witnesses);
  return { schedule: { ...(shaped.schedule as Record<string, unknown>), lateMsMax: schedule.lateMsMax } };
}

function parkedJson(parked: ParkedResult, witnesses: WitnessWriter): Record<string, unknown> {
  return { count: parked.count, witnesses: parked.witnesses.map((witness) => witnesses.parked(witness)) };
}

/** How a command's faults were given: rates (with the text of --faults) or a plan (named by where it came from). */
export function faultSourceJson(spec: RunSpec): Record<string, unknown> {
  return 'plan' in spec.faults ? { plan: spec.faultsLabel } : { rates: spec.faults.rates, spec: spec.faultsLabel };
}

export function runJson(result: SimulationResult, spec: RunSpec, wallMs: number, replay: string): Record<string, unknown> {
  const witnesses = new WitnessWriter(result);
  return envelope('run', {
    mode: result.config.mode,
    seed: result.config.seed,
    scenario: spec.scenario?.name ?? null,
    config: result.config,
    faultSource: faultSourceJson(spec),
    faultCounts: result.faultCounts,
    plan: result.injected,
    ...(result.unusedPlanFaults.length > 0 ? { unusedPlanFaults: result.unusedPlanFaults } : {}),
    invariants: { ...invariantsJson(result.invariants, witnesses), ...(result.schedule !== undefined ? scheduleJson(result, witnesses) : {}) },
    ...(Object.keys(result.handlerInvariants).length > 0 ? { handlerInvariants: result.handlerInvariants } : {}),
    groups: Object.fromEntries(Object.entries(result.groups).map(([name, group]) => [name, { invariants: invariantsJson(group.invariants, witnesses), parked: parkedJson(group.parked, witnesses), lag: group.lag }])),
    parked: parkedJson(result.parked, witnesses),
    ...(result.returned !== undefined ? { returned: { count: result.returned.count, witnesses: result.returned.witnesses.map((witness) => witnesses.returned(witness)) } } : {}),
    verdict: result.verdict,
    outcome: result.outcome,
    stats: {
      events: result.stats.events,
      virtualTimeMs: result.stats.virtualTimeMs,
      traceRecords: result.stats.traceRecords,
      appliedByConsumer: result.stats.appliedByConsumer,
      lag: result.stats.lag,
      logDuplicates: { count: result.stats.logDuplicates.count, witnesses: result.stats.logDuplicates.witnesses.map((witness) => witnesses.logDuplicate(witness)) },
      abortedApplied: result.stats.abortedApplied,
      ...(result.stats.transactions !== undefined ? { transactions: result.stats.transactions } : {}),
      ...(result.stats.maxQueueLength !== undefined ? { maxQueueLength: result.stats.maxQueueLength } : {}),
      wallMs,
    },
    traceHash: result.traceHash(),
    replay,
  });
}
