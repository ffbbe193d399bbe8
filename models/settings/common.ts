/**
 * The settings every broker family shares: the workload, the topology (how many producers, consumer groups and
 * members), the consumer application (processing, DB calls, dedup), timing and limits. Each is one SettingSpec
 * row; the TypeScript interfaces below are checked against the rows at compile time (one row per field).
 */
import type { TopologySettings } from '../topology.js';
import type { DerivedDefault, SettingGroup, SettingSpec } from './spec.js';

export type DedupStrategy = 'none' | 'same-transaction' | 'separate-transaction';
export const DEDUP_STRATEGIES: readonly DedupStrategy[] = ['none', 'same-transaction', 'separate-transaction'];
/**
 * What the consumer does with a record whose processing keeps failing once its retries are used up, by the names
 * of Spring Kafka's error handling: skip it (DefaultErrorHandler's default recoverer logs and moves on), publish
 * it to the dead-letter topic (DeadLetterPublishingRecoverer), or never give up on it.
 */
export type OnError = 'retry' | 'skip' | 'dead-letter';
export const ON_ERROR: readonly OnError[] = ['retry', 'skip', 'dead-letter'];

/** The consumer application's side of the delivery settings (the same for every family). */
export interface ApplicationSettings {
  /** Time the business logic takes per record before its DB write. */
  processingMs: number;
  /** How long the consumer waits for a DB reply (or a broker reply) before it counts the call as failed. */
  consumerTimeoutMs: number;
  /** How often the consumer re-tries a DB write whose reply did not come (0 = give up: at-most-once). */
  dbRetries: number;
  /** Idempotent consumer: none, a dedup key in the same DB transaction, or a check/mark outside it (anti-pattern). */
  dedup: DedupStrategy;
  /** When a record's processing keeps failing: retry forever, skip it (lost) or dead-letter it (parked). */
  onError: OnError;
  /** Redeliveries of a record whose processing failed before it is skipped or dead-lettered. */
  processingRetries: number | 'unlimited';
  /** The first backoff before a failed record is redelivered; doubled per redelivery. */
  processingBackoffMs: number;
  /** Cap of that exponential backoff. */
  processingBackoffMaxMs: number;
  /** A fraction of each backoff taken off at random (0: none), drawn from the consumer's own seeded stream. */
  processingBackoffJitter: number;
}

export interface WorkloadSettings {
  /** Messages the producer applications hand over. */
  messages: number;
  /** Distinct keys; per-key order is checked. */
  keys: number;
  /** Topic partitions; a key always maps to the same partition. */
  partitions: number;
  /** Virtual time between two hand-overs. */
  produceIntervalMs: number;
  /** Messages handed over at once at t=0 (0 or 1: none); the rest follow one per interval (seed 004: a queue absorbs bursts). */
  burst: number;
}

export interface TimingSettings {
  /** Faults are injected only before this time; then the heal phase starts. Default: the workload's duration + 50 ms. */
  faultyPhaseMs: number;
  latencyMsMin: number;
  latencyMsMax: number;
  /** How long a crashed producer or consumer stays down during the faulty phase. */
  restartDelayMs: number;
  /** How long a failed partition leader's broker stays down during the faulty phase. */
  brokerRestartDelayMs: number;
}

export interface Limits {
  /** Stop after this many kernel events (reported as outcome `limit`). */
  maxEvents: number;
  /** Stop when virtual time passes this (reported as outcome `limit`). */
  maxVirtualTimeMs: number;
  /** After healing, a run that moves nothing forward for this long is stalled: liveness broken, reported at once. */
  progressTimeoutMs: number;
}

/** From the first hand-over to one interval after the last (a burst hands its messages over at t=0), rounded up. */
export function workloadDurationMs(workload: WorkloadSettings): number {
  const spread = workload.messages - Math.max(workload.burst, 1) + 1;
  return Math.ceil(spread * workload.produceIntervalMs);
}

/** A spec row without its key and group: the key is the record's key, the group the table's. */
export type SpecRow = Omit<SettingSpec, 'key' | 'group'>;

/** The largest broker cluster a world may have (`--nodes`). */
export const MAX_NODES = 7;
/** The most messages a run takes (`--messages`): the scale a run's memory is budgeted for (cli/heap-budget.ts). */
export const MAX_MESSAGES = 10_000_000;

