/** The Kafka family's preset per mode: the producer, broker and consumer settings each mode stands for. */
import { PROMISES } from '../modes.js';
import type { ModeName, ModePreset } from '../modes.js';
import type { DerivedKafkaSetting, KafkaSettings } from './settings.js';

const common = {
  retryBackoffMs: 2,
  retryBackoffMaxMs: 20,
  requestTimeoutMs: 15,
  replicationFactor: 3,
  replicationDelayMs: 1,
  leaderElectionMs: 5,
  autoCommitIntervalMs: 5,
  // The Java client's auto-commit (inside poll()); `background` is librdkafka's.
  autoCommitStyle: 'poll',
  // Kafka's delivery.timeout.ms default (120 s) scaled like the other times.
  deliveryTimeoutMs: 120,
  processingMs: 0.5,
  maxPollRecords: 5,
  pollIntervalMs: 2,
  consumerTimeoutMs: 10,
  // A failed record is redelivered after 1, 2, 4, 8 ms (then 10); at-most-once skips it at once, the others
  // dead-letter it after 3 redeliveries (Spring Kafka's DeadLetterPublishingRecoverer, with a shorter back-off).
  processingBackoffMs: 1,
  processingBackoffMaxMs: 10,
  processingBackoffJitter: 0,
  // Kafka's defaults (3.x) scaled down like the other times: session.timeout.ms 45 s, heartbeat.interval.ms a third
  // of it, max.poll.interval.ms 300 s. Every member has a group.instance.id (static membership, KIP-345), so a
  // crashed member that restarts within its session keeps its partitions; one gone longer is removed and its
  // partitions move. With --membership dynamic every restart is a new member, and the group rebalances.
  assignor: 'range',
  membership: 'static',
  sessionTimeoutMs: 45,
  heartbeatIntervalMs: 15,
  maxPollIntervalMs: 300,
} as const;

export const KAFKA_MODES: Record<ModeName, ModePreset<Omit<KafkaSettings, DerivedKafkaSetting>>> = {
  'at-most-once': {
    name: 'at-most-once',
    summary: 'acks=0, no retries; the consumer commits its offset before processing, never retries a DB write, and skips a record whose processing fails',
    settings: { ...common, acks: 0, retries: 0, enableIdempotence: false, maxInFlight: 5, producerBuffer: 'memory', minInsyncReplicas: 1, commit: 'before-process', dbRetries: 0, dedup: 'none', onError: 'skip', processingRetries: 0 },
    promises: PROMISES['at-most-once'],
  },
  'at-least-once': {
    name: 'at-least-once',
    summary: 'acks=all, retries, outbox on the producer side; the consumer commits after processing, retries DB writes, and dead-letters a record whose processing keeps failing',
    settings: { ...common, acks: 'all', retries: 100, enableIdempotence: false, maxInFlight: 5, producerBuffer: 'outbox', minInsyncReplicas: 2, commit: 'after-process', dbRetries: 100, dedup: 'none', onError: 'dead-letter', processingRetries: 3 },
    promises: PROMISES['at-least-once'],
  },
  'exactly-once': {
    name: 'exactly-once',
    summary: 'idempotent producer with acks=all and an outbox; the consumer stores its offset and a dedup key in the same DB transaction as the effect, and dead-letters a record whose processing keeps failing',
    // delivery.timeout.ms ten times the default: a record waits out a leader election or a broker restart instead of
    // being given up, re-published by the outbox relay, and landing behind later records of its key (order broke).
    settings: { ...common, acks: 'all', retries: 100, enableIdempotence: true, maxInFlight: 5, producerBuffer: 'outbox', deliveryTimeoutMs: 1200, minInsyncReplicas: 2, commit: 'with-db-transaction', dbRetries: 100, dedup: 'same-transaction', onError: 'dead-letter', processingRetries: 3 },
    promises: PROMISES['exactly-once'],
  },
};
