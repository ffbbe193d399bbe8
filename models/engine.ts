/**
 * One run: resolve the config, let the family deploy its actors into a deterministic World, inject faults from
 * rates or a plan, run to quiescence (or a limit), and judge the invariants against the mode's promises. Nothing
 * here names a broker family; everything family-specific comes through the Family seam.
 */
import { TraceFull } from '../sim/trace.js';
import type { Trace, TraceOptions } from '../sim/trace.js';
import { World } from '../sim/world.js';
import type { RunOutcome, WorldRunResult } from '../sim/world.js';
import { msToUs } from './config.js';
import type { SimulationConfig } from './config.js';
import type { AppliedEffect } from './db/database.js';
import { effectsArray } from './db/effect-log.js';
import { withLazyFields } from './lazy-fields.js';
import type { LazyComputations } from './lazy-fields.js';
import type { Effects } from './db/effect-log.js';
import type { ModelEnv } from './env.js';
import type { TraceEvent } from './events.js';
import { familyOf, hopelessTimeouts } from './families.js';
import type { Deployment, ModelProtocol } from './family.js';
import type { HandlerModule } from './handler/contract.js';
import { judgeHandlerInvariants } from './handler/invariants.js';
import type { HandlerInvariantResult } from './handler/invariants.js';
import type { Observations, TransactionStats } from './observations.js';
import { ConfigError } from './config-error.js';
import { FAULT_PRESETS, RATE_NAMES, countByKind } from './faults/catalog.js';
import type { Fault, FaultKind, FaultPlan, FaultRates, FaultSource, RateName } from './faults/catalog.js';
import { FaultInjector } from './faults/injector.js';
import type { CandidateObserver } from './faults/injector.js';
import { parsePlan, planOnly } from './faults/plan.js';
import { checkPlanFits } from './plan-fit.js';
import { checkGroups, checkLogDuplicates } from './invariants/index.js';
import type { InvariantResult, LogDuplicates, ParkedResult, Verdicts } from './invariants/index.js';
import { returnedOf } from './invariants/returned.js';
import { checkSchedule } from './invariants/schedule.js';
import type { ScheduleResult } from './invariants/schedule.js';
import { lagByGroup, worstLag } from './lag.js';
import type { Lag } from './lag.js';
import { PROMISES } from './modes.js';
import type { InvariantName } from './modes.js';
import { resolveConfig, validateConfig } from './resolve.js';
import type { SimulationInput } from './resolve.js';
import { buildTopology } from './topology.js';
import type { Topology } from './topology.js';
import { generateWorkload, messagesOf } from './workload.js';
import type { Workload, WorkloadMessage } from './workload.js';

export interface SimulationResult {
  config: SimulationConfig;
  /** Where the faults came from. */
  faultSource: FaultSource;
  /** The workload's messages as objects, in hand-over order (built on first read: a run keeps them in columns). */
  workload: WorkloadMessage[];
  /** The same messages read where they are kept, without an object each: what a long run's readers take. */
  messages: Workload;
  outcome: RunOutcome;
  topology: Topology;
  stats: {
    events: number;
    virtualTimeMs: number;
    traceRecords: number;
    /** Effects applied per member (`g1/c2`): how a group shared its work. */
    appliedByConsumer: Record<string, number>;
    /** The worst consumer lag over the groups. */
    lag: Lag;
    /** Messages a partition log holds more than once at the end (a retry appended them again), with witnesses. */
    logDuplicates: LogDuplicates;
    /** Effects applied from records of aborted transactions (0 without transactions). */
    abortedApplied: number;
    /** With transactions only: committed, aborted, and messages the committed output holds twice. */
    transactions?: TransactionStats;
    /** RabbitMQ: the most ready messages a queue held. */
    maxQueueLength?: number;
  };
  /** The faults actually injected, in order, as a replayable plan. */
  injected: FaultPlan;
  /** Plan mode only: faults of the plan that never matched anything in this run. */
  unusedPlanFaults: Fault[];
  faultCounts: Record<FaultKind, number>;
  trace: TraceEvent[];
  /** The DB's effects in commit order, as objects (built on first read: a run keeps them in columns). */
  effects: readonly AppliedEffect[];
  /** The same effects read where they are kept, without an object each: what a long run's readers take. */
  appliedEffects: Effects;
  /** Ids of the messages the broker acknowledged to their producer (acks >= 1, or a publisher confirm), in workload order. */
  brokerAcked: string[];
  /** Per invariant, over every group: counts and witnesses summed, the worst status. */
  invariants: Record<InvariantName, InvariantResult>;
  /** Records parked in the dead-letter topic (given up by the failure policy): neither applied nor lost. */
  parked: ParkedResult;
  /** With delayed delivery: delayed messages are never processed before their due time (always promised), and how late they were. */
  schedule?: ScheduleResult;
  /** RabbitMQ: messages the broker returned to their publisher (basic.return); absent for Kafka. */
  returned?: ParkedResult;
  /** Per consumer group: its own invariants, parked records and lag. */
  groups: Record<string, { invariants: Verdicts; parked: ParkedResult; lag: Lag }>;
  /** A team's handler's own invariants, by name (promised in every mode); {} without them. */
  handlerInvariants: Record<string, HandlerInvariantResult>;
  /** `violated` when an invariant the mode promises broke (a handler's own invariants are always promised). */
  verdict: 'ok' | 'violated';
  /** Hash of the trace (computed on demand: 16 hex digits). */
  traceHash(): string;
}

