/**
 * fast-check arbitraries of workloads, settings overrides and whole simulation inputs, for either broker family.
 * Every value they produce passes validateConfig (the combinations Kafka and RabbitMQ refuse, like idempotence
 * without acks=all or a non-durable quorum queue, are never generated), and they shrink toward small workloads and
 * the mode's own preset.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { COMMIT_STRATEGIES, DEDUP_STRATEGIES, MODE_NAMES, PRODUCER_BUFFERS } from '../models/config.js';
import { ASSIGNORS, AUTO_OFFSET_RESETS, ISOLATION_LEVELS, MEMBERSHIPS } from '../models/kafka/settings.js';
import { OVERFLOWS, QUEUE_TYPES, RABBITMQ_VERSIONS, REQUEUE_METHODS } from '../models/rabbitmq/settings.js';
import type { RabbitMqSettings } from '../models/rabbitmq/settings.js';
import { RABBITMQ_MODES } from '../models/rabbitmq/modes.js';
import { FAMILY_NAMES } from '../models/config.js';
import type { FamilyName } from '../models/config.js';
import { ON_ERROR } from '../models/settings/common.js';
import type { Acks, DeliverySettings, ModeName, TopologySettings, WorkloadSettings } from '../models/config.js';
import { KAFKA_MODES } from '../models/kafka/modes.js';
import type { SimulationInput } from '../models/engine.js';

export interface WorkloadConstraints {
  /** Most messages. Default 8: small workloads keep a run well under a millisecond and counterexamples readable. */
  maxMessages?: number;
  /** Most distinct keys. Default 3. */
  maxKeys?: number;
  /** Most partitions. Default 2. */
  maxPartitions?: number;
  /** Hand-over intervals to pick from (virtual ms). Default [2, 0.1]: the preset's pace, and a burst that fills the in-flight window. */
  produceIntervalsMs?: readonly number[];
  /** Draw a burst too (the first messages handed over at once). Default false: no burst. */
  withBurst?: boolean;
}

export interface TopologyConstraints {
  /** Most producers. Default 2. */
  maxProducers?: number;
  /** Most consumer groups. Default 2. */
  maxGroups?: number;
  /** Most members per group. Default 3. */
  maxConsumers?: number;
}

/** Producers, groups and members per group; shrinks toward the one-of-each world. */
export function topologyArb(constraints: TopologyConstraints = {}): Arbitrary<TopologySettings> {
  return fc.record({
    producers: fc.integer({ min: 1, max: requireInteger('maxProducers', constraints.maxProducers ?? 2, 1, 16) }),
    groups: fc.integer({ min: 1, max: requireInteger('maxGroups', constraints.maxGroups ?? 2, 1, 8) }),
    consumers: fc.integer({ min: 1, max: requireInteger('maxConsumers', constraints.maxConsumers ?? 3, 1, 32) }),
  });
}

function requireInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name}: must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/** A workload of 1..maxMessages messages; shrinks toward one message, one key, one partition. */
export function workloadArb(constraints: WorkloadConstraints = {}): Arbitrary<WorkloadSettings> {
  const maxMessages = requireInteger('maxMessages', constraints.maxMessages ?? 8, 1, 100_000);
  const maxKeys = requireInteger('maxKeys', constraints.maxKeys ?? 3, 1, 10_000);
  const maxPartitions = requireInteger('maxPartitions', constraints.maxPartitions ?? 2, 1, 64);
  const intervals = constraints.produceIntervalsMs ?? [2, 0.1];
  if (intervals.length === 0 || intervals.some((interval) => !(Number.isFinite(interval) && interval >= 0))) {
    throw new RangeError(`produceIntervalsMs: must be a non-empty list of numbers >= 0, got ${JSON.stringify(intervals)}`);
  }
  const workload = fc.record({
    messages: fc.integer({ min: 1, max: maxMessages }),
    keys: fc.integer({ min: 1, max: maxKeys }),
    partitions: fc.integer({ min: 1, max: maxPartitions }),
    produceIntervalMs: fc.constantFrom(...intervals),
    burst: fc.constant(0),
  });
  if (constraints.withBurst !== true) return workload;
  return fc.tuple(workload, fc.nat()).map(([drawn, burst]) => ({ ...drawn, burst: burst % (drawn.messages + 1) }));
}

/**
 * Make overrides valid on top of `mode`'s preset: Kafka refuses idempotence without acks=all or with retries=0
 * (max-in-flight is drawn at most 5 here), a transactional.id without idempotence, a replication factor above the
 * brokers of a cluster (--nodes), min.insync.replicas above the replication factor, and a delivery.timeout.ms set
 * below request.timeout.ms. Returns a fresh object.
 */
