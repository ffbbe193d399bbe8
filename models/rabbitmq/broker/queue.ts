/**
 * One queue on the broker: its ready messages in queue order, its unacknowledged deliveries by delivery tag, and
 * its consumers (competing: served round-robin). Ready messages are kept ordered by their enqueue sequence, so a
 * requeued message goes back to its original position (RabbitMQ's documented behaviour for requeue).
 */

import { partitionPoint } from '../../../sim/bisect.js';
import { Fifo } from '../../fifo.js';

export interface QueuedMessage {
  readonly msgId: string;
  readonly index: number;
  readonly key: string;
  /** Enqueue sequence in this queue: its position. */
  readonly seq: number;
  readonly persistent: boolean;
  /** When it is on disk (classic, persistent, durable) or on a majority (quorum); Infinity: never (transient). */
  readonly durableAtUs: number;
  /** Expiry time from x-message-ttl (Infinity: none); a requeued message keeps it. */
  readonly expiresUs: number;
  /** Delivered before (the basic.deliver `redelivered` flag from then on). */
  redelivered: boolean;
  /** Quorum queues' x-delivery-count: returns so far. */
  deliveryCount: number;
}

export interface Unacked {
  readonly message: QueuedMessage;
  readonly consumer: string;
  readonly channel: number;
}

export interface QueueConsumer {
  readonly actor: string;
  readonly channel: number;
  unacked: number;
  lastHeardUs: number;
}

export class Queue {
  /** The ready messages, in queue order (a Fifo: taking from the head of a long backlog costs no copy of it). */
  private readonly ready = new Fifo<QueuedMessage>();
  readonly unacked = new Map<number, Unacked>();
  consumers: QueueConsumer[] = [];
  private nextConsumer = 0;
  private nextSeq = 0;
  /** When the pending expiry timer fires (Infinity: none set). */
  expiryTimerUs = Number.POSITIVE_INFINITY;

  constructor(
    /** The queue's name: its consumer group's (`g1`), one queue per group behind a fanout exchange. */
    readonly name: string,
  ) {}

  /** Ready messages. */
  get readyCount(): number {
    return this.ready.length;
  }

  /** The ready message at the head, if any. */
  peek(): QueuedMessage | undefined {
    return this.ready.at(0);
  }

  /** Takes the ready message at the head (undefined when none is ready). */
  take(): QueuedMessage | undefined {
    return this.ready.shift();
  }

  /** A new message at the tail. */
  append(message: QueuedMessage): void {
    this.ready.push(message);
  }

  /** The ready messages in queue order (a copy). */
  readyMessages(): QueuedMessage[] {
    return this.ready.toArray();
  }

  /** Replaces the ready messages (a restart keeps some of them), in queue order. */
  setReady(messages: QueuedMessage[]): void {
    this.ready.replace(messages);
  }

  takeSeq(): number {
    return this.nextSeq++;
  }

  /** Back at its original position (by enqueue sequence): after every ready message of a lower sequence. */
  requeue(message: QueuedMessage): void {
    const ready = this.ready;
    ready.insertAt(partitionPoint(0, ready.length, (index) => (ready.at(index) as QueuedMessage).seq <= message.seq), message);
  }

  /** Several back at their original positions, `messages` in ascending sequence: one merge, not one insertion each. */
  requeueAll(messages: readonly QueuedMessage[]): void {
    if (messages.length <= 1) {
      for (const message of messages) this.requeue(message);
      return;
    }
    const merged: QueuedMessage[] = [];
    let next = this.ready.shift();
    for (const message of messages) {
      while (next !== undefined && next.seq <= message.seq) {
        merged.push(next);
        next = this.ready.shift();
      }
      merged.push(message);
    }
    for (; next !== undefined; next = this.ready.shift()) merged.push(next);
    this.ready.replace(merged);
  }

  /** The next consumer (round-robin) that may take one more delivery, or undefined. */
  nextWithCapacity(prefetch: number, autoAck: boolean): QueueConsumer | undefined {
    for (let tried = 0; tried < this.consumers.length; tried++) {
      const consumer = this.consumers[(this.nextConsumer + tried) % this.consumers.length];
      if (autoAck || prefetch === 0 || consumer.unacked < prefetch) {
        this.nextConsumer = (this.nextConsumer + tried + 1) % this.consumers.length;
        return consumer;
      }
    }
    return undefined;
  }

  get idle(): boolean {
    return this.readyCount === 0 && this.unacked.size === 0;
  }
}
