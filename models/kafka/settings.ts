/**
 * The Kafka family's settings: producer, broker and consumer-client configs under their Kafka names (Apache Kafka
 * 3.x documentation), one SettingSpec row each, plus the three mode presets and the combinations the Kafka clients
 * refuse at construction.
 */
import { ConfigError } from '../config-error.js';
import type { ApplicationSettings } from '../settings/common.js';
import { nodesRow, specsOf } from '../settings/common.js';
import type { SettingSpec, SettingValue } from '../settings/spec.js';

export type Acks = 0 | 1 | 'all';
export type CommitStrategy = 'before-process' | 'after-process' | 'auto' | 'with-db-transaction';
export const COMMIT_STRATEGIES: readonly CommitStrategy[] = ['before-process', 'after-process', 'auto', 'with-db-transaction'];
export type ProducerBuffer = 'memory' | 'outbox';
export const PRODUCER_BUFFERS: readonly ProducerBuffer[] = ['memory', 'outbox'];
/** Kafka's partition assignors (`partition.assignment.strategy`): RangeAssignor and RoundRobinAssignor. */
export type Assignor = 'range' | 'round-robin';
export const ASSIGNORS: readonly Assignor[] = ['range', 'round-robin'];
/** Consumer group membership: static (each member has a `group.instance.id`, KIP-345) or dynamic (none). */
export type Membership = 'static' | 'dynamic';
export const MEMBERSHIPS: readonly Membership[] = ['static', 'dynamic'];
/**
 * When `enable.auto.commit` commits. `poll`: the Java KafkaConsumer (3.x, ConsumerCoordinator.maybeAutoCommitOffsetsAsync)
 * commits inside `poll()`, once auto.commit.interval.ms has passed, the positions of the records the previous polls
 * returned: with processing inside the poll loop, only processed records. `background`: librdkafka (and the clients
 * built on it: confluent-kafka-python/-go/-dotnet, node-rdkafka) commits from its background thread every interval
 * the offsets stored, and with enable.auto.offset.store=true (its default) an offset is stored when the message is
 * handed to the application, processed or not.
 */
export type AutoCommitStyle = 'poll' | 'background';
export const AUTO_COMMIT_STYLES: readonly AutoCommitStyle[] = ['poll', 'background'];
/** Consumer `isolation.level`: read_committed reads up to the last stable offset and skips aborted records. */
export type IsolationLevel = 'read_committed' | 'read_uncommitted';
export const ISOLATION_LEVELS: readonly IsolationLevel[] = ['read_uncommitted', 'read_committed'];
/** `auto.offset.reset` (`none`, which throws to the application, is not modelled). */
export type AutoOffsetReset = 'earliest' | 'latest';
export const AUTO_OFFSET_RESETS: readonly AutoOffsetReset[] = ['earliest', 'latest'];

