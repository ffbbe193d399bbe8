/**
 * The RabbitMQ family's scenarios: each forces one mechanism of RabbitMQ's documented behaviour with a one- or
 * two-fault plan, with the verdict each mode's preset is expected to reach (models/rabbitmq/modes.ts).
 */
import type { FaultPlan } from '../models/faults/catalog.js';
import type { Scenario } from './scenarios.js';

const plan = (...faults: FaultPlan['faults']): FaultPlan => ({ version: 1, faults });
const allHold = { loss: 'holds', duplicates: 'holds', order: 'holds' } as const;
const lossBreaks = { loss: 'breaks', duplicates: 'holds', order: 'holds' } as const;
const small = { messages: 6, keys: 2, partitions: 1 };
/** Two consumers on one queue, m2 handed over with m1, and m1's first delivery failing: what their order depends on. */
const twoConsumersOneFailure = { workload: { messages: 3, keys: 1, partitions: 1, burst: 2 }, topology: { consumers: 2 }, faults: plan({ kind: 'processing-error', message: 'm1', deliveries: 1 }) };

export const RABBITMQ_SCENARIOS: readonly Scenario[] = [
  {
    name: 'autoack-crash-loses',
    family: 'rabbitmq',
    summary: 'the consumer crashes while processing m3: with autoAck the broker already deleted it and everything it pushed ahead (prefetch does not apply to autoAck)',
    mechanism: 'autoAck => a delivery counts as acknowledged once sent => a crash loses it; a manual basic.ack after processing leaves it unacked, so the closed channel requeues it (redelivered=true)',
    workload: small,
    faults: plan({ kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'mid-process' }),
    // The acks in flight when the process dies never arrive: what they covered is redelivered too.
    expected: { 'at-most-once': lossBreaks, 'at-least-once': { loss: 'holds', duplicates: 'may-break', order: 'may-break' }, 'exactly-once': allHold },
  },
  {
    name: 'manual-ack-redelivers',
    family: 'rabbitmq',
    summary: 'the consumer crashes after the DB commit of m3, before its basic.ack: the broker redelivers m3 (redelivered=true)',
    mechanism: 'manual ack after processing => unacked at the crash => requeued on the closed channel => applied twice without an idempotent consumer; the dedup key in the effect\'s transaction skips it',
    workload: small,
    faults: plan({ kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'after-db-commit' }),
    expected: { 'at-most-once': lossBreaks, 'at-least-once': { loss: 'holds', duplicates: 'breaks', order: 'holds' }, 'exactly-once': allHold },
  },
  {
    name: 'nack-requeue-loop',
    family: 'rabbitmq',
    summary: 'm3 always fails and --on-error retry nacks it with requeue=true, without a delivery limit: it is redelivered forever',
    mechanism: 'basic.nack requeue=true => back at the head of the queue, redelivered=true => fails again => ... no x-delivery-limit stops it: liveness is broken (autoAck cannot requeue: the message is lost)',
    workload: small,
    settings: { onError: 'retry', deliveryLimit: 'unlimited' },
    faults: plan({ kind: 'processing-error', message: 'm3', deliveries: 'always' }),
    expected: { 'at-most-once': lossBreaks, 'at-least-once': { ...lossBreaks, liveness: 'breaks' }, 'exactly-once': { ...lossBreaks, liveness: 'breaks' } },
  },
  {
    name: 'reject-to-dead-letter',
    family: 'rabbitmq',
    summary: 'm3 always fails: after its retries the consumer rejects it (requeue=false) and the dead-letter exchange parks it',
    mechanism: 'basic.reject requeue=false => x-dead-letter-exchange => dead-letter queue: neither applied nor lost (parked)',
    workload: small,
    faults: plan({ kind: 'processing-error', message: 'm3', deliveries: 'always' }),
    expected: { 'at-most-once': lossBreaks, 'at-least-once': { ...allHold, parked: 'some' }, 'exactly-once': { ...allHold, parked: 'some' } },
  },
  {
    name: 'reject-without-dlx-drops',
    family: 'rabbitmq',
    summary: 'm3 always fails and is rejected, but the queue has no dead-letter exchange: the broker drops it',
    mechanism: 'basic.reject requeue=false without x-dead-letter-exchange => the message vanishes (a misconfiguration: at-least-once is VIOLATED)',
    workload: small,
    settings: { deadLetterExchange: false },
    faults: plan({ kind: 'processing-error', message: 'm3', deliveries: 'always' }),
    expected: { 'at-most-once': lossBreaks, 'at-least-once': lossBreaks, 'exactly-once': lossBreaks },
  },
  {
    name: 'no-confirms-silent-loss',
    family: 'rabbitmq',
    summary: 'the basic.publish of m3 is lost: without publisher confirms nobody notices; with them the publisher re-publishes',
    mechanism: 'no confirm.select => a publish is done once written to the socket => a lost one is silent loss; with confirms an unconfirmed publish is re-published after the timeout',
    workload: small,
    faults: plan({ kind: 'publish-lost', message: 'm3', attempt: 1 }),
    // The re-publish lands behind later messages: at-least-once may reorder; exactly-once keeps one publish unconfirmed.
    expected: { 'at-most-once': lossBreaks, 'at-least-once': { loss: 'holds', duplicates: 'holds', order: 'may-break' }, 'exactly-once': allHold },
  },
  {
    name: 'confirm-lost-duplicate',
    family: 'rabbitmq',
    summary: "m3 is enqueued but the broker's confirm is lost: the publisher re-publishes and the queue holds m3 twice",
    mechanism: 'confirm lost => timeout => re-publish => duplicate in the queue (RabbitMQ has no idempotent publisher); the idempotent consumer skips the second copy',
    workload: small,
    faults: plan({ kind: 'confirm-lost', message: 'm3', attempt: 1 }),
    expected: { 'at-most-once': allHold, 'at-least-once': { loss: 'holds', duplicates: 'breaks', order: 'holds' }, 'exactly-once': allHold },
  },
  {
    name: 'unroutable-mandatory-returned',
    family: 'rabbitmq',
    summary: 'from m3 on, the exchange has no binding to the queue for 15 ms (not declared yet): with mandatory every publish in that window comes back by basic.return and is re-published until the binding exists',
    mechanism: 'unroutable + mandatory => basic.return then basic.ack => the publisher re-publishes (returned again while the binding is missing); without mandatory the broker drops them silently',
    workload: small,
    faults: plan({ kind: 'unroutable', message: 'm3' }),
    // The re-published messages land behind later ones: at-least-once may reorder them.
    expected: { 'at-most-once': lossBreaks, 'at-least-once': { loss: 'holds', duplicates: 'holds', order: 'may-break' }, 'exactly-once': allHold },
  },
  {
    name: 'unroutable-silently-dropped',
    family: 'rabbitmq',
    summary: 'from m3 on, the exchange has no binding to the queue for 15 ms and the publisher did not set mandatory: the broker drops every publish in that window and still confirms it',
    mechanism: 'unroutable without mandatory => dropped, yet confirmed (basic.ack) => the publisher believes them delivered (acknowledged loss)',
    workload: small,
    settings: { mandatory: false },
    faults: plan({ kind: 'unroutable', message: 'm3' }),
    expected: { 'at-most-once': lossBreaks, 'at-least-once': lossBreaks, 'exactly-once': lossBreaks },
  },
  {
    name: 'transient-lost-on-restart',
    family: 'rabbitmq',
    summary: 'the broker node restarts right after enqueueing m3, on a classic queue: transient messages and a non-durable queue are gone',
    mechanism: 'node restart => transient messages and non-durable queues lost; persistent messages in a durable queue survive (once written; an unwritten one was never confirmed, so the publisher re-publishes it)',
    workload: small,
    settings: { queueType: 'classic', deliveryLimit: 'unlimited' },
    faults: plan({ kind: 'broker-restart', message: 'm3' }),
    // Deliveries unacked at the restart come back redelivered: at-least-once may apply them twice.
    expected: { 'at-most-once': lossBreaks, 'at-least-once': { loss: 'holds', duplicates: 'may-break', order: 'may-break' }, 'exactly-once': allHold },
  },
  {
    name: 'delivery-limit-dead-letters',
    family: 'rabbitmq',
    summary: 'm3 always fails and is nacked with requeue=true; the quorum queue dead-letters it after x-delivery-limit 3 (4 deliveries)',
    mechanism: 'quorum queue: each return counts in x-delivery-count (1, 2, 3 on the redeliveries) => past x-delivery-limit the message is dead-lettered (parked)',
    workload: small,
    settings: { onError: 'retry', queueType: 'quorum', durable: true, deliveryLimit: 3 },
    faults: plan({ kind: 'processing-error', message: 'm3', deliveries: 'always' }),
    expected: { 'at-most-once': lossBreaks, 'at-least-once': { ...allHold, parked: 'some' }, 'exactly-once': { ...allHold, parked: 'some' } },
  },
  {
    name: 'delivery-limit-ignores-nack-4-3',
    family: 'rabbitmq',
    summary: 'the same poison message and x-delivery-limit 3 on RabbitMQ 4.3: a basic.nack requeue=true no longer counts toward the limit, so m3 is redelivered forever (--requeue-method reject dead-letters it)',
    mechanism: 'RabbitMQ 4.3 evaluates x-delivery-limit against delivery-count, which only failed deliveries raise (basic.reject requeue=true, a lost connection) => basic.nack requeue=true never reaches the limit => liveness is broken, as Spring AMQP users found after upgrading',
    workload: small,
    settings: { onError: 'retry', queueType: 'quorum', durable: true, deliveryLimit: 3, rabbitmqVersion: '4.3' },
    faults: plan({ kind: 'processing-error', message: 'm3', deliveries: 'always' }),
    expected: { 'at-most-once': lossBreaks, 'at-least-once': { ...lossBreaks, liveness: 'breaks' }, 'exactly-once': { ...lossBreaks, liveness: 'breaks' } },
  },
  {
    name: 'consumer-timeout-redelivers',
    family: 'rabbitmq',
    summary: 'a slow consumer: processing takes 40 ms and consumer_timeout is 25 ms, so the broker ends the consumer while every delivery is still being processed and requeues it',
    mechanism: 'delivery unacknowledged past consumer_timeout => channel.close PRECONDITION_FAILED (4.3: basic.cancel) => requeued, redelivered=true => processed again, the late basic.ack void => duplicates without an idempotent consumer; each return counts toward x-delivery-limit (up to 4.2), so the quorum queue dead-letters the messages after 20 returns, already applied',
    workload: small,
    settings: { processingMs: 40, deliveryAckTimeoutMs: 25, prefetch: 1 },
    faults: 'none',
    expected: { 'at-most-once': allHold, 'at-least-once': { loss: 'holds', duplicates: 'breaks', order: 'holds', parked: 'some' }, 'exactly-once': { ...allHold, parked: 'some' } },
  },
  {
    name: 'dead-letter-at-most-once-loses',
    family: 'rabbitmq',
    summary: 'm3 always fails and is dead-lettered while the dead-letter queue cannot take messages: with dead-letter-strategy=at-most-once (RabbitMQ\'s default) it is lost; at-least-once (the presets, on a quorum queue with x-overflow=reject-publish) keeps it until the queue is back',
    mechanism: 'dead-lettering re-publishes without confirms and forgets the message at once => a dead-letter queue that cannot take it (not declared yet, no quorum) loses it, neither applied nor parked; the at-least-once strategy keeps it in the source queue until the dead-letter queue confirms it',
    workload: small,
    settings: { deadLetterStrategy: 'at-most-once' },
    faults: plan({ kind: 'processing-error', message: 'm3', deliveries: 'always' }, { kind: 'dead-letter-unavailable', message: 'm3', durationMs: 20 }),
    expected: { 'at-most-once': lossBreaks, 'at-least-once': { ...lossBreaks }, 'exactly-once': { ...lossBreaks } },
  },
  {
    name: 'ttl-dlx-delay-head-of-line',
    family: 'rabbitmq',
    summary: 'every 2nd message is delayed through a TTL wait queue + dead-lettering: a short TTL behind a long one is released late',
    mechanism: 'per-message TTL expires only at the head of the wait queue => a message behind a longer TTL waits for it (head-of-line) => never early, often late; the delayed-message exchange (--delay-via plugin) is on time',
    workload: { messages: 8, keys: 2, partitions: 1 },
    settings: { delayedEvery: 2, delayMs: 20, delayVia: 'ttl-dlx' },
    faults: 'none',
    expected: { 'at-most-once': allHold, 'at-least-once': allHold, 'exactly-once': allHold },
  },
  {
    name: 'competing-consumers-reorder',
    family: 'rabbitmq',
    summary: 'two competing consumers on one queue: m1 fails once and is requeued while the other consumer already takes m2 of the same key',
    mechanism: 'competing consumers => the queue hands out messages round-robin and they are processed in parallel => a requeued (or merely slower) message is applied after a later one of its key; prefetch 1 and the dedup key do not prevent it, x-single-active-consumer does (single-active-consumer-keeps-order)',
    ...twoConsumersOneFailure,
    // exactly-once breaks when the parallel commits race the wrong way: seeds 2 to 5 of the scenario test, not seed 1.
    expected: { 'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'may-break' }, 'at-least-once': { loss: 'holds', duplicates: 'holds', order: 'breaks' }, 'exactly-once': { loss: 'holds', duplicates: 'holds', order: 'may-break' } },
  },
  {
    name: 'single-active-consumer-keeps-order',
    family: 'rabbitmq',
    summary: 'the same two consumers with x-single-active-consumer: one of them gets every delivery, the other stands by, and exactly-once keeps the key\'s order',
    mechanism: 'x-single-active-consumer (RabbitMQ 3.8+) => only the first registered consumer gets deliveries, the next takes over when its channel closes => one consumer at a time, so with prefetch 1 the requeued m1 comes back before m2; at-least-once still reorders (prefetch 10 lets later messages pass a requeued one)',
    ...twoConsumersOneFailure,
    settings: { singleActiveConsumer: true },
    expected: { 'at-most-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' }, 'at-least-once': { loss: 'holds', duplicates: 'holds', order: 'breaks' }, 'exactly-once': allHold },
  },
];
