/** What crosses the network between a Kafka producer, the brokers and a consumer. */

/** The topic every producer writes to, and its dead-letter topic (Spring Kafka's `<topic>.DLT` naming). */
export const TOPIC = 'events';
export const DEAD_LETTER_TOPIC = `${TOPIC}.DLT`;

/** A record in a partition's log. */
export interface LogRecord {
  offset: number;
  partition: number;
  msgId: string;
  /** The message's position in the workload (m1 is 0): per-message bookkeeping is kept in arrays, not maps by id. */
  index: number;
  key: string;
  /** Producer id of the session that wrote it (idempotence), -1 without idempotence. */
  pid: number;
  /** Per-partition sequence number (idempotence), -1 without idempotence. */
  seq: number;
  attempt: number;
  /** A transactional producer's epoch (its records belong to the producer id's open transaction); absent otherwise. */
  epoch?: number;
}

/** PRODUCER_FENCED: the producer's epoch is older than its transactional id's (a zombie; the client throws ProducerFencedException). */
/** NOT_ENOUGH_REPLICAS_AFTER_APPEND (a broker cluster): appended, but the ISR shrank below min.insync.replicas before the HW reached it. */
/**
 * CONCURRENT_TRANSACTIONS (retriable): the producer's previous transaction still has a marker to write on this
 * partition (a broker cluster's partition without a leader when it completed), so a new one cannot use it yet.
 */
/**
 * INVALID_TXN_STATE: the record's transaction is already over (a produce request held past its EndTxn): the
 * leader's verification with the coordinator (KIP-890, Kafka 3.6+) finds no ongoing transaction to add it to.
 */
export type ProduceError = 'NOT_LEADER_OR_FOLLOWER' | 'NOT_ENOUGH_REPLICAS' | 'NOT_ENOUGH_REPLICAS_AFTER_APPEND' | 'OUT_OF_ORDER_SEQUENCE_NUMBER' | 'PRODUCER_FENCED' | 'CONCURRENT_TRANSACTIONS' | 'INVALID_TXN_STATE';

/** Why the transaction coordinator refuses EndTxn: a fenced epoch, or it is failing over (the client retries). */
export type EndTxnError = 'PRODUCER_FENCED' | 'NOT_COORDINATOR';

/** A transaction's end: COMMIT or ABORT, the control marker the coordinator writes to each of its partitions. */
export type TxnMarker = 'COMMIT' | 'ABORT';

/** Why the group coordinator refuses a member's offset commit (the client throws CommitFailedException). */
export type CommitError = 'ILLEGAL_GENERATION' | 'UNKNOWN_MEMBER_ID';

