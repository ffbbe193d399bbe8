/**
 * Fault kinds every broker family shares: a lost DB reply, a cut link, and crashes of the producer and consumer
 * applications at named points of their work.
 */
import { FIRST_INSTANCE } from '../topology.js';
import { ordinal } from '../words.js';
import { exactlyOne, instanceArb, instanceName, integerAtLeast, messageArb, messageId, msAtLeast, oneOf, optional, withInstance } from './spec.js';
import type { FaultSpec } from './spec.js';
import type { FamilyName } from '../config.js';

export type LinkName = 'producer-broker' | 'consumer-broker' | 'consumer-db';
export const LINK_NAMES: readonly LinkName[] = ['producer-broker', 'consumer-broker', 'consumer-db'];

export type ConsumerCrashPoint = 'after-fetch' | 'mid-process' | 'after-db-commit';
export const CONSUMER_CRASH_POINTS: readonly ConsumerCrashPoint[] = ['after-fetch', 'mid-process', 'after-db-commit'];
/** before-commit and after-commit exist in transactional worlds only (`--transactions true`). */
export type ProducerCrashPoint = 'after-handover' | 'after-send' | 'before-commit' | 'after-commit';
/** The points every producer has (what plan searches draw by default). */
export const PRODUCER_CRASH_POINTS: readonly ProducerCrashPoint[] = ['after-handover', 'after-send'];
/** The points of a transactional producer's commit: its records appended and EndTxn not sent; EndTxn sent, not answered. */
export const TRANSACTION_CRASH_POINTS: readonly ProducerCrashPoint[] = ['before-commit', 'after-commit'];

export type CommonFault =
  /**
   * The DB answers a consumer's call about `message` but its reply is lost: the built-in processing's attempt-th DB
   * call for it (only a committed write's reply), or a handler's call-th call for it (any call; counted over all its
   * deliveries). Exactly one of `attempt` and `call`.
   */
  | { kind: 'db-reply-lost'; message: string; attempt?: number; call?: number; consumer?: string }
  /** A producer's or a consumer's link is cut for a window of virtual time (repaired at the heal phase at the latest). */
  | { kind: 'partition'; link: LinkName; fromMs: number; durationMs: number; producer?: string; consumer?: string }
  /**
   * The consumer crashes while handling its `delivery`-th delivery of `message` (counted in its group): at `point`
   * of the built-in processing, or, with a handler, once its `afterCall`-th DB call was answered (0: before the
   * handler's first call). Exactly one of `point` and `afterCall`.
   */
  | { kind: 'consumer-crash'; message: string; delivery: number; point?: ConsumerCrashPoint; afterCall?: number; consumer?: string }
  /** The producer crashes right after handing over / first sending `message`. */
  | { kind: 'producer-crash'; message: string; point: ProducerCrashPoint }
  /**
   * The business logic throws on `message` in a consumer group: on its first `deliveries` deliveries there, or on
   * every one (`"always"`: a poison message).
   */
  | { kind: 'processing-error'; message: string; deliveries: number | 'always'; group?: string };

type Of<K extends CommonFault['kind']> = Extract<CommonFault, { kind: K }>;

/** "the consumer" or "consumer g1/c2": who a fault names, in the words a plan entry uses. */
export function consumerWords(consumer: string | undefined): string {
  return consumer === undefined ? 'the consumer' : `consumer ${consumer}`;
}

const consumerInstance = (fault: { consumer?: string }) => ({ kind: 'consumer' as const, name: fault.consumer ?? FIRST_INSTANCE.consumer });

export const DB_REPLY_LOST: FaultSpec<Of<'db-reply-lost'>> = {
  kind: 'db-reply-lost',
  strikes: 'db',
  rate: 'db-reply-loss',
  summary: "the DB commits the consumer's write but its reply is lost: committed, and the consumer does not know",
  example: { kind: 'db-reply-lost', message: 'm3', attempt: 1 },
  fields: { message: messageId, attempt: optional(integerAtLeast(1)), call: optional(integerAtLeast(1)), consumer: instanceName('consumer') },
  instance: consumerInstance,
  validate: (fault) => exactlyOne(fault, 'attempt', 'call', 'the built-in processing\'s DB attempt', 'a handler\'s DB call'),
  describe: (fault) =>
    fault.call !== undefined
      ? `the DB answers call ${fault.call} of the handler for ${fault.message}${fault.consumer === undefined ? '' : ` on ${fault.consumer}`} but its reply is lost`
      : `the DB commits the write of ${fault.message} (attempt ${fault.attempt ?? 1}${fault.consumer === undefined ? '' : ` by ${fault.consumer}`}) but its reply is lost`,
  drawing: (fault) => ({ arrow: { from: 'db', to: 'consumer', reply: true }, text: `reply for ${fault.message} (${fault.call !== undefined ? `call ${fault.call}` : `attempt ${fault.attempt ?? 1}`}) LOST` }),
  arbitrary: (fc, space) =>
    space.handlerCalls === undefined
      ? fc.record(withInstance({ kind: fc.constant('db-reply-lost' as const), message: messageArb(fc, space), attempt: fc.integer({ min: 1, max: space.maxAttempt }) }, 'consumer', instanceArb(fc, space.consumers)))
      : // A handler's calls are counted over a message's deliveries: the first few deliveries' worth.
        fc.record(withInstance({ kind: fc.constant('db-reply-lost' as const), message: messageArb(fc, space), call: fc.integer({ min: 1, max: space.handlerCalls * space.maxAttempt }) }, 'consumer', instanceArb(fc, space.consumers))),
};

