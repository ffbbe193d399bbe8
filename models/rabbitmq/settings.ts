/**
 * The RabbitMQ family's settings: publisher, queue and consumer options under their AMQP 0-9-1 / RabbitMQ names
 * (RabbitMQ 3.13 and 4.x documentation: "Consumer Acknowledgements and Publisher Confirms", "Dead Letter
 * Exchanges", "Quorum Queues", "Time-To-Live", "Queue Length Limit"), one SettingSpec row each, and the
 * combinations RabbitMQ refuses when a queue is declared. Times are virtual milliseconds, scaled down like Kafka's.
 */
import { ConfigError } from '../config-error.js';
import type { ApplicationSettings } from '../settings/common.js';
import { nodesRow, specsOf } from '../settings/common.js';
import type { SettingSpec } from '../settings/spec.js';

export type QueueType = 'classic' | 'quorum';
export const QUEUE_TYPES: readonly QueueType[] = ['classic', 'quorum'];
/** `x-overflow`: what a full queue (`x-max-length`) does with one more message. */
export type Overflow = 'drop-head' | 'reject-publish';
export const OVERFLOWS: readonly Overflow[] = ['drop-head', 'reject-publish'];
/** How delayed messages wait: the delayed-message exchange plugin (`x-delay`) or per-message TTL + dead-lettering. */
export type DelayVia = 'plugin' | 'ttl-dlx';
export const DELAY_VIAS: readonly DelayVia[] = ['plugin', 'ttl-dlx'];
/** `dead-letter-strategy` (quorum queues, 3.10+): dead-lettering without confirms, or kept until the target confirms. */
export type DeadLetterStrategy = 'at-most-once' | 'at-least-once';
export const DEAD_LETTER_STRATEGIES: readonly DeadLetterStrategy[] = ['at-most-once', 'at-least-once'];
export type PublisherBuffer = 'memory' | 'outbox';
/**
 * The RabbitMQ release whose documented behaviour the broker follows, where releases differ: 3.x quorum queues have no
 * default x-delivery-limit (4.0 made it 20), and up to 4.2 every return counts toward it, while 4.3 counts only failed
 * deliveries (basic.reject requeue=true, a lost connection), not a basic.nack requeue=true ("Quorum Queues": "When is
 * delivery count incremented?").
 */
export type RabbitMqVersion = '3.8' | '3.9' | '3.10' | '3.11' | '3.12' | '3.13' | '4.0' | '4.1' | '4.2' | '4.3';
export const RABBITMQ_VERSIONS: readonly RabbitMqVersion[] = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '4.0', '4.1', '4.2', '4.3'];
/** What these settings assume when no version is given: the behaviour every preset and scenario was written for. */
export const DEFAULT_RABBITMQ_VERSION: RabbitMqVersion = '4.2';
/** The AMQP 0-9-1 method a consumer hands a failed delivery back with for a retry (requeue=true). */
export type RequeueMethod = 'nack' | 'reject';
export const REQUEUE_METHODS: readonly RequeueMethod[] = ['nack', 'reject'];

/** 4.0 and later: quorum queues get x-delivery-limit 20 unless the queue says otherwise. */
export function hasDefaultDeliveryLimit(version: RabbitMqVersion): boolean {
  return !version.startsWith('3.');
}

/** 4.3 and later: only a failed delivery (basic.reject requeue=true, a lost connection) counts toward x-delivery-limit. */
export function countsOnlyFailedDeliveries(version: RabbitMqVersion): boolean {
  return version === '4.3';
}

