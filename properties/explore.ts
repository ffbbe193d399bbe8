/**
 * Bounded exhaustive exploration: run every plan of at most K faults over every decision point a world reaches,
 * and report the minimal plans that break an invariant, grouped by cause.
 *
 * How plans are enumerated. The fault-free run reports every decision point it reaches, in order. A plan P is
 * extended only by a point its own run reached *after the last fault of P fired*: the run of P + q is the run of
 * P up to q (the world is deterministic), so q fires, and every fault of the child fires. Conversely a plan whose
 * faults all fire is reached exactly once, by adding its faults in the order they fire. So every plan is run once,
 * none is run twice, and no plan holding a fault that cannot fire is ever run (its run would be the run of the
 * smaller plan of the faults that did fire). Points a fault opens (a crash's restart, a retry) are reached by the
 * faulty run itself, so plans extend into them. Partition windows are timed, not reached: they come from the
 * finite choices of explore-choices.ts, and every set of at most K of them is a root that point faults extend.
 *
 * Plans are run level by level (all plans of k faults before any of k + 1), so a search stopped at --max-runs or a
 * time limit has still run every plan of fewer faults than the level it stopped in.
 */
import { familyOf, kindsFor, worldKinds } from '../models/families.js';
import type { SimulationConfig } from '../models/config.js';
import { FAULT_KINDS, faultKey, specOf } from '../models/faults/catalog.js';
import type { Fault, FaultKind, FaultPlan } from '../models/faults/catalog.js';
import { INVARIANT_NAMES } from '../models/modes.js';
import { invariantsOf, promisedIn } from './breaks.js';
import type { SearchedInvariant } from './breaks.js';
import { runSimulation } from '../models/engine.js';
import type { SimulationResult, SimulationRunner } from '../models/engine.js';
import { buildTopology } from '../models/topology.js';
import { TraceHasher, traceHash } from '../sim/trace.js';
import type { TraceRecord } from '../sim/trace.js';
import { CoverageTally } from './coverage.js';
import type { WindowCoverage } from './coverage.js';
import { alternatives, choiceName, exploreChoices, partitionWindows } from './explore-choices.js';
import type { ExploreChoices } from './explore-choices.js';

export interface ExploreOptions {
  config: SimulationConfig;
  /** K: the most faults in a plan. */
  maxFaults: number;
  /** Stop after this many runs (the fault-free one included). Default: no limit. */
  maxRuns?: number;
  /** Asked before each run; true stops the search. The caller owns the clock (the library reads none). */
  outOfTime?: () => boolean;
  /** Only these fault kinds (default: every kind). */
  kinds?: readonly FaultKind[];
  /** How each plan runs (default runSimulation; a team's handler: cli/handler-sync/runner.ts). */
  run?: SimulationRunner;
}

export type ExploreStop = null | 'max-runs' | 'time';

/**
 * The largest workload explore takes. A run reaches about eleven decision points a message and the search keeps
 * each one's key several times over (points, coverage, alternatives) while its workers send whole lists back: about
 * 70 KB a message in all (1.6 GB at 20,000 messages for ten plans). Exhaustive search is for small worlds; sweep
 * and check sample larger ones.
 */
export const EXPLORE_MESSAGES_MAX = 10_000;

/** One cause of a break: the minimal plans breaking one invariant that differ only in which message or attempt they hit. */
export interface ExploreBreak {
  /** A built-in invariant, or (with a handler) one of its own, promised in every mode. */
  invariant: SearchedInvariant;
  promised: boolean;
  /** The cause in words: each fault's kind and the named choice or point it took, e.g. "consumer-crash after-db-commit". */
  cause: string;
  /** The first minimal plan of this cause, in search order (fewest faults, earliest points). */
  plan: FaultPlan;
  /** Minimal plans of this cause, this one included. */
  equivalentPlans: number;
  /** The replay of `plan`. */
  result: SimulationResult;
}

export interface ExploreResult {
  maxFaults: number;
  kinds: readonly FaultKind[];
  exhaustive: boolean;
  stoppedBy: ExploreStop;
  /** Every plan of at most this many faults was run (maxFaults when exhaustive, less when stopped; -1: not even the fault-free run). */
  completeUpTo: number;
  /** Plans run, the fault-free one included. */
  plansRun: number;
  /** Plans run per number of faults. */
  plansByFaults: number[];
  /** Distinct decision points reached over all runs (partition windows: the ones the choices allow), by kind. */
  decisionPoints: Record<FaultKind, number>;
  decisionPointsTotal: number;
  /** Distinct runs: plans whose trace, fault records aside, differs from every earlier plan's. */
  distinctRuns: number;
  /** What a naive enumeration over the union of decision points would have run: every set of at most K of them. */
  naivePlans: number;
  choices: ExploreChoices;
  breaks: ExploreBreak[];
  coverage: WindowCoverage[];
  /** The fault-free run. */
  baseline: SimulationResult;
}

