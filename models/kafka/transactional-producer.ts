/**
 * A consume-transform-produce stage with a transactional producer (Kafka 3.x, KIP-98/KIP-447), in place of a
 * producer when `--transactions true`. Its input topic is the producer's share of the workload: durable, read in
 * order, a record readable from its hand-over time. For every `transactionMessages` input records it
 * - begins a transaction and sends each record (idempotent: producer id, epoch, per-partition sequence), one at a
 *   time, retrying as the plain producer does, within delivery.timeout.ms of its send() (Kafka 2.1+, KIP-91);
 * - once all are acknowledged, sends EndTxn(COMMIT) with the input offset past them (sendOffsetsToTransaction):
 *   the records become visible to read_committed consumers and the input offset committed, atomically;
 * - on an abort (the application's, or a send that ran out of retries or of delivery.timeout.ms: an abortable error)
 *   sends EndTxn(ABORT) and rewinds its input to
 *   the last committed offset, so the same records are written again in a later transaction.
 * initTransactions at every start bumps the epoch (fencing older instances) and hands back the committed input
 * offset, where the stage resumes. A zombie (injected) is an older instance still running after a new one with the
 * same transactional.id initialized: its EndTxn is refused with PRODUCER_FENCED and the new instance carries on.
 * Durable: nothing but bookkeeping (the input and its committed offset live in Kafka). Volatile: the rest.
 */
import type { Actor } from '../../sim/world.js';
import { msToUs } from '../config.js';
import type { ModelEnv } from '../env.js';
import type { Fault } from '../faults/catalog.js';
import { HandoverLedger } from '../observations.js';
import { sliceOf } from '../workload.js';
import type { Workload, WorkloadMessage } from '../workload.js';
import type { ExpiryStage } from './events.js';
import type { KafkaMessage, TransactionalProducerTimer, TxnMarker } from './protocol.js';
import type { KafkaSettings } from './settings.js';
import type { KafkaContext, KafkaProtocol } from './world.js';

type Ctx = KafkaContext;
type State = 'down' | 'init' | 'idle' | 'sending' | 'ending' | 'zombie';
type AbortReason = 'application' | 'send-failed' | 'fenced';

const INPUT: TransactionalProducerTimer = { tag: 'input' };

interface OpenTxn {
  readonly no: number;
  readonly msgs: readonly WorkloadMessage[];
  /** Position in `msgs` of the record being sent (all sent and acknowledged once it reaches msgs.length). */
  next: number;
  /** The outstanding produce request's attempt and retries (0: none outstanding). */
  attempt: number;
  retriesUsed: number;
  /** When the application called send() for the record being sent: its delivery.timeout.ms runs from there. */
  sentAtUs: number;
  /**
   * The record's delivery.timeout.ms ran out while its request was out: it is failed (gave-up is traced), and the
   * abort waits for that request's answer or timeout, so no write of it can land after the abort marker.
   */
  expired: boolean;
  /** A send failed for good (retries or delivery.timeout.ms ran out): the epoch is bumped after the abort. */
  sendFailed: boolean;
  seq: number;
  abort: AbortReason | undefined;
  marker: TxnMarker | undefined;
  endAttempt: number;
  /** EndTxn(COMMIT) sent at least once (the after-commit crash point is its first send). */
  commitSent: boolean;
}

export class TransactionalProducer implements Actor<KafkaProtocol> {
  /** When each input record was first read, and the records of committed transactions (what the stage's output acknowledges). */
  readonly ledger = new HandoverLedger();
  /** A crash loses nothing the input does not still hold. */
  readonly lostOnCrash: string[] = [];
  // Bookkeeping for fault names and stale answers (survives crashes).
  private readonly attempts: number[] = [];
  private txnCount = 0;
  private callAttempts = 0;
  // Volatile.
  private state: State = 'down';
  private pid = -1;
  private epoch = -1;
  /** Position in the workload share of the next input record a transaction takes (the committed input offset after init). */
  private inputPos = 0;
  private nextSeq: number[] = [];
  private txn: OpenTxn | undefined;
  private token = 0;
  private replacement: Extract<KafkaMessage, { type: 'init-producer-id-response' }> | undefined;
  private readonly settings: KafkaSettings;
  /**
   * In a broker cluster: each partition's leader as metadata last named it (the topic's creation at first); the
   * coordinator calls go to `broker` (the controller). Unset: one broker actor takes everything.
   */
  private routes: (string | undefined)[] | undefined = undefined;

  constructor(
    readonly id: string,
    private readonly broker: string,
    private readonly env: ModelEnv,
    private readonly workload: Workload,
  ) {
    this.settings = env.config.settings;
  }