/**
 * `--nodes`: one flag for every family's broker cluster. The flag, its key and its range are shared; each family
 * says what a node is to it (a Kafka broker, a RabbitMQ quorum queue member), whether 0 means anything (Kafka: the
 * brokers abstracted into one actor) and its default.
 */
export function nodesRow(own: { readonly component: string; readonly realName: string; readonly doc: string; readonly min: 0 | 1; readonly default?: DerivedDefault }): SpecRow {
  const { min, ...rest } = own;
  return { flag: 'nodes', kind: { type: 'int', min, max: MAX_NODES }, ...rest };
}

/** Turn a table of rows keyed by config field into specs, in the table's order. */
export function specsOf<T extends object>(group: SettingGroup, rows: { readonly [K in keyof T]-?: SpecRow }): SettingSpec[] {
  return Object.entries(rows as Record<string, SpecRow>).map(([key, row]) => ({ key, group, ...row }));
}

export const APPLICATION_SETTINGS: readonly SettingSpec[] = specsOf<ApplicationSettings>('settings', {
  processingMs: { component: 'application', flag: 'processing-ms', realName: 'business logic time per record', kind: { type: 'number', min: 0, max: 60_000 }, doc: 'time the business logic takes per record, before its DB write' },
  consumerTimeoutMs: { component: 'application', flag: 'consumer-timeout-ms', realName: 'wait for a broker or DB reply', kind: { type: 'number', min: 0.1, max: 60_000 }, doc: 'how long the consumer waits for a broker or DB reply before it counts the call as failed' },
  dbRetries: { component: 'application', flag: 'db-retries', realName: 'DB write retries', kind: { type: 'int', min: 0, max: 1000 }, doc: 'retries of a DB call whose reply did not come (0: give up and move on)' },
  dedup: { component: 'application', flag: 'dedup', realName: 'idempotent consumer: dedup key and its transaction', kind: { type: 'enum', values: DEDUP_STRATEGIES }, doc: 'none; a dedup key written in the same DB transaction as the effect; or checked and marked in separate transactions (anti-pattern)' },
  onError: {
    component: 'application',
    flag: 'on-error',
    realName: "Spring Kafka's error handler: retry, skip (DefaultErrorHandler), dead-letter (DeadLetterPublishingRecoverer)",
    kind: { type: 'enum', values: ON_ERROR },
    doc: 'a record whose processing keeps failing: retry it forever (processing-retries does not apply), skip it once its retries are used up (lost), or publish it to the dead-letter topic <topic>.DLT (parked)',
  },
  processingRetries: { component: 'application', flag: 'processing-retries', realName: 'BackOff maxAttempts / FixedBackOff.UNLIMITED_ATTEMPTS', kind: { type: 'count-or-unlimited', min: 0, max: 1000 }, doc: 'redeliveries of a failed record before it is skipped or dead-lettered' },
  processingBackoffMs: { component: 'application', flag: 'processing-backoff-ms', realName: 'ExponentialBackOff initialInterval', kind: { type: 'number', min: 0, max: 60_000 }, doc: 'wait before the first redelivery of a failed record; doubled per redelivery' },
  processingBackoffMaxMs: { component: 'application', flag: 'processing-backoff-max-ms', realName: 'ExponentialBackOff maxInterval', kind: { type: 'number', min: { ref: 'processingBackoffMs' }, max: 60_000 }, doc: 'cap of the redelivery backoff' },
  processingBackoffJitter: { component: 'application', flag: 'processing-backoff-jitter', realName: 'ExponentialBackOffWithMaxRetries with jitter (a random share of each wait taken off)', kind: { type: 'number', min: 0, max: 1 }, doc: 'up to this fraction of each backoff is taken off at random, drawn from the seed (0: none)' },
});