interface Ran {
  faults: Fault[];
  /** Decision points first reached after the plan's last point fault fired: what extends it. */
  extensions: Fault[];
}

/** A fault's exact identity within a plan: its decision point and the value chosen for it. */
function exactKey(fault: Fault): string {
  const drawn = specOf(fault.kind).drawn ?? [];
  const record = fault as unknown as Record<string, unknown>;
  return drawn.length === 0 ? faultKey(fault) : `${faultKey(fault)}=${drawn.map((field) => String(record[field])).join(',')}`;
}

function planKey(faults: readonly Fault[]): string {
  return faults.map(exactKey).sort().join(';');
}

/** The most invariants a break mask holds: the built-in ones, then a handler's own (the rest are not searched). */
const MASK_BITS = 31;

/** One bit per invariant of `invariantsOf(result)` (the first MASK_BITS): the built-in ones, then a handler's own. */
function brokenMask(result: SimulationResult): number {
  let mask = 0;
  INVARIANT_NAMES.forEach((name, index) => {
    if (!result.invariants[name].holds) mask |= 1 << index;
  });
  Object.values(result.handlerInvariants).forEach((invariant, index) => {
    if (!invariant.holds && INVARIANT_NAMES.length + index < MASK_BITS) mask |= 1 << (INVARIANT_NAMES.length + index);
  });
  return mask;
}



/** C(n, k) summed for k = 0..K, as a float (it only ever gets printed). */
function plansUpTo(points: number, maxFaults: number): number {
  let total = 0;
  let choose = 1;
  for (let k = 0; k <= maxFaults && k <= points; k++) {
    total += choose;
    choose = (choose * (points - k)) / (k + 1);
  }
  return total;
}

/** C(n, k), exactly for the small counts a level holds. */
function choose(n: number, k: number): number {
  if (k > n) return 0;
  let count = 1;
  for (let index = 0; index < k; index++) count = (count * (n - index)) / (index + 1);
  return Math.round(count);
}

/** Every k-subset of `items` (k <= items.length), in lexicographic order of positions. */
function* subsets<T>(items: readonly T[], k: number, from = 0, prefix: T[] = []): Generator<T[]> {
  if (prefix.length === k) {
    yield [...prefix];
    return;
  }
  for (let index = from; index <= items.length - (k - prefix.length); index++) {
    prefix.push(items[index]);
    yield* subsets(items, k, index + 1, prefix);
    prefix.pop();
  }
}

/**
 * What the search keeps of one plan's run: plain data, so that it can come back from a worker thread (cli/scale).
 * Whoever runs the plan, the search absorbs outcomes in its own order, so the result never depends on who ran them.
 */
export interface PlanOutcome {
  /** The faults that fired (result.injected.faults). */
  injected: Fault[];
  /** The invariants broken: one bit per INVARIANT_NAMES entry, then one per handler's own invariant. */
  mask: number;
  /** The trace's hash, fault records aside: plans with the same one reached the same world. */
  runHash: string;
  /** Decision points of the allowed kinds, in the order first reached; empty when the plan is not extended. */
  points: Fault[];
  /** points[extendFrom..] were first reached after the plan's last point fault fired. */
  extendFrom: number;
}

/** How one plan runs for the search: its kinds, and whether its points are wanted (plans of fewer than K faults). */
export interface PlanRunOptions {
  kinds: readonly FaultKind[];
  extendable: boolean;
}