export const PARTITION: FaultSpec<Of<'partition'>> = {
  kind: 'partition',
  strikes: 'network',
  rate: 'partition',
  summary: 'a link is cut for a window of virtual time: everything sent into it is lost (repaired at the heal at the latest)',
  example: { kind: 'partition', link: 'consumer-db', fromMs: 10, durationMs: 20 },
  fields: { link: oneOf(LINK_NAMES), fromMs: msAtLeast(0, true), durationMs: msAtLeast(0, false), producer: instanceName('producer'), consumer: instanceName('consumer') },
  instance: (fault) => (fault.link === 'producer-broker' ? { kind: 'producer', name: fault.producer ?? FIRST_INSTANCE.producer } : consumerInstance(fault)),
  validate: (fault) => {
    if (fault.link === 'producer-broker' && fault.consumer !== undefined) return `"consumer" does not apply to the producer-broker link (name its "producer")`;
    if (fault.link !== 'producer-broker' && fault.producer !== undefined) return `"producer" does not apply to the ${fault.link} link (name its "consumer")`;
    return undefined;
  },
  describe: (fault) => {
    const whose = fault.producer ?? fault.consumer;
    return `the ${fault.link} link${whose === undefined ? '' : ` of ${whose}`} is cut from t=${fault.fromMs} ms for ${fault.durationMs} ms`;
  },
  drawing: () => undefined,
  arbitrary: (fc, space) => {
    const lastStartMs = Math.max(0, Math.ceil(space.faultyPhaseMs) - 1);
    const window = fc.record({
      kind: fc.constant('partition' as const),
      link: fc.constantFrom(...(space.links as LinkName[])),
      fromMs: fc.integer({ min: 0, max: lastStartMs }),
      durationMs: fc.integer({ min: 1, max: 30 }),
    });
    if (space.producers.length === 1 && space.consumers.length === 1) return window;
    // Which instance's link: drawn as a position, so a window shrinks toward the first instance.
    return fc.tuple(window, fc.nat()).map(([fault, pick]) => {
      const names = fault.link === 'producer-broker' ? space.producers : space.consumers;
      const name = names[pick % names.length];
      if (pick % names.length === 0) return fault;
      return fault.link === 'producer-broker' ? { ...fault, producer: name } : { ...fault, consumer: name };
    });
  },
};

/**
 * The consumer's steps in the family's words: how it gets a record (Kafka's consumer fetches, RabbitMQ's receives a
 * push), and how it acknowledges one (the step a crash after the DB commit comes before).
 */
function consumerStepWords(family: FamilyName | undefined): { readonly receiving: string; readonly acknowledging: string } {
  return family === 'rabbitmq' ? { receiving: 'receiving', acknowledging: 'before its basic.ack' } : { receiving: 'fetching', acknowledging: 'before committing its offset' };
}

function consumerCrashMoment(fault: Of<'consumer-crash'>, family?: FamilyName): string {
  // The delivery number only matters when the message was delivered before.
  const nth = fault.delivery > 1 ? ` (its ${ordinal(fault.delivery)} delivery)` : '';
  if (fault.afterCall !== undefined) return fault.afterCall === 0 ? `right after ${fault.message}${nth} was delivered, before the handler's first DB call` : `right after call ${fault.afterCall} of the handler for ${fault.message}${nth} was answered`;
  if (fault.point === 'after-fetch') return `right after ${consumerStepWords(family).receiving} ${fault.message}${nth}, before processing it`;
  if (fault.point === 'mid-process') return `in the middle of processing ${fault.message}${nth}`;
  return `right after the DB commit of ${fault.message}${nth} and ${consumerStepWords(family).acknowledging}`;
}