/** The Kafka client and broker knobs that decide a delivery guarantee. Times are virtual milliseconds. */
export interface KafkaClientSettings {
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
  /**
   * Producer `delivery.timeout.ms` (Kafka 2.1+, KIP-91): the most time from a record's hand-over to its outcome.
   * A record not acknowledged by then, wherever it is (waiting for a leader, queued, backing off, in flight), fails
   * with a TimeoutException, whatever retries are left. At least `requestTimeoutMs` (Kafka refuses less).
   */
  deliveryTimeoutMs: number;
  /** Where handed-over messages wait: `memory` (lost when the producer crashes) or a durable `outbox` table, re-published until sent. */
  producerBuffer: ProducerBuffer;
  /** Topic `replication.factor`. */
  replicationFactor: number;
  /** Topic `min.insync.replicas`: with acks=all, fewer live in-sync replicas reject writes. */
  minInsyncReplicas: number;
  /** How long a follower takes to copy a record from the leader. */
  replicationDelayMs: number;
  /** How long a partition is offline while a new leader is elected. */
  leaderElectionMs: number;
  /**
   * Brokers B1..Bn, each an actor, with a controller (CTL) electing partition leaders; 0 (the default): the brokers
   * abstracted into one actor holding every replica (see models/kafka/cluster).
   */
  nodes: number;
  /** Broker `unclean.leader.election.enable` (with --nodes): the controller may elect a replica outside the ISR. */
  uncleanLeaderElection: boolean;
  /** Broker `replica.lag.time.max.ms` (with --nodes): a follower not caught up for this long leaves the ISR. */
  replicaLagTimeMaxMs: number;
  /** Controller `broker.session.timeout.ms` (with --nodes): a broker whose heartbeats stop this long is fenced. */
  brokerSessionTimeoutMs: number;
  /** Broker `broker.heartbeat.interval.ms` (with --nodes). */
  brokerHeartbeatIntervalMs: number;
  /** Consumer offset commit strategy. */
  commit: CommitStrategy;
  /** Consumer `auto.commit.interval.ms` (with commit=auto). */
  autoCommitIntervalMs: number;
  /** With commit=auto: commit inside poll() (Java client) or on a background timer (librdkafka). */
  autoCommitStyle: AutoCommitStyle;
  /** Consumer `max.poll.records`. */
  maxPollRecords: number;
  /** Pause between polls when a fetch returned nothing. */
  pollIntervalMs: number;
  /** Consumer `partition.assignment.strategy`: how a group's partitions are shared among its live members. */
  assignor: Assignor;
  /**
   * Consumer `group.instance.id`: with static membership a member that restarts within its session keeps its
   * partitions without a rebalance; with dynamic membership a restarted member joins as a new one (a rebalance),
   * and its old self stays in the group until its session expires.
   */
  membership: Membership;
  /** Consumer `session.timeout.ms`: a member whose heartbeats stop this long is removed from its group (rebalance). */
  sessionTimeoutMs: number;
  /** Consumer `heartbeat.interval.ms`: how often the background heartbeat goes to the group coordinator. */
  heartbeatIntervalMs: number;
  /** Consumer `max.poll.interval.ms`: a member that does not poll this long drops out of its group (and the rebalance waits this long for members to rejoin). */
  maxPollIntervalMs: number;
  /** Broker `group.initial.rebalance.delay.ms`: how long a new group waits for more members before its first rebalance. */
  initialRebalanceDelayMs: number;
  /**
   * Producer `transactional.id` set: the producers become consume-transform-produce stages that read their input
   * topic and write each `transactionMessages` records, with the input offsets, in one Kafka transaction.
   */
  transactions: boolean;
  /** Records per transaction (the application's batch between beginTransaction and commitTransaction). */
  transactionMessages: number;
  /** Consumer `isolation.level`. */
  isolationLevel: IsolationLevel;
  /** Consumer `auto.offset.reset`: where a group with no committed offset for a partition starts reading. */
  autoOffsetReset: AutoOffsetReset;
}

/** Every setting of a Kafka run: the clients' and the consumer application's. */
export type KafkaSettings = KafkaClientSettings & ApplicationSettings;

/** Settings derived from the rest of the config when not given (their spec says how), so no preset sets them. */
export type DerivedKafkaSetting = 'initialRebalanceDelayMs' | 'transactions' | 'transactionMessages' | 'isolationLevel' | 'autoOffsetReset' | 'nodes' | 'uncleanLeaderElection' | 'replicaLagTimeMaxMs' | 'brokerSessionTimeoutMs' | 'brokerHeartbeatIntervalMs';

