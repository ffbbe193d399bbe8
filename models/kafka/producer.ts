/**
 * The producer and its application. The application hands over messages on a schedule; the producer sends
 * one produce request per message to the partition's leader, with Kafka's acks / retries / backoff /
 * request timeout / idempotence (producer id + per-partition sequence) / max in-flight semantics. As in the Java
 * producer, a retry goes before anything new to its partition, and with idempotence it is sent only as the
 * partition's first unsettled record.
 * A partition without a leader is not written into the void: once the producer learns of it (a NOT_LEADER_OR_FOLLOWER
 * answer, or with acks=0 its connection to the failed leader breaking) its records wait in the accumulator, as the
 * Java producer's do (Kafka 3.x RecordAccumulator.ready skips partitions whose leader is unknown and asks for a
 * metadata update), refreshing metadata every retry.backoff.ms until a leader is named.
 * delivery.timeout.ms (Kafka 2.1+, KIP-91) bounds the whole time from a record's hand-over to its outcome: wherever
 * the record is then (waiting for a leader, queued, backing off, in flight), the producer fails it with a
 * TimeoutException ("Expiring 1 record(s) ... ms has passed since batch creation"), as the Java Sender does.
 * Durable: how many messages the application handed over, and with producerBuffer=outbox the outbox table
 * (handed-over, not yet acknowledged). Volatile: the in-memory buffer, in-flight requests, the producer id.
 */
import type { Actor } from '../../sim/world.js';
import { msToUs } from '../config.js';
import type { ModelEnv } from '../env.js';
import type { Workload, WorkloadMessage } from '../workload.js';
import type { ExpiryStage } from './events.js';
import type { KafkaMessage, ProducerTimer } from './protocol.js';
import type { KafkaSettings } from './settings.js';
import type { KafkaContext, KafkaProtocol } from './world.js';
import { arrayOf } from '../arrays.js';
import { OutboxTable } from '../outbox-table.js';
import { IndexCounts } from '../index-counts.js';
import { IndexTimes } from '../index-times.js';
import { HandoverLedger } from '../observations.js';

type Ctx = KafkaContext;

/** The handover and delivery-timeout timers carry nothing: one object each serves every instance. */
const HANDOVER: ProducerTimer = { tag: 'handover' };
const DELIVERY_TIMEOUT: ProducerTimer = { tag: 'delivery-timeout' };

interface Pending {
  message: WorkloadMessage;
  /** Attempt number of the request currently outstanding (0 = not sent yet). */
  attempt: number;
  /** Retries used in this producer session. */
  retriesUsed: number;
  seq: number;
  awaiting: boolean;
  /** Rank among this session's pending requests, in the order they were first sent (what a crash lists them in). */
  order: number;
  /** Names the one resend timer that counts: a sequence reset takes the record over and voids the one outstanding. */
  resendToken: number;
  /** A numbered retry whose backoff is over, waiting for the records numbered before it (pump sends it when its turn comes). */
  retryDue: boolean;
}