export function fitSettings(mode: ModeName, overrides: Partial<DeliverySettings>): Partial<DeliverySettings> {
  const fixed: Partial<DeliverySettings> = { ...overrides };
  const preset = KAFKA_MODES[mode].settings as Partial<DeliverySettings>;
  const idempotence = (fixed.enableIdempotence ?? preset.enableIdempotence) === true;
  if (idempotence && ((fixed.acks ?? preset.acks) !== 'all' || (fixed.retries ?? preset.retries) === 0)) fixed.enableIdempotence = false;
  if (fixed.transactions === true && (fixed.enableIdempotence ?? preset.enableIdempotence) !== true) fixed.transactions = false;
  let replicationFactor = fixed.replicationFactor ?? preset.replicationFactor ?? 1;
  const nodes = fixed.nodes ?? preset.nodes ?? 0;
  if (nodes > 0 && replicationFactor > nodes) fixed.replicationFactor = replicationFactor = nodes;
  if ((fixed.minInsyncReplicas ?? preset.minInsyncReplicas ?? 1) > replicationFactor) fixed.minInsyncReplicas = replicationFactor;
  // A given delivery.timeout.ms only (a preset's is raised by resolveConfig itself, as Kafka raises its default).
  const requestTimeoutMs = fixed.requestTimeoutMs ?? preset.requestTimeoutMs ?? 0;
  if (fixed.deliveryTimeoutMs !== undefined && fixed.deliveryTimeoutMs < requestTimeoutMs) fixed.deliveryTimeoutMs = requestTimeoutMs;
  return fixed;
}

/**
 * Make RabbitMQ overrides valid on top of `mode`'s preset: a quorum queue is always durable, x-delivery-limit is a
 * quorum queue argument (a classic queue keeps its derived "unlimited"), and a publisher without confirms learns of no
 * refused publish to re-publish from a full reject-publish queue. Returns a fresh object.
 */
export function fitRabbitMqSettings(mode: ModeName, overrides: Partial<RabbitMqSettings>): Partial<RabbitMqSettings> {
  const fixed: Partial<RabbitMqSettings> = { ...overrides };
  const preset = RABBITMQ_MODES[mode].settings as Partial<RabbitMqSettings>;
  const quorum = (fixed.queueType ?? preset.queueType) === 'quorum';
  if (quorum && (fixed.durable ?? preset.durable) === false) fixed.durable = true;
  if (!quorum && fixed.deliveryLimit !== undefined) delete fixed.deliveryLimit;
  const rejectsPublish = (fixed.maxLength ?? preset.maxLength ?? 0) > 0 && (fixed.overflow ?? preset.overflow) === 'reject-publish';
  if (rejectsPublish && (fixed.publisherConfirms ?? preset.publisherConfirms) === false && (fixed.publishRetries ?? preset.publishRetries ?? 0) > 0) fixed.publishRetries = 0;
  return fixed;
}

/** The consumer application's settings every family shares: DB retries, dedup, the failure policy. */
const APPLICATION_ARBS = {
  dbRetries: fc.integer({ min: 0, max: 5 }),
  dedup: fc.constantFrom(...DEDUP_STRATEGIES),
  onError: fc.constantFrom(...ON_ERROR),
  processingRetries: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant('unlimited' as const)),
};

/**
 * Kafka overrides of the delivery settings that decide guarantees (acks, retries, idempotence, in-flight,
 * buffer, replication, a broker cluster of --nodes, transactions, isolation.level and auto.offset.reset, commit strategy, DB retries,
 * dedup, the failure policy, assignor, membership), valid on top of `mode`'s preset (default at-least-once). Each key
 * is present or absent independently; absent keys keep the preset's value, so it shrinks toward the plain preset.
 */
export function settingsArb(mode: ModeName = 'at-least-once'): Arbitrary<Partial<DeliverySettings>> {
  return fc
    .record(
      {
        acks: fc.constantFrom<Acks>('all', 1, 0),
        retries: fc.integer({ min: 0, max: 5 }),
        enableIdempotence: fc.boolean(),
        maxInFlight: fc.integer({ min: 1, max: 5 }),
        producerBuffer: fc.constantFrom(...PRODUCER_BUFFERS),
        replicationFactor: fc.integer({ min: 1, max: 3 }),
        minInsyncReplicas: fc.integer({ min: 1, max: 3 }),
        // 0: the brokers abstracted into one actor; else a cluster of broker actors and a controller.
        nodes: fc.constantFrom(0, 3, 1),
        uncleanLeaderElection: fc.boolean(),
        transactions: fc.boolean(),
        isolationLevel: fc.constantFrom(...ISOLATION_LEVELS),
        autoOffsetReset: fc.constantFrom(...AUTO_OFFSET_RESETS),
        commit: fc.constantFrom(...COMMIT_STRATEGIES),
        ...APPLICATION_ARBS,
        assignor: fc.constantFrom(...ASSIGNORS),
        membership: fc.constantFrom(...MEMBERSHIPS),
      },
      { requiredKeys: [] },
    )
    .map((settings) => fitSettings(mode, settings));
}

