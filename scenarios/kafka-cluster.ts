/**
 * Scenarios after the published chaos tests of Kafka clusters (Jepsen's Kafka analysis, 2013; Jack Vanlightly's
 * "RabbitMQ vs Kafka Part 6: Fault Tolerance and High Availability with Kafka", 2018): a leader killed or cut off
 * from the controller under acks=0, 1 and all; an unclean election; min.insync.replicas 1 vs 2 with a lagging
 * follower; and Kafka transactions through a leader's crash. Each runs a broker cluster (--nodes), where brokers are
 * actors and a controller elects leaders.
 */
import type { FaultPlan } from '../models/faults/catalog.js';
import type { Scenario } from './scenarios.js';

const plan = (...faults: FaultPlan['faults']): FaultPlan => ({ version: 1, faults });
const allHold = { loss: 'holds', duplicates: 'holds', order: 'holds' } as const;
/** Three brokers, partition 0 on B1 (its preferred leader), B2, B3. */
const CLUSTER = { nodes: 3 } as const;
/** No idempotent producer: Kafka refuses one with acks other than all. */
const ACKS_0 = { ...CLUSTER, acks: 0, enableIdempotence: false } as const;
const ACKS_1 = { ...CLUSTER, acks: 1, enableIdempotence: false } as const;
/** Long enough for a producer to wait out a leader's restart (Kafka's 120 s, scaled to 120 ms, is shorter). */
const PATIENT = { deliveryTimeoutMs: 1000 } as const;
/** A consumer a little behind (2 ms per record): what the leader acknowledged alone is not all read yet when it fails. */
const LAGGING_CONSUMER = { processingMs: 2 } as const;

