/**
 * Every fault kind, one spec each, and what is read off them: the Fault union, the kinds in their canonical order
 * (simplest first: fast-check's cross-shrinking moves toward the front), a fault's identity, its words, and the
 * fault rates with their presets.
 */
import { ACK_LOST, COMMIT_LOST, FETCH_DUPLICATED, FETCH_LOST, LEADER_FAILOVER, REQUEST_DELAYED, REQUEST_LOST } from '../kafka/faults.js';
import type { KafkaFault } from '../kafka/faults.js';
import { BROKER_CRASH, CONTROLLER_PARTITION, INTER_BROKER_PARTITION } from '../kafka/cluster-faults.js';
import type { ClusterFault } from '../kafka/cluster-faults.js';
import { END_TXN_RESPONSE_LOST, TRANSACTION_ABORT, TRANSACTION_COORDINATOR_FAILOVER, ZOMBIE_PRODUCER } from '../kafka/transaction-faults.js';
import type { TransactionFault } from '../kafka/transaction-faults.js';
import { BROKER_RESTART, CONFIRM_LOST, CONNECTION_CLOSED, CONSUMER_ACK_LOST, DEAD_LETTER_UNAVAILABLE, PUBLISH_LOST, QUORUM_MEMBER_FAILURE, UNROUTABLE } from '../rabbitmq/faults.js';
import type { RabbitMqFault } from '../rabbitmq/faults.js';
import { CONSUMER_CRASH, DB_REPLY_LOST, PARTITION, PROCESSING_ERROR, PRODUCER_CRASH } from './common.js';
import type { CommonFault } from './common.js';
import type { FaultSpec, RateName } from './spec.js';
import type { FamilyName } from '../config.js';

export type Fault = CommonFault | KafkaFault | TransactionFault | ClusterFault | RabbitMqFault;
export type FaultKind = Fault['kind'];

export interface FaultPlan {
  version: 1;
  faults: Fault[];
}

/** The spec of each kind, keyed by kind (the compiler checks there is one per kind and no other). */
export const FAULT_SPECS: { readonly [K in FaultKind]: FaultSpec<Extract<Fault, { kind: K }>> } = {
  'request-lost': REQUEST_LOST,
  'ack-lost': ACK_LOST,
  'request-delayed': REQUEST_DELAYED,
  'fetch-duplicated': FETCH_DUPLICATED,
  'fetch-lost': FETCH_LOST,
  'commit-lost': COMMIT_LOST,
  'db-reply-lost': DB_REPLY_LOST,
  partition: PARTITION,
  'consumer-crash': CONSUMER_CRASH,
  'producer-crash': PRODUCER_CRASH,
  'leader-failover': LEADER_FAILOVER,
  'processing-error': PROCESSING_ERROR,
  'transaction-abort': TRANSACTION_ABORT,
  'end-txn-response-lost': END_TXN_RESPONSE_LOST,
  'transaction-coordinator-failover': TRANSACTION_COORDINATOR_FAILOVER,
  'zombie-producer': ZOMBIE_PRODUCER,
  'broker-crash': BROKER_CRASH,
  'controller-partition': CONTROLLER_PARTITION,
  'inter-broker-partition': INTER_BROKER_PARTITION,
  'publish-lost': PUBLISH_LOST,
  'confirm-lost': CONFIRM_LOST,
  'consumer-ack-lost': CONSUMER_ACK_LOST,
  'connection-closed': CONNECTION_CLOSED,
  'broker-restart': BROKER_RESTART,
  'quorum-member-failure': QUORUM_MEMBER_FAILURE,
  unroutable: UNROUTABLE,
  'dead-letter-unavailable': DEAD_LETTER_UNAVAILABLE,
};

/** Every kind, in the canonical order above. */
export const FAULT_KINDS: readonly FaultKind[] = Object.keys(FAULT_SPECS) as FaultKind[];

/** The spec of a fault's kind, typed loosely enough to call with any fault. */
export function specOf(kind: FaultKind): FaultSpec<Fault> {
  return FAULT_SPECS[kind] as unknown as FaultSpec<Fault>;
}

/** Fields that name an instance: optional in a plan (absent means the first instance), resolved by the spec's `instance`. */
export const INSTANCE_FIELDS: readonly string[] = ['producer', 'consumer', 'group'];

/**
 * The identity of a fault: its kind, every field but the drawn ones, and the instance it strikes (a fault naming
 * the first instance and one naming none are the same). Two faults with the same key hit the same thing.
 */
