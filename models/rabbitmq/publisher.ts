/**
 * The publisher and its application. The application hands messages over on a schedule; the publisher sends one
 * basic.publish per message to the exchange. With publisher confirms it keeps up to maxUnconfirmed publishes
 * unconfirmed and re-publishes one left unconfirmed after confirmTimeoutMs (which duplicates it when only the
 * confirm was lost), or refused by basic.nack; a basic.return (mandatory, unroutable) is re-published too. Without
 * confirms a publish is done once written to the socket: a lost one is silent loss.
 *
 * Durable: how many messages were handed over, and with producerBuffer=outbox the outbox (handed over, not yet
 * confirmed). Volatile: the buffer and the unconfirmed publishes.
 */
import type { Actor } from '../../sim/world.js';
import { msToUs } from '../config.js';
import type { ModelEnv } from '../env.js';
import { partitionPoint } from '../../sim/bisect.js';
import { Fifo } from '../fifo.js';
import { OutboxTable } from '../outbox-table.js';
import { HandoverLedger } from '../observations.js';
import type { Workload, WorkloadMessage } from '../workload.js';
import type { PublisherTimer, RabbitMqMessage } from './protocol.js';
import type { RabbitMqSettings } from './settings.js';
import type { RabbitMqContext, RabbitMqProtocol } from './world.js';

type Ctx = RabbitMqContext;
const HANDOVER: PublisherTimer = { tag: 'handover' };

interface Unconfirmed {
  readonly message: WorkloadMessage;
  attempt: number;
  retriesUsed: number;
  awaiting: boolean;
  /** The attempt the broker returned (basic.return): its basic.ack then means "unroutable", not "enqueued". */
  returnedAttempt?: number;
}

export class Publisher implements Actor<RabbitMqProtocol> {
  // Durable.
  private handed = 0;
  private readonly outbox = new OutboxTable();
  /** When each message was handed over, and the broker's confirms (basic.ack): losing a confirmed one is an acknowledged loss. */
  readonly ledger = new HandoverLedger();
  readonly gaveUp = new Set<string>();
  /** Messages the broker returned at least once (basic.return), in order. */
  readonly returned: string[] = [];
  private readonly returnedOnce = new Set<string>();
  private readonly attempts: number[] = [];
  // Volatile.
  private buffer = new Fifo<WorkloadMessage>();
  private unconfirmed: (Unconfirmed | undefined)[] = [];
  private unconfirmedCount = 0;
  /** Message ids a memory buffer lost in the last crash (traced by the deployment). */
  lostOnCrash: string[] = [];
  private readonly settings: RabbitMqSettings;

  constructor(
    readonly id: string,
    private readonly broker: string,
    private readonly env: ModelEnv,
    private readonly workload: Workload,
    /** Each message's due time (virtual µs, by workload index; -1: not delayed). */
    private readonly dueUs: readonly number[],
  ) {
    this.settings = env.config.settings as unknown as RabbitMqSettings;
  }

  isIdle(): boolean {
    return this.handed === this.workload.length && this.unconfirmedCount === 0 && this.buffer.length === 0 && (this.settings.producerBuffer === 'memory' || this.outbox.size === 0);
  }

  start(ctx: Ctx): void {
    this.buffer = new Fifo<WorkloadMessage>();
    this.unconfirmed = [];
    this.unconfirmedCount = 0;
    if (this.settings.producerBuffer === 'outbox' && this.outbox.size > 0) {
      // Every row, given up or not: the relay re-reads the table (see relayOutboxRow).
      const resend = this.outbox.all();
      for (const message of resend) this.gaveUp.delete(message.id);
      ctx.record({ t: ctx.now, actor: this.id, kind: 'outbox-resend', msgs: resend.map((message) => message.id) });
      // A loop, not push(...rows): a spread of a large table overflows the call stack.
      for (const message of resend) this.buffer.push(message);
      if (this.pump(ctx)) return;
    }
    this.catchUpHandovers(ctx);
  }

  crash(): void {
    const lost: string[] = [];
    if (this.settings.producerBuffer === 'memory') {
      for (const pending of this.unconfirmed) if (pending !== undefined) lost.push(pending.message.id);
      for (const message of this.buffer) lost.push(message.id);
    }
    this.lostOnCrash = lost;
    this.buffer = new Fifo<WorkloadMessage>();
    this.unconfirmed = [];
    this.unconfirmedCount = 0;
  }

