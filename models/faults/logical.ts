/**
 * The same logical fault in another broker family: "the broker's answer to m5's publish is lost" is Kafka's
 * `ack-lost` and RabbitMQ's `confirm-lost`; a lost request is `request-lost` / `publish-lost`; a replica leader
 * failing right after storing a message is `leader-failover` / `quorum-member-failure`. Shared kinds (crashes,
 * processing errors, lost DB replies, cut links) mean the same everywhere. A kind with no counterpart has none.
 */
import type { FamilyName } from '../config.js';
import type { Fault } from './catalog.js';

const KAFKA_TO_RABBITMQ: Partial<Record<Fault['kind'], Fault['kind']>> = { 'request-lost': 'publish-lost', 'ack-lost': 'confirm-lost', 'leader-failover': 'quorum-member-failure' };
const RABBITMQ_TO_KAFKA: Partial<Record<Fault['kind'], Fault['kind']>> = { 'publish-lost': 'request-lost', 'confirm-lost': 'ack-lost', 'quorum-member-failure': 'leader-failover' };
const SHARED: readonly Fault['kind'][] = ['consumer-crash', 'producer-crash', 'processing-error', 'db-reply-lost', 'partition'];

/** The fault in `to`'s terms, or undefined when that family has no such decision point. */
export function translateFault(fault: Fault, to: FamilyName): Fault | undefined {
  if (SHARED.includes(fault.kind)) return fault;
  // A named quorum member may be a follower: Kafka's leader-failover has no counterpart for that.
  if (fault.kind === 'quorum-member-failure' && to === 'kafka' && fault.node !== undefined) return undefined;
  const table = to === 'rabbitmq' ? KAFKA_TO_RABBITMQ : RABBITMQ_TO_KAFKA;
  const kind = table[fault.kind];
  if (kind === undefined) {
    // Already the target family's own kind.
    return (to === 'rabbitmq' ? RABBITMQ_TO_KAFKA : KAFKA_TO_RABBITMQ)[fault.kind] !== undefined || isOwn(fault.kind, to) ? fault : undefined;
  }
  return { ...fault, kind } as Fault;
}

function isOwn(kind: Fault['kind'], family: FamilyName): boolean {
  const rabbit: readonly Fault['kind'][] = ['publish-lost', 'confirm-lost', 'consumer-ack-lost', 'connection-closed', 'broker-restart', 'quorum-member-failure', 'unroutable', 'dead-letter-unavailable'];
  return family === 'rabbitmq' ? rabbit.includes(kind) : !rabbit.includes(kind);
}