export type KafkaMessage =
  /** `epoch` and `txn`: a transactional producer's epoch and the number of the transaction the record belongs to. */
  | { type: 'produce'; msgId: string; index: number; key: string; partition: number; attempt: number; waitForAck: boolean; pid: number; seq: number; epoch?: number; txn?: number }
  | { type: 'produce-response'; msgId: string; index: number; partition: number; attempt: number; error?: ProduceError; offset?: number }
  | { type: 'fetch'; partition: number; fromOffset: number; attempt: number; maxRecords: number; readCommitted?: boolean }
  /** `aborted`: read_committed only, the offsets among `records` that aborted transactions wrote (the client drops them). */
  | { type: 'fetch-response'; partition: number; fromOffset: number; attempt: number; records: LogRecord[]; error?: ProduceError; aborted?: readonly number[] }
  /**
   * A broker cluster's answer to a fetch past the leader's log end (an unclean election cut below what the consumer
   * read): OFFSET_OUT_OF_RANGE, and the consumer resets to the high watermark (auto.offset.reset=latest, the default).
   */
  | { type: 'fetch-out-of-range'; partition: number; fromOffset: number; attempt: number; resetTo: number }
  /**
   * InitProducerId for a transactional id, with the committed offset of its input (OffsetFetch of the transform
   * stage's consumer) in the same round trip. `replacement`: sent on behalf of a new instance taking over.
   */
  | { type: 'init-producer-id'; transactionalId: string; attempt: number; replacement: boolean }
  | { type: 'init-producer-id-response'; attempt: number; pid: number; epoch: number; inputOffset: number; replacement: boolean }
  /** EndTxn, with the input offsets of sendOffsetsToTransaction (committed with the transaction, dropped on abort). */
  | { type: 'end-txn'; transactionalId: string; pid: number; epoch: number; marker: TxnMarker; inputOffset: number; txn: number; attempt: number; lastMsgId: string }
  | { type: 'end-txn-response'; txn: number; marker: TxnMarker; attempt: number; epoch: number; lastMsgId: string; error?: EndTxnError }
  | { type: 'commit'; group: string; member: string; generation: number; partition: number; offset: number; attempt: number }
  | { type: 'commit-response'; partition: number; offset: number; attempt: number; error?: CommitError }
  /**
   * JoinGroup, SyncGroup and OffsetFetch in one round trip: the coordinator answers once the group's rebalance
   * is done, with the member's partitions and the group's committed offsets (by partition).
   */
  | { type: 'join-group'; group: string; member: string; attempt: number }
  /** `offsets`: the group's committed offset per partition, NO_COMMITTED_OFFSET where it has none (OffsetFetch's -1). */
  | { type: 'join-response'; attempt: number; generation: number; partitions: number[]; offsets: number[] }
  // The heartbeat thread's, sent as background traffic (ActorContext.sendBackground: own links and latency
  // stream, never faulted, never traced).
  | { type: 'heartbeat'; group: string; member: string; generation: number }
  | { type: 'heartbeat-response'; generation: number; rebalancing: boolean; known: boolean }
  | { type: 'leave-group'; group: string; member: string }
  /**
   * The producer's metadata refresh (background traffic), and its answer: which partitions have a leader. The broker
   * also sends the answer unasked to a producer whose acks=0 request hit a partition without a leader: the client
   * sees its connection to the failed leader break, and NetworkClient refreshes metadata.
   */
  | { type: 'metadata' }
  /** `leaderIds` (a broker cluster only): each partition's leader broker, undefined while it has none. */
  | { type: 'metadata-response'; leaders: boolean[]; leaderIds?: readonly (string | undefined)[] }
  | ClusterMessage
  /** A group's application publishes a failed record to the dead-letter topic (acks=all: answered once stored). */
  | { type: 'dead-letter'; group: string; msgId: string; index: number; key: string; partition: number; offset: number; attempt: number }
  | { type: 'dead-letter-response'; msgId: string; attempt: number };

/** A partition as the controller knows it (KRaft's PartitionRecord): its replicas, leader, leader epoch and ISR. */
export interface PartitionView {
  readonly replicas: readonly string[];
  /** The leader broker, undefined while the partition is offline. */
  readonly leader: string | undefined;
  readonly leaderEpoch: number;
  readonly isr: readonly string[];
}

/**
 * What the brokers of a cluster (--nodes) and its controller say to each other: heartbeats (whose answers carry the
 * partitions' state, as a KRaft broker's metadata fetch would), follower fetches, the leader's ISR changes
 * (AlterPartition) and the follower's question for the end of its last leader epoch (OffsetsForLeaderEpoch, KIP-101).
 */
export type ClusterMessage =
  | { type: 'broker-heartbeat'; broker: string }
  | { type: 'broker-heartbeat-response'; fenced: boolean; partitions: readonly PartitionView[] }
  /** A follower's fetch: it holds every record below `fetchOffset`, the last of them written in `lastEpoch`. */
  | { type: 'replica-fetch'; partition: number; fetchOffset: number; leaderEpoch: number }
  /** `epochs`: the leader epochs the records were written in (where each starts), for the follower's epoch cache. */
  | { type: 'replica-fetch-response'; partition: number; fetchOffset: number; leaderEpoch: number; records: readonly LogRecord[]; highWatermark: number; epochs: readonly { readonly epoch: number; readonly startOffset: number }[]; error?: 'NOT_LEADER_OR_FOLLOWER' | 'FENCED_LEADER_EPOCH' }
  | { type: 'offsets-for-leader-epoch'; partition: number; leaderEpoch: number; lastEpoch: number }
  | { type: 'offsets-for-leader-epoch-response'; partition: number; leaderEpoch: number; endOffset: number; error?: 'NOT_LEADER_OR_FOLLOWER' }
  | { type: 'alter-partition'; partition: number; leaderEpoch: number; isr: readonly string[] }
  | { type: 'alter-partition-response'; partition: number; leaderEpoch: number; isr: readonly string[]; error?: 'FENCED_LEADER_EPOCH' };

