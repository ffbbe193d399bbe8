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
  /** A team's handler's own invariants (promised): seeds that broke each, and the first of them. Absent without. */
  handlerInvariants?: Record<string, HandlerInvariantSweep>;
}

export interface HandlerInvariantSweep {
  seedsBroken: number;
  examples: number[];
}

/**
 * One invariant's row of a sweep: a built-in one (promised or not by the mode), or a handler's own (promised in
 * every mode), so tables, charts and replays treat both alike.
 */
export interface SweepSeries {
  name: string;
  promised: boolean;
  seedsBroken: number;
  status: InvariantStatus;
  examples: number[];
}

/** The built-in invariants in INVARIANT_NAMES order, then a handler's own in the order it declares them. */
export function sweepSeries(sweep: SweepResult): SweepSeries[] {
  const builtIn = INVARIANT_NAMES.map((name) => ({ name, promised: sweep.invariants[name].promised, seedsBroken: sweep.invariants[name].seedsBroken, status: sweep.invariants[name].status, examples: sweep.invariants[name].examples }));
  const own = Object.entries(sweep.handlerInvariants ?? {}).map(([name, invariant]): SweepSeries => ({ name, promised: true, seedsBroken: invariant.seedsBroken, status: invariant.seedsBroken > 0 ? 'VIOLATED' : 'holds', examples: invariant.examples }));
  return [...builtIn, ...own];
}

export function sweepSeeds(options: SweepOptions): SweepResult {
  const sweep = new SweepAccumulator(options);
  for (let seed = options.fromSeed; seed <= options.toSeed; seed++) {
    // A sweep reads verdicts and counts, never a trace: nothing of it is kept or hashed (a reader re-runs the seed).
    const result = runSimulation({ ...options.config, seed }, options.faults, { trace: { keepMax: 0, hash: false } });
    options.onRun?.(result);
    sweep.add(seed, result);
  }
  return sweep.result();
}

/**
 * The same sweep with a run per seed that may be asynchronous (a team's own handler: runSimulationAsync), seed
 * after seed in this thread.
 */
export async function sweepSeedsAsync(options: SweepOptions, run: (config: SimulationConfig) => Promise<SimulationResult>): Promise<SweepResult> {
  const sweep = new SweepAccumulator(options);
  for (let seed = options.fromSeed; seed <= options.toSeed; seed++) {
    const result = await run({ ...options.config, seed });
    options.onRun?.(result);
    sweep.add(seed, result);
  }
  return sweep.result();
}

/** Aggregates the runs of a sweep, seed by seed in ascending order. */
class SweepAccumulator {
  private readonly invariants: Record<InvariantName, InvariantSweep>;
  private readonly faultKindsFired = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  private events = 0;
  private unsettled = 0;
  private readonly parked = { seeds: 0, records: 0 };
  private readonly lag: { maxRecords: number; maxMs: number; seed: number };
  private readonly windows = new WindowsCollector();
  private readonly examplesMax: number;
  private handlerInvariants: Record<string, HandlerInvariantSweep> | undefined;

  constructor(private readonly options: SweepOptions) {
    const { config, fromSeed, toSeed } = options;
    if (!(Number.isSafeInteger(fromSeed) && Number.isSafeInteger(toSeed) && fromSeed >= 0 && toSeed >= fromSeed)) throw new RangeError(`seed range must be 0 <= from <= to, got ${fromSeed}..${toSeed}`);
    if (toSeed - fromSeed + 1 > MAX_SWEEP_SEEDS) throw new RangeError(`at most ${MAX_SWEEP_SEEDS} seeds per sweep, got ${toSeed - fromSeed + 1}`);
    this.examplesMax = options.examplesMax ?? 10;
    const promises = PROMISES[config.mode];
    this.invariants = Object.fromEntries(INVARIANT_NAMES.map((name) => [name, { promised: promises[name], seedsBroken: 0, status: 'holds', examples: [], count: 0, ...(name === 'loss' ? { acknowledgedSeeds: 0, acknowledgedCount: 0 } : {}) }])) as unknown as Record<InvariantName, InvariantSweep>;
    this.lag = { maxRecords: 0, maxMs: 0, seed: fromSeed };
  }

  add(seed: number, result: SimulationResult): void {
    const { parked, lag } = this;
    this.windows.run(result.injected.faults);
    this.events += result.stats.events;
    if (result.outcome.kind !== 'quiescent') this.unsettled++;
    if (result.parked.count > 0) parked.seeds++;
    parked.records += result.parked.count;
    if (result.stats.lag.maxMs > lag.maxMs) Object.assign(lag, { maxMs: result.stats.lag.maxMs, seed });
    lag.maxRecords = Math.max(lag.maxRecords, result.stats.lag.maxRecords);
    for (const kind of FAULT_KINDS) if (result.faultCounts[kind] > 0) this.faultKindsFired[kind]++;
    for (const [name, invariant] of Object.entries(result.handlerInvariants)) {
      const sweep = ((this.handlerInvariants ??= {})[name] ??= { seedsBroken: 0, examples: [] });
      if (invariant.holds) continue;
      sweep.seedsBroken++;
      if (sweep.examples.length < this.examplesMax) sweep.examples.push(seed);
    }
    for (const name of INVARIANT_NAMES) {
      const observed = result.invariants[name];
      if (observed.holds) continue;
      const sweep = this.invariants[name];
      sweep.seedsBroken++;
      sweep.count += observed.count;
      const acknowledged = observed.acknowledgedCount ?? 0;
      if (name === 'loss' && acknowledged > 0) {
        sweep.acknowledgedSeeds = (sweep.acknowledgedSeeds ?? 0) + 1;
        sweep.acknowledgedCount = (sweep.acknowledgedCount ?? 0) + acknowledged;
      }
      sweep.status = observed.status;
      if (sweep.examples.length < this.examplesMax) sweep.examples.push(seed);
    }
  }

  result(): SweepResult {
    const { invariants, faultKindsFired, events, unsettled, parked, lag } = this;
    const handlerInvariants = this.handlerInvariants;
    const broken = INVARIANT_NAMES.some((name) => invariants[name].status === 'VIOLATED') || Object.values(handlerInvariants ?? {}).some((invariant) => invariant.seedsBroken > 0);
    return { runs: this.options.toSeed - this.options.fromSeed + 1, invariants, faultKindsFired, events, unsettled, parked, lag, verdict: broken ? 'violated' : 'ok', windows: this.windows.result(), ...(handlerInvariants !== undefined ? { handlerInvariants } : {}) };
  }
}
