/**
 * The transaction coordinator (a broker role, Kafka 3.x, KIP-98 and KIP-447), per transactional id:
 * - InitProducerId: bumps the producer epoch, which fences every older instance (their writes and EndTxn get
 *   PRODUCER_FENCED), and aborts the transaction the previous instance left open; the answer carries the input
 *   offsets committed by the last transaction (the transform stage's OffsetFetch, folded into the round trip);
 * - the partitions a transaction wrote join it on their first record (implicitly, as with KIP-890);
 * - EndTxn: writes the COMMIT or ABORT marker to every partition of the transaction and, on commit, makes the input
 *   offsets of sendOffsetsToTransaction the committed ones. A retried EndTxn for a transaction already completed the
 *   same way is answered again (the retry after a lost answer).
 * A coordinator failover (injected) strikes between the prepare record in the transaction log and the markers: the
 * EndTxn goes unanswered, a new coordinator loads the log after leaderElectionMs and completes what was prepared,
 * and answers NOT_COORDINATOR until then.
 * Durable: all of it (the transaction log).
 */
import { msToUs } from '../../config.js';
import type { ModelEnv } from '../../env.js';
import type { KafkaMessage, TxnMarker } from '../protocol.js';
import type { KafkaContext } from '../world.js';

type Ctx = KafkaContext;

/** What the coordinator asks of the partitions' leaders. */
export interface MarkerWriter {
  writeMarker(ctx: Ctx, partition: number, pid: number, marker: TxnMarker): void;
  /** A new epoch starts its sequence numbers at 0 on every partition. */
  resetSequences(pid: number): void;
}

interface TransactionalState {
  readonly pid: number;
  epoch: number;
  /** Committed input offset (records of the producer's input consumed by committed transactions). */
  inputOffset: number;
  /** Partitions written by the open transaction, in the order they joined; empty when none is open. */
  readonly partitions: number[];
  /** The open transaction's number (the producer's), known once its EndTxn arrives; -1 otherwise. */
  prepared: { txn: number; marker: TxnMarker; inputOffset: number } | undefined;
  /** The last completed transaction, to answer a retried EndTxn. */
  completed: { txn: number; marker: TxnMarker; epoch: number } | undefined;
}

export class TransactionCoordinator {
  private readonly states = new Map<string, TransactionalState>();
  private readonly byPid = new Map<number, TransactionalState>();
  /** A failover in progress: the new coordinator answers nothing before it has loaded the log. */
  private loading = false;
  committedCount = 0;
  abortedCount = 0;

  constructor(
    private readonly broker: string,
    private readonly env: ModelEnv,
    private readonly writer: MarkerWriter,
  ) {}

  /** The epoch a producer id must write with (undefined: not transactional). */
  epochOf(pid: number): number | undefined {
    return this.byPid.get(pid)?.epoch;
  }

  /**
   * True when transaction `txn` of `pid`'s epoch `epoch` is over (its EndTxn completed it): a record of it still
   * arriving is a request held past the end, which KIP-890's verification refuses rather than open a transaction
   * that nobody would end.
   */
  transactionOver(pid: number, epoch: number, txn: number): boolean {
    const done = this.byPid.get(pid)?.completed;
    return done !== undefined && done.epoch === epoch && done.txn >= txn;
  }

  /** A transactional record from `pid` was appended to `partition`: the partition joins its open transaction. */
  addPartition(pid: number, partition: number): void {
    const state = this.byPid.get(pid);
    if (state !== undefined && !state.partitions.includes(partition)) state.partitions.push(partition);
  }

  isIdle(): boolean {
    if (this.loading) return false;
    for (const state of this.states.values()) if (state.partitions.length > 0 || state.prepared !== undefined) return false;
    return true;
  }

