/**
 * The named, finite choices that make exploration's fault space finite. Most decision points are discrete (this
 * ack, this crash point of this delivery); three kinds carry a continuous or open-ended value, and exploration
 * tries only the few values below. Each is printed with the result, so "exhaustive" always says over what.
 *
 * - Partition windows: a window starts at each whole virtual millisecond in which the fault-free run had an event
 *   (the event boundaries: between two such instants nothing happens, so a later start cuts the same traffic), on
 *   each link of each instance, and lasts either `short` (5 ms: the shortest rate-drawn window, less than one request
 *   timeout, so a retry gets through) or `to-heal` (the link stays cut until the faulty phase ends).
 * - A produce request's delay: `within-timeout` (half the request timeout: it reorders, nobody retries) or
 *   `past-timeout` (1 ms longer than the timeout: the producer gives up on it and retries while it is in flight).
 * - A processing error's failing deliveries: `once` (the first delivery fails, a retry succeeds), `exhausts-retries`
 *   (one more than the processing retries, when they are finite and at least 1: the failure policy acts), and
 *   `always` (a poison message).
 */
import type { SimulationConfig } from '../models/config.js';
import type { Fault } from '../models/faults/catalog.js';
import { LINK_NAMES } from '../models/faults/common.js';
import type { CommonFault } from '../models/faults/common.js';
import { FIRST_INSTANCE } from '../models/topology.js';
import type { Topology } from '../models/topology.js';
import type { TraceEvent } from '../models/events.js';

type PartitionFault = Extract<CommonFault, { kind: 'partition' }>;

export const SHORT_PARTITION_MS = 5;

/** The finite choices of one exploration, in the words and values it prints. */
export interface ExploreChoices {
  /** Virtual ms at which a partition window may start. */
  partitionStartsMs: number[];
  /** Named window lengths: `short` is SHORT_PARTITION_MS, `to-heal` lasts until the faulty phase ends. */
  partitionDurations: readonly ('short' | 'to-heal')[];
  /** Named produce-request delays, in virtual ms. */
  requestDelaysMs: Record<string, number>;
  /** Named failing deliveries of a processing error. */
  processingErrorDeliveries: Record<string, number | 'always'>;
}

/** The choices for a world, from its settings and the event times of its fault-free run. */
export function exploreChoices(config: SimulationConfig, baselineTrace: readonly TraceEvent[]): ExploreChoices {
  const faultyPhaseMs = config.timing.faultyPhaseMs;
  const starts = new Set<number>();
  for (const record of baselineTrace) {
    const ms = Math.floor(record.t / 1000);
    if (ms < faultyPhaseMs) starts.add(ms);
  }
  const settings = config.settings as unknown as Record<string, unknown>;
  const timeoutMs = typeof settings.requestTimeoutMs === 'number' ? settings.requestTimeoutMs : 15;
  const retries = settings.processingRetries;
  const deliveries: Record<string, number | 'always'> = { once: 1 };
  if (typeof retries === 'number' && Number.isFinite(retries) && retries >= 1) deliveries['exhausts-retries'] = retries + 1;
  deliveries.always = 'always';
  return {
    partitionStartsMs: [...starts].sort((a, b) => a - b),
    partitionDurations: ['short', 'to-heal'],
    requestDelaysMs: { 'within-timeout': timeoutMs / 2, 'past-timeout': timeoutMs + 1 },
    processingErrorDeliveries: deliveries,
  };
}

/** Every partition window the choices allow, per link of every instance (the first instance is named by no field). */
export function partitionWindows(choices: ExploreChoices, config: SimulationConfig, topology: Topology): PartitionFault[] {
  const windows: PartitionFault[] = [];
  const faultyPhaseMs = config.timing.faultyPhaseMs;
  for (const link of LINK_NAMES) {
    const producerLink = link === 'producer-broker';
    for (const instance of producerLink ? topology.producers : topology.consumers) {
      const first = instance === (producerLink ? FIRST_INSTANCE.producer : FIRST_INSTANCE.consumer);
      const whose = first ? {} : producerLink ? { producer: instance } : { consumer: instance };
      for (const fromMs of choices.partitionStartsMs) {
        const lengths = new Set(choices.partitionDurations.map((name) => (name === 'short' ? SHORT_PARTITION_MS : faultyPhaseMs - fromMs)));
        for (const durationMs of lengths) if (durationMs > 0) windows.push({ kind: 'partition', link, fromMs, durationMs, ...whose });
      }
    }
  }
  return windows;
}

/** The faults a plan may put at a reached decision point: the point itself, or one per named value it carries. */
export function alternatives(candidate: Fault, choices: ExploreChoices): Fault[] {
  if (candidate.kind === 'request-delayed') return Object.values(choices.requestDelaysMs).map((delayMs) => ({ ...candidate, delayMs }));
  if (candidate.kind === 'processing-error') return Object.values(choices.processingErrorDeliveries).map((deliveries) => ({ ...candidate, deliveries }));
  return [candidate];
}

/** The name of the choice a fault took, for causes ("request-delayed past-timeout"), or undefined for plain points. */
export function choiceName(fault: Fault, choices: ExploreChoices, faultyPhaseMs: number): string | undefined {
  if (fault.kind === 'request-delayed') return Object.entries(choices.requestDelaysMs).find(([, value]) => value === fault.delayMs)?.[0];
  if (fault.kind === 'processing-error') return Object.entries(choices.processingErrorDeliveries).find(([, value]) => value === fault.deliveries)?.[0];
  if (fault.kind === 'partition') return fault.durationMs === SHORT_PARTITION_MS && fault.fromMs + SHORT_PARTITION_MS < faultyPhaseMs ? 'short' : 'to-heal';
  return undefined;
}