/** Faults as rates (a preset's name, or rates: those left out are 0), as a plan to replay (or just its faults), or a resolved source. */
export type FaultsInput = string | Partial<FaultRates> | FaultPlan | readonly Fault[] | FaultSource;

export function toFaultSource(faults: FaultsInput | undefined): FaultSource {
  if (faults === undefined) return { rates: FAULT_PRESETS.default };
  if (typeof faults === 'string') {
    const rates = Object.hasOwn(FAULT_PRESETS, faults) ? FAULT_PRESETS[faults] : undefined;
    if (rates === undefined) throw new ConfigError('faults', faults, `a preset (${Object.keys(FAULT_PRESETS).join(', ')}), rates, or a plan`);
    return { rates };
  }
  // A plan is validated as a plan file is: a misspelled kind or field is refused, not silently never matched.
  if (isFaultList(faults)) return { plan: planOnly(parsePlan({ version: 1, faults })) };
  if ('plan' in faults) return { plan: planOnly(parsePlan(faults.plan)) };
  if ('rates' in faults) return faults;
  if ('faults' in faults) return { plan: planOnly(parsePlan(faults)) };
  return { rates: ratesOf(faults) };
}

function isFaultList(faults: FaultsInput): faults is readonly Fault[] {
  return Array.isArray(faults);
}

/** Rates as `--faults drop=0.1` reads them: those named, each from 0 to 1; every other rate is 0. */
function ratesOf(given: Partial<FaultRates>): FaultRates {
  const rates: FaultRates = { ...FAULT_PRESETS.none };
  for (const [name, value] of Object.entries(given)) {
    if (!RATE_NAMES.includes(name as RateName)) throw new ConfigError('faults', name, `a rate named ${RATE_NAMES.join(', ')}`);
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new ConfigError(`faults.${name}`, value, 'a number from 0 to 1');
    rates[name as RateName] = value;
  }
  return rates;
}

/**
 * How a search runs one simulation: runSimulation itself, or a stand-in with the same meaning (a team's async
 * handler run in a worker thread, behind a synchronous call: cli/handler-sync/runner.ts).
 */
export type SimulationRunner = (config: SimulationConfig, source: FaultSource, observers?: RunObservers) => SimulationResult;

/** What a caller may watch during a run besides its result (exploration collects the decision points reached). */
export interface RunObservers {
  /** Plan mode: every decision point reached in the faulty phase, in order (see CandidateObserver). */
  candidate?: CandidateObserver;
  /** What the run keeps of its trace, and where it streams it (default: the first TRACE_KEPT_MAX records kept). */
  trace?: TraceKeeping;
  /** Told how far the run has come as it goes (a long run's progress line). It only reads: the run is the same. */
  progress?: ProgressObserver;
}

/** How far a run has come. */
export interface RunProgress {
  events: number;
  virtualTimeMs: number;
  /** Messages applied so far, each counted once per consumer group. */
  applied: number;
  /** What `applied` reaches when every group has applied every message: messages x groups. */
  total: number;
}

export interface ProgressObserver {
  /** Told every this many events (default PROGRESS_EVERY_EVENTS). */
  everyEvents?: number;
  report(progress: RunProgress): void;
}

/** Events between two progress reports by default: a few a second at a long run's rate, a negligible cost. */
export const PROGRESS_EVERY_EVENTS = 65_536;

/**
 * How much of its trace a run keeps. A trace not kept whole is hashed as it goes; reading `result.trace` of a run
 * that kept nothing re-runs the seed with the trace kept (deterministic: the same records), up to TRACE_KEPT_MAX.
 */