export const KAFKA_SETTINGS: readonly SettingSpec[] = specsOf<KafkaClientSettings>('settings', {
  acks: { component: 'producer', flag: 'acks', realName: 'acks', kind: { type: 'acks' }, doc: 'how many replicas must have a record before the producer hears "stored": 0 (none, no answer), 1 (the leader), all (every in-sync replica)' },
  retries: { component: 'producer', flag: 'retries', realName: 'retries', kind: { type: 'int', min: 0, max: 1000 }, doc: 'producer re-sends per message after a timeout or a retriable error' },
  retryBackoffMs: { component: 'producer', flag: 'retry-backoff-ms', realName: 'retry.backoff.ms', kind: { type: 'number', min: 0, max: 60_000 }, doc: 'first retry backoff, doubled per retry' },
  retryBackoffMaxMs: { component: 'producer', flag: 'retry-backoff-max-ms', realName: 'retry.backoff.max.ms', kind: { type: 'number', min: { ref: 'retryBackoffMs' }, max: 60_000 }, doc: 'cap of the exponential retry backoff' },
  requestTimeoutMs: { component: 'producer', flag: 'request-timeout-ms', realName: 'request.timeout.ms', kind: { type: 'number', min: 0.1, max: 60_000 }, doc: 'how long the producer waits for a produce response before it retries' },
  enableIdempotence: { component: 'producer', flag: 'idempotence', realName: 'enable.idempotence', kind: { type: 'bool' }, doc: 'producer id + per-partition sequence numbers, so the broker drops retried duplicates (needs acks=all, max-in-flight <= 5)' },
  deliveryTimeoutMs: {
    component: 'producer',
    flag: 'delivery-timeout-ms',
    realName: 'delivery.timeout.ms',
    kind: { type: 'number', min: 0.1, max: 3_600_000 },
    doc: 'the most time from hand-over to a send\'s outcome (Kafka 2.1+): a record not acknowledged by then (waiting for a leader, queued, backing off, in flight) fails with a TimeoutException; at least --request-timeout-ms',
    deadline: true,
  },
  maxInFlight: { component: 'producer', flag: 'max-in-flight', realName: 'max.in.flight.requests.per.connection', kind: { type: 'int', min: 1, max: 100 }, doc: 'unanswered produce requests per partition (> 1 with retries can reorder)' },
  producerBuffer: { component: 'producer', flag: 'producer-buffer', realName: 'in-memory buffer or transactional outbox', kind: { type: 'enum', values: PRODUCER_BUFFERS }, doc: 'memory (lost on a producer crash) or a durable outbox table: a row stays until its send succeeds; the relay re-publishes a row the producer gave up, and a restart re-sends every row' },
  replicationFactor: { component: 'broker', flag: 'replication-factor', realName: 'replication.factor', kind: { type: 'int', min: 1, max: 7 }, doc: 'replicas per partition' },
  minInsyncReplicas: { component: 'broker', flag: 'min-insync-replicas', realName: 'min.insync.replicas', kind: { type: 'int', min: 1, max: { ref: 'replicationFactor' } }, doc: 'with acks=all, writes are refused while fewer replicas are in sync' },
  replicationDelayMs: { component: 'broker', flag: 'replication-delay-ms', realName: 'time for a follower to copy a record', kind: { type: 'number', min: 0, max: 60_000 }, doc: 'how long a follower takes to copy a record from the leader' },
  leaderElectionMs: { component: 'broker', flag: 'leader-election-ms', realName: 'time a partition has no leader after a failure', kind: { type: 'number', min: 0, max: 60_000 }, doc: 'how long a partition is offline after its leader fails' },
  nodes: nodesRow({
    component: 'broker',
    realName: 'brokers in the cluster (KRaft, Kafka 3.7+)',
    min: 0,
    doc: 'brokers B1..Bn, each an actor, replicas placed round robin, followers fetching from leaders over the network, a controller (CTL) electing leaders; 0: the brokers abstracted into one actor holding every replica',
    default: { text: '0 (the brokers abstracted into one actor)', derive: () => 0 },
  }),
  uncleanLeaderElection: {
    component: 'broker',
    flag: 'unclean-leader-election',
    realName: 'unclean.leader.election.enable',
    kind: { type: 'bool' },
    doc: 'with --nodes: when no in-sync replica is alive, the controller elects any live replica (the records only the old ISR had are lost) instead of leaving the partition offline',
    default: { text: 'false', derive: () => false },
  },
  replicaLagTimeMaxMs: {
    component: 'broker',
    flag: 'replica-lag-time-max-ms',
    realName: 'replica.lag.time.max.ms',
    kind: { type: 'number', min: 0.1, max: 3_600_000 },
    doc: 'with --nodes: a follower that has not caught up with the leader for this long leaves the ISR (it rejoins once caught up)',
    // Kafka's default is 30 s; times here are scaled 1000x down (session.timeout.ms 45 s is 45 ms), so 30 ms: a
    // follower cut off for a third of a default workload's run leaves the ISR, one held up by a latency spike does not.
    default: { text: '30 (Kafka\'s 30 s, scaled like the other times)', derive: () => 30 },
  },
  brokerSessionTimeoutMs: {
    component: 'broker',
    flag: 'broker-session-timeout-ms',
    realName: 'broker.session.timeout.ms',
    kind: { type: 'number', min: 0.1, max: 3_600_000 },
    doc: 'with --nodes: the controller fences a broker whose heartbeats stop this long and moves its partition leaderships',
    default: { text: '9 (Kafka\'s 9 s, scaled)', derive: () => 9 },
  },
  brokerHeartbeatIntervalMs: {
    component: 'broker',
    flag: 'broker-heartbeat-interval-ms',
    realName: 'broker.heartbeat.interval.ms',
    kind: { type: 'number', min: 0.1, max: { ref: 'brokerSessionTimeoutMs' } },
    doc: 'with --nodes: how often a broker heartbeats to the controller (and learns the partitions\' leaders and ISRs from its answer)',
    default: { text: '2 (Kafka\'s 2 s, scaled)', derive: () => 2 },
  },
  initialRebalanceDelayMs: {
    component: 'broker',
    flag: 'initial-rebalance-delay-ms',
    realName: 'group.initial.rebalance.delay.ms',
    kind: { type: 'number', min: 0, max: 3_600_000 },
    doc: 'how long a new consumer group waits for more members to join before its first rebalance (so they start with a share each)',
    // Kafka's default is 3 s; scaled like the other times. With one member per group there is nobody to wait for.
    default: { text: '3 ms when groups have several members, else 0', derive: (groups) => ((groups.topology.consumers as number) > 1 ? 3 : 0) },
  },
  transactions: {
    component: 'producer',
    flag: 'transactions',
    realName: 'transactional.id (set)',
    kind: { type: 'bool' },
    doc: 'consume-transform-produce with Kafka transactions: each producer reads its input topic and writes records and input offsets atomically (initTransactions fences zombies); needs --idempotence true',
    default: { text: 'false', derive: () => false },
  },
  transactionMessages: {
    component: 'producer',
    flag: 'transaction-messages',
    realName: 'records per transaction (beginTransaction .. commitTransaction)',
    kind: { type: 'int', min: 1, max: 1000 },
    doc: 'input records the transform stage processes in one transaction (with --transactions true)',
    default: { text: '3', derive: () => 3 },
  },
  isolationLevel: {
    component: 'consumer',
    flag: 'isolation-level',
    realName: 'isolation.level',
    kind: { type: 'enum', values: ISOLATION_LEVELS },
    doc: 'read_committed: read up to the last stable offset, skipping aborted records; read_uncommitted (Kafka\'s default): everything up to the high watermark',
    default: { text: 'read_uncommitted', derive: () => 'read_uncommitted' },
  },
  autoOffsetReset: {
    component: 'consumer',
    flag: 'auto-offset-reset',
    realName: 'auto.offset.reset',
    kind: { type: 'enum', values: AUTO_OFFSET_RESETS },
    doc: "where a group starts on a partition it has no committed offset for: earliest (the log's start) or latest (its end when the consumer first fetches: what was appended before is skipped, so a group that starts after its producer never reads it; the consumer commits the position it reset to at once). A position past a new leader's log end resets to that leader's end either way (KIP-320's truncation handling)",
    // Derived, not preset: the presets start a group at the log's start, as delivery-minded consumers configure.
    default: { text: "earliest (Kafka's own default is latest)", derive: () => 'earliest' },
  },
  commit: { component: 'consumer', flag: 'commit', realName: 'offset commit strategy (enable.auto.commit, commit before/after processing, offsets in the DB)', kind: { type: 'enum', values: COMMIT_STRATEGIES }, doc: 'when the consumer commits its offsets: before processing, after processing, auto (enable.auto.commit), or in the DB transaction of the effect' },
  autoCommitIntervalMs: { component: 'consumer', flag: 'auto-commit-interval-ms', realName: 'auto.commit.interval.ms', kind: { type: 'number', min: 0.1, max: 60_000 }, doc: 'auto-commit interval (with --commit auto)' },
  autoCommitStyle: {
    component: 'consumer',
    flag: 'auto-commit-style',
    realName: 'where enable.auto.commit commits: inside poll() (Java KafkaConsumer) or a background thread (librdkafka)',
    kind: { type: 'enum', values: AUTO_COMMIT_STYLES },
    doc: 'with --commit auto: poll (the Java client: each poll() commits, once the interval has passed, what the previous polls returned, so a crash redelivers) or background (librdkafka: a timer commits the offsets of records handed to the application, processed or not, so a crash can lose)',
  },
  maxPollRecords: { component: 'consumer', flag: 'max-poll-records', realName: 'max.poll.records', kind: { type: 'int', min: 1, max: 10_000 }, doc: 'records one poll hands to the application' },
  pollIntervalMs: { component: 'consumer', flag: 'poll-interval-ms', realName: 'pause after an empty poll', kind: { type: 'number', min: 0.1, max: 60_000 }, doc: 'pause after a fetch that returned nothing' },
  assignor: { component: 'consumer', flag: 'assignor', realName: 'partition.assignment.strategy', kind: { type: 'enum', values: ASSIGNORS }, doc: "how a group's partitions are shared among its members: range (RangeAssignor) or round-robin (RoundRobinAssignor)" },
  membership: { component: 'consumer', flag: 'membership', realName: 'group.instance.id (set: static membership, KIP-345)', kind: { type: 'enum', values: MEMBERSHIPS }, doc: 'static: a member restarted within session.timeout.ms keeps its partitions; dynamic: a restart is a new member and the group rebalances' },
  sessionTimeoutMs: { component: 'consumer', flag: 'session-timeout-ms', realName: 'session.timeout.ms', kind: { type: 'number', min: 1, max: 3_600_000 }, doc: 'a member whose heartbeats stop this long (a crash, a cut link) is removed from its group and its partitions rebalanced' },
  heartbeatIntervalMs: { component: 'consumer', flag: 'heartbeat-interval-ms', realName: 'heartbeat.interval.ms', kind: { type: 'number', min: 0.1, max: { ref: 'sessionTimeoutMs' } }, doc: "the background heartbeat's interval (at most session.timeout.ms)" },
  maxPollIntervalMs: { component: 'consumer', flag: 'max-poll-interval-ms', realName: 'max.poll.interval.ms', kind: { type: 'number', min: 1, max: 3_600_000 }, doc: 'a member that does not poll this long drops out of its group (a dynamic member sends LeaveGroup; a static one is removed only if its session expires before it rejoins); also how long a rebalance waits for members to rejoin' },
});

