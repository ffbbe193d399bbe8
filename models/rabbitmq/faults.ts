/**
 * The RabbitMQ family's own fault kinds (their names are part of the plan format): a publish or its confirm lost,
 * a consumer's basic.ack lost with its connection, a consumer's connection closed while it holds a delivery, the
 * node restarting, a quorum queue member failing, and a message nobody's binding routes.
 */
import { instanceArb, instanceName, integerAtLeast, messageArb, messageId, msAtLeast, optional, withInstance } from '../faults/spec.js';
import type { FaultSpec } from '../faults/spec.js';
import { FIRST_INSTANCE } from '../topology.js';

export type RabbitMqFault =
  /** The basic.publish of `message`, attempt `attempt`, is lost on the way to the broker. */
  | { kind: 'publish-lost'; message: string; attempt: number }
  /** The broker's confirm (basic.ack) for that publish is lost on the way back (the message is enqueued). */
  | { kind: 'confirm-lost'; message: string; attempt: number }
  /** The consumer's basic.ack for its `delivery`-th delivery of `message` is lost, and its connection with it. */
  | { kind: 'consumer-ack-lost'; message: string; delivery: number; consumer?: string }
  /** The consumer's connection closes while it holds its `delivery`-th delivery of `message`, processed, not yet acked. */
  | { kind: 'connection-closed'; message: string; delivery: number; consumer?: string }
  /** The node hosting the queue (a classic queue's, a quorum queue's leader) restarts right after enqueueing `message` (its first enqueue). */
  | { kind: 'broker-restart'; message: string }
  /**
   * The node of the quorum queue's member on `node` (1..nodes; absent: the leader's) fails right after enqueueing
   * `message` (its first enqueue), back after --broker-restart-delay-ms. A failed leader is replaced by an election.
   */
  | { kind: 'quorum-member-failure'; message: string; node?: number }
  /**
   * From `message`'s first publish the exchange has no binding to its queue (not declared yet, or deleted) for
   * `durationMs` (absent: --restart-delay-ms, the time a consumer takes to come back and declare it): every publish
   * routed in that window, of any message and any attempt, is unroutable.
   */
  | { kind: 'unroutable'; message: string; durationMs?: number }
  /**
   * From `message`'s dead-lettering the dead-letter queue cannot take messages (not declared yet, a quorum queue
   * without a quorum) for `durationMs` (absent: --restart-delay-ms): every dead-lettering in that window fails.
   */
  | { kind: 'dead-letter-unavailable'; message: string; durationMs?: number };

type Of<K extends RabbitMqFault['kind']> = Extract<RabbitMqFault, { kind: K }>;

const memberWords = (fault: { node?: number }): string => (fault.node === undefined ? "the quorum queue leader's node" : `the node of the quorum queue's member on node ${fault.node}`);

const consumerInstance = (fault: { consumer?: string }) => ({ kind: 'consumer' as const, name: fault.consumer ?? FIRST_INSTANCE.consumer });
const whose = (fault: { consumer?: string }): string => (fault.consumer === undefined ? "the consumer's" : `${fault.consumer}'s`);

const attemptFault = <K extends 'publish-lost' | 'confirm-lost'>(kind: K): FaultSpec<Of<K>>['arbitrary'] =>
  (fc, space) => fc.record({ kind: fc.constant(kind), message: messageArb(fc, space), attempt: fc.integer({ min: 1, max: space.maxAttempt }) }) as ReturnType<FaultSpec<Of<K>>['arbitrary']>;

const deliveryFault = <K extends 'consumer-ack-lost' | 'connection-closed'>(kind: K): FaultSpec<Of<K>>['arbitrary'] =>
  (fc, space) =>
    fc.record(withInstance({ kind: fc.constant(kind), message: messageArb(fc, space), delivery: fc.integer({ min: 1, max: space.maxAttempt }) }, 'consumer', instanceArb(fc, space.consumers))) as ReturnType<
      FaultSpec<Of<K>>['arbitrary']
    >;

