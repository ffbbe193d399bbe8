/**
 * Named, documented setups: a workload, a fault plan (or rates) and settings that force one mechanism,
 * with the verdict each mode is expected to reach. `default` is what a plain `simulate --mode X --seed N` runs.
 * Settings overrides apply on top of every mode's preset; the promises stay the mode's, so an override that
 * weakens a mode is reported as VIOLATED — which is the point of the anti-pattern scenarios.
 */
import type { DeliverySettings, FamilyName, ModeName, TimingSettings, TopologySettings, WorkloadSettings } from '../models/config.js';
import type { RabbitMqSettings } from '../models/rabbitmq/settings.js';
import { RABBITMQ_SCENARIOS } from './rabbitmq.js';
import { KAFKA_CLUSTER_SCENARIOS } from './kafka-cluster.js';
import type { FaultPlan } from '../models/faults/catalog.js';
import type { InvariantName } from '../models/modes.js';

/** `holds`: never breaks; `breaks`: breaks in this scenario; `may-break`: breaks for some seeds (rate-driven). */
export type Expectation = 'holds' | 'breaks' | 'may-break';

/** Per mode: loss, duplicates and order; liveness when the scenario breaks it; whether records end up parked. */
export type ModeExpectation = Record<Exclude<InvariantName, 'liveness'>, Expectation> & { liveness?: Expectation; parked?: 'none' | 'some' };

export interface Scenario {
  name: string;
  /** The broker family it runs in (absent: kafka). */
  family?: FamilyName;
  /** One line: what it shows. */
  summary: string;
  /** The mechanism in domain words, for `simulate list` and reports. */
  mechanism: string;
  workload?: Partial<WorkloadSettings>;
  topology?: Partial<TopologySettings>;
  settings?: Partial<DeliverySettings> | Partial<RabbitMqSettings>;
  timing?: Partial<TimingSettings>;
  /** A fault preset name, or an explicit plan. */
  faults: string | FaultPlan;
  expected: Record<ModeName, ModeExpectation>;
}