export interface RabbitMqClientSettings {
  /** The RabbitMQ release whose behaviour the broker follows where releases differ. */
  rabbitmqVersion: RabbitMqVersion;
  /** `confirm.select`: the broker confirms (basic.ack) or refuses (basic.nack) every publish. */
  publisherConfirms: boolean;
  /** Re-publishes of a message left unconfirmed after confirmTimeoutMs, nacked, or returned. */
  publishRetries: number;
  /** How long the publisher waits for a confirm before it re-publishes. */
  confirmTimeoutMs: number;
  /** Wait before re-publishing a nacked or returned message. */
  republishBackoffMs: number;
  /** Unconfirmed publishes the publisher keeps in flight (it waits for confirms beyond this). */
  maxUnconfirmed: number;
  /** `mandatory` flag: an unroutable message comes back by basic.return instead of being dropped. */
  mandatory: boolean;
  /** `delivery_mode=2`: persistent messages survive a node restart in a durable queue. */
  persistent: boolean;
  /** Where handed-over messages wait: `memory` (lost when the publisher crashes) or a durable `outbox` table. */
  producerBuffer: PublisherBuffer;
  /** `x-queue-type`: classic (one node) or quorum (Raft-replicated over `nodes`). */
  queueType: QueueType;
  /** Queue `durable`: the queue itself survives a node restart (quorum queues are always durable). */
  durable: boolean;
  /** Broker nodes a quorum queue is replicated over. */
  nodes: number;
  /** How long a classic queue takes to write a persistent message to disk before confirming it. */
  persistDelayMs: number;
  /** How long a quorum queue follower takes to append a message (confirm after a majority has it). */
  replicationDelayMs: number;
  /** How long a quorum queue has no leader after its leader's node fails. */
  leaderElectionMs: number;
  /** `x-delivery-limit` (quorum queues): returns after which a message is dead-lettered. */
  deliveryLimit: number | 'unlimited';
  /** `x-dead-letter-exchange`: rejected, expired and over-limit messages go to a dead-letter queue (else dropped). */
  deadLetterExchange: boolean;
  /** `x-dead-letter-strategy`: at-most-once (lost if the dead-letter queue cannot take it) or at-least-once. */
  deadLetterStrategy: DeadLetterStrategy;
  /** `x-message-ttl` (0: none): a message waiting longer at the head of the queue expires. */
  messageTtlMs: number;
  /** `x-max-length` (0: no limit): ready messages the queue holds. */
  maxLength: number;
  /** `x-overflow`: drop-head or reject-publish. */
  overflow: Overflow;
  /** `x-single-active-consumer`: one registered consumer of the queue at a time gets deliveries; the next takes over. */
  singleActiveConsumer: boolean;
  /** `consumer_timeout` (0: none): a delivery unacknowledged this long closes its channel (4.3: cancels the consumer). */
  deliveryAckTimeoutMs: number;
  /** `basic.consume` with `no-ack` (autoAck): a message counts as acknowledged once sent. */
  autoAck: boolean;
  /** `basic.qos` prefetch count (0: unlimited): unacknowledged deliveries per consumer. */
  prefetch: number;
  /** basic.nack or basic.reject, with requeue=true: how a failed delivery goes back to the queue for a retry. */
  requeueMethod: RequeueMethod;
  /** AMQP heartbeat timeout: a connection silent this long is closed (its unacked deliveries requeued). */
  heartbeatMs: number;
  /** Every k-th message is delayed (0: none). */
  delayedEvery: number;
  /** A delayed message's delay after its hand-over (alternately this and a tenth of it). */
  delayMs: number;
  /** The delayed-message exchange (`x-delay`) or per-message TTL + dead-lettering. */
  delayVia: DelayVia;
}

/** Settings no preset sets: derived from the rest of the config (their specs say how). */
export type DerivedRabbitMqSetting = 'rabbitmqVersion' | 'deliveryLimit' | 'deadLetterStrategy' | 'singleActiveConsumer' | 'deliveryAckTimeoutMs' | 'requeueMethod';

/** Every setting of a RabbitMQ run: the clients' and broker's, and the consumer application's. */
export type RabbitMqSettings = RabbitMqClientSettings & ApplicationSettings;

const ms = (max: number) => ({ type: 'number' as const, min: 0, max });

