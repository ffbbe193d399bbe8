/**
 * Faults named by what they hit in domain terms ("the broker's ack for m7, attempt 1, is lost"), never by a
 * global event counter: removing one fault from a plan leaves the others meaning the same thing, so plans
 * shrink well and read well. A run driven by rates records what it injected in this same form (a FaultPlan),
 * so any seeded run can be replayed exactly and shrunk.
 */
import type { Phase } from '../sim/world.js';
import { probabilityThreshold } from '../sim/random.js';
import type { RandomStream, RandomStreams } from '../sim/random.js';

export type LinkName = 'producer-broker' | 'consumer-broker' | 'consumer-db';
export const LINK_NAMES: readonly LinkName[] = ['producer-broker', 'consumer-broker', 'consumer-db'];

export type ConsumerCrashPoint = 'after-fetch' | 'mid-process' | 'after-db-commit';
export const CONSUMER_CRASH_POINTS: readonly ConsumerCrashPoint[] = ['after-fetch', 'mid-process', 'after-db-commit'];
export type ProducerCrashPoint = 'after-handover' | 'after-send';
export const PRODUCER_CRASH_POINTS: readonly ProducerCrashPoint[] = ['after-handover', 'after-send'];

export type Fault =
  /** The produce request carrying `message`, attempt `attempt`, is lost on the way to the broker. */
  | { kind: 'request-lost'; message: string; attempt: number }
  /** The broker's response to that produce request is lost on the way back (the record may be stored). */
  | { kind: 'ack-lost'; message: string; attempt: number }
  /** That produce request is held up by `delayMs` (everything behind it on the link waits too). */
  | { kind: 'request-delayed'; message: string; attempt: number; delayMs: number }
  /** The broker's fetch response for `partition` from `fromOffset` (the consumer's attempt-th fetch there) arrives twice. */
  | { kind: 'fetch-duplicated'; partition: number; fromOffset: number; attempt: number }
  /** That fetch response is lost. */
  | { kind: 'fetch-lost'; partition: number; fromOffset: number; attempt: number }
  /** The consumer's attempt-th offset commit of `offset` for `partition` is lost on the way to the broker. */
  | { kind: 'commit-lost'; partition: number; offset: number; attempt: number }
  /** The DB commits the consumer's write of `message` (attempt `attempt`) but its reply is lost. */
  | { kind: 'db-reply-lost'; message: string; attempt: number }
  /** The link is cut for a window of virtual time (repaired at the heal phase at the latest). */
  | { kind: 'partition'; link: LinkName; fromMs: number; durationMs: number }
  /** The consumer crashes at `point` while handling its `delivery`-th delivery of `message`. */
  | { kind: 'consumer-crash'; message: string; delivery: number; point: ConsumerCrashPoint }
  /** The producer crashes right after handing over / first sending `message`. */
  | { kind: 'producer-crash'; message: string; point: ProducerCrashPoint }
  /** The leader of `message`'s partition fails right after appending `message` (first append) and answering. */
  | { kind: 'leader-failover'; message: string };

export type FaultKind = Fault['kind'];
export const FAULT_KINDS: readonly FaultKind[] = [
  'request-lost',
  'ack-lost',
  'request-delayed',
  'fetch-duplicated',
  'fetch-lost',
  'commit-lost',
  'db-reply-lost',
  'partition',
  'consumer-crash',
  'producer-crash',
  'leader-failover',
];

export interface FaultPlan {
  version: 1;
  faults: Fault[];
}

/** The rate names users type (`--faults drop=0.05,ack-loss=0.05`), each covering one or more fault kinds. */
export type RateName = 'drop' | 'ack-loss' | 'dup' | 'delay' | 'partition' | 'crash' | 'producer-crash' | 'failover' | 'db-reply-loss';
export const RATE_NAMES: readonly RateName[] = ['drop', 'ack-loss', 'dup', 'delay', 'partition', 'crash', 'producer-crash', 'failover', 'db-reply-loss'];
export type FaultRates = Record<RateName, number>;

export const RATE_DESCRIPTIONS: Record<RateName, string> = {
  drop: 'a produce request, fetch response or offset commit is lost (per message sent)',
  'ack-loss': "the broker's produce response is lost after the record was stored (per response)",
  dup: 'a fetch response is delivered twice (per response)',
  delay: 'a produce request is held up 5-40 ms, past the request timeout (per request)',
  partition: 'a link is cut for 5-30 ms (per link, per 10 ms of the faulty phase)',
  crash: 'the consumer crashes after a fetch, mid-processing, or after a DB commit (per point)',
  'producer-crash': 'the producer crashes after handing over or sending a message (per point)',
  failover: "a partition's leader fails right after appending a record (per first append)",
  'db-reply-loss': "the DB commits a write but its reply is lost (per reply)",
};

