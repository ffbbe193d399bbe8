/**
 * Kafka transactions over a broker cluster (--transactions true --nodes N): what sits between the transaction
 * coordinator (on the controller) and the partition leaders.
 * - Each partition's transaction index (open transactions, aborted ranges). Markers are not log records here (see
 *   TransactionIndex), so the index is one per partition, shared by its replicas, and a failover cannot lose a marker.
 *   It takes only the appends of the partition's current leader in the controller's current epoch.
 * - Markers go in at the log end of a leader that has started leading in the controller's current epoch. Until one
 *   has (no leader, or one that has not heard yet and may still copy the deposed leader's records) they wait, as
 *   Kafka's coordinator retries WriteTxnMarkers; the producer's next transaction is refused there meanwhile
 *   (CONCURRENT_TRANSACTIONS), and read_committed readers wait (the LSO holds).
 * - When a leader starts, the index is cut back to its log end (what it lacks is gone) and its records past their
 *   producer's last marker are open again, as a Kafka leader rebuilds its producer state from its log.
 */
import type { MarkerWriter, TransactionCoordinator } from '../broker/transaction-coordinator.js';
import { TransactionIndex, committedDuplicates } from '../broker/transaction-index.js';
import type { LogRecord, PartitionView, TxnMarker } from '../protocol.js';
import type { KafkaContext } from '../world.js';
import type { ClusterTransactions } from './broker-node.js';
import { CONTROLLER } from './names.js';
import type { PartitionReplica } from './replica.js';

/** What the transactions read of the cluster, once it is deployed. */
export interface ClusterView {
  /** The controller's view of every partition. */
  views(): readonly PartitionView[];
  /** A broker's replica of a partition (undefined where it hosts none). */
  replicaOf(broker: string, partition: number): PartitionReplica | undefined;
  /** A producer's new epoch: its sequence numbers restart at 0 on every broker. */
  resetSequences(pid: number): void;
}

/** A marker written while its partition had no started leader: written once one has started. */
interface PendingMarker {
  readonly partition: number;
  readonly pid: number;
  readonly marker: TxnMarker;
}

export class ClusterTransactionIndexes implements MarkerWriter, ClusterTransactions {
  private readonly indexes: TransactionIndex[];
  private readonly pending: PendingMarker[] = [];
  /** Set once the controller, which holds it, is built (it takes this object as its marker writer). */
  private coordinator: TransactionCoordinator | undefined;

  constructor(
    partitions: number,
    private readonly cluster: ClusterView,
  ) {
    this.indexes = Array.from({ length: partitions }, () => new TransactionIndex());
  }

  attach(coordinator: TransactionCoordinator): void {
    this.coordinator = coordinator;
  }

  /** No marker waits for a leader. */
  isIdle(): boolean {
    return this.pending.length === 0;
  }

  epochOf(pid: number): number | undefined {
    return this.coordinator?.epochOf(pid);
  }

  index(partition: number): TransactionIndex {
    return this.indexes[partition];
  }

  appended(broker: string, leaderEpoch: number, pid: number, partition: number, offset: number): void {
    // The partition is in the transaction whichever broker took the record (a deposed leader's append may survive:
    // its followers can copy it before they hear of the new leader); the index takes the current leader's append only
    // (a deposed leader's reaches it through reopen, if it survives).
    this.coordinator?.addPartition(pid, partition);
    const view = this.cluster.views()[partition];
    if (view.leader === broker && view.leaderEpoch === leaderEpoch) this.indexes[partition].appended(pid, offset);
  }

  transactionOver(pid: number, epoch: number, txn: number): boolean {
    return this.coordinator?.transactionOver(pid, epoch, txn) ?? false;
  }

  markerPending(pid: number, partition: number): boolean {
    return this.pending.some((pending) => pending.pid === pid && pending.partition === partition);
  }

  writeMarker(ctx: KafkaContext, partition: number, pid: number, marker: TxnMarker): void {
    const leader = this.startedLeader(partition);
    if (leader === undefined) {
      this.pending.push({ partition, pid, marker });
      return;
    }
    const index = this.indexes[partition];
    index.mark(pid, marker, leader.log.length);
    ctx.record({ t: ctx.now, actor: CONTROLLER, kind: 'txn-marker', partition, pid, marker, lastStableOffset: index.lastStableOffset(leader.hw) });
  }

  resetSequences(pid: number): void {
    this.cluster.resetSequences(pid);
  }

  leaderStarted(ctx: KafkaContext, broker: string, partition: number, leaderEpoch: number, log: readonly LogRecord[]): void {
    // A leader the controller has already replaced starts for nothing: the current one will.
    const view = this.cluster.views()[partition];
    if (view.leader !== broker || view.leaderEpoch !== leaderEpoch) return;
    const index = this.indexes[partition];
    index.truncated(log.length);
    index.reopen(log);
    const waiting = this.pending.filter((pending) => pending.partition === partition);
    if (waiting.length === 0) return;
    this.pending.splice(0, this.pending.length, ...this.pending.filter((pending) => pending.partition !== partition));
    for (const pending of waiting) this.writeMarker(ctx, pending.partition, pending.pid, pending.marker);
  }

  /** True when `log`'s record at `offset` (a partition's leader log) belongs to an aborted transaction. */
  isAborted(partition: number, log: readonly LogRecord[], offset: number): boolean {
    const record = log[offset];
    return record !== undefined && this.indexes[partition].isAborted(record);
  }

  /** Messages the committed records of the leaders' logs hold more than once (a transaction's output written twice). */
  committedDuplicates(logs: readonly (readonly LogRecord[])[]): number {
    return committedDuplicates(logs, (partition) => this.indexes[partition]);
  }

  /** The partition's leader in the controller's current epoch, if it has started leading (heard of its election). */
  private startedLeader(partition: number): PartitionReplica | undefined {
    const view = this.cluster.views()[partition];
    const replica = view.leader === undefined ? undefined : this.cluster.replicaOf(view.leader, partition);
    return replica !== undefined && replica.leader === view.leader && replica.leaderEpoch === view.leaderEpoch ? replica : undefined;
  }
}