export class Producer implements Actor<KafkaProtocol> {
  // Durable (the application's own progress, and the outbox table).
  private handed = 0;
  private readonly outbox = new OutboxTable();
  /** When the application handed each message over (where consumer lag is measured from), and the broker's acks (acks >= 1). */
  readonly ledger = new HandoverLedger();
  readonly gaveUp = new Set<string>();
  /** Bookkeeping for fault names (not behaviour): attempts per message across sessions, by workload index. */
  private readonly attempts = new IndexCounts();
  private sessions = 0;
  // Volatile.
  private queues: WorkloadMessage[][] = [];
  /** Outstanding requests by workload index (an array: looked up per response and per timer), and their count. */
  private pending: (Pending | undefined)[] = [];
  private pendingCount = 0;
  private pendingOrder = 0;
  private inFlight: number[] = [];
  private nextSeq: number[] = [];
  /** Per partition: false from a sign that it has no leader until metadata names one. */
  private leaderKnown: boolean[] = [];
  /** Per partition: pending retries waiting for a leader, in their send order. */
  private held: Pending[][] = [];
  /**
   * Per partition with idempotence: the numbered records sent and not yet settled, in sequence order (settled ones
   * are dropped as they are met): the first is the one a numbered retry waits behind.
   */
  private numbered: Pending[][] = [];
  /** When each unsettled message entered this session's accumulator, by workload index (-1 once settled): delivery.timeout.ms runs from there. */
  private readonly enqueuedAtUs = new IndexTimes();
  /**
   * The messages in the order they entered the accumulator, with that time: the first one still unsettled there
   * (its time still in enqueuedAtUs) is the next to expire. Settled ones are dropped as they are met; `expiryHead`
   * is the first entry not yet dropped.
   */
  private expiryOrder: WorkloadMessage[] = [];
  private expiryTimesUs: number[] = [];
  private expiryHead = 0;
  /** A delivery-timeout timer is set for the first entry of expiryOrder (one at a time, for the oldest record). */
  private expiryArmed = false;
  /**
   * Requests of records that expired in flight, by workload index (the Pending they were), and their count per
   * partition: a sequence reset waits for their answers or timeouts too, as the broker's epoch bump would fence them.
   */
  private readonly expiredInFlight = new Map<number, Pending>();
  private expiredAwaiting: number[] = [];
  private refreshing = false;
  /** Per partition: the producer id its sequence numbers belong to (-1 without idempotence). */
  private pids: number[] = [];
  /** Producer ids taken so far, sessions and sequence resets together (ids must differ between producers and sessions). */
  private identities = 0;
  /**
   * KIP-360, per partition: a numbered record was given up, so the broker may be waiting for a sequence number
   * that will never come. Nothing new is sent to the partition until its answers are in; then its sequence restarts.
   */
  private resetDue: boolean[] = [];
  /** Per partition: requests sent and not yet answered or timed out (a sequence reset waits for none). */
  private awaiting: number[] = [];
  private readonly settings: KafkaSettings;

  constructor(
    readonly id: string,
    /** The broker actor every produce request goes to. */
    private readonly broker: string,
    private readonly env: ModelEnv,
    /** The messages this producer's application hands over, in hand-over order. */
    private readonly workload: Workload,
    /** This producer's place among `producers` (producer ids must differ between producers and sessions). */
    private readonly producerIndex = 0,
    private readonly producers = 1,
  ) {
    this.settings = env.config.settings;
  }

  /**
   * In a broker cluster: each partition's leader as the last metadata named it (the topic's creation at first), and
   * the brokers whose connection broke (a crash) until metadata names another leader. Unset: one broker actor.
   */
  private routes: (string | undefined)[] | undefined = undefined;
  private readonly unreachable = new Set<string>();

  /** Route produce requests by partition leader (a broker cluster); `leaders` is the topic's initial metadata. */
  routeByLeader(leaders: readonly (string | undefined)[]): void {
    this.routes = [...leaders];
  }

  /** A broker's connection broke (it crashed) or came back: partitions it leads wait for metadata meanwhile. */
  brokerReachable(ctx: Ctx, broker: string, reachable: boolean): void {
    if (reachable) {
      this.unreachable.delete(broker);
      return;
    }
    this.unreachable.add(broker);
    this.routes?.forEach((leader, partition) => {
      if (leader === broker && this.leaderKnown.length > partition) this.leaderLost(ctx, partition);
    });
  }

  /** True when the application handed over everything and nothing is buffered or waiting for an answer. */
  isIdle(): boolean {
    // An outbox row given up is re-published by the relay (see relayOutboxRow): not idle while one is left.
    return this.handed === this.workload.length && this.pendingCount === 0 && this.queues.every((queue) => queue.length === 0) && (this.settings.producerBuffer === 'memory' || this.outbox.size === 0);
  }