export const WORKLOAD_SETTINGS: readonly SettingSpec[] = specsOf<WorkloadSettings>('workload', {
  messages: { component: 'workload', flag: 'messages', realName: 'messages handed to the producer', kind: { type: 'int', min: 1, max: MAX_MESSAGES }, doc: 'messages the producer applications hand over', default: 40 },
  keys: { component: 'workload', flag: 'keys', realName: 'distinct keys (order is checked per key)', kind: { type: 'int', min: 1, max: 10_000 }, doc: 'distinct message keys; per-key order is checked', default: 4 },
  partitions: { component: 'workload', flag: 'partitions', realName: 'topic partitions', kind: { type: 'int', min: 1, max: 64 }, doc: 'topic partitions; a key always maps to the same partition', default: 2 },
  produceIntervalMs: { component: 'workload', flag: 'produce-interval-ms', realName: 'time between two hand-overs', kind: { type: 'number', min: 0, max: 60_000 }, doc: 'virtual ms between two hand-overs', default: 2 },
  burst: { component: 'workload', flag: 'burst', realName: 'messages handed over at once at the start', kind: { type: 'int', min: 0, max: { ref: 'messages' } }, doc: 'hand the first N messages over at once at t=0, then one per interval (0: no burst)', default: 0 },
});

export const TOPOLOGY_SETTINGS: readonly SettingSpec[] = specsOf<TopologySettings>('topology', {
  producers: { component: 'topology', flag: 'producers', realName: 'producer instances sharing the workload', kind: { type: 'int', min: 1, max: 16 }, doc: 'producers p1..pN; message i is handed to producer i mod N, and per-key order is judged per producer', default: 1 },
  groups: { component: 'topology', flag: 'groups', realName: 'consumer groups subscribed to the topic (pub/sub)', kind: { type: 'int', min: 1, max: 8 }, doc: 'independent consumer groups g1..gN: each gets every message, with its own offsets and its own effects', default: 1 },
  consumers: { component: 'topology', flag: 'consumers', realName: 'members per consumer group (competing consumers)', kind: { type: 'int', min: 1, max: 32 }, doc: 'members g1/c1..g1/cN of each group, sharing its partitions', default: 1 },
});

export const TIMING_SETTINGS: readonly SettingSpec[] = specsOf<TimingSettings>('timing', {
  faultyPhaseMs: {
    component: 'timing',
    flag: 'faulty-phase-ms',
    realName: 'faults are injected before this time, then the system heals',
    // A virtual day: ten million messages at the default interval are handed over in 20,000 s.
    kind: { type: 'number', min: 0, max: 86_400_000 },
    doc: 'faults stop and the heal phase starts at this virtual time',
    default: { text: "the workload's duration + 50 ms", derive: (groups) => workloadDurationMs(groups.workload as unknown as WorkloadSettings) + 50 },
  },
  latencyMsMin: { component: 'timing', flag: 'latency-ms-min', realName: 'one-way network latency, minimum', kind: { type: 'number', min: 0, max: 60_000 }, doc: 'shortest one-way network latency', default: 0.2 },
  latencyMsMax: { component: 'timing', flag: 'latency-ms-max', realName: 'one-way network latency, maximum', kind: { type: 'number', min: { ref: 'latencyMsMin' }, max: 60_000 }, doc: 'longest one-way network latency (jitter drawn from the seed)', default: 1 },
  restartDelayMs: { component: 'timing', flag: 'restart-delay-ms', realName: 'a crashed producer or consumer restarts after', kind: { type: 'number', min: 0, max: 3_600_000 }, doc: 'how long a crashed producer or consumer stays down in the faulty phase', default: 15 },
  brokerRestartDelayMs: { component: 'timing', flag: 'broker-restart-delay-ms', realName: 'a failed broker replica restarts after', kind: { type: 'number', min: 0, max: 3_600_000 }, doc: 'how long a failed partition leader stays down in the faulty phase', default: 40 },
});