const RATE_OF_KIND: Record<FaultKind, RateName> = {
  'request-lost': 'drop',
  'fetch-lost': 'drop',
  'commit-lost': 'drop',
  'ack-lost': 'ack-loss',
  'request-delayed': 'delay',
  'fetch-duplicated': 'dup',
  'db-reply-lost': 'db-reply-loss',
  partition: 'partition',
  'consumer-crash': 'crash',
  'producer-crash': 'producer-crash',
  'leader-failover': 'failover',
};

const zeroRates: FaultRates = { drop: 0, 'ack-loss': 0, dup: 0, delay: 0, partition: 0, crash: 0, 'producer-crash': 0, failover: 0, 'db-reply-loss': 0 };

export const FAULT_PRESETS: Record<string, FaultRates> = {
  none: zeroRates,
  default: { drop: 0.02, 'ack-loss': 0.02, dup: 0.02, delay: 0.01, partition: 0.01, crash: 0.004, 'producer-crash': 0.004, failover: 0.006, 'db-reply-loss': 0.01 },
  chaos: { drop: 0.08, 'ack-loss': 0.08, dup: 0.05, delay: 0.04, partition: 0.04, crash: 0.02, 'producer-crash': 0.01, failover: 0.02, 'db-reply-loss': 0.04 },
};

/** The identity of a fault: every field but the ones a rate run draws (delayMs). Two faults with the same key hit the same thing. */
export function faultKey(fault: Fault): string {
  switch (fault.kind) {
    case 'request-lost':
    case 'ack-lost':
    case 'request-delayed':
    case 'db-reply-lost':
      return `${fault.kind}|${fault.message}|${fault.attempt}`;
    case 'fetch-duplicated':
    case 'fetch-lost':
      return `${fault.kind}|${fault.partition}|${fault.fromOffset}|${fault.attempt}`;
    case 'commit-lost':
      return `${fault.kind}|${fault.partition}|${fault.offset}|${fault.attempt}`;
    case 'partition':
      return `${fault.kind}|${fault.link}|${fault.fromMs}|${fault.durationMs}`;
    case 'consumer-crash':
      return `${fault.kind}|${fault.message}|${fault.delivery}|${fault.point}`;
    case 'producer-crash':
      return `${fault.kind}|${fault.message}|${fault.point}`;
    case 'leader-failover':
      return `${fault.kind}|${fault.message}`;
  }
}

/** Where a run's faults come from: rates drawn from the seed, or an explicit plan replayed as written. */
export type FaultSource = { readonly rates: FaultRates } | { readonly plan: FaultPlan };

/**
 * Decides, at each named decision point, whether a fault hits it; records every fault injected, in order.
 * With rates, each rate has its own random stream (enabling one never shifts another's draws).
 */
/** One rate's decision state in rate mode, shared by every fault kind the rate covers (they draw on one stream). */
interface RateDecision {
  readonly rate: RateName;
  readonly threshold: number;
  /** Created on first draw (seeding a stream is costly and short runs never reach some rates). */
  stream: RandomStream | undefined;
}

export class FaultInjector {
  readonly injected: Fault[] = [];
  private readonly planned: Map<string, Fault> | undefined;
  private readonly used = new Set<string>();
  private readonly thresholds: Record<RateName, number> | undefined;
  /** Rate mode: each kind's rate decision, looked up once per decision point. */
  private readonly decisions: Record<FaultKind, RateDecision> | undefined;