/** Run one plan, watching the decision points it reaches. */
export function runPlanOutcome(config: SimulationConfig, faults: Fault[], options: PlanRunOptions, simulate: SimulationRunner = runSimulation): { outcome: PlanOutcome; result: SimulationResult } {
  const allowed = new Set<FaultKind>(options.kinds);
  const pointKeys = new Set(faults.filter((fault) => fault.kind !== 'partition').map(faultKey));
  const points: Fault[] = [];
  const firstSeen = new Set<string>();
  let extendFrom = 0;
  const watch = {
    candidate: (candidate: Fault): void => {
      const key = faultKey(candidate);
      if (firstSeen.has(key)) return;
      firstSeen.add(key);
      if (!allowed.has(candidate.kind)) return;
      if (pointKeys.has(key)) extendFrom = points.length + 1;
      points.push(candidate);
    },
  };
  // The run's hash without its fault records, taken as the records come: the trace itself is not kept (a witness
  // read later replays the plan). A runner that streams no records (a team's handler's) keeps its trace whole instead.
  const hasher = new TraceHasher();
  let sunk = 0;
  const sink = (record: TraceRecord): void => {
    sunk++;
    if (record.kind !== 'fault') hasher.add(record);
  };
  // The observer only watches (the run is the same without it); plans of K faults, most of all, need no points.
  const result = simulate(config, { plan: { version: 1, faults } }, { ...(options.extendable ? watch : {}), trace: { keepMax: 0, hash: false, sink } });
  const outcome: PlanOutcome = {
    injected: result.injected.faults,
    mask: brokenMask(result),
    runHash: sunk === result.stats.traceRecords ? hasher.digest() : traceHash(result.trace.filter((record) => record.kind !== 'fault')),
    points: options.extendable ? points : [],
    extendFrom: options.extendable ? extendFrom : 0,
  };
  return { outcome, result };
}

/** The plans of one level (all of k faults), in search order. */
export interface ExploreLevel {
  faults: number;
  /** How many plans the level holds (for batching and progress; the driver runs `plans` to its end). */
  size: number;
  /** Whether these plans' points are wanted (see PlanRunOptions). */
  extendable: boolean;
  plans: Iterable<Fault[]>;
}

/**
 * The search's state between runs: which plans each level holds, and everything the result counts. A driver runs
 * each level's plans (here, or on worker threads) and hands their outcomes back with absorb(), in the level's
 * order; explore() below is the in-thread driver.
 */
export class ExploreSearch {
  readonly config: SimulationConfig;
  readonly maxFaults: number;
  readonly kinds: readonly FaultKind[];
  readonly simulate: SimulationRunner;
  readonly choices: ExploreChoices;
  private readonly allowed: Set<FaultKind>;
  private readonly maxRuns: number;
  private readonly outOfTime: () => boolean;
  private readonly baselineRun: SimulationResult;
  private readonly windows: Fault[];
  private readonly coverage: CoverageTally;
  private readonly pointsByKind = new Map<FaultKind, Set<string>>(FAULT_KINDS.map((kind) => [kind, new Set<string>()]));
  private readonly alternativesSeen = new Set<string>();
  private readonly outcomes = new Map<string, number>();
  private readonly runHashes = new Set<string>();
  private readonly breaking: { faults: Fault[]; mask: number }[] = [];
  private readonly plansByFaults: number[] = [];
  private plansRun = 0;
  private stoppedBy: ExploreStop = null;
  private completeUpTo = -1;
  private baseline: SimulationResult | undefined;
  private level: Ran[] = [];
  private next: Ran[] = [];
  /** Plans `next` holds so far (its extensions). */
  private nextPlans = 0;

  constructor(options: ExploreOptions) {
    const messages = options.config.workload.messages;
    if (messages > EXPLORE_MESSAGES_MAX) throw new RangeError(`explore takes worlds of at most ${EXPLORE_MESSAGES_MAX} messages, got ${messages}`);
    this.config = options.config;
    this.coverage = new CoverageTally(this.config.family);
    this.maxFaults = options.maxFaults;
    // Only the config's family's kinds: another family's never match a decision point.
    this.kinds = options.kinds?.filter((kind) => familyOf(this.config).faultKinds.includes(kind)) ?? worldKinds(this.config);
    this.allowed = new Set<FaultKind>(this.kinds);
    this.maxRuns = options.maxRuns ?? Number.POSITIVE_INFINITY;
    this.outOfTime = options.outOfTime ?? (() => false);
    this.simulate = options.run ?? runSimulation;
    // The fault-free run fixes the finite choices (partition windows start at its event times).
    this.baselineRun = this.simulate(this.config, { plan: { version: 1, faults: [] } });
    this.choices = exploreChoices(this.config, this.baselineRun.trace);
    this.windows = this.allowed.has('partition') ? partitionWindows(this.choices, this.config, buildTopology(this.config.topology)) : [];
    for (const window of this.windows) {
      this.pointsByKind.get('partition')?.add(faultKey(window));
      this.coverage.reach(window);
      this.alternativesSeen.add(exactKey(window));
    }
  }

  /** Null while the search goes on; else what stopped it. */
  get stopped(): ExploreStop {
    return this.stoppedBy;
  }

