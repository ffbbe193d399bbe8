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
  /** When it was sent: the delivery acknowledgement timeout counts from here. */
  readonly deliveredUs: number;
}

export interface QueueConsumer {
  readonly actor: string;
  readonly channel: number;
  unacked: number;
  lastHeardUs: number;
}

/** A consumer may take one more delivery: autoAck and prefetch 0 set no bound, else its unacked ones must be fewer. */
function hasRoom(consumer: QueueConsumer, prefetch: number, autoAck: boolean): boolean {
  return autoAck || prefetch === 0 || consumer.unacked < prefetch;
}

/** At most this many messages are put back or removed one by one (a binary search each); more in one pass. */
const FEW = 16;

export class Queue {
  /** The ready messages, in queue order (a Fifo: taking from the head of a long backlog costs no copy of it). */
  private readonly ready = new Fifo<QueuedMessage>();
  readonly unacked = new Map<number, Unacked>();
  consumers: QueueConsumer[] = [];
  private nextConsumer = 0;
  private nextSeq = 0;
  /** Messages appended since the last node restart, in queue order: the only ones a restart may lose (dropAtRestart). */
  private appendedSinceRestart: QueuedMessage[] = [];
  /** When the pending expiry timer fires (Infinity: none set). */
  expiryTimerUs = Number.POSITIVE_INFINITY;
  /** With x-single-active-consumer: the active consumer last traced, to trace each change once. */
  activeTraced: QueueConsumer | undefined;

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
    this.appendedSinceRestart.push(message);
  }

  /** The ready messages in queue order (a copy). */
  readyMessages(): QueuedMessage[] {
    return this.ready.toArray();
  }

  /**
   * A node restart, once the unacknowledged deliveries are back among the ready ones: removes the ready messages
   * that do not survive it and returns them, in queue order. Only messages appended since the previous restart are
   * looked at: an older one still here survived that restart, so it was durable then and survives this one too
   * (`survives` must agree: durability, once reached, never ends). A restart used to sort every message of the
   * backlog into kept and lost, and restarts come in proportion to the messages: a long run was quadratic.
   */
  dropAtRestart(survives: (message: QueuedMessage) => boolean): QueuedMessage[] {
    const doomed = this.appendedSinceRestart.filter((message) => !survives(message));
    this.appendedSinceRestart = [];
    if (doomed.length === 0) return [];
    const ready = this.ready;
    const lost: QueuedMessage[] = [];
    if (doomed.length <= FEW) {
      // Each found by its sequence (the ready messages are in sequence order); one already settled is not there.
      for (const message of doomed) {
        const at = partitionPoint(0, ready.length, (index) => (ready.at(index) as QueuedMessage).seq < message.seq);
        if (ready.at(at) !== message) continue;
        ready.removeAt(at);
        lost.push(message);
      }
      return lost;
    }
    const gone = new Set(doomed);
    const kept: QueuedMessage[] = [];
    for (const message of ready) (gone.has(message) ? lost : kept).push(message);
    ready.replace(kept);
    return lost;
  }

  takeSeq(): number {
    return this.nextSeq++;
  }

  /** Back at its original position (by enqueue sequence): after every ready message of a lower sequence. */
  requeue(message: QueuedMessage): void {
    const ready = this.ready;
    ready.insertAt(partitionPoint(0, ready.length, (index) => (ready.at(index) as QueuedMessage).seq <= message.seq), message);
  }

  /**
   * Several back at their original positions, `messages` in ascending sequence: a few one by one (each lands near
   * the front, where the Fifo inserts cheaply), more in one merge with the ready messages.
   */
  requeueAll(messages: readonly QueuedMessage[]): void {
    if (messages.length <= FEW) {
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

  /**
   * The next consumer (round-robin) that may take one more delivery, or undefined. With a single active consumer only
   * the first registered one (consumers are kept in registration order) takes deliveries.
   */
  nextWithCapacity(prefetch: number, autoAck: boolean, singleActive: boolean): QueueConsumer | undefined {
    if (singleActive) {
      const active = this.consumers.at(0);
      return active !== undefined && hasRoom(active, prefetch, autoAck) ? active : undefined;
    }
    for (let tried = 0; tried < this.consumers.length; tried++) {
      const consumer = this.consumers[(this.nextConsumer + tried) % this.consumers.length];
      if (hasRoom(consumer, prefetch, autoAck)) {
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