export const PUBLISH_LOST: FaultSpec<Of<'publish-lost'>> = {
  kind: 'publish-lost',
  strikes: 'producer',
  rate: 'drop',
  summary: 'a basic.publish is lost on the way to the broker (silent without publisher confirms)',
  example: { kind: 'publish-lost', message: 'm3', attempt: 1 },
  fields: { message: messageId, attempt: integerAtLeast(1) },
  describe: (fault) => `the basic.publish of ${fault.message} (attempt ${fault.attempt}) is lost before reaching the broker`,
  drawing: (fault) => ({ arrow: { from: 'producer', to: 'broker', reply: false }, text: `basic.publish ${fault.message} (attempt ${fault.attempt}) LOST` }),
  arbitrary: attemptFault('publish-lost'),
};

export const CONFIRM_LOST: FaultSpec<Of<'confirm-lost'>> = {
  kind: 'confirm-lost',
  strikes: 'producer',
  rate: 'ack-loss',
  summary: "the broker's publisher confirm (basic.ack) is lost after the message was enqueued",
  example: { kind: 'confirm-lost', message: 'm3', attempt: 1 },
  fields: { message: messageId, attempt: integerAtLeast(1) },
  describe: (fault) => `the broker's confirm for ${fault.message} (attempt ${fault.attempt}) is lost on the way back to the publisher`,
  drawing: (fault) => ({ arrow: { from: 'broker', to: 'producer', reply: true }, text: `confirm for ${fault.message} (attempt ${fault.attempt}) LOST` }),
  arbitrary: attemptFault('confirm-lost'),
};

export const CONSUMER_ACK_LOST: FaultSpec<Of<'consumer-ack-lost'>> = {
  kind: 'consumer-ack-lost',
  strikes: 'consumer',
  rate: 'drop',
  summary: "the consumer's basic.ack is lost, and its connection with it: the broker requeues its unacked deliveries (redelivered=true)",
  example: { kind: 'consumer-ack-lost', message: 'm3', delivery: 1 },
  fields: { message: messageId, delivery: integerAtLeast(1), consumer: instanceName('consumer') },
  instance: consumerInstance,
  describe: (fault) => `${whose(fault)} basic.ack for ${fault.message} (delivery ${fault.delivery}) is lost with its connection`,
  drawing: (fault) => ({ arrow: { from: 'consumer', to: 'broker', reply: false }, text: `basic.ack ${fault.message} LOST` }),
  arbitrary: deliveryFault('consumer-ack-lost'),
};

export const CONNECTION_CLOSED: FaultSpec<Of<'connection-closed'>> = {
  kind: 'connection-closed',
  strikes: 'consumer',
  rate: 'crash',
  summary: "the consumer's connection closes while it holds a processed, unacked delivery: the broker requeues it (redelivered=true)",
  example: { kind: 'connection-closed', message: 'm3', delivery: 1 },
  fields: { message: messageId, delivery: integerAtLeast(1), consumer: instanceName('consumer') },
  instance: consumerInstance,
  describe: (fault) => `${whose(fault)} connection closes after processing ${fault.message} (delivery ${fault.delivery}), before its basic.ack`,
  moment: (fault) => `after processing ${fault.message} (delivery ${fault.delivery}), before its basic.ack`,
  drawing: (fault) => ({ note: 'consumer', text: `connection closed holding ${fault.message}` }),
  arbitrary: deliveryFault('connection-closed'),
};

