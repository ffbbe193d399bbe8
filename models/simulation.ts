/**
 * One run of the delivery world: build the config from a mode preset plus overrides, wire producer,
 * broker, consumer and DB into a deterministic World, inject faults from rates or a plan, run to
 * quiescence (or a limit), and check the invariants against the mode's promises.
 */
import { traceHash } from '../sim/trace.js';
import type { TraceRecord } from '../sim/trace.js';
import { World } from '../sim/world.js';
import type { RunOutcome } from '../sim/world.js';
import { Broker } from './broker.js';
import { ConfigError, DEFAULT_LIMITS, DEFAULT_WORKLOAD, MODE_NAMES, defaultTiming, msToUs, validateConfig } from './config.js';
import type { DeliverySettings, Limits, ModeName, SimulationConfig, TimingSettings, WorkloadSettings } from './config.js';
import { Consumer } from './consumer.js';
import { Database } from './db.js';
import type { AppliedEffect } from './db.js';
import type { Ctx, ModelEnv } from './env.js';
import { FAULT_PRESETS, FaultInjector, countByKind } from './faults.js';
import type { Fault, FaultKind, FaultPlan, FaultRates, FaultSource, LinkName } from './faults.js';
import { checkInvariants } from './invariants.js';
import type { InvariantResult } from './invariants.js';
import { BROKER, CONSUMER, DB, PRODUCER } from './messages.js';
import type { Message } from './messages.js';
import { MODES } from './modes.js';
import type { InvariantName } from './modes.js';
import { Producer } from './producer.js';
import { generateWorkload } from './workload.js';
import type { WorkloadMessage } from './workload.js';

export interface SimulationInput {
  mode: ModeName;
  seed: number;
  /** Overrides on top of the mode's preset. */
  settings?: Partial<DeliverySettings>;
  workload?: Partial<WorkloadSettings>;
  timing?: Partial<TimingSettings>;
  limits?: Partial<Limits>;
}

/** Preset + overrides, validated: throws ConfigError naming the first bad option. */
export function resolveConfig(input: SimulationInput): SimulationConfig {
  const preset = MODES[input.mode];
  // Untyped callers (JSON, other people's suites) can pass any string; say which modes exist.
  if (preset === undefined) throw new ConfigError('mode', input.mode, MODE_NAMES.join(', '));
  const workload = { ...DEFAULT_WORKLOAD, ...input.workload };
  const config: SimulationConfig = {
    mode: input.mode,
    seed: input.seed,
    settings: { ...preset.settings, ...input.settings },
    workload,
    timing: { ...defaultTiming(workload), ...input.timing },
    limits: { ...DEFAULT_LIMITS, ...input.limits },
  };
  validateConfig(config);
  return config;
}

export interface SimulationResult {
  config: SimulationConfig;
  /** Where the faults came from. */
  faultSource: FaultSource;
  workload: WorkloadMessage[];
  outcome: RunOutcome;
  stats: { events: number; virtualTimeMs: number; traceRecords: number };
  /** The faults actually injected, in order, as a replayable plan. */
  injected: FaultPlan;
  /** Plan mode only: faults of the plan that never matched anything in this run. */
  unusedPlanFaults: Fault[];
  faultCounts: Record<FaultKind, number>;
  trace: TraceRecord[];
  effects: AppliedEffect[];
  brokerAcked: string[];
  invariants: Record<InvariantName, InvariantResult>;
  /** `violated` when an invariant the mode promises broke. */
  verdict: 'ok' | 'violated';
  /** Hash of the trace (computed on demand: 16 hex digits). */
  traceHash(): string;
}

const LINK_ACTORS: Record<LinkName, [string, string]> = {
  'producer-broker': [PRODUCER, BROKER],
  'consumer-broker': [CONSUMER, BROKER],
  'consumer-db': [CONSUMER, DB],
};

/** Faults as rates (a preset name or rates), or as an explicit plan to replay. */
export type FaultsInput = string | FaultRates | FaultPlan | FaultSource;

export function toFaultSource(faults: FaultsInput | undefined): FaultSource {
  if (faults === undefined) return { rates: FAULT_PRESETS.default };
  if (typeof faults === 'string') {
    const rates = FAULT_PRESETS[faults];
    if (rates === undefined) throw new RangeError(`unknown fault preset ${faults}`);
    return { rates };
  }
  if ('rates' in faults || 'plan' in faults) return faults;
  if ('faults' in faults) return { plan: faults };
  return { rates: faults };
}