export const LIMIT_SETTINGS: readonly SettingSpec[] = specsOf<Limits>('limits', {
  maxEvents: {
    component: 'limits',
    flag: 'max-events',
    realName: 'stop after this many kernel events',
    kind: { type: 'int', min: 1, max: 1_000_000_000 },
    doc: 'stop, and report it, after this many events',
    default: { text: '2000000, or 50 x messages x groups + 5 x members x the virtual-time limit in ms if more', derive: (groups) => defaultMaxEvents(groups.workload, groups.topology, Number(groups.limits.maxVirtualTimeMs ?? defaultMaxVirtualTimeMs(Number(groups.limits.progressTimeoutMs ?? defaultProgressTimeoutMs(groups.settings, groups.timing)), groups.timing, groups.workload))) },
  },
  maxVirtualTimeMs: {
    component: 'limits',
    flag: 'max-virtual-time-ms',
    realName: 'stop after this much virtual time',
    kind: { type: 'number', min: 1, max: 86_400_000 },
    doc: 'stop, and report it, past this virtual time',
    default: {
      text: "120000 ms, or the end of the faulty phase + the workload's duration + 10 x the progress timeout if later",
      derive: (groups) => defaultMaxVirtualTimeMs(Number(groups.limits.progressTimeoutMs ?? defaultProgressTimeoutMs(groups.settings, groups.timing)), groups.timing, groups.workload),
    },
  },
  progressTimeoutMs: {
    component: 'limits',
    flag: 'progress-timeout-ms',
    realName: 'after healing, stop when nothing moves forward for this long',
    kind: { type: 'number', min: 1, max: 86_400_000 },
    doc: 'after healing, a run in which nothing is appended, applied, committed or parked for this long is stalled (liveness broken), not left to spin until a limit',
    default: { text: '10 x the longest time setting, at least 5000 ms', derive: (groups) => defaultProgressTimeoutMs(groups.settings, groups.timing) },
  },
});

/**
 * Room for a slow but healthy recovery: a long backoff or session timeout lengthens the progress timeout, and the
 * virtual-time limit grows with it, so the progress watchdog, not the time limit, is what stops a stuck run.
 */
export function defaultMaxVirtualTimeMs(progressTimeoutMs: number, timing: Readonly<Record<string, unknown>>, workload?: Readonly<Record<string, unknown>>): number {
  const faultyPhaseMs = typeof timing.faultyPhaseMs === 'number' ? timing.faultyPhaseMs : 0;
  // The workload's duration again after the faulty phase: a consumer that fell behind under faults catches up at
  // about the rate it was handed work, so a long healthy run is not cut off while it drains its lag.
  const catchUpMs = workload === undefined ? 0 : workloadDurationMs(workload as unknown as WorkloadSettings);
  return Math.min(86_400_000, Math.max(120_000, faultyPhaseMs + catchUpMs + 10 * progressTimeoutMs));
}

/** Events per message (its hand-over, produce, replication, fetch, apply, commit, with retries) per group. */
const EVENTS_PER_MESSAGE = 50;
/** Events per member per virtual ms (polls, heartbeats) while nothing is left to do. */
const EVENTS_PER_MEMBER_MS = 5;

/**
 * Room for a healthy run of any size: per message and group, and per member for every virtual ms the run may
 * last (the background of polls and heartbeats). A run that needs more is stuck; its progress timeout stops it first.
 */
export function defaultMaxEvents(workload: Readonly<Record<string, unknown>>, topology: Readonly<Record<string, unknown>>, maxVirtualTimeMs: number): number {
  const count = (value: unknown): number => (typeof value === 'number' ? value : 1);
  const groups = count(topology.groups);
  const members = groups * count(topology.consumers) + count(topology.producers);
  return Math.min(1_000_000_000, Math.max(2_000_000, Math.ceil(EVENTS_PER_MESSAGE * count(workload.messages) * groups + EVENTS_PER_MEMBER_MS * members * maxVirtualTimeMs)));
}

/**
 * Longer than anything that legitimately keeps a healed run quiet (a backoff, a session timeout, a restart), so a
 * run that stands still that long is stuck, not slow.
 */
export function defaultProgressTimeoutMs(settings: Readonly<Record<string, unknown>>, timing: Readonly<Record<string, unknown>>, durationKeys?: DurationKeys): number {
  const keys = durationKeys ?? { settings: durationKeysOf(Object.keys(settings)), timing: durationKeysOf(Object.keys(timing)) };
  let longest = 0;
  for (const key of keys.settings) if (typeof settings[key] === 'number') longest = Math.max(longest, settings[key]);
  for (const key of keys.timing) if (typeof timing[key] === 'number') longest = Math.max(longest, timing[key]);
  return Math.max(5000, 10 * longest);
}

/** The settings and timing keys naming a duration, known ahead from the spec rows (see durationKeysOf). */
export interface DurationKeys {
  readonly settings: readonly string[];
  readonly timing: readonly string[];
}

/** The keys naming a duration (`...Ms`), except the faulty phase's end, which is when healing starts. */
export function durationKeysOf(keys: readonly string[]): readonly string[] {
  return keys.filter((key) => key.endsWith('Ms') && key !== 'faultyPhaseMs');
}