export const BROKER_RESTART: FaultSpec<Of<'broker-restart'>> = {
  kind: 'broker-restart',
  strikes: 'broker',
  rate: 'failover',
  summary: "the queue's node (a quorum queue's leader) restarts right after enqueueing a message: transient messages and non-durable queues are gone; a quorum queue elects a new leader if a majority is left",
  example: { kind: 'broker-restart', message: 'm3' },
  fields: { message: messageId },
  describe: (fault) => `the broker node restarts right after enqueueing ${fault.message}`,
  moment: (fault) => `right after enqueueing ${fault.message}`,
  drawing: (fault) => ({ note: 'broker', text: `node restarts after enqueueing ${fault.message} (injected)` }),
  arbitrary: (fc, space) => fc.record({ kind: fc.constant('broker-restart' as const), message: messageArb(fc, space) }),
};

export const QUORUM_MEMBER_FAILURE: FaultSpec<Of<'quorum-member-failure'>> = {
  kind: 'quorum-member-failure',
  strikes: 'broker',
  rate: 'failover',
  summary: "a quorum queue member's node fails right after enqueueing a message (the leader's, or `node`'s): the queue goes on while a majority is up (a failed leader is replaced by an election), and stalls without one",
  example: { kind: 'quorum-member-failure', message: 'm3' },
  fields: { message: messageId, node: optional(integerAtLeast(1)) },
  // Which member is part of what the plan says, not of the decision point: a rate-driven run fails the leader.
  drawn: ['node'],
  describe: (fault) => `${memberWords(fault)} fails right after enqueueing ${fault.message}`,
  moment: (fault) => `right after enqueueing ${fault.message}`,
  drawing: (fault) => ({ note: 'broker', text: `${fault.node === undefined ? 'quorum leader' : `quorum member on node ${fault.node}`} fails after enqueueing ${fault.message} (injected)` }),
  arbitrary: (fc, space) => fc.record({ kind: fc.constant('quorum-member-failure' as const), message: messageArb(fc, space) }),
};

export const DEAD_LETTER_UNAVAILABLE: FaultSpec<Of<'dead-letter-unavailable'>> = {
  kind: 'dead-letter-unavailable',
  strikes: 'broker',
  rate: 'dead-letter',
  summary: 'from a message\'s dead-lettering the dead-letter queue cannot take messages (not declared yet, no quorum) for a window: with dead-letter-strategy=at-most-once they are lost, at-least-once keeps them in the source queue until it can',
  example: { kind: 'dead-letter-unavailable', message: 'm3' },
  fields: { message: messageId, durationMs: optional(msAtLeast(0, false)) },
  // The window's length is part of what the plan says, not of the decision point (the dead-lettering of `message`).
  drawn: ['durationMs'],
  describe: (fault) => `from the dead-lettering of ${fault.message} the dead-letter queue cannot take messages for ${fault.durationMs === undefined ? 'the restart delay' : `${fault.durationMs} ms`}`,
  drawing: (fault) => ({ note: 'broker', text: `dead-letter queue unavailable from ${fault.message} on (injected)` }),
  arbitrary: (fc, space) => fc.record({ kind: fc.constant('dead-letter-unavailable' as const), message: messageArb(fc, space) }),
};

export const UNROUTABLE: FaultSpec<Of<'unroutable'>> = {
  kind: 'unroutable',
  strikes: 'broker',
  rate: 'unroutable',
  summary: "from a message's first publish the exchange has no binding to its queue (not declared yet) for a window: every publish in it is returned with mandatory, else dropped",
  example: { kind: 'unroutable', message: 'm3' },
  fields: { message: messageId, durationMs: optional(msAtLeast(0, false)) },
  // The window's length is part of what the plan says, not of the decision point (the first publish of `message`).
  drawn: ['durationMs'],
  describe: (fault) => `from the first publish of ${fault.message} the exchange has no binding to its queue (not declared yet) for ${fault.durationMs === undefined ? 'the restart delay' : `${fault.durationMs} ms`}`,
  drawing: (fault) => ({ note: 'broker', text: `no binding from ${fault.message} on (injected): unroutable` }),
  arbitrary: (fc, space) => fc.record({ kind: fc.constant('unroutable' as const), message: messageArb(fc, space) }),
};
