/**
 * The RabbitMQ broker: the exchange (direct to one queue, or fanout to one queue per consumer group), its queues
 * (classic or quorum, durable or not), publisher confirms, mandatory returns, consumers with prefetch and autoAck
 * (competing round-robin, or one at a time with x-single-active-consumer),
 * acks, nacks and rejects, requeue on a closed channel, dead-lettering (rejected, expired, over the delivery limit,
 * dropped from the head of a full queue), x-max-length with x-overflow, x-message-ttl, and delayed messages (the
 * delayed-message exchange, or a wait queue with per-message TTL dead-lettered into the exchange).
 *
 * Durable: durable queues with their persistent messages once written (classic) or replicated (quorum: every
 * message), dead-lettered messages. Volatile: consumers and channels, transient messages, non-durable queues,
 * confirms not yet sent.
 */
import type { Actor } from '../../../sim/world.js';
import { msToUs } from '../../config.js';
import type { ModelEnv } from '../../env.js';
import type { Fault } from '../../faults/catalog.js';
import type { ParkedRecord } from '../../observations.js';
import type { DeadLetterReason } from '../events.js';
import type { BrokerTimer, RabbitMqMessage } from '../protocol.js';
import { countsOnlyFailedDeliveries } from '../settings.js';
import type { RabbitMqSettings } from '../settings.js';
import type { RabbitMqContext, RabbitMqProtocol } from '../world.js';
import { DelayedMessages } from './delayed.js';
import type { DelayedPublish } from './delayed.js';
import { QuorumMembers } from './quorum.js';
import { Queue } from './queue.js';
import type { QueuedMessage, Unacked } from './queue.js';

type Ctx = RabbitMqContext;
type Publish = Extract<RabbitMqMessage, { type: 'basic-publish' }>;
const HEARTBEAT_CHECK: BrokerTimer = { tag: 'heartbeat-check' };
const DEAD_LETTER_RETRY: BrokerTimer = { tag: 'dead-letter-retry' };

/** How the deployment takes the queue's node down (a fault the broker decided and traced) for `downMs`, then start() again. */
export type RestartNode = (downMs: number) => void;

export class RabbitBroker implements Actor<RabbitMqProtocol> {
  readonly queues = new Map<string, Queue>();
  readonly parked: ParkedRecord[] = [];
  /** The most ready messages any queue held. */
  maxQueueLength = 0;
  private readonly settings: RabbitMqSettings;
  /** RabbitMQ 4.3: x-delivery-limit reads delivery-count, which a basic.nack requeue=true leaves alone. */
  private readonly onlyFailuresCount: boolean;
  private readonly delayed: DelayedMessages;
  private tags = 0;
  private pendingConfirms = 0;
  private restarts = 0;
  private crashAtUs = 0;
  private lostInRestart: string[] = [];
  private queuesLost: string[] = [];
  /** A quorum queue's members over the nodes (undefined for a classic queue, which lives on one node). */
  private readonly members: QuorumMembers | undefined;
  /** The restart in progress is a quorum leader's failover: the queue comes back on another member. */
  private failover = false;
  /** When the pending majority-back timer fires (Infinity: none set). */
  private majorityTimerUs = Number.POSITIVE_INFINITY;
  /** Until when the exchange has no binding to the queues (the unroutable fault's window). */
  private unboundUntilUs = 0;
  /** Until when the dead-letter queue cannot take messages (the dead-letter-unavailable fault's window). */
  private deadLetterDownUntilUs = 0;
  /** At-least-once dead-lettering: messages the source queue keeps until the dead-letter queue takes them. */
  private readonly retained: ParkedRecord[] = [];
  /** Messages enqueued at least once, by workload index (restart faults strike a first enqueue). */
  private readonly enqueuedOnce: boolean[] = [];
  private moved = 0;

  constructor(
    readonly id: string,
    private readonly env: ModelEnv,
    private readonly groups: readonly string[],
    private readonly restartNode: RestartNode,
  ) {
    this.settings = env.config.settings as unknown as RabbitMqSettings;
    this.onlyFailuresCount = countsOnlyFailedDeliveries(this.settings.rabbitmqVersion);
    this.delayed = new DelayedMessages(this.settings.delayVia);
    this.members = this.settings.queueType === 'quorum' ? new QuorumMembers(this.settings.nodes) : undefined;
    // Declared before the run by the consumers' first connection (queue.declare is idempotent).
    for (const group of groups) this.queues.set(group, new Queue(group));
  }