export interface TraceKeeping {
  /** Keep the first this many records (0: none, for a search that reads only verdicts). Default TRACE_KEPT_MAX. */
  keepMax?: number;
  /** Every record as it is appended (a trace file written as the run goes). */
  sink?: (record: TraceEvent) => void;
  /** Hash the records as they come (default: when some may not be kept). False: traceHash() re-runs the seed. */
  hash?: boolean;
}

/**
 * Records a run keeps at most (about 100 bytes each): what bounds a long run's memory. A longer trace is counted and
 * hashed whole, streamed whole to a sink (`--trace FILE`), and its stories read this first part of it.
 */
export const TRACE_KEPT_MAX = 1_000_000;

export function runSimulation(config: SimulationConfig, source: FaultSource, observers?: RunObservers): SimulationResult {
  validateConfig(config);
  return runValidated(config, source, observers);
}

/** runSimulation of a config already validated (resolveConfig validates what it returns; a re-run, its first run's). */
function runValidated(config: SimulationConfig, source: FaultSource, observers?: RunObservers): SimulationResult {
  const run = deployRun(config, source, undefined, observers);
  return run.judge(run.world.run());
}

/** The trace of a run that did not keep it: the same seed run again with its first TRACE_KEPT_MAX records kept. */
function rerunTrace(config: SimulationConfig, source: FaultSource): TraceEvent[] {
  const run = deployRun(config, source, undefined, undefined, { keepMax: TRACE_KEPT_MAX, stopWhenFull: true });
  try {
    run.world.run();
  } catch (error) {
    if (!(error instanceof TraceFull)) throw error;
  }
  return run.world.trace.records;
}

/** The hash of a run that neither kept its whole trace nor hashed it: the same seed run again, hashing as it goes. */
function rerunHash(config: SimulationConfig, source: FaultSource): string {
  const run = deployRun(config, source, undefined, undefined, { keepMax: 0, hash: true });
  run.world.run();
  return run.world.trace.hash() as string;
}

/** Microtask turns a woken handler gets to reach its next DB call (or return) before it is refused. */
export const HANDLER_TURNS_MAX = 10_000;

/**
 * A run with a user's handler in place of the built-in processing. The handler is async, so the run pauses after
 * every event that woke it and lets promise callbacks (microtasks) run, turn after turn, until the handler has sent
 * its next DB call or returned. Only microtasks run meanwhile, never a timer or I/O callback, so nothing outside the
 * simulation can slip in between: a handler that awaits anything else (a real timer, a fetch) has not moved after
 * HANDLER_TURNS_MAX turns and is refused (HandlerError), never waited for.
 */
export async function runSimulationAsync(config: SimulationConfig, source: FaultSource, handler: HandlerModule, observers?: RunObservers): Promise<SimulationResult> {
  // A handler's run keeps its trace whole: it cannot be re-run synchronously when a reader asks for it.
  validateConfig(config);
  const run = deployRun(handlerConfig(config), source, handler, observers, { keepMax: Number.POSITIVE_INFINITY });
  const result = await run.world.runAsync(async () => {
    for (let turn = 0; turn < HANDLER_TURNS_MAX && !run.deployment.handlersSettled(); turn++) await Promise.resolve();
    run.deployment.afterHostTurn();
  });
  return run.judge(result);
}

/**
 * With a handler, the handler owns its tables and its idempotency: the built-in dedup is off, and offsets are
 * committed to the broker after the handler acks (offsets stored in the DB would need the handler's own
 * transaction to write them).
 */
export function handlerConfig(config: SimulationConfig): SimulationConfig {
  const settings = config.settings;
  if (settings.dedup === 'none' && settings.commit !== 'with-db-transaction') return config;
  return { ...config, settings: { ...settings, dedup: 'none', commit: settings.commit === 'with-db-transaction' ? 'after-process' : settings.commit } };
}

/** A run deployed and ready: its world, its family's deployment, and how to judge what the world returns. */
interface DeployedRun {
  world: World<ModelProtocol>;
  deployment: Deployment;
  judge(run: WorldRunResult): SimulationResult;
}

