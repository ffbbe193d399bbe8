/**
 * Delayed messages waiting on the broker until their due time. With the delayed-message exchange plugin
 * (`x-delay`) each one is routed at its own due time. With the TTL + dead-letter pattern they wait in a queue with
 * a per-message TTL, and RabbitMQ expires messages only at the head of a queue: a message behind one with a longer
 * TTL waits for it (head-of-line blocking), so it is dead-lettered into the exchange late.
 */
import type { RabbitMqMessage } from '../protocol.js';
import type { DelayVia } from '../settings.js';
import type { RabbitMqContext } from '../world.js';

export interface DelayedPublish {
  readonly publish: Extract<RabbitMqMessage, { type: 'basic-publish' }>;
  /** The publisher (a basic.return goes back to it). */
  readonly from: string;
}

export class DelayedMessages {
  private waiting: DelayedPublish[] = [];
  private timerUs = Number.POSITIVE_INFINITY;

  constructor(private readonly via: DelayVia) {}

  get empty(): boolean {
    return this.waiting.length === 0;
  }

  hold(ctx: RabbitMqContext, delayed: DelayedPublish): void {
    if (this.via === 'plugin') {
      // Ordered by due time (stable: equal due times keep arrival order).
      let at = this.waiting.length;
      while (at > 0 && this.waiting[at - 1].publish.dueUs > delayed.publish.dueUs) at--;
      this.waiting.splice(at, 0, delayed);
    } else {
      this.waiting.push(delayed);
    }
    this.schedule(ctx);
  }

  /** The messages due now: any due one (plugin), or only from the head while the head is due (TTL queue). */
  takeDue(ctx: RabbitMqContext): DelayedPublish[] {
    this.timerUs = Number.POSITIVE_INFINITY;
    const due: DelayedPublish[] = [];
    while (this.waiting.length > 0 && this.waiting[0].publish.dueUs <= ctx.now) due.push(this.waiting.shift() as DelayedPublish);
    return due;
  }

  schedule(ctx: RabbitMqContext): void {
    const head = this.waiting[0] as DelayedPublish | undefined;
    if (head === undefined || head.publish.dueUs >= this.timerUs) return;
    this.timerUs = head.publish.dueUs;
    ctx.setTimer(Math.max(0, head.publish.dueUs - ctx.now), { tag: 'due' });
  }

  /** A node restart keeps the persistent ones. */
  crash(): void {
    this.timerUs = Number.POSITIVE_INFINITY;
    this.waiting = this.waiting.filter((delayed) => delayed.publish.persistent);
  }
}
