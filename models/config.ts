/**
 * Settings of the delivery world, named after the real systems' settings (Kafka producer/broker/consumer
 * configs, with RabbitMQ/outbox equivalents noted), the workload, the timing and the limits.
 * Every field has a documented default; `resolveConfig` validates everything at construction.
 */
export type ModeName = 'at-most-once' | 'at-least-once' | 'exactly-once';
export const MODE_NAMES: readonly ModeName[] = ['at-most-once', 'at-least-once', 'exactly-once'];

export type Acks = 0 | 1 | 'all';
export type CommitStrategy = 'before-process' | 'after-process' | 'auto' | 'with-db-transaction';
export const COMMIT_STRATEGIES: readonly CommitStrategy[] = ['before-process', 'after-process', 'auto', 'with-db-transaction'];
export type DedupStrategy = 'none' | 'same-transaction' | 'separate-transaction';
export const DEDUP_STRATEGIES: readonly DedupStrategy[] = ['none', 'same-transaction', 'separate-transaction'];
export type ProducerBuffer = 'memory' | 'outbox';
export const PRODUCER_BUFFERS: readonly ProducerBuffer[] = ['memory', 'outbox'];

/** The knobs that decide a delivery guarantee. Times are virtual milliseconds. */
export interface DeliverySettings {
  /** Producer `acks`: 0 = fire and forget, 1 = leader only, all = every in-sync replica. */
  acks: Acks;
  /** Producer `retries`: re-sends after a timeout or a retriable error, per message. */
  retries: number;
  /** Producer `retry.backoff.ms`: first backoff, doubled per attempt. */
  retryBackoffMs: number;
  /** Producer `retry.backoff.max.ms`: cap of the exponential backoff. */
  retryBackoffMaxMs: number;
  /** Producer `request.timeout.ms`: how long to wait for a produce response before retrying. */
  requestTimeoutMs: number;
  /** Producer `enable.idempotence`: producer id + per-partition sequence numbers; the broker drops retried duplicates. */
  enableIdempotence: boolean;
  /** Producer `max.in.flight.requests.per.connection` (per partition here): > 1 with retries can reorder. */
  maxInFlight: number;
  /** Where handed-over messages wait: `memory` (lost when the producer crashes) or a durable `outbox` table re-sent on restart. */
  producerBuffer: ProducerBuffer;
  /** Topic `replication.factor`. */
  replicationFactor: number;
  /** Topic `min.insync.replicas`: with acks=all, fewer live in-sync replicas reject writes. */
  minInsyncReplicas: number;
  /** How long a follower takes to copy a record from the leader. */
  replicationDelayMs: number;
  /** How long a partition is offline while a new leader is elected. */
  leaderElectionMs: number;
  /** Consumer offset commit strategy. */
  commit: CommitStrategy;
  /** Consumer `auto.commit.interval.ms` (with commit=auto). */
  autoCommitIntervalMs: number;
  /** Time the consumer's business logic takes per record before its DB write. */
  processingMs: number;
  /** Consumer `max.poll.records`. */
  maxPollRecords: number;
  /** Pause between polls when a fetch returned nothing. */
  pollIntervalMs: number;
  /** How long the consumer waits for a DB reply (or a broker reply) before it counts the call as failed. */
  consumerTimeoutMs: number;
  /** How often the consumer re-tries a DB write whose reply did not come (0 = give up: at-most-once). */
  dbRetries: number;
  /** Idempotent consumer: none, a dedup key in the same DB transaction, or a check/mark outside it (anti-pattern). */
  dedup: DedupStrategy;
}

export interface WorkloadSettings {
  /** Messages the producer application hands over. */
  messages: number;
  /** Distinct keys; per-key order is checked. */
  keys: number;
  /** Topic partitions; a key always maps to the same partition. */
  partitions: number;
  /** Virtual time between two hand-overs. */
  produceIntervalMs: number;
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
}

export const DEFAULT_WORKLOAD: WorkloadSettings = { messages: 40, keys: 4, partitions: 2, produceIntervalMs: 2 };

export const DEFAULT_LIMITS: Limits = { maxEvents: 2_000_000, maxVirtualTimeMs: 120_000 };

export function defaultTiming(workload: WorkloadSettings): TimingSettings {
  return {
    faultyPhaseMs: Math.ceil(workload.messages * workload.produceIntervalMs) + 50,
    latencyMsMin: 0.2,
    latencyMsMax: 1,
    restartDelayMs: 15,
    brokerRestartDelayMs: 40,
  };
}