/**
 * RabbitMQ overrides of the settings that decide guarantees (publisher confirms, re-publishes, unconfirmed in
 * flight, mandatory, persistent, the publisher's buffer, queue type, durability, quorum nodes, x-delivery-limit, a
 * dead-letter exchange, x-max-length and x-overflow, autoAck, prefetch, a single active consumer, nack or reject for a
 * requeue, consumer_timeout, the RabbitMQ release, DB retries, dedup, the failure policy),
 * valid on top of `mode`'s preset; absent keys keep the preset's value, so it shrinks toward the plain preset.
 */
export function rabbitMqSettingsArb(mode: ModeName = 'at-least-once'): Arbitrary<Partial<RabbitMqSettings>> {
  return fc
    .record(
      {
        publisherConfirms: fc.boolean(),
        publishRetries: fc.integer({ min: 0, max: 5 }),
        maxUnconfirmed: fc.integer({ min: 1, max: 5 }),
        mandatory: fc.boolean(),
        persistent: fc.boolean(),
        producerBuffer: fc.constantFrom<RabbitMqSettings['producerBuffer']>('memory', 'outbox'),
        queueType: fc.constantFrom(...QUEUE_TYPES),
        durable: fc.boolean(),
        nodes: fc.integer({ min: 1, max: 3 }),
        deliveryLimit: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant('unlimited' as const)),
        deadLetterExchange: fc.boolean(),
        maxLength: fc.integer({ min: 0, max: 8 }),
        overflow: fc.constantFrom(...OVERFLOWS),
        autoAck: fc.boolean(),
        prefetch: fc.integer({ min: 0, max: 5 }),
        singleActiveConsumer: fc.boolean(),
        requeueMethod: fc.constantFrom(...REQUEUE_METHODS),
        // Off, short enough that a consumer waiting on a lost DB reply trips it, or RabbitMQ's default (never here).
        deliveryAckTimeoutMs: fc.constantFrom(0, 12, 1800),
        rabbitmqVersion: fc.constantFrom(...RABBITMQ_VERSIONS),
        ...APPLICATION_ARBS,
      },
      { requiredKeys: [] },
    )
    .map((settings) => fitRabbitMqSettings(mode, settings));
}

export interface SimulationInputConstraints {
  /** The broker family of every input (its settings are drawn with `withSettings`). Default 'kafka'. */
  family?: FamilyName;
  /** Modes to draw from. Default: every mode. */
  modes?: readonly ModeName[];
  /** A fixed simulation seed, or undefined to draw one (0..2^31-1, shrinking toward 0). */
  seed?: number;
  workload?: WorkloadConstraints;
  /** Draw settings overrides too (default false: each mode's own preset, which is what its promises are about). */
  withSettings?: boolean;
  /** Draw a topology too (several producers, groups, members). Default: the one-of-each world. */
  topology?: TopologyConstraints;
}

/**
 * A SimulationInput (family, mode, seed, workload, optionally settings overrides and a topology) for `simulate` /
 * `resolveConfig`. Pair it with faultPlanArb({ family, workload: { messages: maxMessages } }) for the faults.
 */
export function simulationInputArb(constraints: SimulationInputConstraints = {}): Arbitrary<SimulationInput> {
  const modes = constraints.modes ?? MODE_NAMES;
  if (modes.length === 0 || modes.some((mode) => !MODE_NAMES.includes(mode))) throw new RangeError(`modes: must be a non-empty list of ${MODE_NAMES.join(', ')}`);
  const family = constraints.family ?? 'kafka';
  if (!FAMILY_NAMES.includes(family)) throw new RangeError(`family: must be one of ${FAMILY_NAMES.join(', ')}, got ${JSON.stringify(family)}`);
  const seed = constraints.seed === undefined ? fc.integer({ min: 0, max: 0x7fffffff }) : fc.constant(requireInteger('seed', constraints.seed, 0, Number.MAX_SAFE_INTEGER));
  const topology = constraints.topology === undefined ? fc.constant({}) : topologyArb(constraints.topology);
  const input = <S extends object>(settings: Arbitrary<S>) => fc.record({ mode: fc.constantFrom(...modes), seed, workload: workloadArb(constraints.workload), settings, topology });
  // The family names itself only when it is not the default, so a Kafka input stays what it always was.
  if (family === 'rabbitmq') {
    return input(constraints.withSettings === true ? rabbitMqSettingsArb() : fc.constant({})).map((drawn): SimulationInput => ({ family, ...drawn, settings: fitRabbitMqSettings(drawn.mode, drawn.settings) }));
  }
  return input(constraints.withSettings === true ? settingsArb() : fc.constant({}))
    .map((drawn): SimulationInput => ({ ...drawn, settings: fitSettings(drawn.mode, drawn.settings) }));
}
