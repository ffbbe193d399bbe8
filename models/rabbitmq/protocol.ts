/** What crosses the network between a RabbitMQ publisher, the broker and a consumer (AMQP 0-9-1 methods). */
import type { RequeueMethod } from './settings.js';

/** The exchange every publisher publishes to (direct with one queue, fanout with several). */
export const EXCHANGE = 'events';

export type RabbitMqMessage =
  /** basic.publish; `confirm` when the channel is in confirm mode. `dueUs`: a delayed message's due time. */
  | { type: 'basic-publish'; msgId: string; index: number; key: string; attempt: number; persistent: boolean; mandatory: boolean; confirm: boolean; dueUs: number }
  /** The broker's confirm: basic.ack (ack) or basic.nack (refused, e.g. reject-publish). */
  | { type: 'confirm'; msgId: string; index: number; attempt: number; ack: boolean }
  /** basic.return: the mandatory message was unroutable. */
  | { type: 'basic-return'; msgId: string; index: number; attempt: number }
  /** queue.declare + basic.qos + basic.consume on a new channel. */
  | { type: 'basic-consume'; queue: string; channel: number }
  | { type: 'consume-ok'; channel: number }
  | { type: 'basic-deliver'; queue: string; channel: number; tag: number; msgId: string; index: number; key: string; seq: number; redelivered: boolean; deliveryCount: number }
  | { type: 'basic-ack'; queue: string; channel: number; tag: number; msgId: string; delivery: number }
  /** basic.nack or basic.reject: `method` says which, for a requeue (requeue=false is always basic.reject here). */
  | { type: 'basic-nack'; queue: string; channel: number; tag: number; msgId: string; requeue: boolean; method: RequeueMethod }
  /** The broker ends a consumer whose delivery waited past consumer_timeout: channel.close PRECONDITION_FAILED (4.3: basic.cancel). */
  | { type: 'consumer-timed-out'; channel: number; tag: number }
  | { type: 'heartbeat'; channel: number }
  | { type: 'heartbeat-ok'; channel: number };

export type PublisherTimer = { readonly tag: 'handover' } | { readonly tag: 'confirm-timeout'; readonly index: number; readonly attempt: number } | { readonly tag: 'republish'; readonly index: number }
  /** The outbox relay's next look at a row the publisher gave up. */
  | { readonly tag: 'outbox-relay'; readonly index: number };
export type BrokerTimer =
  | { readonly tag: 'confirm'; readonly publisher: string; readonly msgId: string; readonly index: number; readonly attempt: number }
  | { readonly tag: 'expire'; readonly queue: string }
  | { readonly tag: 'heartbeat-check' }
  | { readonly tag: 'due' }
  /** At-least-once dead-lettering: try the dead-letter queue again for the messages kept for it. */
  | { readonly tag: 'dead-letter-retry' }
  /** A quorum queue's majority of members is up again: deliver what waited. */
  | { readonly tag: 'majority-back' };
export type ConsumerTimer = { readonly tag: 'heartbeat' } | { readonly tag: 'consume-timeout'; readonly channel: number } | { readonly tag: 'nack'; readonly token: number };
