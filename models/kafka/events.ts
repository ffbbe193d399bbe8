/**
 * What the Kafka family's actors write into the trace, as one typed union per actor. Field order is part of the
 * trace's bytes (the hash is over the JSON lines), so every record is built whole, in the order written here.
 */
import type { CommitError, EndTxnError, ProduceError, TxnMarker } from './protocol.js';

interface At {
  readonly t: number;
  readonly actor: string;
}

/**
 * Where a record was when its delivery.timeout.ms ran out: waiting for its partition to have a leader, queued
 * unsent behind earlier records, backing off before a retry, waiting its turn to be retried (idempotence), or in
 * flight (its request unanswered).
 */
export type ExpiryStage = 'no-leader' | 'queued' | 'backoff' | 'turn' | 'in-flight';

export type ProducerEvent = At &
  (
    | { readonly kind: 'session-start'; readonly session: number; readonly pid: number }
    | { readonly kind: 'outbox-resend'; readonly msgs: readonly string[] }
    | { readonly kind: 'buffer-lost'; readonly msgs: readonly string[] }
    | { readonly kind: 'handover'; readonly msg: string; readonly key: string; readonly partition: number }
    | { readonly kind: 'send'; readonly msg: string; readonly attempt: number; readonly partition: number; readonly pid?: number; readonly seq?: number }
    | { readonly kind: 'late-response-ignored'; readonly msg: string; readonly attempt: number }
    | { readonly kind: 'produce-error'; readonly msg: string; readonly attempt: number; readonly error: ProduceError }
    | { readonly kind: 'acked'; readonly msg: string; readonly attempt: number; readonly offset: number | undefined }
    | { readonly kind: 'request-timeout'; readonly msg: string; readonly attempt: number }
    /** `stage`: with reason delivery.timeout.ms, where the record was when its time ran out. */
    | { readonly kind: 'gave-up'; readonly msg: string; readonly attempts: number; readonly reason: string; readonly retries: number; readonly stage?: ExpiryStage }
    | { readonly kind: 'retry-scheduled'; readonly msg: string; readonly retry: number; readonly backoffMs: number; readonly reason: string }
    /** The producer learnt that a partition has no leader: its records wait in the accumulator (up to delivery.timeout.ms). */
    | { readonly kind: 'leader-unknown'; readonly partition: number }
    /** Metadata names a leader again: the records that waited are sent. */
    | { readonly kind: 'leader-known'; readonly partition: number; readonly waited: readonly string[] }
    /** KIP-360: after a numbered record was given up, the partition's sequence restarts at 0 under a new producer id; `msgs` are renumbered and sent again. */
    | { readonly kind: 'sequence-reset'; readonly partition: number; readonly pid: number; readonly msgs: readonly string[] }
  );

export type BrokerEvent = At &
  (
    | { readonly kind: 'append'; readonly msg: string; readonly attempt: number; readonly partition: number; readonly offset: number; readonly replica: number }
    | { readonly kind: 'produce-refused'; readonly msg: string; readonly attempt: number; readonly partition: number; readonly error: ProduceError; readonly isr?: number; readonly expectedSeq?: number; readonly seq?: number }
    | { readonly kind: 'duplicate-dropped'; readonly msg: string; readonly attempt: number; readonly partition: number; readonly offset: number | undefined }
    | { readonly kind: 'offset-committed'; readonly partition: number; readonly offset: number; readonly attempt: number; readonly group: string }
    | { readonly kind: 'isr-joined'; readonly partition: number; readonly replica: number }
    | { readonly kind: 'leader-failed'; readonly partition: number; readonly replica: number; readonly unansweredMsgs: readonly string[] }
    | { readonly kind: 'partition-offline'; readonly partition: number }
    /** `epoch` and `unclean`: in a broker cluster (--nodes), the leader epoch and whether the new leader was outside the ISR. */
    | { readonly kind: 'leader-elected'; readonly partition: number; readonly replica: number; readonly logEnd: number; readonly epoch?: number; readonly unclean?: boolean }
    | { readonly kind: 'replica-restarted'; readonly partition: number; readonly replica: number; readonly inSync: boolean }
    | { readonly kind: 'truncated'; readonly partition: number; readonly replica: number; readonly fromOffset: number; readonly msgs: readonly string[] }
    /** A consumer group's application published a record to the dead-letter topic. */
    | { readonly kind: 'dlt-append'; readonly msg: string; readonly group: string; readonly topic: string; readonly offset: number }
  );

