/** The RabbitMQ family's preset per mode (issue 12's table), and the settings every preset shares. */
import { PROMISES } from '../modes.js';
import type { ModeName, ModePreset } from '../modes.js';
import type { DerivedRabbitMqSetting, RabbitMqSettings } from './settings.js';

const common = {
  confirmTimeoutMs: 15,
  republishBackoffMs: 2,
  persistDelayMs: 1,
  replicationDelayMs: 1,
  leaderElectionMs: 5,
  deadLetterExchange: true,
  messageTtlMs: 0,
  maxLength: 0,
  overflow: 'drop-head',
  // RabbitMQ's heartbeat timeout is 60 s; scaled down like every other time.
  heartbeatMs: 60,
  delayedEvery: 0,
  delayMs: 20,
  delayVia: 'plugin',
  processingMs: 0.5,
  consumerTimeoutMs: 10,
  processingBackoffMs: 1,
  processingBackoffMaxMs: 10,
  processingBackoffJitter: 0,
} as const;

/** At-least-once and exactly-once: confirms, persistent messages on a durable quorum queue, manual acks. */
const safe = {
  ...common,
  publisherConfirms: true,
  publishRetries: 100,
  mandatory: true,
  persistent: true,
  producerBuffer: 'outbox',
  queueType: 'quorum',
  durable: true,
  nodes: 3,
  autoAck: false,
  dbRetries: 100,
  onError: 'dead-letter',
  processingRetries: 3,
  // What RabbitMQ's at-least-once dead-lettering needs on a quorum queue (dead-letter-strategy, derived): a parked
  // message is then kept until the dead-letter queue confirms it. With no x-max-length it refuses nothing.
  overflow: 'reject-publish',
} as const;

export const RABBITMQ_MODES: Record<ModeName, ModePreset<Omit<RabbitMqSettings, DerivedRabbitMqSetting>>> = {
  'at-most-once': {
    name: 'at-most-once',
    summary: 'autoAck, no publisher confirms, transient messages on a classic non-durable queue; the consumer never retries a DB write and skips a message whose processing fails',
    settings: {
      ...common,
      publisherConfirms: false,
      publishRetries: 0,
      maxUnconfirmed: 10,
      mandatory: false,
      persistent: false,
      producerBuffer: 'memory',
      queueType: 'classic',
      durable: false,
      nodes: 1,
      deadLetterExchange: false,
      autoAck: true,
      prefetch: 0,
      dbRetries: 0,
      dedup: 'none',
      onError: 'skip',
      processingRetries: 0,
    },
    promises: PROMISES['at-most-once'],
  },
  'at-least-once': {
    name: 'at-least-once',
    summary: 'publisher confirms with re-publish and an outbox, mandatory, persistent messages on a durable quorum queue; manual basic.ack after processing, basic.reject to the dead-letter exchange when processing keeps failing, dead-lettered at least once',
    settings: { ...safe, maxUnconfirmed: 10, prefetch: 10, dedup: 'none' },
    promises: PROMISES['at-least-once'],
  },
  'exactly-once': {
    name: 'exactly-once',
    summary: "at-least-once plus an idempotent consumer (a dedup key in the effect's DB transaction); one unconfirmed publish and prefetch 1 keep per-key order through re-publishes and requeues",
    settings: { ...safe, maxUnconfirmed: 1, prefetch: 1, dedup: 'same-transaction' },
    promises: PROMISES['exactly-once'],
  },
};
