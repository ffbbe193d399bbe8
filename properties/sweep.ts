/**
 * Run one configuration over a range of seeds and aggregate: per invariant, how many seeds broke it and
 * which ones first; which fault kinds fired; the events spent. Answers "over a thousand seeds, does this
 * mode keep its promises, and which seed shows me a break?" without a thousand processes.
 */
import { WindowsCollector } from './coverage.js';
import type { WindowsFaulted } from './coverage.js';
import type { SimulationConfig } from '../models/config.js';
import { FAULT_KINDS } from '../models/faults/catalog.js';
import type { FaultKind, FaultSource } from '../models/faults/catalog.js';
import type { InvariantStatus } from '../models/invariants/index.js';
import { INVARIANT_NAMES, PROMISES } from '../models/modes.js';
import type { InvariantName } from '../models/modes.js';
import { runSimulation } from '../models/engine.js';
import type { SimulationResult } from '../models/engine.js';

export interface SweepOptions {
  config: SimulationConfig;
  faults: FaultSource;
  /** First seed, inclusive. */
  fromSeed: number;
  /** Last seed, inclusive; at most MAX_SWEEP_SEEDS seeds in all. */
  toSeed: number;
  /** Seeds listed per invariant (the count is always complete). Default 10. */
  examplesMax?: number;
  /** Told of each seed's run (coverage tallies the faults each one injected). */
  onRun?: (result: SimulationResult) => void;
}

export const MAX_SWEEP_SEEDS = 1_000_000;

export interface InvariantSweep {
  promised: boolean;
  /** Seeds in which the invariant broke. */
  seedsBroken: number;
  /** The worst status over all seeds (VIOLATED if promised and broken anywhere). */
  status: InvariantStatus;
  /** The first seeds that broke it, ascending. */
  examples: number[];
  /** Messages that broke it, summed over all seeds (a message counts once per seed it broke in). */
  count: number;
  /** Loss only: seeds in which a lost message was one the broker had acknowledged to the producer. */
  acknowledgedSeeds?: number;
  /** Loss only: lost messages the broker had acknowledged, summed over all seeds. */
  acknowledgedCount?: number;
}

export interface SweepResult {
  runs: number;
  invariants: Record<InvariantName, InvariantSweep>;
  /** Per fault kind, the number of seeds in which it fired at least once. */
  faultKindsFired: Record<FaultKind, number>;
  events: number;
  /** Seeds whose run stopped at a limit or stalled instead of settling. */
  unsettled: number;
  /** Seeds in which some record was parked in the dead-letter topic, and the records parked over all seeds. */
  parked: { seeds: number; records: number };
  /** The worst consumer lag of any seed, and the seed that had it. */
  lag: { maxRecords: number; maxMs: number; seed: number };
  verdict: 'ok' | 'violated';
  /** The dangerous windows the seeds' faults hit (properties/coverage.ts): merged by union across pieces. */
  windows: WindowsFaulted;
}

export function sweepSeeds(options: SweepOptions): SweepResult {
  const { config, faults, fromSeed, toSeed } = options;
  const examplesMax = options.examplesMax ?? 10;
  if (!(Number.isSafeInteger(fromSeed) && Number.isSafeInteger(toSeed) && fromSeed >= 0 && toSeed >= fromSeed)) throw new RangeError(`seed range must be 0 <= from <= to, got ${fromSeed}..${toSeed}`);
  if (toSeed - fromSeed + 1 > MAX_SWEEP_SEEDS) throw new RangeError(`at most ${MAX_SWEEP_SEEDS} seeds per sweep, got ${toSeed - fromSeed + 1}`);
  const promises = PROMISES[config.mode];
  const invariants = Object.fromEntries(INVARIANT_NAMES.map((name) => [name, { promised: promises[name], seedsBroken: 0, status: 'holds', examples: [], count: 0, ...(name === 'loss' ? { acknowledgedSeeds: 0, acknowledgedCount: 0 } : {}) }])) as unknown as Record<InvariantName, InvariantSweep>;
  const faultKindsFired = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  let events = 0;
  let unsettled = 0;
  const parked = { seeds: 0, records: 0 };
  const lag = { maxRecords: 0, maxMs: 0, seed: fromSeed };
  const windows = new WindowsCollector();
  for (let seed = fromSeed; seed <= toSeed; seed++) {
    const result = runSimulation({ ...config, seed }, faults);
    options.onRun?.(result);
    windows.run(result.injected.faults);
    events += result.stats.events;
    if (result.outcome.kind !== 'quiescent') unsettled++;
    if (result.parked.count > 0) parked.seeds++;
    parked.records += result.parked.count;
    if (result.stats.lag.maxMs > lag.maxMs) Object.assign(lag, { maxMs: result.stats.lag.maxMs, seed });
    lag.maxRecords = Math.max(lag.maxRecords, result.stats.lag.maxRecords);
    for (const kind of FAULT_KINDS) if (result.faultCounts[kind] > 0) faultKindsFired[kind]++;
    for (const name of INVARIANT_NAMES) {
      const observed = result.invariants[name];
      if (observed.holds) continue;
      const sweep = invariants[name];
      sweep.seedsBroken++;
      sweep.count += observed.count;
      const acknowledged = observed.acknowledgedCount ?? 0;
      if (name === 'loss' && acknowledged > 0) {
        sweep.acknowledgedSeeds = (sweep.acknowledgedSeeds ?? 0) + 1;
        sweep.acknowledgedCount = (sweep.acknowledgedCount ?? 0) + acknowledged;
      }
      sweep.status = observed.status;
      if (sweep.examples.length < examplesMax) sweep.examples.push(seed);
    }
  }
  const verdict = INVARIANT_NAMES.some((name) => invariants[name].status === 'VIOLATED') ? 'violated' : 'ok';
  return { runs: toSeed - fromSeed + 1, invariants, faultKindsFired, events, unsettled, parked, lag, verdict, windows: windows.result() };
}
