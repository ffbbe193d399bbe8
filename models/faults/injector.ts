/**
 * Decides, at each named decision point, whether a fault hits it, and records every fault injected, in order.
 * With rates, each rate has its own random stream (enabling one never shifts another's draws); with a plan, a
 * point fires when the plan names it. A run driven by rates records what it injected in the plan's own form, so
 * any seeded run can be replayed exactly and shrunk.
 */
import { probabilityThreshold } from '../../sim/random.js';
import type { RandomStream, RandomStreams } from '../../sim/random.js';
import type { Phase } from '../../sim/world.js';
import { FAULT_KINDS, RATE_NAMES, faultKey, specOf } from './catalog.js';
import type { Fault, FaultKind, FaultSource } from './catalog.js';
import { FIRST_INSTANCE } from '../topology.js';
import type { Topology } from '../topology.js';
import { LINK_NAMES } from './common.js';
import type { CommonFault } from './common.js';

type PartitionFault = Extract<CommonFault, { kind: 'partition' }>;

/** Each fault kind's rate, by its position in RATE_NAMES, looked up once (an injector is built per run). */
const RATE_INDEX_OF_KIND = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, RATE_NAMES.indexOf(specOf(kind).rate)])) as Readonly<Record<FaultKind, number>>;

/** Each rate's stream name. */
const RATE_STREAM_NAMES: readonly string[] = RATE_NAMES.map((rate) => `faults:${rate}`);

/**
 * Told of every decision point a plan-mode run reaches (in the faulty phase, in the order reached), whether or not
 * the plan names it: what bounded exhaustive exploration enumerates. Never called in rate mode.
 */
export type CandidateObserver = (candidate: Fault) => void;

export class FaultInjector {
  readonly injected: Fault[] = [];
  private readonly planned: Map<string, Fault> | undefined;
  private readonly used = new Set<string>();
  /**
   * Rate mode: per rate (by its position in RATE_NAMES), its threshold over 2^32 and its stream, created on first draw
   * (seeding a stream is costly and short runs never reach some rates). Every fault kind of a rate draws on its stream.
   * (An object of every kind's decision, built per run, was a visible share of a short run.) Undefined in plan mode.
   */
  private readonly thresholds: Float64Array | undefined;
  private readonly rateStreams: (RandomStream | undefined)[] = [];

  constructor(
    readonly source: FaultSource,
    private readonly streams: RandomStreams,
    private readonly observer?: CandidateObserver,
  ) {
    if ('plan' in source) {
      this.planned = new Map(source.plan.faults.map((fault) => [faultKey(fault), fault]));
    } else {
      const thresholds = new Float64Array(RATE_NAMES.length);
      for (let index = 0; index < RATE_NAMES.length; index++) thresholds[index] = probabilityThreshold(source.rates[RATE_NAMES[index]]);
      this.thresholds = thresholds;
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
    const thresholds = this.thresholds;
    if (thresholds === undefined) return true;
    const rate = RATE_INDEX_OF_KIND[kind];
    const threshold = thresholds[rate];
    if (threshold === 0) return false;
    return this.rateStream(rate).chance(threshold);
  }

  /** The second half of `maybe`: call it only right after `draw(candidate.kind)` said true. */
  inject<F extends Fault>(candidate: F): F | undefined {
    let fault: Fault | undefined;
    if (this.planned !== undefined) {
      // Plan mode only: rate-mode runs reach this line only when a draw fired, and never pay for an observer.
      this.observer?.(candidate);
      const key = faultKey(candidate);
      fault = this.planned.get(key);
      if (fault === undefined || this.used.has(key)) return undefined;
      this.used.add(key);
    } else {
      const spec = specOf(candidate.kind);
      fault = spec.draw === undefined ? candidate : spec.draw(candidate, this.rateStream(RATE_INDEX_OF_KIND[candidate.kind]));
    }
    this.injected.push(fault);
    return fault as F;
  }

  /** Partition windows are decided up front (they are timed, not tied to a message), per link of every instance. */
  partitions(faultyPhaseMs: number, topology: Topology): PartitionFault[] {
    if (this.planned !== undefined) {
      const windows = [...this.planned.values()].filter((fault): fault is PartitionFault => fault.kind === 'partition');
      for (const window of windows) if (window.fromMs < faultyPhaseMs) this.used.add(faultKey(window));
      return windows.filter((window) => window.fromMs < faultyPhaseMs);
    }
    const rate = RATE_INDEX_OF_KIND.partition;
    const threshold = (this.thresholds as Float64Array)[rate];
    if (threshold === 0) return [];
    const stream = this.rateStream(rate);
    const windows: PartitionFault[] = [];
    for (const link of LINK_NAMES) {
      const producerLink = link === 'producer-broker';
      for (const instance of producerLink ? topology.producers : topology.consumers) {
        // The first instance is named by no field, so one-instance worlds draw and record what they always did.
        const first = instance === (producerLink ? FIRST_INSTANCE.producer : FIRST_INSTANCE.consumer);
        const whose = first ? {} : producerLink ? { producer: instance } : { consumer: instance };
        for (let slotMs = 0; slotMs < faultyPhaseMs; slotMs += 10) {
          if (!stream.chance(threshold)) continue;
          const fromMs = slotMs + stream.intBetween(0, 9);
          const durationMs = stream.intBetween(5, 30);
          // The last slot can start a window after healing: it would cut nothing, and a plan replay (which
          // skips such windows) would not match, so it is neither applied nor recorded as injected.
          if (fromMs < faultyPhaseMs) windows.push({ kind: 'partition', link, fromMs, durationMs, ...whose });
        }
      }
    }
    return windows;
  }

  /** A rate's stream (by its position in RATE_NAMES), created on first use. */
  private rateStream(rate: number): RandomStream {
    return (this.rateStreams[rate] ??= this.streams.stream(RATE_STREAM_NAMES[rate]));
  }

  recordPartition(window: PartitionFault): void {
    this.injected.push(window);
  }

  /** Plan faults that never matched a decision point (the run never got there, or got there after healing). */
  unused(): Fault[] {
    if (this.planned === undefined) return [];
    return [...this.planned.entries()].filter(([key]) => !this.used.has(key)).map(([, fault]) => fault);
  }
}