  start(ctx: Ctx): void {
    const partitions = this.env.config.workload.partitions;
    this.queues = arrayOf(partitions, () => []);
    this.inFlight = new Array<number>(partitions).fill(0);
    this.nextSeq = new Array<number>(partitions).fill(0);
    this.leaderKnown = new Array<boolean>(partitions).fill(true);
    this.held = arrayOf(partitions, () => []);
    this.numbered = arrayOf(partitions, () => []);
    this.resetDue = new Array<boolean>(partitions).fill(false);
    this.awaiting = new Array<number>(partitions).fill(0);
    this.expiredAwaiting = new Array<number>(partitions).fill(0);
    this.refreshing = false;
    // New connections: a broker that is down shows again when they break.
    this.unreachable.clear();
    this.pending = [];
    this.pendingCount = 0;
    this.expiryOrder = [];
    this.expiryTimesUs = [];
    this.expiryHead = 0;
    this.expiryArmed = false;
    this.expiredInFlight.clear();
    this.sessions++;
    // A new session gets a new producer id: idempotence only de-duplicates within one session.
    const pid = this.settings.enableIdempotence ? this.newProducerId() : -1;
    this.pids = new Array<number>(partitions).fill(pid);
    ctx.record({ t: ctx.now, actor: this.id, kind: 'session-start', session: this.sessions, pid });
    if (this.settings.producerBuffer === 'outbox' && this.outbox.size > 0) {
      // In workload order (the outbox is indexed by it).
      const resend = this.outbox.all();
      ctx.record({ t: ctx.now, actor: this.id, kind: 'outbox-resend', msgs: resend.map((message) => message.id) });
      for (const message of resend) {
        // Given up or not, every row is sent again (the relay re-reads the table): none waits for the relay now.
        this.gaveUp.delete(message.id);
        this.enqueue(ctx, message);
      }
      for (let partition = 0; partition < partitions; partition++) if (this.pump(ctx, partition)) return;
    }
    this.catchUpHandovers(ctx);
  }

