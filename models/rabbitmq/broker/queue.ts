/**
 * One queue on the broker: its ready messages in queue order, its unacknowledged deliveries by delivery tag, and
 * its consumers (competing: served round-robin). Ready messages are kept ordered by their enqueue sequence, so a
 * requeued message goes back to its original position (RabbitMQ's documented behaviour for requeue).
 */

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
  ready: QueuedMessage[] = [];
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

  takeSeq(): number {
    return this.nextSeq++;
  }

  /** Back at its original position (by enqueue sequence). */
  requeue(message: QueuedMessage): void {
    let at = this.ready.length;
    while (at > 0 && this.ready[at - 1].seq > message.seq) at--;
    this.ready.splice(at, 0, message);
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
    return this.ready.length === 0 && this.unacked.size === 0;
  }
}