export const CONSUMER_CRASH: FaultSpec<Of<'consumer-crash'>> = {
  kind: 'consumer-crash',
  strikes: 'consumer',
  rate: 'crash',
  summary: 'the consumer crashes after fetching a record, in the middle of processing it, or after its DB commit',
  example: { kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'after-db-commit' },
  fields: { message: messageId, delivery: integerAtLeast(1), point: optional(oneOf(CONSUMER_CRASH_POINTS)), afterCall: optional(integerAtLeast(0)), consumer: instanceName('consumer') },
  instance: consumerInstance,
  validate: (fault) => exactlyOne(fault, 'point', 'afterCall', 'a crash point of the built-in processing', 'a handler step'),
  describe: (fault, family) => {
    if (fault.point === undefined) return `${consumerWords(fault.consumer)} crashes ${consumerCrashMoment(fault, family)}`;
    const words = consumerStepWords(family);
    const where = { 'after-fetch': `after ${words.receiving}`, 'mid-process': 'while processing', 'after-db-commit': 'after the DB commit of' }[fault.point];
    const suffix = fault.point === 'after-db-commit' ? ` and ${words.acknowledging}` : '';
    return `${consumerWords(fault.consumer)} crashes ${where} ${fault.message} (delivery ${fault.delivery})${suffix}`;
  },
  moment: consumerCrashMoment,
  drawing: (fault, family) => ({ note: 'consumer', text: `CRASH ${consumerCrashMoment(fault, family)}` }),
  arbitrary: (fc, space) =>
    space.handlerCalls === undefined
      ? fc.record(
          withInstance(
            {
              kind: fc.constant('consumer-crash' as const),
              message: messageArb(fc, space),
              delivery: fc.integer({ min: 1, max: space.maxAttempt }),
              point: fc.constantFrom(...(space.consumerCrashPoints as ConsumerCrashPoint[])),
            },
            'consumer',
            instanceArb(fc, space.consumers),
          ),
        )
      : fc.record(
          withInstance(
            { kind: fc.constant('consumer-crash' as const), message: messageArb(fc, space), delivery: fc.integer({ min: 1, max: space.maxAttempt }), afterCall: fc.integer({ min: 0, max: space.handlerCalls }) },
            'consumer',
            instanceArb(fc, space.consumers),
          ),
        ),
};

const producerCrashMoment = (fault: Of<'producer-crash'>): string => {
  if (fault.point === 'before-commit') return `with the transaction ending at ${fault.message} appended, before sending EndTxn`;
  if (fault.point === 'after-commit') return `right after sending EndTxn (commit) for the transaction ending at ${fault.message}, before its answer`;
  return fault.point === 'after-send' ? `right after sending ${fault.message}` : `right after being handed ${fault.message}`;
};

const deliveriesCheck = (value: unknown): string | undefined => (value === 'always' ? undefined : integerAtLeast(1)(value) === undefined ? undefined : 'must be an integer >= 1 (the first n deliveries fail) or "always" (a poison message)');

/** "on its first 2 deliveries" / "on every delivery". */
export function failingDeliveries(deliveries: number | 'always'): string {
  if (deliveries === 'always') return 'on every delivery (a poison message)';
  return deliveries === 1 ? 'on its first delivery' : `on its first ${deliveries} deliveries`;
}

export const PROCESSING_ERROR: FaultSpec<Of<'processing-error'>> = {
  kind: 'processing-error',
  strikes: 'consumer',
  rate: 'processing-error',
  summary: 'the business logic throws on a message: on its first n deliveries in a group (1-5 in rate runs: 3 retries recover from up to 3 and dead-letter 4 or 5), or always (a poison message)',
  example: { kind: 'processing-error', message: 'm3', deliveries: 'always' },
  fields: { message: messageId, deliveries: deliveriesCheck, group: instanceName('group') },
  instance: (fault) => ({ kind: 'group', name: fault.group ?? FIRST_INSTANCE.group }),
  drawn: ['deliveries'],
  draw: (fault, stream) => ({ ...fault, deliveries: stream.intBetween(1, 5) }),
  describe: (fault) => `the business logic throws on ${fault.message}${fault.group === undefined ? '' : ` in group ${fault.group}`} ${failingDeliveries(fault.deliveries)}`,
  drawing: () => undefined,
  arbitrary: (fc, space) =>
    fc.record(
      withInstance(
        { kind: fc.constant('processing-error' as const), message: messageArb(fc, space), deliveries: fc.oneof(fc.integer({ min: 1, max: space.maxAttempt }), fc.constant('always' as const)) },
        'group',
        instanceArb(fc, space.groups),
      ),
    ),
};

export const PRODUCER_CRASH: FaultSpec<Of<'producer-crash'>> = {
  kind: 'producer-crash',
  strikes: 'producer',
  rate: 'producer-crash',
  summary: 'the producer crashes right after being handed a message, or right after first sending it; with --transactions true also before-commit (its transaction appended, EndTxn not sent) or after-commit (EndTxn sent, not answered)',
  example: { kind: 'producer-crash', message: 'm3', point: 'after-send' },
  fields: { message: messageId, point: oneOf([...PRODUCER_CRASH_POINTS, ...TRANSACTION_CRASH_POINTS]) },
  describe: (fault) => `the producer crashes ${producerCrashMoment(fault)}`,
  moment: producerCrashMoment,
  drawing: (fault) => ({ note: 'producer', text: `CRASH ${producerCrashMoment(fault)}` }),
  arbitrary: (fc, space) =>
    fc.record({ kind: fc.constant('producer-crash' as const), message: messageArb(fc, space), point: fc.constantFrom(...(space.producerCrashPoints as ProducerCrashPoint[])) }),
};