  /**
   * The outbox relay publishes a row again once the producer gave it up (retries or delivery.timeout.ms ran out):
   * the row is still in the table, so it is not lost, as a polling outbox publisher keeps a row until a send of it
   * succeeds. It may land behind later records of its key, so per-key order can break here, as in real systems.
   */
  private relayOutboxRow(ctx: Ctx, index: number): void {
    const message = this.outbox.row(index);
    if (message === undefined || !this.gaveUp.delete(message.id)) return;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'outbox-resend', msgs: [message.id] });
    this.enqueue(ctx, message);
    this.pump(ctx, message.partition);
  }

  crash(): void {
    const lost: string[] = [];
    if (this.settings.producerBuffer === 'memory') {
      for (const queue of this.queues) for (const message of queue) lost.push(message.id);
      const pendings = this.pending.filter((pending): pending is Pending => pending !== undefined).sort((a, b) => a.order - b.order);
      for (const pending of pendings) if (!this.ledger.brokerAcknowledged(pending.message)) lost.push(pending.message.id);
    }
    this.lostOnCrash = lost;
    this.queues = [];
    this.held = [];
    this.numbered = [];
    this.pending = [];
    this.pendingCount = 0;
  }

  /** Message ids a memory-buffer producer lost in its last crash (traced by the model after the crash). */
  lostOnCrash: string[] = [];

  receive(ctx: Ctx, _from: string, message: KafkaMessage): void {
    if (message.type === 'metadata-response') return this.onMetadata(ctx, message.leaders, message.leaderIds);
    if (message.type !== 'produce-response') return;
    const pending = this.pending[message.index];
    // A late answer to an older attempt, or to a message already settled: nothing to do.
    if (pending === undefined || !pending.awaiting || pending.attempt !== message.attempt) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'late-response-ignored', msg: message.msgId, attempt: message.attempt });
      this.expiredRequestDone(ctx, message.index, message.attempt);
      return;
    }
    if (message.error !== undefined) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'produce-error', msg: message.msgId, attempt: message.attempt, error: message.error });
      if (message.error === 'NOT_LEADER_OR_FOLLOWER') this.leaderLost(ctx, message.partition);
      this.retry(ctx, pending, message.error);
      return;
    }
    ctx.record({ t: ctx.now, actor: this.id, kind: 'acked', msg: message.msgId, attempt: message.attempt, offset: message.offset });
    this.settle(ctx, pending.message);
    this.ledger.acknowledge(pending.message);
    this.pump(ctx, pending.message.partition);
  }

  timer(ctx: Ctx, timer: ProducerTimer): void {
    if (timer.tag === 'handover') {
      this.catchUpHandovers(ctx);
      return;
    }
    if (timer.tag === 'metadata-refresh') return this.refreshMetadata(ctx);
    if (timer.tag === 'outbox-relay') return this.relayOutboxRow(ctx, timer.index);
    if (timer.tag === 'delivery-timeout') return this.expire(ctx);
    if (timer.tag === 'timeout' && this.expiredInFlight.size > 0 && this.expiredRequestDone(ctx, timer.index, timer.attempt)) return;
    const pending = this.pending[timer.index];
    if (pending === undefined) return;
    if (timer.tag === 'timeout' && pending.awaiting && pending.attempt === timer.attempt) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'request-timeout', msg: pending.message.id, attempt: pending.attempt });
      // In a cluster a timeout may mean the leader moved (a broker cut off): refresh metadata before the retry.
      if (this.routes !== undefined) this.leaderLost(ctx, pending.message.partition);
      this.retry(ctx, pending, 'timeout');
    } else if (timer.tag === 'resend' && !pending.awaiting && pending.resendToken === timer.token && !this.resetDue[pending.message.partition]) {
      const partition = pending.message.partition;
      if (!this.leaderKnown[partition]) this.held[partition].push(pending);
      else if (this.mustWaitItsTurn(pending)) pending.retryDue = true;
      else this.send(ctx, pending);
    }
  }

  /** Hand over every message whose time has come (those due while the producer was down come now). */
  private catchUpHandovers(ctx: Ctx): void {
    while (this.handed < this.workload.length && this.workload.handoverUsAt(this.handed) <= ctx.now) {
      // Built here, as it is handed over: the producer holds it until it settles (a workload keeps no objects).
      const message = this.workload.at(this.handed++);
      ctx.record({ t: ctx.now, actor: this.id, kind: 'handover', msg: message.id, key: message.key, partition: message.partition });
      this.ledger.handedOver(message, ctx.now);
      if (this.settings.producerBuffer === 'outbox') {
        this.outbox.insert(message);
      }
      this.enqueue(ctx, message);
      const faults = this.env.faults;
      const crash = faults.draw('producer-crash', ctx.phase) ? faults.inject({ kind: 'producer-crash', message: message.id, point: 'after-handover' }) : undefined;
      if (crash !== undefined) return this.env.crash(this.id, crash);
      if (this.pump(ctx, message.partition)) return;
    }
    if (this.handed < this.workload.length) ctx.setTimer(this.workload.handoverUsAt(this.handed) - ctx.now, HANDOVER);
  }

  /** Send what the in-flight window allows. Returns true if the producer crashed meanwhile. */
  private pump(ctx: Ctx, partition: number): boolean {
    // A sequence reset due sends nothing new until it is done (and it pumps when it is).
    if (this.resetDue[partition]) return this.maybeResetSequence(ctx, partition);
    // Records of the partition not settled and not awaiting an answer wait to be sent again (a backoff, a turn, a leader).
    if (this.inFlight[partition] > this.awaiting[partition]) {
      // A numbered retry whose turn has come (the records numbered before it are settled) goes now.
      const first = this.firstNumbered(partition);
      if (first !== undefined && first.retryDue && this.leaderKnown[partition] && this.send(ctx, first)) return true;
      // Retried records go before new ones: the Java producer re-enqueues a retried batch at the head of its
      // partition's deque (RecordAccumulator.reenqueue), and drains nothing from the partition during its backoff.
      if (this.inFlight[partition] > this.awaiting[partition]) return false;
    }
    const queue = this.queues[partition];
    while (queue.length > 0 && this.leaderKnown[partition] && (this.settings.acks === 0 || this.inFlight[partition] < this.settings.maxInFlight)) {
      const message = queue.shift() as WorkloadMessage;
      const pending: Pending = { message, attempt: 0, retriesUsed: 0, seq: this.pids[partition] >= 0 ? this.nextSeq[partition]++ : -1, awaiting: false, order: this.pendingOrder++, resendToken: 0, retryDue: false };
      if (this.settings.acks !== 0) {
        this.pending[message.index] = pending;
        this.pendingCount++;
        this.inFlight[partition]++;
        if (pending.seq >= 0) this.numbered[partition].push(pending);
      }
      if (this.send(ctx, pending)) return true;
      if (this.settings.acks === 0) {
        // Fire and forget: the producer considers the message delivered as soon as it is written to the socket.
        this.settle(ctx, message);
      }
    }
    return false;
  }

  private send(ctx: Ctx, pending: Pending): boolean {
    const message = pending.message;
    const attempt = this.attempts.increment(message.index);
    pending.attempt = attempt;
    pending.retryDue = false;
    pending.awaiting = this.settings.acks !== 0;
    if (pending.awaiting) this.awaiting[message.partition]++;
    const pid = this.pids[message.partition];
    // Hot path: the record is built whole (see ActorContext.record); pid and seq only with idempotence.
    if (pending.seq >= 0) ctx.record({ t: ctx.now, actor: this.id, kind: 'send', msg: message.id, attempt, partition: message.partition, pid, seq: pending.seq });
    else ctx.record({ t: ctx.now, actor: this.id, kind: 'send', msg: message.id, attempt, partition: message.partition });
    ctx.send(this.routes === undefined ? this.broker : (this.routes[message.partition] ?? this.broker), { type: 'produce', msgId: message.id, index: message.index, key: message.key, partition: message.partition, attempt, waitForAck: this.settings.acks !== 0, pid, seq: pending.seq });
    if (pending.awaiting) ctx.setTimer(msToUs(this.settings.requestTimeoutMs), { tag: 'timeout', index: message.index, attempt });
    if (attempt === 1) {
      const faults = this.env.faults;
      const crash = faults.draw('producer-crash', ctx.phase) ? faults.inject({ kind: 'producer-crash', message: message.id, point: 'after-send' }) : undefined;
      if (crash !== undefined) {
        this.env.crash(this.id, crash);
        return true;
      }
    }
    return false;
  }

  private retry(ctx: Ctx, pending: Pending, reason: string): void {
    const partition = pending.message.partition;
    pending.awaiting = false;
    this.awaiting[partition]--;
    if (pending.retriesUsed >= this.settings.retries) {
      this.giveUp(ctx, pending.message, pending.attempt, reason, pending.seq >= 0);
      this.pump(ctx, partition);
      return;
    }
    // A gap before the first record in flight (the broker lost records it had acknowledged: an unclean election,
    // min.insync.replicas=1 with a lagging follower) never closes by waiting: the Java producer
    // (TransactionManager.canRetry, Kafka 2.5+) bumps its epoch for the partition and retries from sequence 0, as
    // after a record given up (KIP-360).
    if (reason === 'OUT_OF_ORDER_SEQUENCE_NUMBER' && this.firstNumbered(partition) === pending) this.resetDue[partition] = true;
    pending.retriesUsed++;
    const backoffMs = Math.min(this.settings.retryBackoffMs * 2 ** (pending.retriesUsed - 1), this.settings.retryBackoffMaxMs);
    ctx.record({ t: ctx.now, actor: this.id, kind: 'retry-scheduled', msg: pending.message.id, retry: pending.retriesUsed, backoffMs, reason });
    ctx.setTimer(msToUs(backoffMs), { tag: 'resend', index: pending.message.index, token: pending.resendToken });
    this.maybeResetSequence(ctx, partition);
  }

  /**
   * KIP-360 (Kafka 2.5+): once a numbered record was given up, the broker may wait for its sequence number forever
   * and refuse every later one with OUT_OF_ORDER_SEQUENCE_NUMBER. When none of the partition's requests is
   * unanswered, the Java producer bumps its epoch and starts the partition's sequence numbers again at 0. The model
   * gives the partition a fresh producer id, which the broker treats the same way (a new sequence from 0).
   * The partition's records still waiting are renumbered in their send order and sent again. Returns true if the
   * producer crashed meanwhile.
   */
  private maybeResetSequence(ctx: Ctx, partition: number): boolean {
    if (!this.resetDue[partition] || this.awaiting[partition] > 0 || this.expiredAwaiting[partition] > 0) return false;
    this.resetDue[partition] = false;
    const pid = (this.pids[partition] = this.newProducerId());
    const waiting = this.pending.filter((pending): pending is Pending => pending !== undefined && pending.message.partition === partition).sort((a, b) => a.order - b.order);
    waiting.forEach((pending, seq) => {
      pending.seq = seq;
      pending.resendToken++;
      pending.retryDue = false;
    });
    this.nextSeq[partition] = waiting.length;
    this.numbered[partition] = [...waiting];
    ctx.record({ t: ctx.now, actor: this.id, kind: 'sequence-reset', partition, pid, msgs: waiting.map((pending) => pending.message.id) });
    if (!this.leaderKnown[partition]) {
      this.held[partition] = waiting;
      return false;
    }
    this.held[partition] = [];
    // Renumbered, they are retries all the same: the first goes now, each next one once the one before is settled.
    for (const pending of waiting.slice(1)) pending.retryDue = true;
    if (waiting.length > 0 && this.send(ctx, waiting[0])) return true;
    return this.pump(ctx, partition);
  }

  /**
   * The Java producer (RecordAccumulator.shouldStopDrainBatchesForPartition, Kafka 1.0+ with idempotence) sends a
   * retried batch only when its sequence is the first still in flight for its partition: "this effectively reduces
   * our in flight request count to 1" until the retries are through. Sent as they came, retries would reach the
   * broker out of sequence and be refused with OUT_OF_ORDER_SEQUENCE_NUMBER again and again.
   */
  private mustWaitItsTurn(pending: Pending): boolean {
    return pending.seq >= 0 && this.firstNumbered(pending.message.partition) !== pending;
  }

  /** The partition's first numbered record not yet settled (settled ones are dropped from the list here). */
  private firstNumbered(partition: number): Pending | undefined {
    const numbered = this.numbered[partition];
    let first = 0;
    while (first < numbered.length && this.pending[numbered[first].message.index] !== numbered[first]) first++;
    if (first > 0) numbered.splice(0, first);
    return numbered[0];
  }

  /** A producer id no session or sequence reset of any producer has had. */
  private newProducerId(): number {
    return this.identities++ * this.producers + this.producerIndex + 1;
  }

  private enqueue(ctx: Ctx, message: WorkloadMessage): void {
    this.enqueuedAtUs.set(message.index, ctx.now);
    this.queues[message.partition].push(message);
    this.expiryOrder.push(message);
    this.expiryTimesUs.push(ctx.now);
    if (!this.expiryArmed) {
      this.expiryArmed = true;
      ctx.setTimer(msToUs(this.settings.deliveryTimeoutMs), DELIVERY_TIMEOUT);
    }
  }

  /**
   * The delivery-timeout timer: fail every record whose delivery.timeout.ms has passed since it was handed over
   * (entered the accumulator), wherever it is, then set the timer for the next oldest unsettled record.
   */
  private expire(ctx: Ctx): void {
    this.expiryArmed = false;
    const timeoutUs = msToUs(this.settings.deliveryTimeoutMs);
    const touched = new Set<number>();
    while (this.expiryHead < this.expiryOrder.length) {
      const message = this.expiryOrder[this.expiryHead];
      const enqueuedUs = this.expiryTimesUs[this.expiryHead];
      // Settled since, or entered again later (the relay or a restart re-sent it): a later entry stands for it.
      if (this.enqueuedAtUs.get(message.index) !== enqueuedUs) {
        this.expiryHead++;
        continue;
      }
      if (enqueuedUs + timeoutUs > ctx.now) {
        this.expiryArmed = true;
        ctx.setTimer(enqueuedUs + timeoutUs - ctx.now, DELIVERY_TIMEOUT);
        break;
      }
      this.expiryHead++;
      this.expireRecord(ctx, message);
      touched.add(message.partition);
    }
    // Dropped entries go in bulk, not one shift at a time.
    if (this.expiryHead > 1024 && this.expiryHead * 2 > this.expiryOrder.length) {
      this.expiryOrder = this.expiryOrder.slice(this.expiryHead);
      this.expiryTimesUs = this.expiryTimesUs.slice(this.expiryHead);
      this.expiryHead = 0;
    }
    // Expired records free the in-flight window, and a numbered one makes a sequence reset due (pump does it).
    for (const partition of touched) if (this.pump(ctx, partition)) return;
  }

  /** Fail one record past its delivery.timeout.ms, wherever it is. */
  private expireRecord(ctx: Ctx, message: WorkloadMessage): void {
    const partition = message.partition;
    const pending = this.pending[message.index];
    if (pending === undefined) {
      // Not sent yet: queued (a partition's unsent records leave in the order they came, so it is the first).
      const queue = this.queues[partition];
      const at = queue.indexOf(message);
      if (at < 0) throw new Error(`delivery timeout: ${message.id} is neither queued nor pending`);
      queue.splice(at, 1);
      this.giveUp(ctx, message, 0, 'delivery.timeout.ms', false, this.leaderKnown[partition] ? 'queued' : 'no-leader');
      return;
    }
    let stage: ExpiryStage;
    if (pending.awaiting) {
      // Its request is still out there until an answer comes or it times out. An earlier expired request of the
      // same record still unanswered (a request timeout far above the delivery timeout) is counted done now.
      stage = 'in-flight';
      if (this.expiredInFlight.has(message.index)) this.expiredAwaiting[partition]--;
      this.expiredInFlight.set(message.index, pending);
      this.expiredAwaiting[partition]++;
    } else {
      const held = this.held[partition].indexOf(pending);
      if (held >= 0) this.held[partition].splice(held, 1);
      stage = held >= 0 ? 'no-leader' : pending.retryDue ? 'turn' : 'backoff';
    }
    this.giveUp(ctx, message, pending.attempt, 'delivery.timeout.ms', pending.seq >= 0, stage);
  }

  /** An answer to, or the timeout of, a request whose record expired in flight: no longer awaited. Returns true if it was one. */
  private expiredRequestDone(ctx: Ctx, index: number, attempt: number): boolean {
    const expired = this.expiredInFlight.get(index);
    if (expired?.attempt !== attempt) return false;
    this.expiredInFlight.delete(index);
    this.expiredAwaiting[expired.message.partition]--;
    this.pump(ctx, expired.message.partition);
    return true;
  }

  /** A sign that the partition has no leader: hold its records and refresh metadata until one is named. */
  private leaderLost(ctx: Ctx, partition: number): void {
    if (!this.leaderKnown[partition]) return;
    this.leaderKnown[partition] = false;
    // Retries waiting for their turn wait for the leader now (and can expire meanwhile, as held records do).
    for (const pending of this.numbered[partition] ?? []) {
      if (!pending.retryDue || this.pending[pending.message.index] !== pending) continue;
      pending.retryDue = false;
      this.held[partition].push(pending);
    }
    ctx.record({ t: ctx.now, actor: this.id, kind: 'leader-unknown', partition });
    if (this.refreshing) return;
    this.refreshing = true;
    ctx.setTimer(msToUs(this.settings.retryBackoffMs), { tag: 'metadata-refresh' });
  }

  private refreshMetadata(ctx: Ctx): void {
    this.refreshing = false;
    if (this.leaderKnown.every(Boolean)) return;
    ctx.sendBackground(this.broker, { type: 'metadata' });
    this.refreshing = true;
    // Kafka refreshes metadata no faster than retry.backoff.ms; an unanswered request is simply asked again.
    ctx.setTimer(msToUs(Math.max(this.settings.retryBackoffMs, 0.1)), { tag: 'metadata-refresh' });
  }

  private onMetadata(ctx: Ctx, leaders: readonly boolean[], leaderIds?: readonly (string | undefined)[]): void {
    if (this.routes !== undefined && leaderIds !== undefined) this.routes = [...leaderIds];
    for (let partition = 0; partition < leaders.length && partition < this.leaderKnown.length; partition++) {
      const leaderId = this.routes?.[partition];
      if (!leaders[partition] || (leaderId !== undefined && this.unreachable.has(leaderId))) {
        this.leaderLost(ctx, partition);
        continue;
      }
      if (this.leaderKnown[partition]) continue;
      this.leaderKnown[partition] = true;
      // A sequence reset is waiting for the partition's answers: it sends the held records, renumbered.
      if (this.resetDue[partition]) {
        ctx.record({ t: ctx.now, actor: this.id, kind: 'leader-known', partition, waited: [] });
        continue;
      }
      const held = this.held[partition].sort((a, b) => a.order - b.order);
      this.held[partition] = [];
      const waiting = [...held.map((pending) => pending.message.id), ...this.queues[partition].map((message) => message.id)];
      ctx.record({ t: ctx.now, actor: this.id, kind: 'leader-known', partition, waited: waiting });
      for (const pending of held) {
        if (this.pending[pending.message.index] !== pending || pending.awaiting) continue;
        if (this.mustWaitItsTurn(pending)) pending.retryDue = true;
        else if (this.send(ctx, pending)) return;
      }
      if (this.pump(ctx, partition)) return;
    }
  }

  /** `numbered`: the record had a sequence number, so giving it up leaves a gap the partition must be reset over. */
  private giveUp(ctx: Ctx, message: WorkloadMessage, attempts: number, reason: string, numbered: boolean, stage?: ExpiryStage): void {
    if (stage === undefined) ctx.record({ t: ctx.now, actor: this.id, kind: 'gave-up', msg: message.id, attempts, reason, retries: this.settings.retries });
    else ctx.record({ t: ctx.now, actor: this.id, kind: 'gave-up', msg: message.id, attempts, reason, retries: this.settings.retries, stage });
    this.gaveUp.add(message.id);
    if (numbered) this.resetDue[message.partition] = true;
    this.settle(ctx, message);
    if (this.outbox.row(message.index) !== undefined) ctx.setTimer(msToUs(this.settings.retryBackoffMaxMs), { tag: 'outbox-relay', index: message.index });
  }

  private settle(_ctx: Ctx, message: WorkloadMessage): void {
    const pending = this.pending[message.index];
    if (pending !== undefined) {
      if (pending.awaiting) this.awaiting[message.partition]--;
      this.pending[message.index] = undefined;
      this.pendingCount--;
      this.inFlight[message.partition]--;
    }
    this.enqueuedAtUs.set(message.index, -1);
    if (!this.gaveUp.has(message.id)) this.outbox.delete(message.index);
  }
}