/** The timers of the Kafka actors, one union per actor. */
export type ProducerTimer =
  | { readonly tag: 'handover' }
  /** `attempt`: the request it times (a timer of an earlier attempt, answered or retried, is stale). */
  | { readonly tag: 'timeout'; readonly index: number; readonly attempt: number }
  /** `token`: see the producer's Pending.resendToken (a sequence reset voids an outstanding resend). */
  | { readonly tag: 'resend'; readonly index: number; readonly token: number }
  /** While a partition has no known leader: ask for metadata again. */
  | { readonly tag: 'metadata-refresh' }
  /** The oldest unsettled record's delivery.timeout.ms runs out (KIP-91): fail what is past it. */
  | { readonly tag: 'delivery-timeout' }
  /** The outbox relay's next look at a row the producer gave up. */
  | { readonly tag: 'outbox-relay'; readonly index: number };

/** The transactional producer's: its input's next record, a produce or coordinator call unanswered, a retry. */
export type TransactionalProducerTimer =
  | { readonly tag: 'input' }
  | { readonly tag: 'txn-produce-timeout'; readonly index: number; readonly attempt: number }
  | { readonly tag: 'txn-produce-resend'; readonly index: number }
  /** The record's delivery.timeout.ms runs out (set only when a retry or an attempt reaches past it). */
  | { readonly tag: 'txn-delivery-timeout'; readonly index: number; readonly txn: number }
  /** InitProducerId or EndTxn went unanswered (`token` names the call). */
  | { readonly tag: 'txn-call-timeout'; readonly token: number }
  /** Retry an InitProducerId or EndTxn after a backoff. */
  | { readonly tag: 'txn-call-retry'; readonly token: number };

/** Broker timers name a partition's replica in a leader epoch: a timer of an older epoch is stale. */
export interface ReplicaTimerData {
  readonly partition: number;
  readonly replica: number;
  readonly epoch: number;
}
export type BrokerTimer =
  | ({ readonly tag: 'replicate' } & ReplicaTimerData)
  | ({ readonly tag: 'elect' } & ReplicaTimerData)
  | ({ readonly tag: 'replica-restart' } & ReplicaTimerData)
  /** The group coordinator's check of sessions and of a rebalance's deadline. */
  | { readonly tag: 'group-check'; readonly group: string }
  /** A new group's initial rebalance delay is over. */
  | { readonly tag: 'initial-rebalance'; readonly group: string }
  /** A new transaction coordinator has loaded the transaction log: it finishes the transactions it found prepared. */
  | { readonly tag: 'txn-coordinator-loaded' };

/** A cluster broker's: its heartbeat, a follower's next fetch, the leader's ISR check. */
export type ClusterBrokerTimer = { readonly tag: 'broker-heartbeat' } | { readonly tag: 'follower-fetch'; readonly partition: number; readonly token: number } | { readonly tag: 'isr-check' };
/** The controller's check of the brokers' sessions. */
export type ControllerTimer = { readonly tag: 'session-check' };

export type ConsumerTimer =
  | { readonly tag: 'poll' }
  | { readonly tag: 'auto-commit' }
  | { readonly tag: 'heartbeat' }
  | { readonly tag: 'call-timeout'; readonly token: number }
  /** A failed record's backoff is over: fetch its partition again (from the failed record). */
  | { readonly tag: 'redeliver'; readonly partition: number; readonly token: number };

/** OffsetFetch's answer for a partition the group never committed: the consumer then applies auto.offset.reset. */
export const NO_COMMITTED_OFFSET = -1;

/**
 * A fetch position "the partition's end, once asked" (auto.offset.reset=latest with no committed offset): the leader
 * answers a fetch from it with OFFSET_OUT_OF_RANGE and its end, as its ListOffsets answer would.
 */
export const RESET_TO_LATEST = -2;
