/**
 * The Kafka family's own fault kinds: produce requests and their answers lost or held up, fetch responses lost or
 * delivered twice, offset commits lost, and a partition leader failing right after an append.
 */
import { instanceArb, instanceName, integerAtLeast, logOffset, messageArb, messageId, msAtLeast, withInstance } from '../faults/spec.js';
import type { FaultSpec } from '../faults/spec.js';
import { FIRST_INSTANCE } from '../topology.js';
import { trimNumber } from '../words.js';

export type KafkaFault =
  /** The produce request carrying `message`, attempt `attempt`, is lost on the way to the broker. */
  | { kind: 'request-lost'; message: string; attempt: number }
  /** The broker's response to that produce request is lost on the way back (the record may be stored). */
  | { kind: 'ack-lost'; message: string; attempt: number }
  /** That produce request is held up by `delayMs` (everything behind it on the link waits too). */
  | { kind: 'request-delayed'; message: string; attempt: number; delayMs: number }
  /** The broker's fetch response for `partition` from `fromOffset` (the consumer's attempt-th fetch there) arrives twice. */
  | { kind: 'fetch-duplicated'; partition: number; fromOffset: number; attempt: number; consumer?: string }
  /** That fetch response is lost. */
  | { kind: 'fetch-lost'; partition: number; fromOffset: number; attempt: number; consumer?: string }
  /** The consumer's attempt-th offset commit of `offset` for `partition` is lost on the way to the broker. */
  | { kind: 'commit-lost'; partition: number; offset: number; attempt: number; consumer?: string }
  /** The leader of `message`'s partition fails right after appending `message` (first append) and answering. */
  | { kind: 'leader-failover'; message: string };

type Of<K extends KafkaFault['kind']> = Extract<KafkaFault, { kind: K }>;

const consumerInstance = (fault: { consumer?: string }) => ({ kind: 'consumer' as const, name: fault.consumer ?? FIRST_INSTANCE.consumer });
const toConsumer = (fault: { consumer?: string }): string => (fault.consumer === undefined ? '' : ` to ${fault.consumer}`);

export const REQUEST_LOST: FaultSpec<Of<'request-lost'>> = {
  kind: 'request-lost',
  strikes: 'producer',
  rate: 'drop',
  summary: 'a produce request is lost on the way to the broker',
  example: { kind: 'request-lost', message: 'm3', attempt: 1 },
  fields: { message: messageId, attempt: integerAtLeast(1) },
  describe: (fault) => `the produce request for ${fault.message} (attempt ${fault.attempt}) is lost before reaching the broker`,
  drawing: (fault) => ({ arrow: { from: 'producer', to: 'broker', reply: false }, text: `produce ${fault.message} (attempt ${fault.attempt}) LOST` }),
  arbitrary: (fc, space) => fc.record({ kind: fc.constant('request-lost' as const), message: messageArb(fc, space), attempt: fc.integer({ min: 1, max: space.maxAttempt }) }),
};

export const ACK_LOST: FaultSpec<Of<'ack-lost'>> = {
  kind: 'ack-lost',
  strikes: 'producer',
  rate: 'ack-loss',
  summary: "the broker's produce response (its ack) is lost after the record was stored",
  example: { kind: 'ack-lost', message: 'm3', attempt: 1 },
  fields: { message: messageId, attempt: integerAtLeast(1) },
  describe: (fault) => `the broker's ack for ${fault.message} (attempt ${fault.attempt}) is lost on the way back to the producer`,
  drawing: (fault) => ({ arrow: { from: 'broker', to: 'producer', reply: true }, text: `ack for ${fault.message} (attempt ${fault.attempt}) LOST` }),
  arbitrary: (fc, space) => fc.record({ kind: fc.constant('ack-lost' as const), message: messageArb(fc, space), attempt: fc.integer({ min: 1, max: space.maxAttempt }) }),
};

export const REQUEST_DELAYED: FaultSpec<Of<'request-delayed'>> = {
  kind: 'request-delayed',
  strikes: 'producer',
  rate: 'delay',
  summary: 'a produce request is held up (5-40 ms in rate runs), past the request timeout; everything behind it on the link waits too',
  example: { kind: 'request-delayed', message: 'm3', attempt: 1, delayMs: 20 },
  fields: { message: messageId, attempt: integerAtLeast(1), delayMs: msAtLeast(0, false) },
  drawn: ['delayMs'],
  draw: (fault, stream) => ({ ...fault, delayMs: stream.intBetween(5, 40) }),
  describe: (fault) => `the produce request for ${fault.message} (attempt ${fault.attempt}) is delayed by ${fault.delayMs} ms`,
  drawing: (fault) => ({ note: 'producer', text: `produce ${fault.message} (attempt ${fault.attempt}) held up ${trimNumber(fault.delayMs)} ms` }),
  // Past the presets' 15 ms request timeout at the top of the range, so a delay can force a retry.
  arbitrary: (fc, space) =>
    fc.record({ kind: fc.constant('request-delayed' as const), message: messageArb(fc, space), attempt: fc.integer({ min: 1, max: space.maxAttempt }), delayMs: fc.integer({ min: 1, max: 40 }) }),
};