export function faultKey(fault: Fault): string {
  const spec = specOf(fault.kind);
  const drawn = spec.drawn ?? [];
  const record = fault as unknown as Record<string, unknown>;
  let key: string = fault.kind;
  for (const field of Object.keys(spec.fields)) if (!drawn.includes(field as never) && !INSTANCE_FIELDS.includes(field)) key += `|${String(record[field])}`;
  const instance = spec.instance?.(fault);
  return instance === undefined ? key : `${key}|${instance.name}`;
}

/**
 * "the broker's ack for m7 (attempt 1) is lost" — one line of domain words per fault, for humans and reports, in
 * `family`'s words (Kafka's without it).
 */
export function describeFault(fault: Fault, family?: FamilyName): string {
  return specOf(fault.kind).describe(fault, family);
}

/** Counts per kind: of `kinds` (a family's, in the catalog's order), or of every kind. */
export function countByKind(faults: readonly Fault[], kinds: readonly FaultKind[] = FAULT_KINDS): Record<FaultKind, number> {
  const counts = {} as Record<FaultKind, number>;
  for (const kind of FAULT_KINDS) if (kinds.includes(kind)) counts[kind] = 0;
  for (const fault of faults) counts[fault.kind]++;
  return counts;
}

export type { RateName };
export const RATE_NAMES: readonly RateName[] = ['drop', 'ack-loss', 'dup', 'delay', 'partition', 'crash', 'producer-crash', 'failover', 'db-reply-loss', 'processing-error', 'transaction', 'unroutable', 'dead-letter'];
export type FaultRates = Record<RateName, number>;

export const RATE_DESCRIPTIONS: Record<RateName, string> = {
  drop: 'a produce request, fetch response or offset commit is lost (per message sent)',
  'ack-loss': "the broker's produce response is lost after the record was stored (per response)",
  dup: 'a fetch response is delivered twice (per response)',
  delay: 'a produce request is held up 5-40 ms, past the request timeout (per request)',
  partition: 'a link is cut for 5-30 ms (per link, per 10 ms of the faulty phase); with --nodes, also a broker is cut off from the controller or the other brokers (per first append and broker)',
  crash: 'the consumer crashes after a fetch, mid-processing, or after a DB commit (per point)',
  'producer-crash': 'the producer crashes after handing over or sending a message (per point)',
  failover: "a partition's leader fails right after appending a record (per first append); with --nodes, also a broker crashes (per first append and broker)",
  'db-reply-loss': 'the DB commits a write but its reply is lost (per reply)',
  unroutable: "a message's first publish matches no binding (RabbitMQ: returned with mandatory, else dropped; per message)",
  'processing-error': "the business logic throws on a message's first 1-5 deliveries in a group (per message and group; always-failing poison messages only in plans)",
  transaction: 'with --transactions true: the application aborts a transaction (per record sent), or an EndTxn answer is lost, the coordinator fails over or a zombie appears (per commit)',
  'dead-letter': "RabbitMQ: the dead-letter queue cannot take a dead-lettered message for a window (per dead-lettering; in no preset)",
};

const zeroRates: FaultRates = { drop: 0, 'ack-loss': 0, dup: 0, delay: 0, partition: 0, crash: 0, 'producer-crash': 0, failover: 0, 'db-reply-loss': 0, 'processing-error': 0, transaction: 0, unroutable: 0, 'dead-letter': 0 };

/**
 * The default and chaos presets draw no processing errors: those are faults of the application's own code, not
 * of the infrastructure the modes are about; add them with `--faults default,processing-error=0.05`. Nor an
 * unavailable dead-letter queue, which came after them (a new rate in them would change every seeded run).
 */
export const FAULT_PRESETS: Record<string, FaultRates> = {
  none: zeroRates,
  default: { drop: 0.02, 'ack-loss': 0.02, dup: 0.02, delay: 0.01, partition: 0.01, crash: 0.004, 'producer-crash': 0.004, failover: 0.006, 'db-reply-loss': 0.01, 'processing-error': 0, transaction: 0.02, unroutable: 0.01, 'dead-letter': 0 },
  chaos: { drop: 0.08, 'ack-loss': 0.08, dup: 0.05, delay: 0.04, partition: 0.04, crash: 0.02, 'producer-crash': 0.01, failover: 0.02, 'db-reply-loss': 0.04, 'processing-error': 0, transaction: 0.05, unroutable: 0.04, 'dead-letter': 0 },
};

/** Where a run's faults come from: rates drawn from the seed, or an explicit plan replayed as written. */
export type FaultSource = { readonly rates: FaultRates } | { readonly plan: FaultPlan };