  /**
   * The plans of k faults: level 0 is the fault-free plan; level k extends every plan of k - 1 faults by a point
   * reached after its last fault, then adds every set of k partition windows (point faults extend them later).
   * Call once per level, after the previous level's outcomes were all absorbed.
   */
  levelPlans(k: number): ExploreLevel {
    const extendable = k < Math.max(this.maxFaults, 1);
    if (k === 0) return { faults: 0, size: 1, extendable, plans: [[]] };
    const parents = this.level;
    const windows = this.windows;
    const size = parents.reduce((total, parent) => total + parent.extensions.length, 0) + choose(windows.length, k);
    function* plans(): Generator<Fault[]> {
      for (const parent of parents) for (const extension of parent.extensions) yield [...parent.faults, extension];
      yield* subsets(windows, k);
    }
    return { faults: k, size, extendable, plans: plans() };
  }

  /** Plans absorbed so far that broke some invariant. */
  get breakingPlans(): number {
    return this.breaking.length;
  }

  /** How many more plans may run before --max-runs (checked by the driver, so it can batch up to it). */
  get runsLeft(): number {
    return this.maxRuns - this.plansRun;
  }

  /** Asked before each run (or each batch sent to a worker): the caller's clock. */
  timeIsUp(): boolean {
    return this.outOfTime();
  }

  /** Run one plan in this thread. */
  runHere(faults: Fault[], extendable: boolean): { outcome: PlanOutcome; result: SimulationResult } {
    return runPlanOutcome(this.config, faults, { kinds: this.kinds, extendable }, this.simulate);
  }

  /** One plan's outcome, in search order. `result`: the plan's full run, kept for the fault-free plan. */
  absorb(faults: Fault[], outcome: PlanOutcome, result?: SimulationResult): void {
    this.plansRun++;
    this.plansByFaults[faults.length] = (this.plansByFaults[faults.length] ?? 0) + 1;
    if (faults.length === 0 && result !== undefined) this.baseline = result;
    // A point reached by a plan of fewer than K faults is one some plan of at most K faults puts a fault on (the
    // faults before it, plus it); points first reached by plans of K faults would take K + 1 (they come empty).
    for (const candidate of outcome.points) {
      const key = faultKey(candidate);
      this.pointsByKind.get(candidate.kind)?.add(key);
      this.coverage.reach(candidate, key);
    }
    this.coverage.run(outcome.injected);
    this.outcomes.set(planKey(faults), outcome.mask);
    if (outcome.mask !== 0) this.breaking.push({ faults, mask: outcome.mask });
    this.runHashes.add(outcome.runHash);
    if (outcome.points.length === 0) return;
    const pointKeys = new Set(faults.filter((fault) => fault.kind !== 'partition').map(faultKey));
    const extensions: Fault[] = [];
    // The next level's plans past what --max-runs leaves can never run, so they are not kept: a large world's level
    // held every point of every run it had made (gigabytes for `--max-runs 10` at 100,000 messages). One more than can
    // run is kept, so that the next level still stops at --max-runs rather than running out of plans.
    const room = this.maxRuns - this.plansRun + 1 - this.nextPlans;
    for (let index = outcome.extendFrom; index < outcome.points.length; index++) {
      const candidate = outcome.points[index];
      if (pointKeys.has(faultKey(candidate))) continue;
      for (const alternative of alternatives(candidate, this.choices)) {
        this.alternativesSeen.add(exactKey(alternative));
        if (extensions.length < room) extensions.push(alternative);
      }
    }
    if (faults.length < this.maxFaults) {
      this.next.push({ faults, extensions });
      this.nextPlans += extensions.length;
    }
  }

  /** The driver ran the level's plans: all of them (stop null) completes the level; fewer stops the search. */
  endLevel(level: ExploreLevel, stop: ExploreStop): void {
    if (stop !== null) this.stoppedBy = stop;
    else this.completeUpTo = level.faults;
    this.level = this.next;
    this.next = [];
    this.nextPlans = 0;
  }