  /** Changes whenever a message moves forward (enqueued, acked, dead-lettered). */
  progress(): number {
    return this.moved;
  }

  isIdle(): boolean {
    if (this.pendingConfirms > 0 || !this.delayed.empty || this.retained.length > 0) return false;
    for (const queue of this.queues.values()) if (!queue.idle) return false;
    return true;
  }

  start(ctx: Ctx): void {
    if (this.failover) ctx.record({ t: ctx.now, actor: this.id, kind: 'quorum-leader-elected', node: (this.members as QuorumMembers).leader, lost: this.lostInRestart });
    else if (this.restarts > 0) ctx.record({ t: ctx.now, actor: this.id, kind: 'node-restarted', lost: this.lostInRestart, queuesLost: this.queuesLost });
    this.failover = false;
    this.majorityTimerUs = Number.POSITIVE_INFINITY;
    ctx.setTimer(msToUs(this.settings.heartbeatMs / 2), HEARTBEAT_CHECK);
    for (const queue of this.queues.values()) this.scheduleExpiry(ctx, queue);
    this.delayed.schedule(ctx);
    // Kept for the dead-letter queue (a quorum queue keeps them through a restart): try again when it is back.
    if (this.retained.length > 0) ctx.setTimer(Math.max(0, this.deadLetterDownUntilUs - ctx.now), DEAD_LETTER_RETRY);
  }

  /** A node restart: transient messages, non-durable queues, unconfirmed writes and every channel are gone. */
  crash(): void {
    this.restarts++;
    this.pendingConfirms = 0;
    this.lostInRestart = [];
    this.queuesLost = [];
    const quorum = this.settings.queueType === 'quorum';
    for (const queue of [...this.queues.values()]) {
      // Unacked deliveries back among the ready ones, in queue order: the ready list is in order already (a merge, not a sort of the backlog).
      queue.requeueAll([...queue.unacked.values()].map((entry) => entry.message).sort((a, b) => a.seq - b.seq));
      queue.unacked.clear();
      queue.consumers = [];
      queue.activeTraced = undefined;
      queue.expiryTimerUs = Number.POSITIVE_INFINITY;
      if (!quorum && !this.settings.durable) {
        this.queues.delete(queue.name);
        this.queuesLost.push(queue.name);
        for (const message of queue.readyMessages()) this.lostInRestart.push(message.msgId);
        continue;
      }
      // Kept: on a majority (quorum) or persistent, and safe by the crash; lost otherwise, in queue order.
      for (const message of queue.dropAtRestart((message) => (quorum || message.persistent) && message.durableAtUs <= this.crashAtUs)) this.lostInRestart.push(message.msgId);
    }
    this.delayed.crash();
  }

  receive(ctx: Ctx, from: string, message: RabbitMqMessage): void {
    switch (message.type) {
      case 'basic-publish':
        return this.onPublish(ctx, from, message);
      case 'basic-consume':
        return this.onConsume(ctx, from, message.queue, message.channel);
      case 'basic-ack':
        return this.onSettle(ctx, from, message.queue, message.channel, message.tag, 'ack');
      case 'basic-nack':
        return this.onSettle(ctx, from, message.queue, message.channel, message.tag, message.requeue ? (message.method === 'reject' ? 'reject-requeue' : 'nack-requeue') : 'reject');
      case 'heartbeat':
        for (const queue of this.queues.values()) for (const consumer of queue.consumers) if (consumer.actor === from && consumer.channel === message.channel) consumer.lastHeardUs = ctx.now;
        ctx.sendBackground(from, { type: 'heartbeat-ok', channel: message.channel });
        return;
      default:
        return;
    }
  }

  timer(ctx: Ctx, timer: BrokerTimer): void {
    switch (timer.tag) {
      case 'confirm':
        this.pendingConfirms--;
        ctx.send(timer.publisher, { type: 'confirm', msgId: timer.msgId, index: timer.index, attempt: timer.attempt, ack: true });
        return;
      case 'expire': {
        const queue = this.queues.get(timer.queue);
        if (queue === undefined) return;
        queue.expiryTimerUs = Number.POSITIVE_INFINITY;
        return this.dispatch(ctx, queue);
      }
      case 'heartbeat-check':
        ctx.setTimer(msToUs(this.settings.heartbeatMs / 2), HEARTBEAT_CHECK);
        this.checkHeartbeats(ctx);
        return this.checkAckTimeouts(ctx);
      case 'due':
        for (const due of this.delayed.takeDue(ctx)) this.route(ctx, due, undefined);
        this.delayed.schedule(ctx);
        return;
      case 'dead-letter-retry':
        return this.forwardRetained(ctx);
      case 'majority-back':
        this.majorityTimerUs = Number.POSITIVE_INFINITY;
        for (const queue of this.queues.values()) this.dispatch(ctx, queue);
        return;
    }
  }