/** The group coordinator (on the broker): membership, rebalances and which commits it takes. */
export type CoordinatorEvent = At &
  (
    | { readonly kind: 'rebalance-started'; readonly group: string; readonly generation: number; readonly reason: string }
    | { readonly kind: 'rebalanced'; readonly group: string; readonly generation: number; readonly assignment: Readonly<Record<string, readonly number[]>> }
    | { readonly kind: 'member-expired'; readonly group: string; readonly member: string; readonly lastHeartbeatUs: number }
    | { readonly kind: 'member-left'; readonly group: string; readonly member: string }
    | { readonly kind: 'member-removed'; readonly group: string; readonly member: string }
    | { readonly kind: 'commit-rejected'; readonly group: string; readonly member: string; readonly partition: number; readonly offset: number; readonly attempt: number; readonly error: CommitError }
  );

/** The consumer client's side: finding its offsets, fetching, committing. */
export type ConsumerClientEvent = At &
  (
    | { readonly kind: 'assigned'; readonly group: string; readonly generation: number; readonly partitions: readonly number[] }
    | { readonly kind: 'revoked'; readonly group: string; readonly generation: number; readonly partitions: readonly number[] }
    | { readonly kind: 'rejoin-needed'; readonly group: string; readonly generation: number; readonly reason: 'rebalance' | 'unknown-member' | 'commit-failed' | 'poll-timeout' }
    /** The poll loop stopped past max.poll.interval.ms: the member drops its generation; only a dynamic one sends LeaveGroup. */
    | { readonly kind: 'left-group'; readonly group: string; readonly generation: number; readonly reason: 'max.poll.interval.ms'; readonly sentLeaveGroup: boolean }
    | { readonly kind: 'commit-failed'; readonly partition: number; readonly offset: number; readonly attempt: number; readonly error: CommitError }
    /** Positions by partition (-1 where the member has no assignment). */
    | { readonly kind: 'resumed'; readonly positions: readonly number[]; readonly from: 'broker' | 'db' }
    | { readonly kind: 'stale-fetch-discarded'; readonly partition: number; readonly fromOffset: number; readonly attempt: number }
    /** OFFSET_OUT_OF_RANGE: the position was past the leader's log end; auto.offset.reset=latest moves it to the HW. */
    | { readonly kind: 'offset-reset'; readonly partition: number; readonly fromOffset: number; readonly resetTo: number }
    | { readonly kind: 'fetched'; readonly partition: number; readonly fromOffset: number; readonly msgs: readonly string[]; readonly position: number }
    | { readonly kind: 'commit-sent'; readonly partition: number; readonly offset: number; readonly attempt: number }
    | { readonly kind: 'auto-commit-sent'; readonly partition: number; readonly offset: number; readonly attempt: number }
    | { readonly kind: 'timeout'; readonly call: 'join' | 'offsets'; readonly attempt: number }
    | { readonly kind: 'timeout'; readonly call: 'fetch'; readonly partition: number; readonly fromOffset: number; readonly attempt: number }
    | { readonly kind: 'timeout'; readonly call: 'commit'; readonly partition: number; readonly offset: number; readonly attempt: number }
    | { readonly kind: 'timeout'; readonly call: 'dead-letter'; readonly msg: string; readonly attempt: number }
    /** The failed record is in the dead-letter topic (parked); the member moves on. */
    | { readonly kind: 'dead-lettered'; readonly msg: string; readonly partition: number; readonly offset: number; readonly topic: string }
  );

