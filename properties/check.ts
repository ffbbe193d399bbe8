/**
 * Search generated fault plans for one that breaks an invariant (fast-check `fc.check`, seeded), let
 * fast-check shrink it, then delta-debug the shrunk plan so the result is 1-minimal. The world (mode,
 * settings, workload, simulation seed) is fixed by `config`; only the faults vary, so the minimal plan
 * replays exactly with `simulate --seed <config.seed> --plan <file>` and the same world flags.
 */
import type { SimulationRunner } from '../models/engine.js';
import fc from 'fast-check';
import type { SimulationConfig } from '../models/config.js';
import type { FaultPlan } from '../models/faults/catalog.js';
import type { SimulationResult } from '../models/engine.js';
import { VERDICTS_ONLY, brokenInvariants, promisedIn, runPlan } from './breaks.js';
import type { SearchedInvariant } from './breaks.js';
import { faultPlanArb } from './fault-arbitraries.js';
import { familyOf, isKafkaCluster, worldKinds } from '../models/families.js';
import type { FaultPlanConstraints } from './fault-arbitraries.js';
import { shrinkPlan, shrinkPlanAsync } from './shrink.js';
import type { AsyncRunner, ShrinkOutcome } from './shrink.js';

export interface CheckOptions {
  /** The world every generated plan runs in. */
  config: SimulationConfig;
  /** A built-in invariant, or a handler's own (its runs must be a handler's). */
  invariant: SearchedInvariant;
  /** Generated plans to try before concluding the invariant holds. Default 300. */
  numRuns?: number;
  /** fast-check's seed. Default: the simulation seed (config.seed), so one number pins the whole search. */
  seed?: number;
  /** What plans to generate; `workload` and `faultyPhaseMs` default to the config's. Default maxFaults 4. */
  plans?: Omit<FaultPlanConstraints, 'workload' | 'topology'>;
  /**
   * Broken invariants per plan already run in this same config. Share one between checks of several
   * invariants with the same seed: they generate the same plans, so each plan is simulated once.
   */
  cache?: PlanVerdictCache;
  /**
   * Broken invariants of plans already run elsewhere (worker threads) in this same config. A plan found here is
   * not simulated again, but counts as the simulation run it stands for, so counts match a search without it.
   */
  verdicts?: ReadonlyMap<string, readonly SearchedInvariant[]>;
  /** How each plan runs (default runSimulation; a team's handler: cli/handler-sync/runner.ts). */
  run?: SimulationRunner;
}

/** Plan (as JSON of its faults) -> the invariants it broke. Only valid for one config. */
export type PlanVerdictCache = Map<string, readonly SearchedInvariant[]>;

interface CheckCommon {
  invariant: SearchedInvariant;
  /** Whether the config's mode promises the invariant (a break is then a violation). */
  promised: boolean;
  /** fast-check seed used. */
  seed: number;
  /** Simulation runs spent in all (search, fast-check shrinking, delta debugging, final replay). */
  simulationRuns: number;
}

export interface CheckNotFound extends CheckCommon {
  found: false;
  /** Generated plans tried. */
  runs: number;
}

export interface CheckFound extends CheckCommon {
  found: true;
  /** Generated plans tried until the first break (that one included). */
  runs: number;
  /** The first generated plan that broke the invariant, before any shrinking. */
  firstPlan: FaultPlan;
  /** The minimal plan. */
  plan: FaultPlan;
  /** Successful shrink steps: fast-check's, then delta debugging's. */
  shrinkSteps: number;
  /** fast-check's replay path for the shrunk counterexample (pass with the seed to fc.assert to re-run it). */
  counterexamplePath: string | null;
  /** The replay of the minimal plan. */
  result: SimulationResult;
}

export type CheckOutcome = CheckNotFound | CheckFound;