  /**
   * consumer_timeout: a consumer whose oldest unacked delivery waited longer is ended and its deliveries requeued.
   * Up to 4.2 any queue closes the channel (PRECONDITION_FAILED); 4.3 enforces it on quorum queues only, and cancels
   * the consumer, whose returns it does not count toward x-delivery-limit (not a failed delivery).
   */
  private checkAckTimeouts(ctx: Ctx): void {
    const timeoutMs = this.settings.deliveryAckTimeoutMs;
    if (timeoutMs === 0 || (this.onlyFailuresCount && this.settings.queueType !== 'quorum')) return;
    const deadlineUs = ctx.now - msToUs(timeoutMs);
    for (const queue of [...this.queues.values()]) {
      const overdue: [number, Unacked][] = [];
      // Tags grow with time: the oldest deliveries come first, and the first young one ends the search.
      for (const [tag, entry] of queue.unacked) {
        if (entry.deliveredUs >= deadlineUs) break;
        if (!overdue.some(([, other]) => other.consumer === entry.consumer && other.channel === entry.channel)) overdue.push([tag, entry]);
      }
      for (const [tag, entry] of overdue) {
        ctx.record({ t: ctx.now, actor: this.id, kind: 'delivery-ack-timeout', msg: entry.message.msgId, queue: queue.name, consumer: entry.consumer, channel: entry.channel, tag, timeoutMs, cancelled: this.onlyFailuresCount });
        ctx.send(entry.consumer, { type: 'consumer-timed-out', channel: entry.channel, tag });
        this.closeChannel(ctx, entry.consumer, entry.channel, !this.onlyFailuresCount);
      }
    }
  }

  /**
   * A consumer's connection closed (its process died, a heartbeat timed out, or the connection failed), or the
   * broker ended it (consumer_timeout). `counted`: whether its returns count toward x-delivery-limit (a failed
   * delivery; 4.3 does not count a consumer timeout).
   */
  closeChannel(ctx: Ctx, actor: string, channel: number | undefined, counted = true): void {
    for (const queue of this.queues.values()) {
      const gone = queue.consumers.filter((consumer) => consumer.actor === actor && (channel === undefined || consumer.channel === channel));
      if (gone.length === 0) continue;
      queue.consumers = queue.consumers.filter((consumer) => !gone.includes(consumer));
      const requeued: string[] = [];
      // The closed channels' deliveries, in queue order, go back in one merge (one insertion each was quadratic in the backlog).
      const returned: QueuedMessage[] = [];
      const closed = [...queue.unacked.entries()].filter(([, entry]) => entry.consumer === actor && gone.some((consumer) => consumer.channel === entry.channel));
      for (const [tag, entry] of closed.sort((a, b) => a[1].message.seq - b[1].message.seq)) {
        queue.unacked.delete(tag);
        requeued.push(entry.message.msgId);
        // A closed channel is a failed delivery in every release (4.3's table: "Client crash / Connection loss");
        // a consumer timeout on 4.3 is not (`counted` false).
        this.returnToQueue(ctx, queue, entry.message, counted, returned);
      }
      queue.requeueAll(returned);
      for (const consumer of gone) ctx.record({ t: ctx.now, actor: this.id, kind: 'channel-closed', consumer: actor, channel: consumer.channel, requeued });
      this.traceActive(ctx, queue);
      this.dispatch(ctx, queue);
    }
  }

  private checkHeartbeats(ctx: Ctx): void {
    const timeoutUs = msToUs(this.settings.heartbeatMs);
    for (const queue of [...this.queues.values()]) for (const consumer of [...queue.consumers]) if (ctx.now - consumer.lastHeardUs > timeoutUs) this.closeChannel(ctx, consumer.actor, consumer.channel);
  }