export const RABBITMQ_SETTINGS: readonly SettingSpec[] = specsOf<RabbitMqClientSettings>('settings', {
  // First: the derived x-delivery-limit below reads it.
  rabbitmqVersion: {
    component: 'broker',
    flag: 'rabbitmq-version',
    realName: 'RabbitMQ release',
    kind: { type: 'enum', values: RABBITMQ_VERSIONS },
    doc: 'the release whose documented behaviour the broker follows where releases differ: 3.x quorum queues have no default x-delivery-limit (4.0+: 20); up to 4.2 every return counts toward it, 4.3 counts only basic.reject requeue=true and lost connections, not basic.nack requeue=true (so a consumer that nacks a poison message redelivers it forever). 4.3 also refuses a non-durable classic queue unless deprecated_features.permit.transient_nonexcl_queues is set; the model assumes it is, for --durable false',
    default: { text: `${DEFAULT_RABBITMQ_VERSION} (what the presets and scenarios were written for)`, derive: () => DEFAULT_RABBITMQ_VERSION },
  },
  publisherConfirms: { component: 'publisher', flag: 'publisher-confirms', realName: 'confirm.select (publisher confirms)', kind: { type: 'bool' }, doc: 'the broker confirms each publish once it is enqueued (persistent ones on a durable or quorum queue once written or replicated); without it a lost publish is silent' },
  publishRetries: { component: 'publisher', flag: 'publish-retries', realName: 're-publish of an unconfirmed, nacked or returned message', kind: { type: 'int', min: 0, max: 1000 }, doc: 're-publishes per message after a confirm timeout, a basic.nack or a basic.return' },
  confirmTimeoutMs: { component: 'publisher', flag: 'confirm-timeout-ms', realName: 'waitForConfirms timeout', kind: { type: 'number', min: 0.1, max: 60_000 }, doc: 'how long the publisher waits for a confirm before it re-publishes (which can duplicate)' },
  republishBackoffMs: { component: 'publisher', flag: 'republish-backoff-ms', realName: 'wait before re-publishing a nacked or returned message', kind: ms(60_000), doc: 'pause before re-publishing after a basic.nack or a basic.return' },
  maxUnconfirmed: { component: 'publisher', flag: 'max-unconfirmed', realName: 'unconfirmed publishes in flight', kind: { type: 'int', min: 1, max: 10_000 }, doc: 'publishes the publisher keeps unconfirmed before it waits (1 keeps per-key order through re-publishes)' },
  mandatory: { component: 'publisher', flag: 'mandatory', realName: 'basic.publish mandatory flag', kind: { type: 'bool' }, doc: 'an unroutable message comes back by basic.return (and is re-published); without it it is dropped silently' },
  persistent: { component: 'publisher', flag: 'persistent', realName: 'delivery_mode=2 (persistent)', kind: { type: 'bool' }, doc: 'persistent messages in a durable queue survive a node restart; transient ones do not' },
  producerBuffer: { component: 'publisher', flag: 'producer-buffer', realName: 'in-memory buffer or transactional outbox', kind: { type: 'enum', values: ['memory', 'outbox'] }, doc: 'memory (lost on a producer crash) or a durable outbox table: a row stays until a publish of it is confirmed; the relay re-publishes a row the publisher gave up, and a restart re-sends every row' },
  queueType: { component: 'queue', flag: 'queue-type', realName: 'x-queue-type', kind: { type: 'enum', values: QUEUE_TYPES }, doc: 'classic (one node) or quorum (replicated over --nodes, confirms after a majority, always durable and persistent)' },
  durable: { component: 'queue', flag: 'durable', realName: 'queue.declare durable', kind: { type: 'bool' }, doc: 'the queue survives a node restart (a non-durable classic queue and all its messages are gone)' },
  nodes: nodesRow({ component: 'queue', realName: 'cluster nodes (quorum queue members)', min: 1, doc: 'broker nodes a quorum queue is replicated over' }),
  persistDelayMs: { component: 'queue', flag: 'persist-delay-ms', realName: 'time to write a persistent message to disk (fsync)', kind: ms(60_000), doc: 'a classic durable queue confirms a persistent message after this; a restart before it loses the message' },
  replicationDelayMs: { component: 'queue', flag: 'replication-delay-ms', realName: 'time for a follower to copy a record', kind: ms(60_000), doc: 'how long a quorum queue follower takes to append a message (the confirm waits for a majority)' },
  leaderElectionMs: { component: 'queue', flag: 'leader-election-ms', realName: 'time a partition has no leader after a failure', kind: ms(60_000), doc: "how long a quorum queue is unavailable after its leader's node fails" },
  deliveryLimit: {
    component: 'queue',
    flag: 'delivery-limit',
    realName: 'x-delivery-limit (quorum queues)',
    kind: { type: 'count-or-unlimited', min: 0, max: 1000 },
    doc: 'a message returned more often than this is dead-lettered; what counts as a return depends on --rabbitmq-version (up to 4.2: every nack or reject with requeue=true and every closed channel; 4.3: basic.reject requeue=true and closed channels only)',
    // Derived, not preset: x-delivery-limit is a quorum queue argument, so `--queue-type classic` with any preset
    // gets none. 20 is RabbitMQ 4.x's default for quorum queues; 3.x had none.
    default: {
      text: '20 with --queue-type quorum on RabbitMQ 4.0+, else unlimited (3.x quorum queues have no default; classic queues have no such argument)',
      derive: (groups) => (groups.settings.queueType === 'quorum' && hasDefaultDeliveryLimit(groups.settings.rabbitmqVersion as RabbitMqVersion) ? 20 : 'unlimited'),
    },
  },
  deadLetterExchange: { component: 'queue', flag: 'dead-letter-exchange', realName: 'x-dead-letter-exchange', kind: { type: 'bool' }, doc: 'rejected (requeue=false), expired and over-limit messages go to a dead-letter queue (parked); false: they are dropped' },
  messageTtlMs: { component: 'queue', flag: 'message-ttl-ms', realName: 'x-message-ttl', kind: { type: 'int', min: 0, max: 3_600_000 }, doc: 'a message that waited this long expires at the head of the queue (dead-lettered or dropped); 0: no TTL' },
  maxLength: { component: 'queue', flag: 'max-length', realName: 'x-max-length', kind: { type: 'int', min: 0, max: 100_000 }, doc: 'ready messages the queue holds (0: no limit); see --overflow' },
  overflow: { component: 'queue', flag: 'overflow', realName: 'x-overflow', kind: { type: 'enum', values: OVERFLOWS }, doc: 'a full queue drops (or dead-letters) its oldest message (drop-head), or refuses the publish with basic.nack (reject-publish)' },
  // After x-overflow and the queue type, which it reads.
  deadLetterStrategy: {
    component: 'queue',
    flag: 'dead-letter-strategy',
    realName: 'dead-letter-strategy (quorum queues, RabbitMQ 3.10+)',
    kind: { type: 'enum', values: DEAD_LETTER_STRATEGIES },
    doc: 'at-most-once: the source queue forgets a dead-lettered message as it re-publishes it, without confirms, so it is lost if the dead-letter queue cannot take it; at-least-once: the source queue keeps it until the dead-letter queue confirms it (needs a quorum queue, --overflow reject-publish and a dead-letter exchange)',
    // Derived, not preset: RabbitMQ activates at-least-once only where it applies, so a classic queue gets at-most-once.
    default: { text: 'at-least-once on a quorum queue with --overflow reject-publish and a dead-letter exchange (3.10+), else at-most-once', derive: (groups) => (atLeastOnceDeadLetteringApplies(groups.settings as unknown as RabbitMqSettings) ? 'at-least-once' : 'at-most-once') },
  },
  singleActiveConsumer: {
    component: 'queue',
    flag: 'single-active-consumer',
    realName: 'x-single-active-consumer (RabbitMQ 3.8+)',
    kind: { type: 'bool' },
    doc: "only the first registered consumer of a queue gets deliveries; when its channel closes the next one in registration order takes over, with the closed channel's unacked messages requeued: competing consumers then keep the queue's order",
    // Derived, not preset: a queue argument the presets leave off, as RabbitMQ does.
    default: { text: 'false', derive: () => false },
  },
  deliveryAckTimeoutMs: {
    component: 'queue',
    flag: 'delivery-ack-timeout-ms',
    realName: 'consumer_timeout / x-consumer-timeout (delivery acknowledgement timeout)',
    kind: { type: 'number', min: 0, max: 86_400_000 },
    doc: "a delivery left unacknowledged this long (a slow or stuck consumer) ends its consumer: up to 4.2 the channel is closed (PRECONDITION_FAILED), on 4.3 the consumer is cancelled and only quorum queues enforce it; either way its unacked deliveries are requeued (redelivered=true), and a basic.ack sent after that is void. Checked at every heartbeat check (RabbitMQ checks once a minute); 0: no timeout",
    // Derived, not preset: RabbitMQ's default of 30 minutes, scaled like the other times (1 s -> 1 ms).
    default: { text: "1800 (RabbitMQ's 30 minutes, scaled)", derive: () => 1800 },
    // A protection that fires on a stuck consumer, not a wait a healthy run sits through: it does not stretch the progress timeout.
    deadline: true,
  },
  autoAck: { component: 'consumer', flag: 'auto-ack', realName: 'basic.consume no-ack (autoAck)', kind: { type: 'bool' }, doc: 'a delivery counts as acknowledged once sent: a crash or an exception loses it; false: basic.ack after processing' },
  prefetch: { component: 'consumer', flag: 'prefetch', realName: 'basic.qos prefetch_count', kind: { type: 'int', min: 0, max: 65_535 }, doc: 'unacknowledged deliveries per consumer (0: unlimited)' },
  requeueMethod: {
    component: 'consumer',
    flag: 'requeue-method',
    realName: 'basic.nack / basic.reject with requeue=true',
    kind: { type: 'enum', values: REQUEUE_METHODS },
    doc: "how the consumer hands a failed delivery back for a retry (--on-error retry, or retries left): nack (basic.nack requeue=true, as Spring AMQP's containers did before their RabbitMQ 4.3 fix) or reject (basic.reject requeue=true). Only reject counts toward x-delivery-limit on RabbitMQ 4.3",
    // Derived, not preset: a client's choice the presets leave as the model always made it.
    default: { text: 'nack', derive: () => 'nack' },
  },
  heartbeatMs: { component: 'consumer', flag: 'heartbeat-ms', realName: 'AMQP heartbeat timeout', kind: { type: 'number', min: 1, max: 3_600_000 }, doc: 'a connection silent this long (a cut link, a dead node) is closed and its unacked deliveries requeued' },
  delayedEvery: { component: 'delayed delivery', flag: 'delayed-every', realName: 'every k-th message is delayed', kind: { type: 'int', min: 0, max: 100_000 }, doc: 'every k-th handed-over message is due only after a delay (0: none); the schedule invariant is then judged' },
  delayMs: { component: 'delayed delivery', flag: 'delay-ms', realName: 'x-delay / per-message expiration', kind: { type: 'number', min: 0, max: 3_600_000 }, doc: 'delay of a delayed message after its hand-over: alternately this and a tenth of it' },
  delayVia: { component: 'delayed delivery', flag: 'delay-via', realName: 'rabbitmq_delayed_message_exchange (x-delay) or TTL + dead-letter exchange', kind: { type: 'enum', values: DELAY_VIAS }, doc: 'plugin: delivered at its due time; ttl-dlx: a wait queue with per-message TTL whose head blocks (a message behind a longer TTL is late)' },
});