/** Deploys a validated config (its callers validate it once: a config of resolveConfig's, or given to a public entry). */
function deployRun(config: SimulationConfig, source: FaultSource, handler: HandlerModule | undefined, observers?: RunObservers, traceOptions?: TraceOptions<TraceEvent>): DeployedRun {
  const topology = buildTopology(config.topology);
  const family = familyOf(config);
  if ('plan' in source) checkPlanFits(source.plan, config, topology);
  const healAtUs = msToUs(config.timing.faultyPhaseMs);
  const world = worldFor(config, traceOptions ?? traceOptionsOf(observers?.trace));
  const injector = new FaultInjector(source, world.streams, observers?.candidate);
  const traceFault = (now: number, fault: Fault): void => {
    world.trace.append('message' in fault ? { t: now, actor: 'faults', kind: 'fault', msg: fault.message, fault } : { t: now, actor: 'faults', kind: 'fault', fault });
  };
  const workload = generateWorkload(config.workload, world.streams, config.topology.producers);
  const env: ModelEnv = {
    config,
    faults: injector,
    traceFault: (ctx, fault) => traceFault(ctx.now, fault),
    crash: (actor, fault) => {
      traceFault(world.now, fault);
      const restartAfterUs = msToUs(config.timing.restartDelayMs);
      // Before healing, a crash whose restart would fall after the heal is restarted by the heal itself;
      // a crash decided earlier that lands after healing (mid-processing) restarts after the usual delay.
      world.crash(actor, world.phase === 'heal' || world.now + restartAfterUs < healAtUs ? restartAfterUs : undefined);
      // Crashes happen while running, after deployment. (This closure reads the deployment directly: a hook object
      // whose property was set after deployment made V8's young-generation GC copy and promote every earlier run's
      // actors, and runs were 30% slower.)
      deployment.afterCrash(actor);
    },
    ...(handler !== undefined ? { handler: { module: handler, workload } } : {}),
  };
  const deployment = family.deploy({ config, topology, world, env, workload });
  world.setHooks(deployment.hooks);
  const progress = observers?.progress;
  if (progress !== undefined) {
    const total = config.workload.messages * config.topology.groups;
    world.watch(progress.everyEvents ?? PROGRESS_EVERY_EVENTS, (events, nowUs) => progress.report({ events, virtualTimeMs: nowUs / 1000, applied: deployment.messagesApplied?.() ?? 0, total }));
  }
  for (const window of injector.partitions(config.timing.faultyPhaseMs, topology)) {
    const [a, b] = deployment.linkEnds(window.link, window.producer ?? window.consumer);
    world.partition({ a, b, fromUs: msToUs(window.fromMs), toUs: msToUs(window.fromMs + window.durationMs) });
    deployment.onPartition?.(window.link, window.producer ?? window.consumer, msToUs(window.fromMs));
    injector.recordPartition(window);
  }
  return {
    world,
    deployment,
    judge: (run) => judgeRun(config, source, { topology, workload, injector, run, observed: deployment.observe(), trace: world.trace, handler }),
  };
}

/** A trace that may not be kept whole is hashed as it goes: its hash is then known without its records. */
function traceOptionsOf(keeping: TraceKeeping | undefined): TraceOptions<TraceEvent> {
  const keepMax = keeping?.keepMax ?? TRACE_KEPT_MAX;
  return { keepMax, hash: keeping?.hash ?? Number.isFinite(keepMax), ...(keeping?.sink !== undefined ? { sink: keeping.sink } : {}) };
}

function worldFor(config: SimulationConfig, trace: TraceOptions<TraceEvent>): World<ModelProtocol> {
  return new World<ModelProtocol>({
    seed: config.seed,
    latencyUsMin: msToUs(config.timing.latencyMsMin),
    latencyUsMax: msToUs(config.timing.latencyMsMax),
    healAtUs: msToUs(config.timing.faultyPhaseMs),
    maxEvents: config.limits.maxEvents,
    maxVirtualTimeUs: msToUs(config.limits.maxVirtualTimeMs),
    progressTimeoutUs: Math.max(1, msToUs(config.limits.progressTimeoutMs)),
    trace,
  });
}

/** What a finished run leaves to judge. */
interface FinishedRun {
  topology: Topology;
  workload: Workload;
  injector: FaultInjector;
  run: WorldRunResult;
  observed: Observations;
  trace: Trace<TraceEvent>;
  /** A team's handler, whose own invariants are judged too. */
  handler: HandlerModule | undefined;
}