/**
 * Transactions (Kafka 3.x, KIP-98): the transactional producer's steps, the transaction coordinator's, and the
 * markers the partitions' leaders write. `txn` is the producer's transaction number (-1: one the coordinator
 * aborted for a new instance without knowing its number).
 */
export type TransactionEvent = At &
  (
    | { readonly kind: 'txn-init-sent'; readonly transactionalId: string; readonly attempt: number; readonly replacement: boolean }
    | { readonly kind: 'txn-initialized'; readonly pid: number; readonly epoch: number; readonly inputOffset: number }
    | { readonly kind: 'txn-begin'; readonly txn: number; readonly epoch: number; readonly msgs: readonly string[] }
    | { readonly kind: 'end-txn-sent'; readonly txn: number; readonly marker: TxnMarker; readonly attempt: number; readonly inputOffset: number }
    | { readonly kind: 'end-txn-error'; readonly txn: number; readonly attempt: number; readonly error: EndTxnError | 'timeout' }
    | { readonly kind: 'txn-committed'; readonly txn: number; readonly msgs: readonly string[] }
    | { readonly kind: 'txn-aborted'; readonly txn: number; readonly msgs: readonly string[]; readonly reason: 'application' | 'send-failed' | 'fenced' }
    /** The instance's epoch is stale: another instance with its transactional id took over (ProducerFencedException). */
    | { readonly kind: 'producer-fenced'; readonly epoch: number; readonly call: 'produce' | 'end-txn' }
    | { readonly kind: 'producer-id-initialized'; readonly transactionalId: string; readonly pid: number; readonly epoch: number; readonly inputOffset: number; readonly abortedOpen: boolean }
    | { readonly kind: 'end-txn-refused'; readonly transactionalId: string; readonly txn: number; readonly epoch: number; readonly currentEpoch: number; readonly error: EndTxnError }
    | { readonly kind: 'txn-coordinator-failed'; readonly transactionalId: string; readonly txn: number; readonly marker: TxnMarker }
    | { readonly kind: 'txn-coordinator-loaded'; readonly prepared: number }
    | { readonly kind: 'txn-completed'; readonly transactionalId: string; readonly txn: number; readonly marker: TxnMarker; readonly partitions: readonly number[]; readonly inputOffset: number }
    | { readonly kind: 'txn-marker'; readonly partition: number; readonly pid: number; readonly marker: TxnMarker; readonly lastStableOffset: number }
  );

/**
 * A broker cluster's own (--nodes): the controller fencing and unfencing brokers and electing leaders, the leaders
 * shrinking and expanding their ISR, a follower learning where its leader's epoch ended (KIP-101).
 */
export type ClusterEvent = At &
  (
    | { readonly kind: 'broker-fenced'; readonly broker: string; readonly lastHeartbeatUs: number; readonly partitionsLed: readonly number[] }
    | { readonly kind: 'broker-unfenced'; readonly broker: string }
    /** The controller's election (the new leader records leader-elected when it learns of it). */
    | { readonly kind: 'leader-chosen'; readonly partition: number; readonly broker: string | undefined; readonly epoch: number; readonly isr: readonly string[]; readonly unclean: boolean }
    | { readonly kind: 'isr-shrunk'; readonly partition: number; readonly broker: string; readonly isr: readonly string[]; readonly lagMs: number }
    | { readonly kind: 'isr-expanded'; readonly partition: number; readonly broker: string; readonly isr: readonly string[] }
    | { readonly kind: 'became-follower'; readonly partition: number; readonly leader: string | undefined; readonly epoch: number }
    /** The follower asked the leader where its last epoch ends, and cut its log there (not at its high watermark). */
    | { readonly kind: 'epoch-end-answered'; readonly partition: number; readonly lastEpoch: number; readonly endOffset: number; readonly logEnd: number }
  );

export type KafkaEvent = ProducerEvent | BrokerEvent | CoordinatorEvent | ConsumerClientEvent | TransactionEvent | ClusterEvent;
