/**
 * The RabbitMQ consumer client: one competing consumer on its group's queue. It opens a channel (queue.declare,
 * basic.qos prefetch, basic.consume), hands each basic.deliver to the consumer application in turn, and settles
 * it by what the application made of it:
 * - processed: basic.ack (with autoAck nothing: the broker forgot the message when it sent it);
 * - retry (on-error retry, or retries left): basic.nack requeue=true (or basic.reject requeue=true, --requeue-method)
 *   after the backoff; redelivered, possibly forever;
 * - dead-letter: basic.reject requeue=false, to the dead-letter exchange (dropped without one);
 * - skip: basic.ack (the message is lost).
 * With autoAck a failed message cannot be handed back: it is lost. Heartbeats find a dead connection; then (or when
 * the node restarts) the client opens a new channel, and deliveries of the old one are void: the broker requeues
 * them with redelivered=true.
 *
 * Volatile: the channel, the deliveries buffered and in hand. Durable: nothing (the broker keeps the queue).
 */
import type { Actor } from '../../sim/world.js';
import { msToUs } from '../config.js';
import { ConsumerApplication } from '../consumer/application.js';
import type { ApplicationOptions, ApplicationTimer, DeliveredRecord, Disposition, RecordApplication } from '../consumer/application.js';
import type { GroupLedger } from '../consumer/ledger.js';
import type { DbMessage } from '../db/protocol.js';
import type { ModelEnv } from '../env.js';
import { HandlerApplication } from '../handler/application.js';
import { FIRST_INSTANCE, groupOf } from '../topology.js';
import type { ConsumerTimer, RabbitMqMessage } from './protocol.js';
import type { RabbitMqSettings } from './settings.js';
import type { RabbitMqContext, RabbitMqProtocol } from './world.js';

type Ctx = RabbitMqContext;
type Deliver = Extract<RabbitMqMessage, { type: 'basic-deliver' }>;
const HEARTBEAT: ConsumerTimer = { tag: 'heartbeat' };

export class RabbitConsumer implements Actor<RabbitMqProtocol> {
  readonly queue: string;
  /** Channels opened so far (survives crashes: a channel number is never reused). */
  private channels = 0;
  private channel = 0;
  private state: 'down' | 'connecting' | 'consuming' = 'down';
  private buffer: Deliver[] = [];
  private inHand: Deliver | undefined;
  /** The application gave the record in hand up to be dead-lettered: reject it once the DB knows. */
  private rejecting = false;
  private nackToken = 0;
  private nackPending = false;
  private lastHeardUs = 0;
  private readonly application: RecordApplication;
  private readonly settings: RabbitMqSettings;

  constructor(
    readonly id: string,
    private readonly broker: string,
    db: string,
    private readonly env: ModelEnv,
    private readonly ledger: GroupLedger,
    /**
     * The broker side of a connection that closed (requeue its unacked deliveries). Given here, not set on the
     * consumer after it was built: set afterwards, every earlier run's objects survived the young-generation GC
     * and each RabbitMQ run left 18 KB in the old generation (measured: test/models/lazy-fields.test.ts; the V8
     * mechanism was not pinned down, a small program setting a field the same way does not show it).
     */
    private readonly onConnectionClosed: (consumer: string, channel: number) => void,
  ) {
    this.queue = groupOf(id);
    this.settings = env.config.settings as unknown as RabbitMqSettings;
    const options: ApplicationOptions = { actor: id, ledger, db, settings: this.settings, storeOffset: false, env, done: (ctx, disposition) => this.afterRecord(ctx, disposition) };
    this.application = env.handler === undefined ? new ConsumerApplication(options) : new HandlerApplication(options, env.handler.module, env.handler.workload);
  }

  handlerSettled(): boolean {
    return this.application.settled ?? true;
  }

  checkAfterHostTurn(): void {
    this.application.checkAfterHostTurn?.();
  }