/** `dead-letter-strategy=at-least-once` applies: a quorum queue (3.10+) with x-overflow=reject-publish and a dead-letter exchange. */
function atLeastOnceDeadLetteringApplies(settings: Pick<RabbitMqSettings, 'queueType' | 'overflow' | 'deadLetterExchange' | 'rabbitmqVersion'>): boolean {
  return settings.queueType === 'quorum' && settings.overflow === 'reject-publish' && settings.deadLetterExchange && !['3.8', '3.9'].includes(settings.rabbitmqVersion);
}

/** RabbitMQ refuses these when the queue is declared or the channel opened; so do we. */
export function checkRabbitMqCombinations(settings: RabbitMqSettings): void {
  if (settings.queueType === 'quorum' && !settings.durable) throw new ConfigError('durable', false, 'true with --queue-type quorum (quorum queues are always durable)');
  if (settings.deliveryLimit !== 'unlimited' && settings.queueType !== 'quorum') throw new ConfigError('deliveryLimit', settings.deliveryLimit, 'unlimited unless --queue-type quorum (x-delivery-limit is a quorum queue argument)');
  // RabbitMQ falls back to at-most-once silently where at-least-once does not apply: refused here, so nobody relies on it.
  if (settings.deadLetterStrategy === 'at-least-once' && !atLeastOnceDeadLetteringApplies(settings)) throw new ConfigError('deadLetterStrategy', settings.deadLetterStrategy, 'at-most-once unless --queue-type quorum, --overflow reject-publish, --dead-letter-exchange true and RabbitMQ 3.10+ (RabbitMQ would silently fall back to at-most-once)');
  if (settings.maxLength > 0 && settings.overflow === 'reject-publish' && !settings.publisherConfirms && settings.publishRetries > 0) throw new ConfigError('publishRetries', settings.publishRetries, '0 without --publisher-confirms (a publisher learns of nothing to re-publish)');
}