/**
 * KafkaProducer.configureDeliveryTimeout (Kafka 2.1+): a delivery.timeout.ms left at its default but below
 * linger.ms + request.timeout.ms is raised to that sum (with a warning); one the user set is refused
 * (checkKafkaCombinations). The presets' value stands for the default here.
 */
export function fitKafkaDefaults(settings: Record<string, SettingValue>, given: Readonly<Record<string, unknown>>): void {
  const requestTimeoutMs = settings.requestTimeoutMs;
  if (given.deliveryTimeoutMs === undefined && typeof requestTimeoutMs === 'number' && (settings.deliveryTimeoutMs as number) < requestTimeoutMs) settings.deliveryTimeoutMs = requestTimeoutMs;
}

/**
 * Kafka refuses these combinations when the producer is built; so do we, with Kafka's reason. Kafka 3.x
 * (ProducerConfig.postProcessAndValidateIdempotenceConfigs, 3.2 on) throws a ConfigException for an idempotent
 * producer the user configured with retries=0, acks other than all, or more than 5 requests in flight. Every preset
 * here sets enable.idempotence explicitly (the exactly-once preset to true), so these are always refused; Kafka
 * disables idempotence silently instead only when enable.idempotence was left at its default (true since 3.0),
 * which here means giving --idempotence false with such settings.
 */