/** The plans a search generates, as fast-check draws them for the property. */
function searchArbitrary(options: Pick<CheckOptions, 'config' | 'plans'>): fc.Arbitrary<FaultPlan> {
  const { config } = options;
  // Only the config's family's kinds (another family's would never match a decision point, and its plans are refused).
  const own = familyOf(config).faultKinds;
  const kinds = options.plans?.kinds?.filter((kind) => own.includes(kind)) ?? worldKinds(config);
  return faultPlanArb({ transactions: config.settings.transactions, ...(isKafkaCluster(config) ? { nodes: (config.settings as { nodes: number }).nodes } : {}), ...options.plans, kinds, workload: config.workload, topology: config.topology, faultyPhaseMs: options.plans?.faultyPhaseMs ?? config.timing.faultyPhaseMs });
}

/**
 * The first `count` plans a search with these options tries, in order: fast-check's sample walks the same seeded
 * stream as its check, so these can be run ahead (in parallel) and handed back as `verdicts`.
 */
export function searchPlans(options: Pick<CheckOptions, 'config' | 'plans' | 'seed'>, count: number): FaultPlan[] {
  return fc.sample(searchArbitrary(options), { seed: options.seed ?? options.config.seed, numRuns: count });
}

/** The key a plan's verdict is cached under. */
export function planKey(plan: FaultPlan): string {
  return JSON.stringify(plan.faults);
}

export function checkInvariant(options: CheckOptions): CheckOutcome {
  const { config, invariant } = options;
  const { seed, numRuns } = searchBounds(options);
  const search = new SearchTally(options);
  const details = fc.check(
    fc.property(searchArbitrary(options), (plan) => search.holds(plan, search.known(plan) ?? (options.verdicts?.get(planKey(plan)) ?? brokenInvariants(runPlan(config, plan, options.run, VERDICTS_ONLY))))),
    { seed, numRuns },
  );
  const shrunk = counterexampleOf(options, details, search.firstPlan);
  if (shrunk === undefined) return { ...commonOf(options, details), found: false, runs: details.numRuns, simulationRuns: search.simulationRuns };
  const shrinkOptions = options.run === undefined ? {} : { run: options.run };
  let polished = shrinkPlan(config, shrunk, invariant, shrinkOptions);
  // Greedy shrinking can end at a 1-minimal plan of several faults where one fault of those kinds would do.
  for (const plan of singleFaultPlans(options, polished.plan)) {
    const broken = search.known(plan) ?? search.recorded(plan, brokenInvariants(runPlan(config, plan, options.run, VERDICTS_ONLY)));
    if (!broken.includes(invariant)) continue;
    polished = withSteps(shrinkPlan(config, plan, invariant, shrinkOptions), polished);
    break;
  }
  return foundOutcome(options, details, search.firstPlan as FaultPlan, polished, search.simulationRuns);
}

/** Single-fault plans tried after a shrink that ended at several faults. */
const SINGLE_FAULT_TRIES = 200;

/**
 * When the shrunk plan has several faults: single-fault plans of its kinds, drawn from the search's own arbitrary and
 * seed, for a smaller counterexample than greedy shrinking reached (none otherwise).
 */