  constructor(
    readonly source: FaultSource,
    private readonly streams: RandomStreams,
  ) {
    if ('plan' in source) {
      this.planned = new Map(source.plan.faults.map((fault) => [faultKey(fault), fault]));
    } else {
      const thresholds = { ...zeroRates };
      for (const name of RATE_NAMES) thresholds[name] = probabilityThreshold(source.rates[name]);
      this.thresholds = thresholds;
      const byRate = new Map<RateName, RateDecision>(RATE_NAMES.map((rate) => [rate, { rate, threshold: thresholds[rate], stream: undefined }]));
      this.decisions = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, byRate.get(RATE_OF_KIND[kind])])) as Record<FaultKind, RateDecision>;
    }
  }

  /**
   * Does `candidate` happen? In plan mode: is it in the plan. In rate mode: a draw on its rate's stream.
   * Returns the fault as injected (with drawn fields filled in), or undefined. Never fires in the heal phase.
   */
  maybe(candidate: Fault, phase: Phase): Fault | undefined {
    return this.draw(candidate.kind, phase) ? this.inject(candidate) : undefined;
  }

  /**
   * The first half of `maybe`, for hot decision points: `draw(kind) ? inject({ kind, ... }) : undefined` is
   * exactly `maybe({ kind, ... })`, but builds the candidate only when the draw fired (nearly every point
   * draws a miss, and a candidate per point was a tenth of a run's allocations). In rate mode it draws on the
   * kind's stream; in plan mode it draws nothing and says true in the faulty phase (inject matches the plan).
   */
  draw(kind: FaultKind, phase: Phase): boolean {
    if (phase !== 'faulty') return false;
    const decisions = this.decisions;
    if (decisions === undefined) return true;
    const decision = decisions[kind];
    if (decision.threshold === 0) return false;
    // Cached on the decision: building the stream name per decision point was a measurable share of a run.
    const stream = (decision.stream ??= this.streams.stream(`faults:${decision.rate}`));
    return stream.chance(decision.threshold);
  }

  /** The second half of `maybe`: call it only right after `draw(candidate.kind)` said true. */
  inject(candidate: Fault): Fault | undefined {
    let fault: Fault | undefined;
    if (this.planned !== undefined) {
      const key = faultKey(candidate);
      fault = this.planned.get(key);
      if (fault === undefined || this.used.has(key)) return undefined;
      this.used.add(key);
    } else {
      const stream = (this.decisions as Record<FaultKind, RateDecision>)[candidate.kind].stream as RandomStream;
      fault = candidate.kind === 'request-delayed' ? { ...candidate, delayMs: stream.intBetween(5, 40) } : candidate;
    }
    this.injected.push(fault);
    return fault;
  }

  /** Partition windows are decided up front (they are timed, not tied to a message). */
  partitions(faultyPhaseMs: number): Extract<Fault, { kind: 'partition' }>[] {
    if (this.planned !== undefined) {
      const windows = [...this.planned.values()].filter((fault): fault is Extract<Fault, { kind: 'partition' }> => fault.kind === 'partition');
      for (const window of windows) if (window.fromMs < faultyPhaseMs) this.used.add(faultKey(window));
      return windows.filter((window) => window.fromMs < faultyPhaseMs);
    }
    const threshold = (this.thresholds as Record<RateName, number>).partition;
    if (threshold === 0) return [];
    const stream = this.streams.stream('faults:partition');
    const windows: Extract<Fault, { kind: 'partition' }>[] = [];
    for (const link of LINK_NAMES) {
      for (let slotMs = 0; slotMs < faultyPhaseMs; slotMs += 10) {
        if (!stream.chance(threshold)) continue;
        const fromMs = slotMs + stream.intBetween(0, 9);
        const durationMs = stream.intBetween(5, 30);
        // The last slot can start a window after healing: it would cut nothing, and a plan replay (which
        // skips such windows) would not match, so it is neither applied nor recorded as injected.
        if (fromMs < faultyPhaseMs) windows.push({ kind: 'partition', link, fromMs, durationMs });
      }
    }
    return windows;
  }

  recordPartition(window: Extract<Fault, { kind: 'partition' }>): void {
    this.injected.push(window);
  }

  /** Plan faults that never matched a decision point (the run never got there, or got there after healing). */
  unused(): Fault[] {
    if (this.planned === undefined) return [];
    return [...this.planned.entries()].filter(([key]) => !this.used.has(key)).map(([, fault]) => fault);
  }
}

export function countByKind(faults: readonly Fault[]): Record<FaultKind, number> {
  const counts = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  for (const fault of faults) counts[fault.kind]++;
  return counts;
}

/** "the broker's ack for m7 (attempt 1) is lost" — one line of domain words per fault, for humans and reports. */
export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'request-lost':
      return `the produce request for ${fault.message} (attempt ${fault.attempt}) is lost before reaching the broker`;
    case 'ack-lost':
      return `the broker's ack for ${fault.message} (attempt ${fault.attempt}) is lost on the way back to the producer`;
    case 'request-delayed':
      return `the produce request for ${fault.message} (attempt ${fault.attempt}) is delayed by ${fault.delayMs} ms`;
    case 'fetch-duplicated':
      return `the fetch response for partition ${fault.partition} from offset ${fault.fromOffset} (fetch ${fault.attempt}) is delivered twice`;
    case 'fetch-lost':
      return `the fetch response for partition ${fault.partition} from offset ${fault.fromOffset} (fetch ${fault.attempt}) is lost`;
    case 'commit-lost':
      return `the consumer's commit of offset ${fault.offset} on partition ${fault.partition} (attempt ${fault.attempt}) is lost`;
    case 'db-reply-lost':
      return `the DB commits the write of ${fault.message} (attempt ${fault.attempt}) but its reply is lost`;
    case 'partition':
      return `the ${fault.link} link is cut from t=${fault.fromMs} ms for ${fault.durationMs} ms`;
    case 'consumer-crash': {
      const where = { 'after-fetch': 'after fetching', 'mid-process': 'while processing', 'after-db-commit': 'after the DB commit of' }[fault.point];
      const suffix = fault.point === 'after-db-commit' ? ' and before committing its offset' : '';
      return `the consumer crashes ${where} ${fault.message} (delivery ${fault.delivery})${suffix}`;
    }
    case 'producer-crash':
      return `the producer crashes right after ${fault.point === 'after-send' ? 'sending' : 'being handed'} ${fault.message}`;
    case 'leader-failover':
      return `the leader of ${fault.message}'s partition fails right after appending ${fault.message}`;
  }
}