/** The invariants per group against the mode's promises, parked records, lag, and what was injected. */
function judgeRun(config: SimulationConfig, source: FaultSource, { topology, workload, injector, run, observed, trace, handler }: FinishedRun): SimulationResult {
  // A run that kept nothing reads its records only when asked (a witness's records, a story), by running again.
  let records: TraceEvent[] | undefined = trace.records.length > 0 || trace.complete ? trace.records : undefined;
  const recordsOf = (): TraceEvent[] => (records ??= rerunTrace(config, source));
  const tail = trace.tail();
  const unordered = observed.dueUs === undefined ? undefined : new Set(observed.dueUs.flatMap((due, index) => (due >= 0 ? [index] : [])));
  const lazy = { tail, records: recordsOf };
  // One literal of one shape (no conditional spread): checkers read it per group and per witness.
  const judged = checkGroups({ workload, effects: observed.effects, brokerAcked: observed.acknowledged, outcome: run.outcome, trace: records ?? lazy, groups: observed.groups, parked: observed.parked, deadLetter: familyOf(config).words.deadLetter, handedAtUs: observed.handedAtUs, unordered, ...(run.outcome.kind === 'quiescent' ? {} : { unsettledBecause: hopelessTimeouts(config, true) }) }, PROMISES[config.mode]);
  const invariants = judged.invariants;
  const schedule = observed.dueUs === undefined ? undefined : checkSchedule(observed.dueUs, recordsOf()); // the first deliveries: read from the trace (kept, or the seed run again)
  const lags = lagByGroup(workload, observed.handedAtUs, observed.effects, observed.groups, observed.parked, run.virtualTimeUs);
  const handlerInvariants = judgeHandlerInvariants(handler, observed.finalDb, workload);
  const violated = Object.values(invariants).some((invariant) => invariant.status === 'VIOLATED') || Object.values(handlerInvariants).some((invariant) => !invariant.holds) || schedule?.status === 'VIOLATED';
  const appliedByConsumer: Record<string, number> = Object.fromEntries(topology.consumers.map((consumer) => [consumer, 0]));
  const effects = observed.effects;
  for (let index = 0; index < effects.length; index++) {
    const consumer = effects.consumerAt(index);
    appliedByConsumer[consumer] = (appliedByConsumer[consumer] ?? 0) + 1;
  }
  let hash: string | undefined;
  let effectObjects: AppliedEffect[] | undefined;
  let brokerAcked: string[] | undefined;
  let messageObjects: WorkloadMessage[] | undefined;
  // The trace, the effects as objects and the acknowledged ids are computed on first read (a search reads none).
  const computed: LazyComputations = {
    workload: () => (messageObjects ??= messagesOf(workload)),
    trace: recordsOf,
    effects: () => (effectObjects ??= effectsArray(effects)),
    // Read by a witness's story only: not copied per run.
    brokerAcked: () => (brokerAcked ??= ackedIds(workload, observed.acknowledged)),
  };
  return withLazyFields<SimulationResult>({
    config,
    faultSource: source,
    workload: [],
    messages: workload,
    outcome: run.outcome,
    topology,
    stats: { events: run.events, virtualTimeMs: run.virtualTimeUs / 1000, traceRecords: trace.length, appliedByConsumer, lag: worstLag(lags), logDuplicates: checkLogDuplicates(workload, records ?? lazy, observed.logDuplicates ?? []), abortedApplied: observed.abortedApplied ?? 0, ...(observed.transactions !== undefined ? { transactions: observed.transactions } : {}), ...(observed.maxQueueLength !== undefined ? { maxQueueLength: observed.maxQueueLength } : {}) },
    injected: { version: 1, faults: injector.injected },
    unusedPlanFaults: injector.unused(),
    faultCounts: countByKind(injector.injected, familyOf(config).faultKinds),
    trace: [],
    effects: [],
    appliedEffects: effects,
    brokerAcked: [],
    invariants,
    parked: judged.parked,
    ...(observed.returned !== undefined ? { returned: returnedOf(observed.returned, records ?? lazy) } : {}),
    ...(schedule !== undefined ? { schedule } : {}),
    groups: Object.fromEntries(observed.groups.map((group) => [group, { invariants: judged.groups[group], parked: judged.parkedByGroup[group], lag: lags[group] }])),
    handlerInvariants,
    verdict: violated ? 'violated' : 'ok',
    traceHash: () => (hash ??= trace.hash() ?? rerunHash(config, source)),
  }, computed);
}

/** Ids of the messages the broker acknowledged, in workload order. */
function ackedIds(workload: Workload, acknowledged: Observations['acknowledged']): string[] {
  const ids: string[] = [];
  for (let position = 0; position < workload.length; position++) {
    const id = workload.idAt(position);
    if (acknowledged.has(id)) ids.push(id);
  }
  return ids;
}

/** The library's one-call API: preset + overrides + faults (preset name, rates or plan) -> result. */
export function simulate(input: SimulationInput & { faults?: FaultsInput }): SimulationResult {
  return runValidated(resolveConfig(input), toFaultSource(input.faults));
}

export { resolveConfig } from './resolve.js';
export type { SimulationInput } from './resolve.js';