export function checkKafkaCombinations(settings: KafkaSettings): void {
  // Kafka's InvalidReplicationFactorException when the topic is created (CreateTopics).
  if (settings.nodes > 0 && settings.replicationFactor > settings.nodes) throw new ConfigError('replicationFactor', settings.replicationFactor, `at most --nodes ${settings.nodes} (Kafka: "Replication factor: ${settings.replicationFactor} larger than available brokers: ${settings.nodes}.")`);
  // KafkaProducer: "Cannot set a transactional.id without also enabling idempotence."
  if (settings.transactions && !settings.enableIdempotence) throw new ConfigError('transactions', true, 'false unless idempotence is on (Kafka: "Cannot set a transactional.id without also enabling idempotence.")');
  // KafkaProducer.configureDeliveryTimeout (2.1+, KIP-91); the model has no linger.ms (0, Kafka's default before 4.0).
  if (settings.deliveryTimeoutMs < settings.requestTimeoutMs) throw new ConfigError('deliveryTimeoutMs', settings.deliveryTimeoutMs, `at least --request-timeout-ms ${settings.requestTimeoutMs} (Kafka: "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms")`);
  if (!settings.enableIdempotence) return;
  if (settings.retries === 0) throw new ConfigError('retries', 0, `at least 1 with enable.idempotence=true (Kafka: "Must set retries to non-zero when using the idempotent producer.")`);
  if (settings.acks !== 'all') throw new ConfigError('acks', settings.acks, `all with enable.idempotence=true (Kafka: "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.")`);
  if (settings.maxInFlight > 5) throw new ConfigError('maxInFlight', settings.maxInFlight, `at most 5 with enable.idempotence=true (Kafka: "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.")`);
}