export function runSimulation(config: SimulationConfig, source: FaultSource): SimulationResult {
  validateConfig(config);
  const healAtUs = msToUs(config.timing.faultyPhaseMs);
  const world = new World<Message>({
    seed: config.seed,
    latencyUsMin: msToUs(config.timing.latencyMsMin),
    latencyUsMax: msToUs(config.timing.latencyMsMax),
    healAtUs,
    maxEvents: config.limits.maxEvents,
    maxVirtualTimeUs: msToUs(config.limits.maxVirtualTimeMs),
  });
  const injector = new FaultInjector(source, world.streams);
  const traceFault = (now: number, fault: Fault): void => {
    world.trace.append({ t: now, actor: 'faults', kind: 'fault', ...('message' in fault ? { msg: fault.message } : {}), fault });
  };
  const workload = generateWorkload(config.workload, world.streams);
  const producerRef: { current?: Producer } = {};
  const env: ModelEnv = {
    config,
    faults: injector,
    traceFault: (ctx: Ctx, fault: Fault) => traceFault(ctx.now, fault),
    crash: (actor: string, fault: Fault) => {
      traceFault(world.now, fault);
      const restartAfterUs = msToUs(config.timing.restartDelayMs);
      // Before healing, a crash whose restart would fall after the heal is restarted by the heal itself;
      // a crash decided earlier that lands after healing (mid-processing) restarts after the usual delay.
      world.crash(actor, world.phase === 'heal' || world.now + restartAfterUs < healAtUs ? restartAfterUs : undefined);
      const producer = producerRef.current;
      if (actor === PRODUCER && producer !== undefined && producer.lostOnCrash.length > 0) {
        world.trace.append({ t: world.now, actor: PRODUCER, kind: 'buffer-lost', msgs: producer.lostOnCrash });
      }
    },
  };
  const producer = new Producer(env, workload);
  producerRef.current = producer;
  const broker = new Broker(env);
  const consumer = new Consumer(env);
  const db = new Database(config.workload.partitions);
  for (const actor of [producer, broker, consumer, db]) world.addActor(actor);

  // Asked after every event of the heal phase: one array filled in place, not a fresh one per event.
  const watermarks = new Array<number>(broker.partitions.length).fill(0);
  const highWatermarks = (): number[] => {
    for (let partition = 0; partition < watermarks.length; partition++) watermarks[partition] = broker.partitions[partition].hw;
    return watermarks;
  };
  world.setHooks({
    networkFault: (from, to, message, now, phase) => {
      const fault = networkFault(injector, message, phase);
      if (fault === undefined) return undefined;
      traceFault(now, fault);
      if (fault.kind === 'fetch-duplicated') return { kind: 'duplicate' };
      if (fault.kind === 'request-delayed') return { kind: 'delay', delayUs: msToUs(fault.delayMs) };
      return { kind: 'drop' };
    },
    // The checks are pure; the consumer's goes first as it is nearly always the one that says "not yet".
    isQuiescent: () => consumer.isCaughtUp(highWatermarks()) && producer.isIdle() && broker.isIdle(),
    onHeal: () => broker.heal(world.contextOf(BROKER)),
  });
  for (const window of injector.partitions(config.timing.faultyPhaseMs)) {
    const [a, b] = LINK_ACTORS[window.link];
    world.partition({ a, b, fromUs: msToUs(window.fromMs), toUs: msToUs(window.fromMs + window.durationMs) });
    injector.recordPartition(window);
  }

  const run = world.run();
  const brokerAcked = producer.brokerAcked;
  const invariants = checkInvariants({ workload, effects: db.effects, brokerAcked, outcome: run.outcome, trace: world.trace.records }, MODES[config.mode].promises);
  const violated = Object.values(invariants).some((invariant) => invariant.status === 'VIOLATED');
  let hash: string | undefined;
  const records = world.trace.records;
  return {
    config,
    faultSource: source,
    workload,
    outcome: run.outcome,
    stats: { events: run.events, virtualTimeMs: run.virtualTimeUs / 1000, traceRecords: records.length },
    injected: { version: 1, faults: injector.injected },
    unusedPlanFaults: injector.unused(),
    faultCounts: countByKind(injector.injected),
    trace: records,
    effects: db.effects,
    brokerAcked: [...brokerAcked],
    invariants,
    verdict: violated ? 'violated' : 'ok',
    traceHash: () => (hash ??= traceHash(records)),
  };
}

/**
 * The network-level decision points, named in domain terms. Every message sent passes here, so each point is
 * `draw(kind) ? inject(candidate)`: the candidate fault is built only when the draw fired (see FaultInjector.draw).
 */
function networkFault(injector: FaultInjector, message: Message, phase: 'faulty' | 'heal'): Fault | undefined {
  if (phase !== 'faulty') return undefined;
  switch (message.type) {
    case 'produce':
      return (
        (injector.draw('request-lost', phase) ? injector.inject({ kind: 'request-lost', message: message.msgId, attempt: message.attempt }) : undefined) ??
        (injector.draw('request-delayed', phase) ? injector.inject({ kind: 'request-delayed', message: message.msgId, attempt: message.attempt, delayMs: 0 }) : undefined)
      );
    case 'produce-response':
      // Only a success answer is an "ack"; losing it is the classic duplicate-maker.
      if (message.error !== undefined || !injector.draw('ack-lost', phase)) return undefined;
      return injector.inject({ kind: 'ack-lost', message: message.msgId, attempt: message.attempt });
    case 'fetch-response':
      if (message.records.length === 0) return undefined;
      return (
        (injector.draw('fetch-lost', phase) ? injector.inject({ kind: 'fetch-lost', partition: message.partition, fromOffset: message.fromOffset, attempt: message.attempt }) : undefined) ??
        (injector.draw('fetch-duplicated', phase) ? injector.inject({ kind: 'fetch-duplicated', partition: message.partition, fromOffset: message.fromOffset, attempt: message.attempt }) : undefined)
      );
    case 'commit':
      if (!injector.draw('commit-lost', phase)) return undefined;
      return injector.inject({ kind: 'commit-lost', partition: message.partition, offset: message.offset, attempt: message.attempt });
    case 'db-reply':
      if (message.result !== 'committed' || !injector.draw('db-reply-lost', phase)) return undefined;
      return injector.inject({ kind: 'db-reply-lost', message: message.msgId, attempt: message.attempt });
    default:
      return undefined;
  }
}

/** The library's one-call API: preset + overrides + faults (preset name, rates or plan) -> result. */
export function simulate(input: SimulationInput & { faults?: FaultsInput }): SimulationResult {
  return runSimulation(resolveConfig(input), toFaultSource(input.faults));
}
