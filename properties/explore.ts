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
import { familyOf } from '../models/families.js';
import type { SimulationConfig } from '../models/config.js';
import { FAULT_KINDS, faultKey, specOf } from '../models/faults/catalog.js';
import type { Fault, FaultKind, FaultPlan } from '../models/faults/catalog.js';
import { INVARIANT_NAMES, PROMISES } from '../models/modes.js';
import type { InvariantName } from '../models/modes.js';
import { runSimulation } from '../models/engine.js';
import type { SimulationResult, SimulationRunner } from '../models/engine.js';
import { buildTopology } from '../models/topology.js';
import { traceHash } from '../sim/trace.js';
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

/** One cause of a break: the minimal plans breaking one invariant that differ only in which message or attempt they hit. */
export interface ExploreBreak {
  invariant: InvariantName;
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

function brokenMask(result: SimulationResult): number {
  let mask = 0;
  INVARIANT_NAMES.forEach((name, index) => {
    if (!result.invariants[name].holds) mask |= 1 << index;
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

export function explore(options: ExploreOptions): ExploreResult {
  const { config, maxFaults } = options;
  const own = familyOf(config).faultKinds;
  const kinds = (options.kinds ?? FAULT_KINDS).filter((kind) => own.includes(kind));
  const allowed = new Set<FaultKind>(kinds);
  const maxRuns = options.maxRuns ?? Number.POSITIVE_INFINITY;
  const outOfTime = options.outOfTime ?? (() => false);
  const promises = PROMISES[config.mode];

  const coverage = new CoverageTally();
  const pointsByKind = new Map<FaultKind, Set<string>>(FAULT_KINDS.map((kind) => [kind, new Set<string>()]));
  const alternativesSeen = new Set<string>();
  const outcomes = new Map<string, number>();
  const runHashes = new Set<string>();
  const breaking: { faults: Fault[]; mask: number }[] = [];
  const plansByFaults: number[] = [];
  let plansRun = 0;
  let stoppedBy: ExploreStop = null;
  let completeUpTo = -1;
  // The fault-free run fixes the finite choices (partition windows start at its event times).
  const simulate = options.run ?? runSimulation;
  const baselineRun = simulate(config, { plan: { version: 1, faults: [] } });
  const choices = exploreChoices(config, baselineRun.trace);

  const run = (faults: Fault[]): { result: SimulationResult; ran: Ran } | undefined => {
    if (plansRun >= maxRuns) {
      stoppedBy = 'max-runs';
      return undefined;
    }
    if (outOfTime()) {
      stoppedBy = 'time';
      return undefined;
    }
    const pointKeys = new Set(faults.filter((fault) => fault.kind !== 'partition').map(faultKey));
    const reached: Fault[] = [];
    const firstSeen = new Set<string>();
    let lastFired = -1;
    const result = simulate(
      config,
      { plan: { version: 1, faults } },
      {
        candidate: (candidate) => {
          const key = faultKey(candidate);
          if (firstSeen.has(key)) return;
          firstSeen.add(key);
          if (pointKeys.has(key)) lastFired = reached.length;
          reached.push(candidate);
        },
      },
    );
    plansRun++;
    plansByFaults[faults.length] = (plansByFaults[faults.length] ?? 0) + 1;
    // A point reached by a plan of fewer than K faults is one some plan of at most K faults puts a fault on (the
    // faults before it, plus it); points first reached by plans of K faults would take K + 1.
    const extendable = faults.length < Math.max(maxFaults, 1);
    if (extendable) {
      for (const candidate of reached) {
        if (!allowed.has(candidate.kind)) continue;
        const key = faultKey(candidate);
        pointsByKind.get(candidate.kind)?.add(key);
        coverage.reach(candidate, key);
      }
    }
    coverage.run(result.injected.faults);
    const mask = brokenMask(result);
    outcomes.set(planKey(faults), mask);
    if (mask !== 0) breaking.push({ faults, mask });
    runHashes.add(traceHash(result.trace.filter((record) => record.kind !== 'fault')));
    const extensions: Fault[] = [];
    for (let index = lastFired + 1; extendable && index < reached.length; index++) {
      const candidate = reached[index];
      if (!allowed.has(candidate.kind) || pointKeys.has(faultKey(candidate))) continue;
      for (const alternative of alternatives(candidate, choices)) {
        alternativesSeen.add(exactKey(alternative));
        extensions.push(alternative);
      }
    }
    return { result, ran: { faults, extensions } };
  };

  // Level 0: the fault-free run again, now watched.
  const windows = allowed.has('partition') ? partitionWindows(choices, config, buildTopology(config.topology)) : [];
  for (const window of windows) {
    pointsByKind.get('partition')?.add(faultKey(window));
    coverage.reach(window);
    alternativesSeen.add(exactKey(window));
  }
  const first = run([]);
  const baseline = first?.result ?? baselineRun;
  let level: Ran[] = first === undefined ? [] : [first.ran];
  if (first !== undefined) completeUpTo = 0;

  for (let k = 1; k <= maxFaults && stoppedBy === null; k++) {
    const next: Ran[] = [];
    const keep = k < maxFaults;
    const visit = (faults: Fault[]): boolean => {
      const ran = run(faults);
      if (ran === undefined) return false;
      if (keep) next.push(ran.ran);
      return true;
    };
    let stopped = false;
    // Extensions of every plan of k - 1 faults by a point reached after its last fault.
    for (const parent of level) {
      if (stopped) break;
      for (const extension of parent.extensions) {
        if (!visit([...parent.faults, extension])) {
          stopped = true;
          break;
        }
      }
    }
    // Roots: every set of k partition windows (point faults then extend them at later levels).
    if (!stopped) {
      for (const set of subsets(windows, k)) {
        if (!visit(set)) {
          stopped = true;
          break;
        }
      }
    }
    if (stopped) break;
    completeUpTo = k;
    level = next;
  }

  const breaks = minimalBreaks(breaking, outcomes, config, choices, promises, simulate);
  const decisionPoints = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, pointsByKind.get(kind)?.size ?? 0])) as Record<FaultKind, number>;
  return {
    maxFaults,
    kinds,
    exhaustive: stoppedBy === null,
    stoppedBy,
    completeUpTo,
    plansRun,
    plansByFaults: Array.from({ length: Math.max(plansByFaults.length, 1) }, (_, index) => plansByFaults[index] ?? 0),
    decisionPoints,
    decisionPointsTotal: Object.values(decisionPoints).reduce((sum, count) => sum + count, 0),
    distinctRuns: runHashes.size,
    naivePlans: plansUpTo(alternativesSeen.size, maxFaults),
    choices,
    breaks,
    coverage: coverage.result(),
    baseline,
  };
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
function minimalBreaks(breaking: readonly { faults: Fault[]; mask: number }[], outcomes: ReadonlyMap<string, number>, config: SimulationConfig, choices: ExploreChoices, promises: Record<InvariantName, boolean>, simulate: SimulationRunner): ExploreBreak[] {
  const groups = new Map<string, { invariant: InvariantName; cause: string; plan: Fault[]; count: number }>();
  for (const { faults, mask } of breaking) {
    const subsetMasks = properSubsetKeys(faults).map((key) => outcomes.get(key) ?? 0);
    INVARIANT_NAMES.forEach((invariant, index) => {
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
  const ordered = [...groups.values()].sort((a, b) => Number(promises[b.invariant]) - Number(promises[a.invariant]) || INVARIANT_NAMES.indexOf(a.invariant) - INVARIANT_NAMES.indexOf(b.invariant) || a.plan.length - b.plan.length);
  return ordered.map((group) => ({
    invariant: group.invariant,
    promised: promises[group.invariant],
    cause: group.cause,
    plan: { version: 1, faults: group.plan },
    equivalentPlans: group.count,
    result: simulate(config, { plan: { version: 1, faults: group.plan } }),
  }));
}