export const KAFKA_CLUSTER_SCENARIOS: readonly Scenario[] = [
  {
    name: 'kafka-acks0-leader-kill',
    summary: "acks=0 on three brokers: m3's leader B1 crashes right after appending it, before a follower copied it",
    mechanism:
      'acks=0 never hears of the crash: the record only the dead leader had is truncated when B2, from the ISR, takes over (and B1 truncates it on restart, KIP-101); what was in flight to B1 is gone with its connection. Every mode loses, as the published tests found',
    workload: { messages: 6, keys: 2, partitions: 1 },
    settings: ACKS_0,
    faults: plan({ kind: 'leader-failover', message: 'm3' }),
    expected: {
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' },
      'at-least-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' },
      'exactly-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' },
    },
  },
  {
    name: 'kafka-acks1-leader-kill',
    summary: "acks=1 on three brokers: B1 acknowledges m3 and crashes before a follower copied it",
    mechanism:
      "acks=1 answers after the leader's own append: the controller fences B1 after broker.session.timeout.ms and elects B2 from the ISR, which never had m3 (an acknowledged write lost); acks=all would have waited for the ISR",
    workload: { messages: 6, keys: 2, partitions: 1 },
    settings: ACKS_1,
    faults: plan({ kind: 'leader-failover', message: 'm3' }),
    expected: {
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' },
      'at-least-once': { loss: 'breaks', duplicates: 'holds', order: 'may-break' },
      'exactly-once': { loss: 'breaks', duplicates: 'holds', order: 'may-break' },
    },
  },
  {
    name: 'kafka-acksall-leader-kill',
    summary: "acks=all on three brokers: m3's leader B1 crashes right after appending it, before a follower copied it",
    mechanism:
      'acks=all answers once the ISR has the record: m3 was never acknowledged, so the producer retries it to the new leader B2 (clean election from the ISR) and nothing acknowledged is lost; a record the followers had but whose ack died with B1 is retried too, a duplicate without the idempotent producer',
    workload: { messages: 6, keys: 2, partitions: 1 },
    settings: { ...CLUSTER, acks: 'all' },
    faults: plan({ kind: 'leader-failover', message: 'm3' }),
    expected: {
      // retries=0: the unanswered m3 is given up.
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' },
      'at-least-once': { loss: 'holds', duplicates: 'may-break', order: 'may-break' },
      'exactly-once': allHold,
    },
  },
  {
    name: 'kafka-acks1-leader-isolated',
    summary: 'acks=1 on three brokers: the leader B1 is cut off from the controller from m2 on, and keeps accepting writes',
    mechanism:
      "the controller stops hearing B1's heartbeats, fences it after broker.session.timeout.ms and elects B2; B1 does not know (it cannot hear the controller) and keeps acknowledging acks=1 writes nobody replicates. When the cut heals it learns of epoch 1, asks B2 where its epoch ended (OffsetsForLeaderEpoch) and truncates them: acknowledged writes lost",
    workload: { messages: 12, keys: 2, partitions: 1 },
    settings: ACKS_1,
    faults: plan({ kind: 'controller-partition', broker: 'B1', message: 'm2', durationMs: 40 }),
    expected: {
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' },
      'at-least-once': { loss: 'breaks', duplicates: 'holds', order: 'may-break' },
      'exactly-once': { loss: 'breaks', duplicates: 'holds', order: 'may-break' },
    },
  },
  {
    name: 'kafka-unclean-election',
    summary: 'acks=all, min.insync.replicas=1 and unclean.leader.election.enable=true: B1 is cut off from its followers, leads alone, then crashes',
    mechanism:
      'the followers cannot fetch, so after replica.lag.time.max.ms B1 shrinks the ISR to itself and acknowledges acks=all writes alone (min.insync.replicas=1); when it crashes no ISR member is alive and the controller elects the stale B2 uncleanly: the writes only B1 had are lost although acknowledged. With --unclean-leader-election false the partition stays offline until B1 is back, and nothing is lost',
    workload: { messages: 30, keys: 2, partitions: 1 },
    settings: { ...CLUSTER, ...PATIENT, ...LAGGING_CONSUMER, acks: 'all', minInsyncReplicas: 1, uncleanLeaderElection: true },
    faults: plan({ kind: 'inter-broker-partition', broker: 'B1', message: 'm2', durationMs: 100 }, { kind: 'broker-crash', broker: 'B1', message: 'm28' }),
    expected: {
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'may-break' },
      'at-least-once': { loss: 'breaks', duplicates: 'may-break', order: 'may-break' },
      'exactly-once': { loss: 'breaks', duplicates: 'may-break', order: 'may-break' },
    },
  },
  {
    name: 'kafka-min-insync-1-lagging-follower',
    summary: 'two brokers, acks=all, min.insync.replicas=1: the follower B2 is cut off from m2 on and lags; the leader B1 crashes at m28 and B2 is elected uncleanly',
    mechanism:
      'a lagging follower leaves the ISR after replica.lag.time.max.ms; with min.insync.replicas=1 the leader keeps acknowledging acks=all writes alone, and when it fails the lagging follower takes over (unclean.leader.election.enable=true, for availability): those acknowledged writes are lost. min.insync.replicas=2 refuses them instead',
    workload: { messages: 30, keys: 2, partitions: 1 },
    settings: { nodes: 2, replicationFactor: 2, ...PATIENT, ...LAGGING_CONSUMER, acks: 'all', minInsyncReplicas: 1, uncleanLeaderElection: true },
    faults: plan({ kind: 'inter-broker-partition', broker: 'B2', message: 'm2', durationMs: 100 }, { kind: 'broker-crash', broker: 'B1', message: 'm28' }),
    expected: {
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'may-break' },
      'at-least-once': { loss: 'breaks', duplicates: 'may-break', order: 'may-break' },
      'exactly-once': { loss: 'breaks', duplicates: 'may-break', order: 'may-break' },
    },
  },
  {
    name: 'kafka-min-insync-2-lagging-follower',
    summary: 'the same lagging follower and unclean election with min.insync.replicas=2: the leader refuses writes instead of acknowledging them alone',
    mechanism:
      'once the lagging follower is out of the ISR, acks=all writes are refused with NOT_ENOUGH_REPLICAS (the producer retries them) rather than acknowledged by the leader alone, so the unclean election loses nothing that was acknowledged: the retries land on the new leader once the old one is back in its ISR',
    workload: { messages: 30, keys: 2, partitions: 1 },
    settings: { nodes: 2, replicationFactor: 2, ...PATIENT, ...LAGGING_CONSUMER, acks: 'all', minInsyncReplicas: 2, uncleanLeaderElection: true },
    faults: plan({ kind: 'inter-broker-partition', broker: 'B2', message: 'm2', durationMs: 100 }, { kind: 'broker-crash', broker: 'B1', message: 'm28' }),
    expected: {
      // retries=0: a refused write is given up.
      'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'may-break' },
      'at-least-once': { loss: 'holds', duplicates: 'may-break', order: 'may-break' },
      'exactly-once': allHold,
    },
  },
  {
    name: 'kafka-eos-cluster-leader-crash',
    summary: "Kafka transactions on three brokers: m2's leader B1 crashes right after appending it, inside an open transaction",
    mechanism:
      "the transaction coordinator runs on the controller and the records go to the partition leaders: m2 was not acknowledged, so the stage's retry (the same sequence number) lands on B2, elected from the ISR, the transaction commits with its input offsets, and its COMMIT marker goes to the partition's new leader; read_committed readers see every record once, in every mode",
    workload: { messages: 6, keys: 2, partitions: 1 },
    settings: { ...CLUSTER, transactions: true, enableIdempotence: true, acks: 'all', retries: 100, isolationLevel: 'read_committed' },
    faults: plan({ kind: 'leader-failover', message: 'm2' }),
    expected: { 'at-most-once': allHold, 'at-least-once': allHold, 'exactly-once': allHold },
  },
];