  initProducerId(ctx: Ctx, from: string, request: Extract<KafkaMessage, { type: 'init-producer-id' }>): void {
    if (this.loading) return;
    let state = this.states.get(request.transactionalId);
    if (state === undefined) {
      // One producer id per transactional id for its lifetime; the epoch tells its instances apart.
      state = { pid: this.states.size + 1, epoch: -1, inputOffset: 0, partitions: [], prepared: undefined, completed: undefined };
      this.states.set(request.transactionalId, state);
      this.byPid.set(state.pid, state);
    }
    const abortedOpen = state.partitions.length > 0;
    if (abortedOpen) this.complete(ctx, request.transactionalId, state, -1, 'ABORT');
    state.epoch++;
    this.writer.resetSequences(state.pid);
    ctx.record({ t: ctx.now, actor: this.broker, kind: 'producer-id-initialized', transactionalId: request.transactionalId, pid: state.pid, epoch: state.epoch, inputOffset: state.inputOffset, abortedOpen });
    ctx.send(from, { type: 'init-producer-id-response', attempt: request.attempt, pid: state.pid, epoch: state.epoch, inputOffset: state.inputOffset, replacement: request.replacement });
  }

  endTxn(ctx: Ctx, from: string, request: Extract<KafkaMessage, { type: 'end-txn' }>): void {
    const state = this.states.get(request.transactionalId);
    if (state === undefined) return;
    const answer = (error?: 'PRODUCER_FENCED' | 'NOT_COORDINATOR'): void => {
      const base = { type: 'end-txn-response' as const, txn: request.txn, marker: request.marker, attempt: request.attempt, epoch: request.epoch, lastMsgId: request.lastMsgId };
      ctx.send(from, error === undefined ? base : { ...base, error });
    };
    if (this.loading) return answer('NOT_COORDINATOR');
    if (request.epoch < state.epoch) {
      ctx.record({ t: ctx.now, actor: this.broker, kind: 'end-txn-refused', transactionalId: request.transactionalId, txn: request.txn, epoch: request.epoch, currentEpoch: state.epoch, error: 'PRODUCER_FENCED' });
      return answer('PRODUCER_FENCED');
    }
    const done = state.completed;
    if (state.prepared === undefined && done !== undefined && done.txn === request.txn && done.marker === request.marker && done.epoch === request.epoch) return answer();
    state.prepared = { txn: request.txn, marker: request.marker, inputOffset: request.inputOffset };
    const faults = this.env.faults;
    const failover = faults.draw('transaction-coordinator-failover', ctx.phase) ? faults.inject({ kind: 'transaction-coordinator-failover', message: request.lastMsgId }) : undefined;
    if (failover !== undefined) {
      // The prepare record is in the transaction log; the coordinator dies before the markers and the answer.
      this.env.traceFault(ctx, failover);
      this.loading = true;
      ctx.record({ t: ctx.now, actor: this.broker, kind: 'txn-coordinator-failed', transactionalId: request.transactionalId, txn: request.txn, marker: request.marker });
      ctx.setTimer(msToUs(this.env.config.settings.leaderElectionMs), { tag: 'txn-coordinator-loaded' });
      return;
    }
    this.complete(ctx, request.transactionalId, state, request.txn, request.marker);
    answer();
  }

  /** The new coordinator has loaded the transaction log: it completes every prepared transaction. */
  loaded(ctx: Ctx): void {
    this.loading = false;
    ctx.record({ t: ctx.now, actor: this.broker, kind: 'txn-coordinator-loaded', prepared: [...this.states.values()].filter((state) => state.prepared !== undefined).length });
    for (const [transactionalId, state] of this.states) if (state.prepared !== undefined) this.complete(ctx, transactionalId, state, state.prepared.txn, state.prepared.marker);
  }

  /** Write the markers, commit the input offsets (on COMMIT), close the transaction. `txn` is -1 when unknown. */
  private complete(ctx: Ctx, transactionalId: string, state: TransactionalState, txn: number, marker: TxnMarker): void {
    for (const partition of state.partitions) this.writer.writeMarker(ctx, partition, state.pid, marker);
    if (marker === 'COMMIT' && state.prepared !== undefined) state.inputOffset = state.prepared.inputOffset;
    if (marker === 'COMMIT') this.committedCount++;
    else this.abortedCount++;
    ctx.record({ t: ctx.now, actor: this.broker, kind: 'txn-completed', transactionalId, txn, marker, partitions: [...state.partitions], inputOffset: state.inputOffset });
    state.partitions.length = 0;
    state.prepared = undefined;
    state.completed = { txn, marker, epoch: state.epoch };
  }
}