  private onPublish(ctx: Ctx, from: string, publish: Publish): void {
    if (publish.dueUs > ctx.now && this.settings.delayedEvery > 0) {
      this.delayed.hold(ctx, { publish, from });
      ctx.record({ t: ctx.now, actor: this.id, kind: 'delayed', msg: publish.msgId, dueUs: publish.dueUs, via: this.settings.delayVia });
      if (publish.confirm) ctx.send(from, { type: 'confirm', msgId: publish.msgId, index: publish.index, attempt: publish.attempt, ack: true });
      return;
    }
    this.route(ctx, { publish, from }, publish.confirm ? from : undefined);
  }

  /** Route through the exchange; `confirmTo`: the publisher to confirm to (a channel in confirm mode). */
  private route(ctx: Ctx, { publish, from }: DelayedPublish, confirmTo: string | undefined): void {
    const faults = this.env.faults;
    const unroutable = publish.attempt === 1 && faults.draw('unroutable', ctx.phase) ? faults.inject<Extract<Fault, { kind: 'unroutable' }>>({ kind: 'unroutable', message: publish.msgId }) : undefined;
    if (unroutable !== undefined) {
      this.env.traceFault(ctx, unroutable);
      // The binding is missing for a window (its queue is declared again by then).
      this.unboundUntilUs = Math.max(this.unboundUntilUs, this.faultWindowEndUs(ctx, unroutable.durationMs));
    }
    const queues = ctx.now < this.unboundUntilUs ? [] : this.groups.map((group) => this.queues.get(group)).filter((queue): queue is Queue => queue !== undefined);
    if (queues.length === 0) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'unroutable', msg: publish.msgId, attempt: publish.attempt, returned: publish.mandatory });
      if (publish.mandatory) ctx.send(from, { type: 'basic-return', msgId: publish.msgId, index: publish.index, attempt: publish.attempt });
      // An unroutable message is confirmed at once (after its basic.return when mandatory).
      if (confirmTo !== undefined) ctx.send(confirmTo, { type: 'confirm', msgId: publish.msgId, index: publish.index, attempt: publish.attempt, ack: true });
      return;
    }
    const refused = queues.map((queue) => this.enqueue(ctx, queue, publish)).some((accepted) => !accepted);
    // Right after the enqueue, before anything is confirmed or delivered.
    if (!this.enqueuedOnce[publish.index] && !refused) {
      this.enqueuedOnce[publish.index] = true;
      if (this.restartFaults(ctx, publish.msgId)) return;
    }
    if (confirmTo !== undefined) this.confirm(ctx, confirmTo, publish, refused);
    for (const queue of queues) this.dispatch(ctx, queue);
  }

  private confirm(ctx: Ctx, publisher: string, publish: Publish, refused: boolean): void {
    const delayUs = this.writeDelayUs(ctx.now, publish.persistent);
    if (refused || delayUs === 0) {
      ctx.send(publisher, { type: 'confirm', msgId: publish.msgId, index: publish.index, attempt: publish.attempt, ack: !refused });
      return;
    }
    this.pendingConfirms++;
    ctx.setTimer(delayUs, { tag: 'confirm', publisher, msgId: publish.msgId, index: publish.index, attempt: publish.attempt });
  }

  /**
   * How long before the message is safe: on a majority of a quorum queue's members (waiting for a majority to be
   * up again when it is not), on disk (classic, persistent, durable), or at once.
   */
  private writeDelayUs(nowUs: number, persistent: boolean): number {
    const settings = this.settings;
    const members = this.members;
    if (members !== undefined) return members.majorityAtUs(nowUs) - nowUs + msToUs(settings.nodes > 1 ? settings.replicationDelayMs : settings.persistDelayMs);
    return persistent && settings.durable ? msToUs(settings.persistDelayMs) : 0;
  }

  /** A quorum queue without a majority of its members up commits nothing: no delivery until one is back. */
  private withoutMajority(ctx: Ctx): boolean {
    const members = this.members;
    if (members === undefined) return false;
    const backUs = members.majorityAtUs(ctx.now);
    if (backUs <= ctx.now) return false;
    if (backUs < this.majorityTimerUs) {
      this.majorityTimerUs = backUs;
      ctx.setTimer(backUs - ctx.now, { tag: 'majority-back' });
    }
    return true;
  }

  /** Enqueue, or refuse it (x-overflow reject-publish on a full queue). */
  private enqueue(ctx: Ctx, queue: Queue, publish: Publish): boolean {
    const settings = this.settings;
    if (settings.maxLength > 0 && queue.readyCount >= settings.maxLength) {
      if (settings.overflow === 'reject-publish') {
        ctx.record({ t: ctx.now, actor: this.id, kind: 'publish-rejected', msg: publish.msgId, attempt: publish.attempt, queue: queue.name, overflow: 'reject-publish' });
        return false;
      }
      this.deadLetter(ctx, queue, queue.take() as QueuedMessage, 'maxlen');
    }
    const quorum = settings.queueType === 'quorum';
    const safe = quorum || (publish.persistent && settings.durable);
    const message: QueuedMessage = {
      msgId: publish.msgId,
      index: publish.index,
      key: publish.key,
      seq: queue.takeSeq(),
      persistent: publish.persistent,
      durableAtUs: safe ? ctx.now + this.writeDelayUs(ctx.now, publish.persistent) : Number.POSITIVE_INFINITY,
      expiresUs: settings.messageTtlMs > 0 ? ctx.now + msToUs(settings.messageTtlMs) : Number.POSITIVE_INFINITY,
      redelivered: false,
      deliveryCount: 0,
    };
    queue.append(message);
    this.moved++;
    this.maxQueueLength = Math.max(this.maxQueueLength, queue.readyCount);
    ctx.record({ t: ctx.now, actor: this.id, kind: 'enqueued', msg: publish.msgId, attempt: publish.attempt, queue: queue.name, seq: message.seq, length: queue.readyCount });
    return true;
  }

  /**
   * Right after a message's first enqueue: the queue's node restarts (a classic queue's node; a quorum queue's
   * leader), or a quorum queue member's node fails. Returns true when the queue's process went down.
   */
  private restartFaults(ctx: Ctx, msgId: string): boolean {
    const faults = this.env.faults;
    const restart = faults.draw('broker-restart', ctx.phase) ? faults.inject({ kind: 'broker-restart', message: msgId }) : undefined;
    const downMs = this.env.config.timing.brokerRestartDelayMs;
    if (restart !== undefined) {
      this.env.traceFault(ctx, restart);
      if (this.members !== undefined) return this.memberFails(ctx, this.members.leader, downMs);
      this.crashAtUs = ctx.now;
      this.restartNode(downMs);
      return true;
    }
    if (this.members === undefined) return false;
    const failure = faults.draw('quorum-member-failure', ctx.phase) ? faults.inject<Extract<Fault, { kind: 'quorum-member-failure' }>>({ kind: 'quorum-member-failure', message: msgId }) : undefined;
    if (failure === undefined) return false;
    this.env.traceFault(ctx, failure);
    return this.memberFails(ctx, failure.node ?? this.members.leader, downMs);
  }

  /**
   * A quorum queue member's node fails for `downMs`. A follower: the queue goes on if a majority is still up, and
   * stalls until one is back otherwise. The leader: its connections close with it; the queue is back once the
   * members up have elected a new leader (after a majority is up again).
   */
  private memberFails(ctx: Ctx, node: number, downMs: number): boolean {
    const members = this.members as QuorumMembers;
    const leader = node === members.leader;
    members.fail(node, ctx.now, msToUs(downMs));
    const up = members.up(ctx.now);
    ctx.record({ t: ctx.now, actor: this.id, kind: 'quorum-member-down', node, leader, up, majority: up >= members.majority, backAtUs: ctx.now + msToUs(downMs) });
    if (!leader) return false;
    this.crashAtUs = ctx.now;
    this.failover = members.nodes > 1;
    const backUs = members.elect(ctx.now, msToUs(this.settings.leaderElectionMs));
    this.restartNode((backUs - ctx.now) / 1000);
    return true;
  }

  private onConsume(ctx: Ctx, from: string, name: string, channel: number): void {
    let queue = this.queues.get(name);
    if (queue === undefined) {
      // queue.declare: a non-durable queue lost in a restart is declared again by its consumer.
      queue = new Queue(name);
      this.queues.set(name, queue);
    }
    this.closeChannel(ctx, from, undefined);
    queue.consumers.push({ actor: from, channel, unacked: 0, lastHeardUs: ctx.now });
    ctx.send(from, { type: 'consume-ok', channel });
    this.traceActive(ctx, queue);
    this.dispatch(ctx, queue);
  }

  /**
   * x-single-active-consumer: the queue's active consumer is its first registered one; a change (the first
   * registration, or a take-over when the active one's channel closed) is traced once.
   */
  private traceActive(ctx: Ctx, queue: Queue): void {
    if (!this.settings.singleActiveConsumer) return;
    const active = queue.consumers.at(0);
    if (active === queue.activeTraced) return;
    queue.activeTraced = active;
    if (active !== undefined) ctx.record({ t: ctx.now, actor: this.id, kind: 'consumer-activated', queue: queue.name, consumer: active.actor, channel: active.channel });
  }

  private onSettle(ctx: Ctx, from: string, name: string, channel: number, tag: number, how: 'ack' | 'nack-requeue' | 'reject-requeue' | 'reject'): void {
    const queue = this.queues.get(name);
    const entry = queue?.unacked.get(tag);
    // A settlement on a channel that is closed (or of a tag it does not hold) is void, as in AMQP.
    if (queue === undefined || entry === undefined || entry.consumer !== from || entry.channel !== channel) return;
    queue.unacked.delete(tag);
    const consumer = queue.consumers.find((item) => item.actor === from && item.channel === channel);
    if (consumer !== undefined) consumer.unacked--;
    // A requeue is no progress: a message nacked forever must show up as stalled liveness.
    if (how === 'ack') this.moved++;
    if (how === 'reject') this.deadLetter(ctx, queue, entry.message, 'rejected');
    else if (how !== 'ack') this.returnToQueue(ctx, queue, entry.message, how === 'reject-requeue');
    this.dispatch(ctx, queue);
  }

  /**
   * Back to the queue, redelivered=true; a quorum queue counts the return and dead-letters past x-delivery-limit.
   * `failed`: a failed delivery (basic.reject requeue=true, a closed channel), as opposed to a basic.nack
   * requeue=true, which RabbitMQ 4.3 no longer counts. With `batch` the message is collected there instead, for the
   * caller to put back with the others in one requeueAll.
   */
  private returnToQueue(ctx: Ctx, queue: Queue, message: QueuedMessage, failed: boolean, batch?: QueuedMessage[]): void {
    message.redelivered = true;
    if (this.settings.queueType === 'quorum' && (failed || !this.onlyFailuresCount)) message.deliveryCount++;
    const limit = this.settings.deliveryLimit;
    if (limit !== 'unlimited' && this.settings.queueType === 'quorum' && message.deliveryCount > limit) return this.deadLetter(ctx, queue, message, 'delivery_limit');
    if (batch === undefined) queue.requeue(message);
    else batch.push(message);
    ctx.record({ t: ctx.now, actor: this.id, kind: 'requeued', msg: message.msgId, queue: queue.name, deliveryCount: message.deliveryCount });
  }

  private deadLetter(ctx: Ctx, queue: Queue, message: QueuedMessage, reason: DeadLetterReason): void {
    const dlx = this.settings.deadLetterExchange;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'queue-dead-letter', msg: message.msgId, queue: queue.name, reason, dlx });
    this.moved++;
    if (!dlx) return;
    const parked: ParkedRecord = { msgId: message.msgId, group: queue.name, t: ctx.now, ...(reason === 'rejected' ? {} : { why: this.deadLetterWhy(reason) }) };
    if (!this.deadLetterQueueDown(ctx, message.msgId)) {
      this.parked.push(parked);
      return;
    }
    if (this.settings.deadLetterStrategy === 'at-most-once') {
      // Re-published without confirms and already gone from the source queue: nobody learns it never arrived.
      ctx.record({ t: ctx.now, actor: this.id, kind: 'dead-letter-lost', msg: message.msgId, queue: queue.name });
      return;
    }
    // At-least-once: the source queue keeps it and its internal dead-letter consumer tries again once the target is back.
    ctx.record({ t: ctx.now, actor: this.id, kind: 'dead-letter-retained', msg: message.msgId, queue: queue.name, untilUs: this.deadLetterDownUntilUs });
    if (this.retained.length === 0) ctx.setTimer(this.deadLetterDownUntilUs - ctx.now, DEAD_LETTER_RETRY);
    this.retained.push(parked);
  }

  /** Whether the dead-letter queue can take nothing now: inside the window a dead-letter-unavailable fault opened (at this dead-lettering, or before). */
  private deadLetterQueueDown(ctx: Ctx, msgId: string): boolean {
    if (ctx.now < this.deadLetterDownUntilUs) return true;
    const faults = this.env.faults;
    const fault = faults.draw('dead-letter-unavailable', ctx.phase) ? faults.inject<Extract<Fault, { kind: 'dead-letter-unavailable' }>>({ kind: 'dead-letter-unavailable', message: msgId }) : undefined;
    if (fault === undefined) return false;
    this.env.traceFault(ctx, fault);
    // Back after the window (a quorum regained, the queue declared).
    this.deadLetterDownUntilUs = this.faultWindowEndUs(ctx, fault.durationMs);
    return true;
  }

  /** The end of a window fault opened now: `durationMs` (default the restart delay) later, never past the heal, at least 1 µs. */
  private faultWindowEndUs(ctx: Ctx, durationMs: number | undefined): number {
    const timing = this.env.config.timing;
    return Math.max(ctx.now + 1, Math.min(ctx.now + msToUs(durationMs ?? timing.restartDelayMs), msToUs(timing.faultyPhaseMs)));
  }

  /** The dead-letter queue is back: the messages kept for it are parked there now (published with confirms). */
  private forwardRetained(ctx: Ctx): void {
    if (ctx.now < this.deadLetterDownUntilUs) {
      ctx.setTimer(this.deadLetterDownUntilUs - ctx.now, DEAD_LETTER_RETRY);
      return;
    }
    for (const parked of this.retained.splice(0)) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'dead-letter-forwarded', msg: parked.msgId, queue: parked.group });
      this.parked.push({ ...parked, t: ctx.now });
      this.moved++;
    }
  }

  /** Why a message was dead-lettered, in words, for a reason other than a reject (its processing kept failing). */
  private deadLetterWhy(reason: Exclude<DeadLetterReason, 'rejected'>): string {
    const settings = this.settings;
    switch (reason) {
      case 'expired':
        return `it expired in the queue (x-message-ttl ${settings.messageTtlMs} ms)`;
      case 'maxlen':
        return `the full queue dropped it from its head (x-max-length ${settings.maxLength}, x-overflow=drop-head)`;
      case 'delivery_limit':
      {
        const handedBack = settings.requeueMethod === 'reject' ? 'rejected with requeue=true' : 'nacked with requeue=true';
        // RabbitMQ 4.3 counts a basic.nack requeue=true no more: only closed channels brought a nacked message here.
        const counted = this.onlyFailuresCount && settings.requeueMethod === 'nack' ? 'unacknowledged when its channel closed; RabbitMQ 4.3 does not count its nacks' : `${handedBack}, or unacknowledged when its channel closed`;
        return `it was returned to the queue more than x-delivery-limit ${settings.deliveryLimit} times (${counted})`;
      }
    }
  }

  /** Deliver ready messages to consumers with room, round-robin; expired ones at the head are dead-lettered first. */
  private dispatch(ctx: Ctx, queue: Queue): void {
    if (this.withoutMajority(ctx)) return;
    const { prefetch, autoAck, singleActiveConsumer } = this.settings;
    for (;;) {
      while (queue.readyCount > 0 && (queue.peek() as QueuedMessage).expiresUs <= ctx.now) this.deadLetter(ctx, queue, queue.take() as QueuedMessage, 'expired');
      if (queue.readyCount === 0) break;
      const consumer = queue.nextWithCapacity(prefetch, autoAck, singleActiveConsumer);
      if (consumer === undefined) break;
      const message = queue.take() as QueuedMessage;
      const tag = ++this.tags;
      if (!autoAck) {
        queue.unacked.set(tag, { message, consumer: consumer.actor, channel: consumer.channel, deliveredUs: ctx.now });
        consumer.unacked++;
      }
      ctx.send(consumer.actor, { type: 'basic-deliver', queue: queue.name, channel: consumer.channel, tag, msgId: message.msgId, index: message.index, key: message.key, seq: message.seq, redelivered: message.redelivered, deliveryCount: message.deliveryCount });
      // Sent once: from now on it is a redelivery (autoAck: it is gone).
      message.redelivered = true;
    }
    this.scheduleExpiry(ctx, queue);
  }

  /** TTL is checked at the head only (RabbitMQ expires messages when they reach the head). */
  private scheduleExpiry(ctx: Ctx, queue: Queue): void {
    const head = queue.peek();
    if (head === undefined || head.expiresUs === Number.POSITIVE_INFINITY || head.expiresUs >= queue.expiryTimerUs) return;
    queue.expiryTimerUs = head.expiresUs;
    ctx.setTimer(Math.max(0, head.expiresUs - ctx.now), { tag: 'expire', queue: queue.name });
  }
}