  /** Consuming, nothing buffered, in hand or waiting to be nacked. */
  isIdle(): boolean {
    return this.state === 'consuming' && this.buffer.length === 0 && this.inHand === undefined && !this.nackPending && this.application.idle;
  }

  start(ctx: Ctx): void {
    this.inHand = undefined;
    this.nackPending = false;
    ctx.setTimer(msToUs(this.settings.heartbeatMs / 2), HEARTBEAT);
    this.openChannel(ctx);
  }

  crash(): void {
    this.state = 'down';
    this.buffer = [];
    this.inHand = undefined;
    this.nackPending = false;
    this.application.crash();
  }

  /** The connection is gone (the node restarted, a heartbeat timed out, the connection failed): open a new channel. */
  connectionLost(ctx: Ctx, reason: 'heartbeat' | 'closed' | 'ack-timeout'): void {
    if (this.state === 'down') return;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'connection-lost', channel: this.channel, reason });
    // Prefetched deliveries die with the channel: the broker requeues them (with autoAck the client still has them).
    if (!this.settings.autoAck) this.buffer = [];
    this.openChannel(ctx);
  }

  receive(ctx: Ctx, _from: string, message: RabbitMqMessage | DbMessage): void {
    switch (message.type) {
      case 'consume-ok':
        if (message.channel === this.channel && this.state === 'connecting') this.state = 'consuming';
        return;
      case 'basic-deliver':
        if (message.channel !== this.channel) return;
        this.lastHeardUs = ctx.now;
        ctx.record({ t: ctx.now, actor: this.id, kind: 'basic-deliver', msg: message.msgId, queue: message.queue, tag: message.tag, redelivered: message.redelivered, deliveryCount: message.deliveryCount });
        this.buffer.push(message);
        return this.next(ctx);
      case 'heartbeat-ok':
        if (message.channel === this.channel) this.lastHeardUs = ctx.now;
        return;
      case 'consumer-timed-out':
        // The delivery in hand goes on being processed; its basic.ack, on the closed channel, will be void.
        if (message.channel === this.channel) this.connectionLost(ctx, 'ack-timeout');
        return;
      case 'db-reply':
      case 'db-seen':
      case 'db-marked':
      case 'db-op-reply':
        if (this.inHand !== undefined) this.application.receive(ctx, message);
        return;
      default:
        return;
    }
  }

  timer(ctx: Ctx, timer: ConsumerTimer | ApplicationTimer): void {
    switch (timer.tag) {
      case 'heartbeat':
        ctx.setTimer(msToUs(this.settings.heartbeatMs / 2), HEARTBEAT);
        if (this.state === 'connecting') return;
        if (ctx.now - this.lastHeardUs > msToUs(this.settings.heartbeatMs)) return this.connectionLost(ctx, 'heartbeat');
        ctx.sendBackground(this.broker, { type: 'heartbeat', channel: this.channel });
        return;
      case 'consume-timeout':
        if (this.state === 'connecting' && timer.channel === this.channel) this.openChannel(ctx);
        return;
      case 'nack':
        if (timer.token === this.nackToken && this.nackPending) this.settle(ctx, 'requeue');
        return;
      default:
        this.application.timer(ctx, timer);
    }
  }

  private openChannel(ctx: Ctx): void {
    this.channel = ++this.channels;
    this.state = 'connecting';
    this.lastHeardUs = ctx.now;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'basic-consume', queue: this.queue, channel: this.channel });
    ctx.send(this.broker, { type: 'basic-consume', queue: this.queue, channel: this.channel });
    ctx.setTimer(msToUs(this.settings.consumerTimeoutMs), { tag: 'consume-timeout', channel: this.channel });
  }

  private next(ctx: Ctx): void {
    if (this.inHand !== undefined || this.nackPending || this.buffer.length === 0) return;
    const delivery = this.buffer.shift() as Deliver;
    this.inHand = delivery;
    this.rejecting = false;
    const record: DeliveredRecord = { msgId: delivery.msgId, index: delivery.index, key: delivery.key, partition: 0, offset: delivery.seq, redelivered: delivery.redelivered };
    this.application.handle(ctx, record);
  }

  /** The application is done with the delivery in hand: settle it in AMQP terms. */
  private afterRecord(ctx: Ctx, disposition: Disposition): void {
    const delivery = this.inHand;
    if (delivery === undefined) return;
    if (this.settings.autoAck) {
      if (disposition.kind === 'retry' || disposition.kind === 'dead-letter') ctx.record({ t: ctx.now, actor: this.id, kind: 'autoack-lost', msg: delivery.msgId });
      return this.done(ctx);
    }
    switch (disposition.kind) {
      case 'processed':
      case 'skip':
        if (this.rejecting) return this.settle(ctx, 'reject');
        if (disposition.kind === 'processed' && this.connectionClosed(ctx, delivery)) return this.done(ctx);
        return this.settle(ctx, 'ack');
      case 'retry': {
        this.nackPending = true;
        const token = ++this.nackToken;
        ctx.setTimer(msToUs(disposition.backoffMs), { tag: 'nack', token });
        return;
      }
      case 'dead-letter': {
        const record: DeliveredRecord = { msgId: delivery.msgId, index: delivery.index, key: delivery.key, partition: 0, offset: delivery.seq };
        this.rejecting = true;
        return this.application.giveUp(ctx, record, { kind: 'skip' });
      }
    }
  }

  /** basic.ack, basic.nack or basic.reject requeue=true, or basic.reject requeue=false, on the channel the delivery came on. */
  private settle(ctx: Ctx, how: 'ack' | 'requeue' | 'reject'): void {
    const delivery = this.inHand as Deliver;
    this.nackPending = false;
    // A delivery of a closed channel cannot be settled: the broker has requeued it already.
    if (delivery.channel === this.channel && this.state !== 'down') {
      const { queue, channel, tag, msgId } = delivery;
      if (how === 'ack') {
        ctx.record({ t: ctx.now, actor: this.id, kind: 'basic-ack', msg: msgId, tag });
        ctx.send(this.broker, { type: 'basic-ack', queue, channel, tag, msgId, delivery: this.ledger.deliveryOf(delivery.index) });
      } else {
        const requeue = how === 'requeue';
        const method = this.settings.requeueMethod;
        // The method is traced only for a basic.reject requeue=true: every other settlement reads as it always did.
        ctx.record({ t: ctx.now, actor: this.id, kind: 'basic-nack', msg: msgId, tag, requeue, ...(requeue && method === 'reject' ? { method } : {}) });
        ctx.send(this.broker, { type: 'basic-nack', queue, channel, tag, msgId, requeue, method });
      }
    }
    this.done(ctx);
  }

  private done(ctx: Ctx): void {
    this.inHand = undefined;
    this.rejecting = false;
    this.next(ctx);
  }

  /** The connection-closed fault: the connection closes while this processed delivery waits for its basic.ack. */
  private connectionClosed(ctx: Ctx, delivery: Deliver): boolean {
    const faults = this.env.faults;
    if (!faults.draw('connection-closed', ctx.phase)) return false;
    const named = this.id === FIRST_INSTANCE.consumer ? {} : { consumer: this.id };
    const fault = faults.inject({ kind: 'connection-closed', message: delivery.msgId, delivery: this.ledger.deliveryOf(delivery.index), ...named });
    if (fault === undefined) return false;
    this.env.traceFault(ctx, fault);
    this.closeConnection(ctx, 'closed');
    return true;
  }

  /** Close this consumer's connection from its side: the broker requeues, the client opens a new channel. */
  closeConnection(ctx: Ctx, reason: 'heartbeat' | 'closed'): void {
    this.onConnectionClosed(this.id, this.channel);
    this.connectionLost(ctx, reason);
  }
}