/** What the whole of a run needs; a preset plus overrides becomes one of these (see resolveConfig). */
export interface SimulationConfig {
  mode: ModeName;
  seed: number;
  settings: DeliverySettings;
  workload: WorkloadSettings;
  timing: TimingSettings;
  limits: Limits;
}

/** A bad value in a config: names the option, the value and what is allowed. */
export class ConfigError extends Error {
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`invalid ${option}: ${JSON.stringify(value)} (allowed: ${allowed})`);
    this.name = 'ConfigError';
  }
}

function requireInteger(option: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(option, value, `an integer from ${min} to ${max}`);
  }
}

function requireNumber(option: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(option, value, `a number from ${min} to ${max}`);
  }
}

function requireOneOf<T>(option: string, value: unknown, allowed: readonly T[]): void {
  if (!allowed.includes(value as T)) throw new ConfigError(option, value, allowed.map(String).join(', '));
}

/** Throws ConfigError on the first invalid field, including combinations the real systems reject. */
export function validateConfig(config: SimulationConfig): void {
  const { settings: s, workload: w, timing: t, limits: l } = config;
  requireOneOf('mode', config.mode, MODE_NAMES);
  requireInteger('seed', config.seed, 0, Number.MAX_SAFE_INTEGER);
  requireOneOf('acks', s.acks, [0, 1, 'all']);
  requireInteger('retries', s.retries, 0, 1000);
  requireNumber('retryBackoffMs', s.retryBackoffMs, 0, 60_000);
  requireNumber('retryBackoffMaxMs', s.retryBackoffMaxMs, s.retryBackoffMs, 60_000);
  requireNumber('requestTimeoutMs', s.requestTimeoutMs, 0.1, 60_000);
  requireOneOf('enableIdempotence', s.enableIdempotence, [true, false]);
  requireInteger('maxInFlight', s.maxInFlight, 1, 100);
  requireOneOf('producerBuffer', s.producerBuffer, PRODUCER_BUFFERS);
  requireInteger('replicationFactor', s.replicationFactor, 1, 7);
  requireInteger('minInsyncReplicas', s.minInsyncReplicas, 1, s.replicationFactor);
  requireNumber('replicationDelayMs', s.replicationDelayMs, 0, 60_000);
  requireNumber('leaderElectionMs', s.leaderElectionMs, 0, 60_000);
  requireOneOf('commit', s.commit, COMMIT_STRATEGIES);
  requireNumber('autoCommitIntervalMs', s.autoCommitIntervalMs, 0.1, 60_000);
  requireNumber('processingMs', s.processingMs, 0, 60_000);
  requireInteger('maxPollRecords', s.maxPollRecords, 1, 10_000);
  requireNumber('pollIntervalMs', s.pollIntervalMs, 0.1, 60_000);
  requireNumber('consumerTimeoutMs', s.consumerTimeoutMs, 0.1, 60_000);
  requireInteger('dbRetries', s.dbRetries, 0, 1000);
  requireOneOf('dedup', s.dedup, DEDUP_STRATEGIES);
  // Kafka refuses these combinations at producer construction; so do we.
  if (s.enableIdempotence && s.acks !== 'all') throw new ConfigError('enableIdempotence', true, `false unless acks=all (acks is ${String(s.acks)})`);
  if (s.enableIdempotence && s.maxInFlight > 5) throw new ConfigError('maxInFlight', s.maxInFlight, 'at most 5 with enableIdempotence');
  requireInteger('messages', w.messages, 1, 100_000);
  requireInteger('keys', w.keys, 1, 10_000);
  requireInteger('partitions', w.partitions, 1, 64);
  requireNumber('produceIntervalMs', w.produceIntervalMs, 0, 60_000);
  requireNumber('faultyPhaseMs', t.faultyPhaseMs, 0, 3_600_000);
  requireNumber('latencyMsMin', t.latencyMsMin, 0, 60_000);
  requireNumber('latencyMsMax', t.latencyMsMax, t.latencyMsMin, 60_000);
  requireNumber('restartDelayMs', t.restartDelayMs, 0, 3_600_000);
  requireNumber('brokerRestartDelayMs', t.brokerRestartDelayMs, 0, 3_600_000);
  requireInteger('maxEvents', l.maxEvents, 1, 1_000_000_000);
  requireNumber('maxVirtualTimeMs', l.maxVirtualTimeMs, 1, 86_400_000);
}

/** Virtual ms (possibly fractional) to the kernel's integer microseconds. */
export function msToUs(ms: number): number {
  return Math.round(ms * 1000);
}