/** Offsets a small workload reaches: per partition at most `messages` records (plus retried duplicates). */
const fetchArbitrary = <K extends 'fetch-duplicated' | 'fetch-lost'>(kind: K): FaultSpec<Of<K>>['arbitrary'] =>
  (fc, space) =>
    fc.record(
      withInstance(
        {
          kind: fc.constant(kind),
          partition: fc.integer({ min: 0, max: space.partitions - 1 }),
          fromOffset: fc.integer({ min: 0, max: space.messages }),
          attempt: fc.integer({ min: 1, max: space.maxAttempt }),
        },
        'consumer',
        instanceArb(fc, space.consumers),
      ),
    ) as ReturnType<FaultSpec<Of<K>>['arbitrary']>;

export const FETCH_DUPLICATED: FaultSpec<Of<'fetch-duplicated'>> = {
  kind: 'fetch-duplicated',
  strikes: 'consumer',
  rate: 'dup',
  summary: 'a fetch response is delivered twice (the consumer discards the stale copy, as Kafka does)',
  example: { kind: 'fetch-duplicated', partition: 0, fromOffset: 2, attempt: 1 },
  fields: { partition: integerAtLeast(0), fromOffset: logOffset, attempt: integerAtLeast(1), consumer: instanceName('consumer') },
  instance: consumerInstance,
  describe: (fault) => `the fetch response for partition ${fault.partition} from offset ${fault.fromOffset} (fetch ${fault.attempt})${toConsumer(fault)} is delivered twice`,
  drawing: (fault) => ({ note: 'consumer', text: `fetch response from offset ${fault.fromOffset} arrives twice` }),
  arbitrary: fetchArbitrary('fetch-duplicated'),
};

export const FETCH_LOST: FaultSpec<Of<'fetch-lost'>> = {
  kind: 'fetch-lost',
  strikes: 'consumer',
  rate: 'drop',
  summary: 'a fetch response is lost on the way to the consumer',
  example: { kind: 'fetch-lost', partition: 0, fromOffset: 2, attempt: 1 },
  fields: { partition: integerAtLeast(0), fromOffset: logOffset, attempt: integerAtLeast(1), consumer: instanceName('consumer') },
  instance: consumerInstance,
  describe: (fault) => `the fetch response for partition ${fault.partition} from offset ${fault.fromOffset} (fetch ${fault.attempt})${toConsumer(fault)} is lost`,
  drawing: (fault) => ({ arrow: { from: 'broker', to: 'consumer', reply: true }, text: `fetch response from offset ${fault.fromOffset} LOST` }),
  arbitrary: fetchArbitrary('fetch-lost'),
};

export const COMMIT_LOST: FaultSpec<Of<'commit-lost'>> = {
  kind: 'commit-lost',
  strikes: 'consumer',
  rate: 'drop',
  summary: "the consumer's offset commit is lost on the way to the broker",
  example: { kind: 'commit-lost', partition: 0, offset: 3, attempt: 1 },
  fields: { partition: integerAtLeast(0), offset: logOffset, attempt: integerAtLeast(1), consumer: instanceName('consumer') },
  instance: consumerInstance,
  describe: (fault) => `${fault.consumer === undefined ? "the consumer's" : `${fault.consumer}'s`} commit of offset ${fault.offset} on partition ${fault.partition} (attempt ${fault.attempt}) is lost`,
  drawing: (fault) => ({ arrow: { from: 'consumer', to: 'broker', reply: false }, text: `commit offset ${fault.offset} LOST` }),
  arbitrary: (fc, space) =>
    fc.record(
      withInstance(
        {
          kind: fc.constant('commit-lost' as const),
          partition: fc.integer({ min: 0, max: space.partitions - 1 }),
          offset: fc.integer({ min: 1, max: space.messages }),
          attempt: fc.integer({ min: 1, max: space.maxAttempt }),
        },
        'consumer',
        instanceArb(fc, space.consumers),
      ),
    ),
};

export const LEADER_FAILOVER: FaultSpec<Of<'leader-failover'>> = {
  kind: 'leader-failover',
  strikes: 'broker',
  rate: 'failover',
  summary: "a partition's leader fails right after appending a record (its first append) and answering",
  example: { kind: 'leader-failover', message: 'm3' },
  fields: { message: messageId },
  describe: (fault) => `the leader of ${fault.message}'s partition fails right after appending ${fault.message}`,
  moment: (fault) => `right after appending ${fault.message}`,
  drawing: (fault) => ({ note: 'broker', text: `leader of ${fault.message}'s partition fails (injected)` }),
  arbitrary: (fc, space) => fc.record({ kind: fc.constant('leader-failover' as const), message: messageArb(fc, space) }),
};