  receive(ctx: Ctx, _from: string, message: RabbitMqMessage): void {
    if (message.type !== 'confirm' && message.type !== 'basic-return') return;
    const pending = this.unconfirmed[message.index];
    if (message.type === 'basic-return') {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'publish-returned', msg: message.msgId, attempt: message.attempt });
      if (!this.returnedOnce.has(message.msgId)) {
        this.returnedOnce.add(message.msgId);
        this.returned.push(message.msgId);
      }
      // Without confirms nothing else will come: re-publish now. With confirms the basic.ack that follows the return does.
      if (!this.settings.publisherConfirms && pending === undefined) {
        const returned = this.messageAt(message.index);
        this.republishLater(ctx, { message: returned, attempt: message.attempt, retriesUsed: message.attempt - 1, awaiting: false }, true);
      }
      else if (pending !== undefined && pending.attempt === message.attempt) pending.returnedAttempt = message.attempt;
      return;
    }
    if (pending === undefined || !pending.awaiting || pending.attempt !== message.attempt) return;
    if (!message.ack || pending.returnedAttempt === message.attempt) {
      // The broker's basic.ack after a basic.return is traced as what it is: a confirm of a message no queue took.
      if (message.ack) ctx.record({ t: ctx.now, actor: this.id, kind: 'publish-confirmed', msg: message.msgId, attempt: message.attempt, returned: true });
      else ctx.record({ t: ctx.now, actor: this.id, kind: 'publish-nacked', msg: message.msgId, attempt: message.attempt });
      return this.retry(ctx, pending, message.ack ? 'returned' : 'nacked');
    }
    ctx.record({ t: ctx.now, actor: this.id, kind: 'publish-confirmed', msg: message.msgId, attempt: message.attempt });
    this.ledger.acknowledge(pending.message);
    this.settle(pending.message);
    this.pump(ctx);
  }

  timer(ctx: Ctx, timer: PublisherTimer): void {
    if (timer.tag === 'handover') return this.catchUpHandovers(ctx);
    if (timer.tag === 'outbox-relay') return this.relayOutboxRow(ctx, timer.index);
    const pending = this.unconfirmed[timer.index];
    if (pending === undefined) return;
    if (timer.tag === 'confirm-timeout' && pending.awaiting && pending.attempt === timer.attempt) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'confirm-timeout', msg: pending.message.id, attempt: pending.attempt });
      this.retry(ctx, pending, 'timeout');
    } else if (timer.tag === 'republish' && !pending.awaiting) {
      if (this.publish(ctx, pending)) return;
      if (!this.settings.publisherConfirms) this.settle(pending.message);
    }
  }

  private catchUpHandovers(ctx: Ctx): void {
    while (this.handed < this.workload.length && this.workload.handoverUsAt(this.handed) <= ctx.now) {
      // Built here, as it is handed over: the publisher holds it until it settles (a workload keeps no objects).
      const message = this.workload.at(this.handed++);
      ctx.record({ t: ctx.now, actor: this.id, kind: 'handover', msg: message.id, key: message.key, partition: 0 });
      this.ledger.handedOver(message, ctx.now);
      if (this.settings.producerBuffer === 'outbox') {
        this.outbox.insert(message);
      }
      this.buffer.push(message);
      const faults = this.env.faults;
      const crash = faults.draw('producer-crash', ctx.phase) ? faults.inject({ kind: 'producer-crash', message: message.id, point: 'after-handover' }) : undefined;
      if (crash !== undefined) return this.env.crash(this.id, crash);
      if (this.pump(ctx)) return;
    }
    if (this.handed < this.workload.length) ctx.setTimer(this.workload.handoverUsAt(this.handed) - ctx.now, HANDOVER);
  }

  /** Publish what the unconfirmed window allows. Returns true if the publisher crashed meanwhile. */
  private pump(ctx: Ctx): boolean {
    const confirms = this.settings.publisherConfirms;
    while (this.buffer.length > 0 && (!confirms || this.unconfirmedCount < this.settings.maxUnconfirmed)) {
      const message = this.buffer.shift() as WorkloadMessage;
      const pending: Unconfirmed = { message, attempt: 0, retriesUsed: 0, awaiting: false };
      if (confirms) {
        this.unconfirmed[message.index] = pending;
        this.unconfirmedCount++;
      }
      if (this.publish(ctx, pending)) return true;
      // Without confirms a publish is done once written to the socket.
      if (!confirms) this.settle(message);
    }
    return false;
  }

  private publish(ctx: Ctx, pending: Unconfirmed): boolean {
    const message = pending.message;
    const attempt = (this.attempts[message.index] ?? 0) + 1;
    this.attempts[message.index] = attempt;
    pending.attempt = attempt;
    pending.awaiting = this.settings.publisherConfirms;
    const { persistent, mandatory, publisherConfirms } = this.settings;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'basic-publish', msg: message.id, attempt, persistent, mandatory });
    ctx.send(this.broker, { type: 'basic-publish', msgId: message.id, index: message.index, key: message.key, attempt, persistent, mandatory, confirm: publisherConfirms, dueUs: this.dueUs[message.index] ?? -1 });
    if (pending.awaiting) ctx.setTimer(msToUs(this.settings.confirmTimeoutMs), { tag: 'confirm-timeout', index: message.index, attempt });
    if (attempt > 1) return false;
    const faults = this.env.faults;
    const crash = faults.draw('producer-crash', ctx.phase) ? faults.inject({ kind: 'producer-crash', message: message.id, point: 'after-send' }) : undefined;
    if (crash === undefined) return false;
    this.env.crash(this.id, crash);
    return true;
  }

  private retry(ctx: Ctx, pending: Unconfirmed, reason: string): void {
    pending.awaiting = false;
    if (pending.retriesUsed >= this.settings.publishRetries) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'gave-up', msg: pending.message.id, attempts: pending.attempt, reason, retries: this.settings.publishRetries });
      this.gaveUp.add(pending.message.id);
      this.settle(pending.message);
      if (this.outbox.row(pending.message.index) !== undefined) ctx.setTimer(msToUs(this.settings.republishBackoffMs), { tag: 'outbox-relay', index: pending.message.index });
      this.pump(ctx);
      return;
    }
    this.republishLater(ctx, pending, reason !== 'timeout');
  }

  /** Re-publish at once after a timeout (the wait was the timeout), after a backoff after a nack or a return. */
  private republishLater(ctx: Ctx, pending: Unconfirmed, backoff: boolean): void {
    pending.retriesUsed++;
    pending.awaiting = false;
    if (!this.settings.publisherConfirms) {
      if (pending.retriesUsed > this.settings.publishRetries) return;
      this.unconfirmed[pending.message.index] = pending;
      this.unconfirmedCount++;
    }
    const backoffMs = backoff ? this.settings.republishBackoffMs : 0;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'retry-scheduled', msg: pending.message.id, retry: pending.retriesUsed, backoffMs, reason: backoff ? 'nacked or returned' : 'timeout' });
    ctx.setTimer(msToUs(backoffMs), { tag: 'republish', index: pending.message.index });
  }

  /**
   * The outbox relay publishes a row again once the publisher gave it up: the row stays in the table until a
   * publish of it is confirmed, as a polling outbox publisher keeps it (the same relay as the Kafka producer's).
   */
  private relayOutboxRow(ctx: Ctx, index: number): void {
    const message = this.outbox.row(index);
    if (message === undefined || !this.gaveUp.delete(message.id)) return;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'outbox-resend', msgs: [message.id] });
    this.buffer.push(message);
    this.pump(ctx);
  }

  /** This publisher's message with this workload index: its workload is in index order (a search by id was linear). */
  private messageAt(index: number): WorkloadMessage {
    const workload = this.workload;
    return workload.at(partitionPoint(0, workload.length - 1, (at) => workload.indexAt(at) < index));
  }

  private settle(message: WorkloadMessage): void {
    if (this.unconfirmed[message.index] !== undefined) {
      this.unconfirmed[message.index] = undefined;
      this.unconfirmedCount--;
    }
    if (!this.gaveUp.has(message.id)) this.outbox.delete(message.index);
  }
}