const plan = (...faults: FaultPlan['faults']): FaultPlan => ({ version: 1, faults });
const allHold = { loss: 'holds', duplicates: 'holds', order: 'holds' } as const;
/** A transactional producer as Kafka accepts one in every mode: idempotent, so acks=all and retries. */
const TRANSACTIONAL = { transactions: true, enableIdempotence: true, acks: 'all', retries: 100 } as const;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'default',
    summary: 'the workload and fault rates behind a plain `simulate --mode X --seed N`',
    mechanism: 'every fault kind at low rates over 40 messages, 4 keys, 2 partitions; each mode shows its expected breaks over a few hundred seeds',
    faults: 'default',
    expected: {
      'at-most-once': { loss: 'may-break', duplicates: 'holds', order: 'may-break' },
      'at-least-once': { loss: 'holds', duplicates: 'may-break', order: 'may-break' },
      'exactly-once': allHold,
    },
  },
  {
    name: 'lost-ack-retry',
    summary: "the broker stores m3 but its ack is lost; the producer retries and the log holds m3 twice",
    mechanism: 'ack lost after append => retry => duplicate in the log without enable.idempotence; the idempotent producer\'s sequence number lets the broker drop the retry',
    workload: { messages: 6, keys: 2, partitions: 1 },
    faults: plan({ kind: 'ack-lost', message: 'm3', attempt: 1 }),
    expected: {
      'at-most-once': allHold,
      'at-least-once': { loss: 'holds', duplicates: 'breaks', order: 'holds' },
      'exactly-once': allHold,
    },
  },
  {
    name: 'crash-after-db-commit',
    summary: 'the consumer crashes after the DB commit of m3 and before committing its offset; it re-processes m3 on restart',
    mechanism: 'the gap between the DB transaction and the offset commit: commit-after-process re-delivers; offsets or a dedup key stored in the same DB transaction close the gap',
    workload: { messages: 6, keys: 2, partitions: 1 },
    faults: plan({ kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'after-db-commit' }),
    expected: {
      'at-most-once': { loss: 'may-break', duplicates: 'holds', order: 'holds' },
      'at-least-once': { loss: 'holds', duplicates: 'breaks', order: 'holds' },
      'exactly-once': allHold,
    },
  },
  {
    name: 'lost-request',
    summary: 'the produce request for m3 is lost on the way to the broker',
    mechanism: 'acks=0 never learns of the loss and never retries (at-most-once loses m3); acks=all times out and retries',
    workload: { messages: 6, keys: 2, partitions: 1 },
    faults: plan({ kind: 'request-lost', message: 'm3', attempt: 1 }),
    expected: {
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' },
      'at-least-once': { loss: 'holds', duplicates: 'holds', order: 'may-break' },
      'exactly-once': allHold,
    },
  },
  {
    name: 'crash-after-early-commit',
    summary: 'the consumer commits the offset past m3, then crashes before processing it',
    mechanism: 'commit-before-process: the committed offset already covers m3, so the restarted consumer never sees it again (at-most-once loses it)',
    workload: { messages: 6, keys: 2, partitions: 1 },
    faults: plan({ kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'after-fetch' }),
    expected: {
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' },
      'at-least-once': { loss: 'holds', duplicates: 'may-break', order: 'holds' },
      'exactly-once': allHold,
    },
  },
  {
    name: 'leader-failover-acks-1',
    summary: 'acks=1: the leader acknowledges m3 and fails before any follower copied it; the new leader never had m3',
    mechanism: 'acks=1 answers after the leader\'s own append; a failover before replication truncates an acknowledged record (acks=all with min.insync.replicas=2 waits for a copy first)',
    workload: { messages: 6, keys: 2, partitions: 1 },
    settings: { acks: 1, enableIdempotence: false },
    faults: plan({ kind: 'leader-failover', message: 'm3' }),
    expected: {
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' },
      'at-least-once': { loss: 'breaks', duplicates: 'holds', order: 'may-break' },
      'exactly-once': { loss: 'breaks', duplicates: 'holds', order: 'may-break' },
    },
  },
  {
    name: 'auto-commit-slow-consumer',
    summary: 'auto-commit every 2 ms while processing takes 6 ms; the consumer crashes mid-processing of m2',
    mechanism:
      "the Java client's enable.auto.commit commits inside poll(), only what the previous polls returned and the loop processed: a crash mid-batch redelivers, nothing is lost (librdkafka's background commit, --auto-commit-style background, commits records handed over but not processed: the same crash loses them)",
    workload: { messages: 6, keys: 2, partitions: 1 },
    settings: { commit: 'auto', autoCommitIntervalMs: 2, processingMs: 6, maxPollRecords: 5 },
    faults: plan({ kind: 'consumer-crash', message: 'm2', delivery: 1, point: 'mid-process' }),
    // Until the Java client's poll-time auto-commit was modelled (autoCommitStyle=poll, the default), this scenario
    // committed in the background and lost records in every mode; with --auto-commit-style background it still does.
    expected: {
      'at-most-once': allHold,
      'at-least-once': allHold,
      'exactly-once': allHold,
    },
  },
  {
    name: 'retry-reorder',
    summary: 'with 5 requests in flight, m1\'s request is lost; m2.. land first and m1\'s retry lands after them',
    mechanism: 'max.in.flight.requests > 1 with retries reorders a key without idempotence; the idempotent producer\'s sequence check refuses out-of-order batches so retries keep the order',
    workload: { messages: 4, keys: 1, partitions: 1, produceIntervalMs: 0.1 },
    faults: plan({ kind: 'request-lost', message: 'm1', attempt: 1 }),
    expected: {
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' },
      'at-least-once': { loss: 'holds', duplicates: 'holds', order: 'breaks' },
      'exactly-once': allHold,
    },
  },
  {
    name: 'dedup-outside-transaction',
    summary: 'dedup key checked and marked in separate transactions; the consumer crashes between the effect and the mark',
    mechanism: 'an idempotent consumer only works if the dedup key is written in the same transaction as the effect; here the effect of m3 commits, the crash comes before the mark, and the re-delivery passes the check',
    workload: { messages: 6, keys: 2, partitions: 1 },
    settings: { dedup: 'separate-transaction', commit: 'after-process' },
    faults: plan({ kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'after-db-commit' }),
    expected: {
      'at-most-once': { loss: 'holds', duplicates: 'breaks', order: 'holds' },
      'at-least-once': { loss: 'holds', duplicates: 'breaks', order: 'holds' },
      'exactly-once': { loss: 'holds', duplicates: 'breaks', order: 'holds' },
    },
  },
  {
    name: 'rebalance-duplicates',
    summary: 'two consumers share a group; g1/c1 crashes after the DB commit of m3 and stays down past session.timeout.ms, so its partition moves to g1/c2, which processes m3 again',
    mechanism: 'the group coordinator removes a member whose heartbeats stop for session.timeout.ms and rebalances; the new owner resumes from the committed offset, which does not cover what the crashed member processed: commit-after-process re-processes it (at-least-once duplicates); offsets stored in the DB transaction close the gap',
    workload: { messages: 8, keys: 1, partitions: 2 },
    topology: { consumers: 2 },
    // Down for 100 ms, past session.timeout.ms (45): the coordinator removes it and its partition moves.
    timing: { restartDelayMs: 100, faultyPhaseMs: 150 },
    faults: plan({ kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'after-db-commit' }),
    expected: {
      'at-most-once': { loss: 'may-break', duplicates: 'holds', order: 'holds' },
      'at-least-once': { loss: 'holds', duplicates: 'breaks', order: 'holds' },
      'exactly-once': allHold,
    },
  },
  {
    name: 'pubsub-two-groups',
    summary: "two consumer groups subscribe to the topic; group g2's consumer crashes after the DB commit of m3, group g1 is untouched",
    mechanism: 'pub/sub: each group gets every message, with its own committed offsets and its own effects, and each is judged on its own; the crash re-delivers m3 in g2 only',
    workload: { messages: 6, keys: 2, partitions: 1 },
    topology: { groups: 2 },
    faults: plan({ kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'after-db-commit', consumer: 'g2/c1' }),
    expected: {
      'at-most-once': { loss: 'may-break', duplicates: 'holds', order: 'holds' },
      'at-least-once': { loss: 'holds', duplicates: 'breaks', order: 'holds' },
      'exactly-once': allHold,
    },
  },
  {
    name: 'poison-message-dead-letter',
    summary: 'the business logic throws on every delivery of m3 (a poison message); the consumer retries it with a growing backoff, then dead-letters it',
    mechanism: "a record that keeps failing is redelivered processing-retries times (backoff doubling each time), then published to events.DLT (Spring Kafka's DeadLetterPublishingRecoverer): parked, neither applied nor lost, and the partition moves on; at-most-once's preset skips it at once and loses it",
    workload: { messages: 6, keys: 2, partitions: 1 },
    faults: plan({ kind: 'processing-error', message: 'm3', deliveries: 'always' }),
    expected: {
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'holds', parked: 'none' },
      'at-least-once': { ...allHold, parked: 'some' },
      'exactly-once': { ...allHold, parked: 'some' },
    },
  },
  {
    name: 'poison-message-skip',
    summary: 'a poison message m3 with --on-error skip: after its retries the consumer skips it',
    mechanism: "skipping a record that keeps failing (Spring Kafka's default recoverer logs it and moves on) loses it: at-least-once and exactly-once report loss VIOLATED; a dead-letter topic keeps it instead",
    workload: { messages: 6, keys: 2, partitions: 1 },
    settings: { onError: 'skip' },
    faults: plan({ kind: 'processing-error', message: 'm3', deliveries: 'always' }),
    expected: {
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'holds', parked: 'none' },
      'at-least-once': { loss: 'breaks', duplicates: 'holds', order: 'holds', parked: 'none' },
      'exactly-once': { loss: 'breaks', duplicates: 'holds', order: 'holds', parked: 'none' },
    },
  },
  {
    name: 'poison-message-blocks-partition',
    summary: 'a poison message m3 with --on-error retry: the consumer retries it forever and the records behind it never come',
    mechanism: 'endless retry of a record that can never succeed blocks its partition: nothing behind it is processed, and after healing the run makes no progress, so liveness breaks (reported at once by the progress watchdog, not after a limit)',
    workload: { messages: 6, keys: 2, partitions: 1 },
    settings: { onError: 'retry' },
    faults: plan({ kind: 'processing-error', message: 'm3', deliveries: 'always' }),
    expected: {
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'holds', liveness: 'breaks', parked: 'none' },
      'at-least-once': { loss: 'breaks', duplicates: 'holds', order: 'holds', liveness: 'breaks', parked: 'none' },
      'exactly-once': { loss: 'breaks', duplicates: 'holds', order: 'holds', liveness: 'breaks', parked: 'none' },
    },
  },
  {
    name: 'kafka-eos-read-process-write',
    summary: 'consume-transform-produce with Kafka transactions and read_committed: an aborted transaction, a crash before EndTxn, a zombie and a coordinator failover, and still every record once',
    mechanism:
      'exactly-once inside Kafka: the stage writes its output records and its input offsets in one transaction; an abort or a crash rewinds it to the committed input offset, initTransactions fences the zombie, and read_committed consumers never see the aborted copies',
    workload: { messages: 9, keys: 3, partitions: 2 },
    settings: { ...TRANSACTIONAL, isolationLevel: 'read_committed' },
    // Long enough for the last transaction's window to come before healing, after the crash's restart delay.
    timing: { faultyPhaseMs: 120 },
    faults: plan(
      { kind: 'transaction-abort', message: 'm2' },
      { kind: 'producer-crash', message: 'm6', point: 'before-commit' },
      { kind: 'zombie-producer', message: 'm9' },
      { kind: 'transaction-coordinator-failover', message: 'm3' },
    ),
    expected: { 'at-most-once': allHold, 'at-least-once': allHold, 'exactly-once': allHold },
  },
  {
    name: 'kafka-aborted-transaction',
    summary: 'the transform stage aborts the transaction holding m2 after writing m1 and m2; a read_uncommitted consumer applies the aborted copies (add --isolation-level read_committed and it never sees them)',
    mechanism:
      "an aborted transaction's records stay in the log, followed by an ABORT marker; read_uncommitted reads up to the high watermark, aborted records included (stats.abortedApplied), and the rewritten copies make duplicates; read_committed reads up to the last stable offset and drops aborted records",
    workload: { messages: 6, keys: 2, partitions: 1 },
    settings: { ...TRANSACTIONAL, isolationLevel: 'read_uncommitted' },
    faults: plan({ kind: 'transaction-abort', message: 'm2' }),
    expected: {
      'at-most-once': { loss: 'holds', duplicates: 'breaks', order: 'holds' },
      'at-least-once': { loss: 'holds', duplicates: 'breaks', order: 'holds' },
      // The dedup key in the DB transaction hides the second copy; the aborted one was still applied.
      'exactly-once': allHold,
    },
  },
  {
    name: 'kafka-eos-db-sink-duplicates',
    summary: 'Kafka transactions end to end with read_committed, but the downstream consumer writes to the DB without dedup and commits after processing; it crashes after the DB commit of m3',
    mechanism:
      'exactly-once inside Kafka (stats.transactions.committedDuplicates is 0) does not reach a DB: the sink is outside the transaction, so the crash between the DB commit and the offset commit re-delivers m3 and a non-idempotent write applies it twice; storing the offset or a dedup key in the DB transaction closes the gap',
    workload: { messages: 6, keys: 2, partitions: 1 },
    settings: { ...TRANSACTIONAL, isolationLevel: 'read_committed', commit: 'after-process', dedup: 'none' },
    faults: plan({ kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'after-db-commit' }),
    expected: {
      'at-most-once': { loss: 'holds', duplicates: 'breaks', order: 'holds' },
      'at-least-once': { loss: 'holds', duplicates: 'breaks', order: 'holds' },
      'exactly-once': { loss: 'holds', duplicates: 'breaks', order: 'holds' },
    },
  },
  {
    name: 'kafka-auto-offset-reset-latest',
    summary: 'no fault at all, but the consumer group has no committed offset and auto.offset.reset=latest (Kafka\'s own default): m1, appended before the consumer first looked, is never read',
    mechanism:
      'a group with no committed offset for a partition starts where auto.offset.reset says: latest puts it at the partition\'s end when the consumer first fetches, past every record appended before (a group deployed after its producer); earliest, the presets\' choice, starts at the log\'s start',
    workload: { messages: 6, keys: 2, partitions: 1 },
    settings: { autoOffsetReset: 'latest' },
    faults: 'none',
    expected: {
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' },
      'at-least-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' },
      'exactly-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' },
    },
  },
  ...KAFKA_CLUSTER_SCENARIOS,
  ...RABBITMQ_SCENARIOS,
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