  /** Route produce requests by partition leader (a broker cluster); `leaders` is the topic's initial metadata. */
  routeByLeader(leaders: readonly (string | undefined)[]): void {
    this.routes = [...leaders];
  }

  isIdle(): boolean {
    return this.state === 'idle' && this.inputPos >= this.workload.length;
  }

  start(ctx: Ctx): void {
    this.nextSeq = new Array<number>(this.env.config.workload.partitions).fill(0);
    this.txn = undefined;
    this.replacement = undefined;
    this.initTransactions(ctx, false);
  }

  crash(): void {
    this.state = 'down';
    this.txn = undefined;
  }

  receive(ctx: Ctx, _from: string, message: KafkaMessage): void {
    if (message.type === 'init-producer-id-response') return this.onInit(ctx, message);
    if (message.type === 'end-txn-response') return this.onEndTxn(ctx, message);
    if (message.type === 'produce-response') return this.onProduced(ctx, message);
    if (message.type === 'metadata-response' && this.routes !== undefined && message.leaderIds !== undefined) this.routes = [...message.leaderIds];
  }

  /** In a cluster, a failed or unanswered produce may mean the leader moved: ask the controller before the retry. */
  private refreshRoutes(ctx: Ctx): void {
    if (this.routes !== undefined) ctx.sendBackground(this.broker, { type: 'metadata' });
  }

  timer(ctx: Ctx, timer: TransactionalProducerTimer): void {
    switch (timer.tag) {
      case 'input':
        return this.pump(ctx);
      case 'txn-produce-timeout':
        if (this.state === 'sending' && this.txn?.attempt === timer.attempt && this.txn.msgs[this.txn.next]?.index === timer.index) {
          if (this.txn.expired) return this.abortExpired(ctx, this.txn);
          ctx.record({ t: ctx.now, actor: this.id, kind: 'request-timeout', msg: this.txn.msgs[this.txn.next].id, attempt: timer.attempt });
          this.refreshRoutes(ctx);
          this.retry(ctx, this.txn, 'timeout');
        }
        return;
      case 'txn-delivery-timeout':
        if (this.state === 'sending' && this.txn?.no === timer.txn && !this.txn.expired && this.txn.msgs[this.txn.next]?.index === timer.index) this.expire(ctx, this.txn);
        return;
      case 'txn-produce-resend':
        if (this.state === 'sending' && this.txn !== undefined && this.txn.attempt === 0 && this.txn.msgs[this.txn.next]?.index === timer.index) this.send(ctx, this.txn);
        return;
      case 'txn-call-timeout':
      case 'txn-call-retry':
        if (timer.token === this.token) this.callAgain(ctx, timer.tag === 'txn-call-timeout');
        return;
    }
  }

