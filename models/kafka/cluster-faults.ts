/**
 * Fault kinds of a Kafka broker cluster (worlds with `--nodes N` only): a broker crashes (and restarts after
 * --broker-restart-delay-ms), a broker is cut off from the controller, a broker is cut off from the other brokers.
 * Each strikes when a message is handed over to the producer (a moment every run reaches, whatever the cluster does),
 * and names the broker it strikes ("B2"); a plan naming a broker the cluster does not have is refused in one line.
 */
import { messageArb, messageId, msAtLeast } from '../faults/spec.js';
import type { FaultSpec, PlanSpace } from '../faults/spec.js';
import type { FastCheck } from '../faults/spec.js';
import { trimNumber } from '../words.js';

export type ClusterFault =
  /** Broker `broker` crashes when `message` is handed over to the producer; it restarts after the broker restart delay. */
  | { kind: 'broker-crash'; broker: string; message: string }
  /** When `message` is handed over, `broker` is cut off from the controller for `durationMs`. */
  | { kind: 'controller-partition'; broker: string; message: string; durationMs: number }
  /** When `message` is handed over, `broker` is cut off from every other broker for `durationMs`. */
  | { kind: 'inter-broker-partition'; broker: string; message: string; durationMs: number };

type Of<K extends ClusterFault['kind']> = Extract<ClusterFault, { kind: K }>;

/** A broker id of a cluster: B1..B7 (whether this cluster has it is checked against --nodes). */
const brokerId = (value: unknown): string | undefined => (typeof value === 'string' && /^B[1-7]$/.test(value) ? undefined : 'must be a broker like "B2" (B1..Bn with --nodes n)');

/** Brokers B1..Bn of a plan space, shrinking toward B1 (a one-actor world has none: B1 stands in, and is refused). */
function brokerArb(fc: FastCheck, space: PlanSpace) {
  const count = Math.max(1, space.brokers?.length ?? 0);
  return fc.integer({ min: 1, max: count }).map(
    (index) => `B${index}`,
    (value) => {
      if (typeof value !== 'string' || !/^B\d+$/.test(value)) throw new Error('not a broker id');
      return Number(value.slice(1));
    },
  );
}

export const BROKER_CRASH: FaultSpec<Of<'broker-crash'>> = {
  kind: 'broker-crash',
  strikes: 'broker',
  rate: 'failover',
  summary: 'a broker of the cluster crashes when a message is handed over, and restarts after --broker-restart-delay-ms (--nodes N)',
  example: { kind: 'broker-crash', broker: 'B2', message: 'm3' },
  fields: { broker: brokerId, message: messageId },
  describe: (fault) => `broker ${fault.broker} crashes when ${fault.message} is handed over`,
  moment: (fault) => `when ${fault.message} is handed over`,
  drawing: (fault) => ({ note: 'broker', text: `broker ${fault.broker} crashes (injected)` }),
  arbitrary: (fc, space) => fc.record({ kind: fc.constant('broker-crash' as const), broker: brokerArb(fc, space), message: messageArb(fc, space) }),
};

export const CONTROLLER_PARTITION: FaultSpec<Of<'controller-partition'>> = {
  kind: 'controller-partition',
  strikes: 'network',
  rate: 'partition',
  summary: 'a broker is cut off from the controller for a while, from the hand-over of a message: its heartbeats stop, it is fenced, and it does not learn that it lost its leaderships (--nodes N)',
  example: { kind: 'controller-partition', broker: 'B1', message: 'm3', durationMs: 30 },
  fields: { broker: brokerId, message: messageId, durationMs: msAtLeast(0, false) },
  drawn: ['durationMs'],
  draw: (fault, stream) => ({ ...fault, durationMs: stream.intBetween(5, 30) }),
  describe: (fault) => `broker ${fault.broker} is cut off from the controller for ${trimNumber(fault.durationMs)} ms from the hand-over of ${fault.message}`,
  drawing: (fault) => ({ note: 'broker', text: `${fault.broker} cut off from the controller for ${trimNumber(fault.durationMs)} ms` }),
  arbitrary: (fc, space) => fc.record({ kind: fc.constant('controller-partition' as const), broker: brokerArb(fc, space), message: messageArb(fc, space), durationMs: fc.integer({ min: 1, max: 40 }) }),
};

export const INTER_BROKER_PARTITION: FaultSpec<Of<'inter-broker-partition'>> = {
  kind: 'inter-broker-partition',
  strikes: 'network',
  rate: 'partition',
  summary: 'a broker is cut off from the other brokers for a while, from the hand-over of a message: its followers (or its leader) stop fetching, and ISRs shrink (--nodes N)',
  example: { kind: 'inter-broker-partition', broker: 'B2', message: 'm3', durationMs: 40 },
  fields: { broker: brokerId, message: messageId, durationMs: msAtLeast(0, false) },
  drawn: ['durationMs'],
  draw: (fault, stream) => ({ ...fault, durationMs: stream.intBetween(5, 30) }),
  describe: (fault) => `broker ${fault.broker} is cut off from the other brokers for ${trimNumber(fault.durationMs)} ms from the hand-over of ${fault.message}`,
  drawing: (fault) => ({ note: 'broker', text: `${fault.broker} cut off from the other brokers for ${trimNumber(fault.durationMs)} ms` }),
  arbitrary: (fc, space) => fc.record({ kind: fc.constant('inter-broker-partition' as const), broker: brokerArb(fc, space), message: messageArb(fc, space), durationMs: fc.integer({ min: 1, max: 60 }) }),
};

export const CLUSTER_FAULT_KINDS = ['broker-crash', 'controller-partition', 'inter-broker-partition'] as const;