function singleFaultPlans(options: Pick<CheckOptions, 'config' | 'plans' | 'seed'>, shrunk: FaultPlan): FaultPlan[] {
  if (shrunk.faults.length < 2) return [];
  const kinds = [...new Set(shrunk.faults.map((fault) => fault.kind))];
  const seen = new Set<string>();
  return searchPlans({ ...options, plans: { ...options.plans, kinds, maxFaults: 1 } }, SINGLE_FAULT_TRIES).filter((plan) => {
    const key = planKey(plan);
    if (plan.faults.length !== 1 || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `better`, counting the steps and runs it took to get `before` too. */
function withSteps(better: ShrinkOutcome, before: ShrinkOutcome): ShrinkOutcome {
  return { ...better, steps: better.steps + before.steps + 1, runs: better.runs + before.runs };
}

/**
 * checkInvariant with runs that are asynchronous (a team's handler driven on the host's promises): the same plans
 * in the same order (fast-check's async property over the same seeded stream), the same shrinking.
 */
export async function checkInvariantAsync(options: Omit<CheckOptions, 'run' | 'verdicts'>, run: AsyncRunner): Promise<CheckOutcome> {
  const { config, invariant } = options;
  const { seed, numRuns } = searchBounds(options);
  const search = new SearchTally(options);
  const details = await fc.check(
    fc.asyncProperty(searchArbitrary(options), async (plan) => search.holds(plan, search.known(plan) ?? brokenInvariants(await run(config, { plan })))),
    { seed, numRuns },
  );
  const shrunk = counterexampleOf(options, details, search.firstPlan);
  if (shrunk === undefined) return { ...commonOf(options, details), found: false, runs: details.numRuns, simulationRuns: search.simulationRuns };
  let polished = await shrinkPlanAsync(config, shrunk, invariant, run);
  for (const plan of singleFaultPlans(options, polished.plan)) {
    const broken = search.known(plan) ?? search.recorded(plan, brokenInvariants(await run(config, { plan })));
    if (!broken.includes(invariant)) continue;
    polished = withSteps(await shrinkPlanAsync(config, plan, invariant, run), polished);
    break;
  }
  return foundOutcome(options, details, search.firstPlan as FaultPlan, polished, search.simulationRuns);
}

/** What a search keeps while fast-check runs its property: verdicts per plan (each plan simulated once), the first break. */
class SearchTally {
  simulationRuns = 0;
  firstPlan: FaultPlan | undefined;
  private readonly cache: PlanVerdictCache;

  constructor(private readonly options: Pick<CheckOptions, 'cache' | 'invariant'>) {
    this.cache = options.cache ?? new Map<string, readonly SearchedInvariant[]>();
  }

  /** The plan's verdict if it was simulated already (the caller simulates it otherwise). */
  known(plan: FaultPlan): readonly SearchedInvariant[] | undefined {
    return this.cache.get(planKey(plan));
  }

  /** Records a new verdict (each plan counted as one simulation run) and returns it. */
  recorded(plan: FaultPlan, broken: readonly SearchedInvariant[]): readonly SearchedInvariant[] {
    const key = planKey(plan);
    if (!this.cache.has(key)) {
      this.simulationRuns++;
      this.cache.set(key, broken);
    }
    return broken;
  }

  /** The property: records a new verdict, and holds unless the plan broke the invariant searched. */
  holds(plan: FaultPlan, broken: readonly SearchedInvariant[]): boolean {
    this.recorded(plan, broken);
    const broke = broken.includes(this.options.invariant);
    if (broke && this.firstPlan === undefined) this.firstPlan = plan;
    return !broke;
  }
}

function searchBounds(options: Pick<CheckOptions, 'config' | 'numRuns' | 'seed'>): { seed: number; numRuns: number } {
  const numRuns = options.numRuns ?? 300;
  if (!(Number.isInteger(numRuns) && numRuns >= 1)) throw new RangeError(`numRuns must be an integer >= 1, got ${numRuns}`);
  return { seed: options.seed ?? options.config.seed, numRuns };
}

function commonOf(options: Pick<CheckOptions, 'config' | 'invariant'>, details: fc.RunDetails<[FaultPlan]>): Omit<CheckCommon, 'simulationRuns'> {
  return { invariant: options.invariant, promised: promisedIn(options.config.mode, options.invariant), seed: details.seed };
}

/** fast-check's shrunk counterexample, or undefined when the search found none. */
function counterexampleOf(options: Pick<CheckOptions, 'invariant'>, details: fc.RunDetails<[FaultPlan]>, firstPlan: FaultPlan | undefined): FaultPlan | undefined {
  if (!details.failed) return undefined;
  if (details.counterexample === null || firstPlan === undefined) {
    // The property threw instead of returning false: the simulator itself failed on a plan. Not a finding.
    throw new Error(`the simulation failed while checking ${options.invariant}: ${String(details.errorInstance)}`);
  }
  return details.counterexample[0];
}

function foundOutcome(options: Pick<CheckOptions, 'config' | 'invariant'>, details: fc.RunDetails<[FaultPlan]>, firstPlan: FaultPlan, polished: ShrinkOutcome, simulationRuns: number): CheckFound {
  return {
    ...commonOf(options, details),
    found: true,
    runs: details.numRuns,
    firstPlan,
    plan: polished.plan,
    shrinkSteps: details.numShrinks + polished.steps,
    counterexamplePath: details.counterexamplePath,
    result: polished.result,
    simulationRuns: simulationRuns + polished.runs,
  };
}