  /** initTransactions: InitProducerId (with the committed input offset in its answer). */
  private initTransactions(ctx: Ctx, replacement: boolean): void {
    if (!replacement) this.state = 'init';
    const attempt = ++this.callAttempts;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'txn-init-sent', transactionalId: this.id, attempt, replacement });
    ctx.send(this.broker, { type: 'init-producer-id', transactionalId: this.id, attempt, replacement });
    if (!replacement) this.setCallTimer(ctx, 'txn-call-timeout', msToUs(this.settings.requestTimeoutMs));
  }

  private setCallTimer(ctx: Ctx, tag: 'txn-call-timeout' | 'txn-call-retry', delayUs: number): void {
    ctx.setTimer(delayUs, { tag, token: ++this.token });
  }

  /** The outstanding InitProducerId or EndTxn timed out (or its retry is due): send it again. */
  private callAgain(ctx: Ctx, timedOut: boolean): void {
    // An unanswered InitProducerId is sent again (its trace record shows the next attempt).
    if (this.state === 'init') return this.initTransactions(ctx, false);
    const txn = this.txn;
    if (txn === undefined || txn.marker === undefined) return;
    if (this.state === 'zombie') return this.becomeReplacement(ctx);
    if (timedOut) ctx.record({ t: ctx.now, actor: this.id, kind: 'end-txn-error', txn: txn.no, attempt: txn.endAttempt, error: 'timeout' });
    if (this.state === 'ending') this.endTxn(ctx, txn, txn.marker);
  }

  private onInit(ctx: Ctx, message: Extract<KafkaMessage, { type: 'init-producer-id-response' }>): void {
    if (message.replacement) {
      if (this.state === 'zombie') this.replacement = message;
      return;
    }
    if (this.state !== 'init' || message.attempt !== this.callAttempts) return;
    this.initialized(ctx, message);
  }

  private initialized(ctx: Ctx, message: Extract<KafkaMessage, { type: 'init-producer-id-response' }>): void {
    this.token++;
    this.pid = message.pid;
    this.epoch = message.epoch;
    this.inputPos = message.inputOffset;
    this.nextSeq.fill(0);
    this.txn = undefined;
    this.state = 'idle';
    ctx.record({ t: ctx.now, actor: this.id, kind: 'txn-initialized', pid: this.pid, epoch: this.epoch, inputOffset: this.inputPos });
    this.begin(ctx);
  }

  /** beginTransaction over the next input records, once the first of them can be read. */
  private begin(ctx: Ctx): void {
    if (this.state !== 'idle' || this.inputPos >= this.workload.length) return;
    const firstDueUs = this.workload.handoverUsAt(this.inputPos);
    if (firstDueUs > ctx.now) return ctx.setTimer(firstDueUs - ctx.now, INPUT);
    const msgs = sliceOf(this.workload, this.inputPos, this.inputPos + this.settings.transactionMessages);
    this.txn = { no: ++this.txnCount, msgs, next: 0, attempt: 0, retriesUsed: 0, sentAtUs: 0, expired: false, sendFailed: false, seq: -1, abort: undefined, marker: undefined, endAttempt: 0, commitSent: false };
    this.state = 'sending';
    ctx.record({ t: ctx.now, actor: this.id, kind: 'txn-begin', txn: this.txn.no, epoch: this.epoch, msgs: msgs.map((message) => message.id) });
    this.pump(ctx);
  }

  /** Send the transaction's next record once it can be read from the input; commit once all are acknowledged. */
  private pump(ctx: Ctx): void {
    if (this.state === 'idle') return this.begin(ctx);
    const txn = this.txn;
    if (this.state !== 'sending' || txn === undefined || txn.attempt !== 0) return;
    if (txn.abort !== undefined) return this.endTxn(ctx, txn, 'ABORT');
    if (txn.next >= txn.msgs.length) return this.commitPoint(ctx, txn);
    const message = txn.msgs[txn.next];
    if (message.handoverUs > ctx.now) return ctx.setTimer(message.handoverUs - ctx.now, INPUT);
    if (!this.ledger.wasHandedOver(message)) {
      this.ledger.handedOver(message, ctx.now);
      ctx.record({ t: ctx.now, actor: this.id, kind: 'handover', msg: message.id, key: message.key, partition: message.partition });
      if (this.crashAt(ctx, { kind: 'producer-crash', message: message.id, point: 'after-handover' })) return;
    }
    txn.seq = this.nextSeq[message.partition]++;
    txn.retriesUsed = 0;
    txn.sentAtUs = ctx.now;
    this.send(ctx, txn);
  }

  private send(ctx: Ctx, txn: OpenTxn): void {
    const message = txn.msgs[txn.next];
    const attempt = (this.attempts[message.index] ?? 0) + 1;
    this.attempts[message.index] = attempt;
    txn.attempt = attempt;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'send', msg: message.id, attempt, partition: message.partition, pid: this.pid, seq: txn.seq });
    ctx.send(this.routes?.[message.partition] ?? this.broker, { type: 'produce', msgId: message.id, index: message.index, key: message.key, partition: message.partition, attempt, waitForAck: true, pid: this.pid, seq: txn.seq, epoch: this.epoch, txn: txn.no });
    ctx.setTimer(msToUs(this.settings.requestTimeoutMs), { tag: 'txn-produce-timeout', index: message.index, attempt });
    // Only an attempt whose request timeout reaches past the record's deadline can expire in flight.
    this.expireBy(ctx, txn, msToUs(this.settings.requestTimeoutMs));
    if (attempt === 1 && this.crashAt(ctx, { kind: 'producer-crash', message: message.id, point: 'after-send' })) return;
    const faults = this.env.faults;
    const abort = txn.abort === undefined && faults.draw('transaction-abort', ctx.phase) ? faults.inject({ kind: 'transaction-abort', message: message.id }) : undefined;
    if (abort !== undefined) {
      this.env.traceFault(ctx, abort);
      txn.abort = 'application';
    }
  }

  /** A producer-crash decision point: true when the stage crashed. */
  private crashAt(ctx: Ctx, candidate: Extract<Fault, { kind: 'producer-crash' }>): boolean {
    const faults = this.env.faults;
    const crash = faults.draw('producer-crash', ctx.phase) ? faults.inject(candidate) : undefined;
    if (crash === undefined) return false;
    this.env.crash(this.id, crash);
    return true;
  }

  private onProduced(ctx: Ctx, message: Extract<KafkaMessage, { type: 'produce-response' }>): void {
    const txn = this.txn;
    if (this.state !== 'sending' || txn === undefined || txn.attempt !== message.attempt || txn.msgs[txn.next]?.index !== message.index) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'late-response-ignored', msg: message.msgId, attempt: message.attempt });
      return;
    }
    if (message.error === 'PRODUCER_FENCED') return this.fenced(ctx, 'produce');
    if (txn.expired) {
      // Failed already (delivery.timeout.ms): the answer is ignored, and the abort can go now.
      ctx.record({ t: ctx.now, actor: this.id, kind: 'late-response-ignored', msg: message.msgId, attempt: message.attempt });
      return this.abortExpired(ctx, txn);
    }
    if (message.error !== undefined) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'produce-error', msg: message.msgId, attempt: message.attempt, error: message.error });
      if (message.error === 'NOT_LEADER_OR_FOLLOWER') this.refreshRoutes(ctx);
      return this.retry(ctx, txn, message.error);
    }
    ctx.record({ t: ctx.now, actor: this.id, kind: 'acked', msg: message.msgId, attempt: message.attempt, offset: message.offset });
    txn.attempt = 0;
    txn.next++;
    this.pump(ctx);
  }

  private retry(ctx: Ctx, txn: OpenTxn, reason: string): void {
    const message = txn.msgs[txn.next];
    txn.attempt = 0;
    // Kafka's Sender.canRetry: not past delivery.timeout.ms, and retries left.
    const expired = ctx.now >= txn.sentAtUs + msToUs(this.settings.deliveryTimeoutMs);
    if (expired || txn.retriesUsed >= this.settings.retries) {
      // The send failed for good: commitTransaction would throw, so the application aborts.
      if (expired) this.traceGaveUp(ctx, message, 'delivery.timeout.ms', 'in-flight');
      else this.traceGaveUp(ctx, message, reason);
      txn.sendFailed = true;
      txn.abort = 'send-failed';
      return this.endTxn(ctx, txn, 'ABORT');
    }
    txn.retriesUsed++;
    const backoffMs = Math.min(this.settings.retryBackoffMs * 2 ** (txn.retriesUsed - 1), this.settings.retryBackoffMaxMs);
    ctx.record({ t: ctx.now, actor: this.id, kind: 'retry-scheduled', msg: message.id, retry: txn.retriesUsed, backoffMs, reason });
    ctx.setTimer(msToUs(backoffMs), { tag: 'txn-produce-resend', index: message.index });
    this.expireBy(ctx, txn, msToUs(backoffMs));
  }

  /** Sets the delivery-timeout timer when the record's deadline falls within the next `withinUs` (a backoff, an attempt's request timeout). */
  private expireBy(ctx: Ctx, txn: OpenTxn, withinUs: number): void {
    const leftUs = txn.sentAtUs + msToUs(this.settings.deliveryTimeoutMs) - ctx.now;
    if (leftUs < withinUs) ctx.setTimer(Math.max(0, leftUs), { tag: 'txn-delivery-timeout', index: txn.msgs[txn.next].index, txn: txn.no });
  }

  /**
   * delivery.timeout.ms ran out (Kafka 2.1+): the record fails with a TimeoutException, an abortable error, so the
   * application aborts. In a backoff the abort goes now; in flight it waits for the request's answer or timeout.
   */
  private expire(ctx: Ctx, txn: OpenTxn): void {
    const message = txn.msgs[txn.next];
    const inFlight = txn.attempt !== 0;
    this.traceGaveUp(ctx, message, 'delivery.timeout.ms', inFlight ? 'in-flight' : 'backoff');
    txn.expired = true;
    txn.sendFailed = true;
    if (!inFlight) this.abortExpired(ctx, txn);
  }

  /** `stage`: with reason delivery.timeout.ms, where the record was (the record is built whole, stage last). */
  private traceGaveUp(ctx: Ctx, message: WorkloadMessage, reason: string, stage?: ExpiryStage): void {
    const attempts = this.attempts[message.index];
    if (stage === undefined) ctx.record({ t: ctx.now, actor: this.id, kind: 'gave-up', msg: message.id, attempts, reason, retries: this.settings.retries });
    else ctx.record({ t: ctx.now, actor: this.id, kind: 'gave-up', msg: message.id, attempts, reason, retries: this.settings.retries, stage });
  }

  private abortExpired(ctx: Ctx, txn: OpenTxn): void {
    txn.attempt = 0;
    txn.abort ??= 'send-failed';
    this.endTxn(ctx, txn, 'ABORT');
  }

  /** Every record appended and acknowledged: the windows before EndTxn, then commitTransaction. */
  private commitPoint(ctx: Ctx, txn: OpenTxn): void {
    const last = txn.msgs[txn.msgs.length - 1].id;
    if (this.crashAt(ctx, { kind: 'producer-crash', message: last, point: 'before-commit' })) return;
    const faults = this.env.faults;
    const zombie = faults.draw('zombie-producer', ctx.phase) ? faults.inject({ kind: 'zombie-producer', message: last }) : undefined;
    if (zombie === undefined) return this.endTxn(ctx, txn, 'COMMIT');
    // A new instance initializes first (FIFO link: its InitProducerId reaches the coordinator before this EndTxn).
    this.env.traceFault(ctx, zombie);
    this.initTransactions(ctx, true);
    this.endTxn(ctx, txn, 'COMMIT');
    if (this.state === 'ending') this.state = 'zombie';
  }

  /** EndTxn with the input offsets of sendOffsetsToTransaction (past this transaction's records). */
  private endTxn(ctx: Ctx, txn: OpenTxn, marker: TxnMarker): void {
    this.state = 'ending';
    txn.marker = marker;
    const attempt = ++this.callAttempts;
    txn.endAttempt = attempt;
    const inputOffset = this.inputPos + txn.msgs.length;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'end-txn-sent', txn: txn.no, marker, attempt, inputOffset });
    const last = txn.msgs[txn.msgs.length - 1].id;
    ctx.send(this.broker, { type: 'end-txn', transactionalId: this.id, pid: this.pid, epoch: this.epoch, marker, inputOffset, txn: txn.no, attempt, lastMsgId: last });
    this.setCallTimer(ctx, 'txn-call-timeout', msToUs(this.settings.requestTimeoutMs));
    if (marker === 'COMMIT' && !txn.commitSent) {
      txn.commitSent = true;
      this.crashAt(ctx, { kind: 'producer-crash', message: last, point: 'after-commit' });
    }
  }

  private onEndTxn(ctx: Ctx, message: Extract<KafkaMessage, { type: 'end-txn-response' }>): void {
    const txn = this.txn;
    if (txn === undefined || message.txn !== txn.no || message.attempt !== txn.endAttempt || (this.state !== 'ending' && this.state !== 'zombie')) return;
    if (message.error === 'PRODUCER_FENCED') return this.fenced(ctx, 'end-txn');
    if (message.error !== undefined) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'end-txn-error', txn: txn.no, attempt: message.attempt, error: message.error });
      this.setCallTimer(ctx, 'txn-call-retry', msToUs(this.settings.retryBackoffMs));
      return;
    }
    this.token++;
    const msgs = txn.msgs.map((record) => record.id);
    if (message.marker === 'COMMIT') {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'txn-committed', txn: txn.no, msgs });
      for (const record of txn.msgs) this.ledger.acknowledge(record);
      this.inputPos += txn.msgs.length;
    } else {
      // Rewind: the input is read again from the last committed offset, which this transaction did not move.
      ctx.record({ t: ctx.now, actor: this.id, kind: 'txn-aborted', txn: txn.no, msgs, reason: txn.abort ?? 'application' });
      // A send that failed leaves its sequence number unresolved: the broker may never have written it, and would
      // refuse every later one out of sequence. The Java client (Kafka 2.5+, KIP-360) bumps its epoch after the
      // abort (InitProducerId with its producer id) and numbers from 0 again; initTransactions does the same here.
      if (txn.sendFailed) {
        this.txn = undefined;
        return this.initTransactions(ctx, false);
      }
    }
    this.txn = undefined;
    this.state = 'idle';
    this.begin(ctx);
  }

  /** ProducerFencedException: this instance is a zombie; it closes and the new instance carries on. */
  private fenced(ctx: Ctx, call: 'produce' | 'end-txn'): void {
    ctx.record({ t: ctx.now, actor: this.id, kind: 'producer-fenced', epoch: this.epoch, call });
    if (this.txn !== undefined) ctx.record({ t: ctx.now, actor: this.id, kind: 'txn-aborted', txn: this.txn.no, msgs: this.txn.msgs.map((record) => record.id), reason: 'fenced' });
    this.becomeReplacement(ctx);
  }

  /** The new instance: initialized already when its answer came, else it initializes now. */
  private becomeReplacement(ctx: Ctx): void {
    const replacement = this.replacement;
    this.replacement = undefined;
    if (replacement !== undefined) return this.initialized(ctx, replacement);
    this.initTransactions(ctx, false);
  }
}