  result(): ExploreResult {
    const decisionPoints = Object.fromEntries(kindsFor(this.config.family, true).map((kind) => [kind, this.pointsByKind.get(kind)?.size ?? 0])) as Record<FaultKind, number>;
    return {
      maxFaults: this.maxFaults,
      kinds: this.kinds,
      exhaustive: this.stoppedBy === null,
      stoppedBy: this.stoppedBy,
      completeUpTo: this.completeUpTo,
      plansRun: this.plansRun,
      plansByFaults: Array.from({ length: Math.max(this.plansByFaults.length, 1) }, (_, index) => this.plansByFaults[index] ?? 0),
      decisionPoints,
      decisionPointsTotal: Object.values(decisionPoints).reduce((sum, count) => sum + count, 0),
      distinctRuns: this.runHashes.size,
      naivePlans: plansUpTo(this.alternativesSeen.size, this.maxFaults),
      choices: this.choices,
      breaks: minimalBreaks(this.breaking, this.outcomes, this.config, this.choices, invariantsOf(this.baselineRun).slice(0, MASK_BITS), this.simulate),
      coverage: this.coverage.result(),
      baseline: this.baseline ?? this.baselineRun,
    };
  }
}

/** Why the driver may not run the next plan, if it may not: --max-runs first, then the clock. */
export function stopBefore(search: ExploreSearch, ranInLevel: number): ExploreStop {
  if (search.runsLeft - ranInLevel <= 0) return 'max-runs';
  return search.timeIsUp() ? 'time' : null;
}

/** Every plan of at most K faults, run in this thread. */
export function explore(options: ExploreOptions): ExploreResult {
  const search = new ExploreSearch(options);
  for (let k = 0; k <= search.maxFaults && search.stopped === null; k++) {
    const level = search.levelPlans(k);
    let stop: ExploreStop = null;
    for (const faults of level.plans) {
      stop = stopBefore(search, 0);
      if (stop !== null) break;
      const { outcome, result } = search.runHere(faults, level.extendable);
      search.absorb(faults, outcome, result);
    }
    search.endLevel(level, stop);
  }
  return search.result();
}

/** Proper non-empty-or-empty subsets of a plan, by plan key (at most 2^K - 1 of them; K is small). */
function properSubsetKeys(faults: readonly Fault[]): string[] {
  const keys: string[] = [];
  const count = faults.length;
  for (let mask = 0; mask < (1 << count) - 1; mask++) keys.push(planKey(faults.filter((_, index) => (mask & (1 << index)) !== 0)));
  return keys;
}

/** The cause of a plan: each fault's kind with its point or named choice, in plan order. */
function causeOf(faults: readonly Fault[], choices: ExploreChoices, faultyPhaseMs: number): string {
  return faults
    .map((fault) => {
      const record = fault as unknown as Record<string, unknown>;
      const detail = fault.kind === 'partition' ? `${fault.link} ${choiceName(fault, choices, faultyPhaseMs) ?? ''}` : typeof record.point === 'string' ? record.point : choiceName(fault, choices, faultyPhaseMs);
      return detail === undefined ? fault.kind : `${fault.kind} ${detail}`.trim();
    })
    .join(' + ');
}

/**
 * The breaking plans no smaller plan explains: a plan is minimal for an invariant when no proper subset of it that
 * was run breaks that invariant (subsets that were never run cannot fire on their own). Grouped by cause.
 */
function minimalBreaks(breaking: readonly { faults: Fault[]; mask: number }[], outcomes: ReadonlyMap<string, number>, config: SimulationConfig, choices: ExploreChoices, names: readonly SearchedInvariant[], simulate: SimulationRunner): ExploreBreak[] {
  const groups = new Map<string, { invariant: SearchedInvariant; cause: string; plan: Fault[]; count: number }>();
  const promised = (invariant: SearchedInvariant): boolean => promisedIn(config.mode, invariant);
  for (const { faults, mask } of breaking) {
    const subsetMasks = properSubsetKeys(faults).map((key) => outcomes.get(key) ?? 0);
    names.forEach((invariant, index) => {
      const bit = 1 << index;
      if ((mask & bit) === 0 || subsetMasks.some((subset) => (subset & bit) !== 0)) return;
      const cause = causeOf(faults, choices, config.timing.faultyPhaseMs);
      const id = `${invariant}|${cause}`;
      const group = groups.get(id);
      if (group === undefined) groups.set(id, { invariant, cause, plan: faults, count: 1 });
      else group.count++;
    });
  }
  // Promised invariants first, then by invariant, fewest faults, and search order.
  const ordered = [...groups.values()].sort((a, b) => Number(promised(b.invariant)) - Number(promised(a.invariant)) || names.indexOf(a.invariant) - names.indexOf(b.invariant) || a.plan.length - b.plan.length);
  return ordered.map((group) => ({
    invariant: group.invariant,
    promised: promised(group.invariant),
    cause: group.cause,
    plan: { version: 1, faults: group.plan },
    equivalentPlans: group.count,
    result: simulate(config, { plan: { version: 1, faults: group.plan } }),
  }));
}
