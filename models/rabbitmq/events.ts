/**
 * What the RabbitMQ family's actors write into the trace, one typed union per actor, in RabbitMQ's words. Field
 * order is part of the trace's bytes, so every record is built whole, in the order written here.
 */
interface At {
  readonly t: number;
  readonly actor: string;
}

/** Why a message left its queue for the dead-letter exchange (RabbitMQ's x-death reasons), or was dropped without one. */
export type DeadLetterReason = 'rejected' | 'expired' | 'delivery_limit' | 'maxlen';

export type PublisherEvent = At &
  (
    | { readonly kind: 'basic-publish'; readonly msg: string; readonly attempt: number; readonly persistent: boolean; readonly mandatory: boolean }
    /** `returned`: the basic.ack that follows a basic.return (an unroutable message is confirmed, not enqueued). */
    | { readonly kind: 'publish-confirmed'; readonly msg: string; readonly attempt: number; readonly returned?: true }
    | { readonly kind: 'publish-nacked'; readonly msg: string; readonly attempt: number }
    | { readonly kind: 'publish-returned'; readonly msg: string; readonly attempt: number }
    | { readonly kind: 'confirm-timeout'; readonly msg: string; readonly attempt: number }
  );

export type RabbitBrokerEvent = At &
  (
    | { readonly kind: 'enqueued'; readonly msg: string; readonly attempt: number; readonly queue: string; readonly seq: number; readonly length: number }
    | { readonly kind: 'unroutable'; readonly msg: string; readonly attempt: number; readonly returned: boolean }
    | { readonly kind: 'publish-rejected'; readonly msg: string; readonly attempt: number; readonly queue: string; readonly overflow: 'reject-publish' }
    | { readonly kind: 'requeued'; readonly msg: string; readonly queue: string; readonly deliveryCount: number }
    | { readonly kind: 'queue-dead-letter'; readonly msg: string; readonly queue: string; readonly reason: DeadLetterReason; readonly dlx: boolean }
    | { readonly kind: 'channel-closed'; readonly consumer: string; readonly channel: number; readonly requeued: readonly string[] }
    /** dead-letter-strategy=at-most-once: the dead-letter queue could not take `msg`, and the source queue had already forgotten it. */
    | { readonly kind: 'dead-letter-lost'; readonly msg: string; readonly queue: string }
    /** dead-letter-strategy=at-least-once: the source queue keeps `msg` until the dead-letter queue can take it (`untilUs`). */
    | { readonly kind: 'dead-letter-retained'; readonly msg: string; readonly queue: string; readonly untilUs: number }
    /** The kept `msg` reached the dead-letter queue (confirmed), and is parked there now. */
    | { readonly kind: 'dead-letter-forwarded'; readonly msg: string; readonly queue: string }
    /** `msg`'s delivery waited past consumer_timeout: the broker closes the consumer's channel (`cancelled`: 4.3 cancels the consumer). */
    | { readonly kind: 'delivery-ack-timeout'; readonly msg: string; readonly queue: string; readonly consumer: string; readonly channel: number; readonly tag: number; readonly timeoutMs: number; readonly cancelled: boolean }
    /** x-single-active-consumer: `consumer` (its channel) is now the one consumer of `queue` that gets deliveries. */
    | { readonly kind: 'consumer-activated'; readonly queue: string; readonly consumer: string; readonly channel: number }
    | { readonly kind: 'node-restarted'; readonly lost: readonly string[]; readonly queuesLost: readonly string[] }
    /** A quorum queue member's node failed (`leader`: the leader's); `majority`: a majority of members is still up. */
    | { readonly kind: 'quorum-member-down'; readonly node: number; readonly leader: boolean; readonly up: number; readonly majority: boolean; readonly backAtUs: number }
    /** The quorum queue is back with a new leader on `node`; `lost`: messages no majority had written. */
    | { readonly kind: 'quorum-leader-elected'; readonly node: number; readonly lost: readonly string[] }
    | { readonly kind: 'delayed'; readonly msg: string; readonly dueUs: number; readonly via: 'plugin' | 'ttl-dlx' }
  );

export type RabbitConsumerEvent = At &
  (
    | { readonly kind: 'basic-consume'; readonly queue: string; readonly channel: number }
    | { readonly kind: 'basic-deliver'; readonly msg: string; readonly queue: string; readonly tag: number; readonly redelivered: boolean; readonly deliveryCount: number }
    | { readonly kind: 'basic-ack'; readonly msg: string; readonly tag: number }
    /** basic.nack requeue=true, basic.reject requeue=true (`method: 'reject'`), or basic.reject requeue=false. */
    | { readonly kind: 'basic-nack'; readonly msg: string; readonly tag: number; readonly requeue: boolean; readonly method?: 'reject' }
    | { readonly kind: 'connection-lost'; readonly channel: number; readonly reason: 'heartbeat' | 'closed' | 'ack-timeout' }
    /** With autoAck the broker already forgot the message: a failed processing cannot hand it back. */
    | { readonly kind: 'autoack-lost'; readonly msg: string }
  );

export type RabbitMqEvent = PublisherEvent | RabbitBrokerEvent | RabbitConsumerEvent;
