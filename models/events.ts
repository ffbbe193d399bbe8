/**
 * The trace's vocabulary: what the kernel records, what every family's shared parts record (injected faults, the
 * consumer application, the DB), and each family's own events. `TraceEvent` is the closed union every story and
 * diagram switches over, so the compiler checks that each of them handles each kind.
 */
import type { KernelEvent } from '../sim/trace.js';
import type { Fault } from './faults/catalog.js';
import type { HandlerOutcome } from './handler/contract.js';
import type { KafkaEvent } from './kafka/events.js';
import type { RabbitMqEvent } from './rabbitmq/events.js';

interface At {
  readonly t: number;
  readonly actor: string;
}

export type DbResult = 'committed' | 'duplicate-skipped' | 'already-applied' | 'given-up';
/** A DB call of the application: the dedup check, the effect, the dedup mark, or the record given up (skipped or dead-lettered). */
export type DbStep = 'check' | 'apply' | 'mark' | 'give-up';

/** A fault the injector decided, in the domain terms of its plan entry. */
export type FaultEvent = { readonly t: number; readonly actor: 'faults'; readonly kind: 'fault'; readonly msg?: string; readonly fault: Fault };

/** The consumer application: each delivery of a record to the business logic, its DB calls and their outcome. */
export type ApplicationEvent = At &
  (
    /** `redelivered`: RabbitMQ's basic.deliver flag (the business logic sees it); absent for Kafka. */
    | { readonly kind: 'deliver'; readonly msg: string; readonly partition: number; readonly offset: number; readonly delivery: number; readonly redelivered?: boolean }
    | { readonly kind: 'db-write'; readonly msg: string; readonly attempt: number; readonly partition: number; readonly offset: number }
    | { readonly kind: 'dedup-skip'; readonly msg: string }
    | { readonly kind: 'processed'; readonly msg: string; readonly result: DbResult }
    | { readonly kind: 'db-gave-up'; readonly msg: string; readonly step: DbStep; readonly dbRetries: number }
    | { readonly kind: 'timeout'; readonly call: `db-${DbStep}`; readonly msg: string; readonly attempt: number }
    /** The business logic threw on this delivery (a processing-error fault). */
    | { readonly kind: 'processing-failed'; readonly msg: string; readonly delivery: number }
    /** The failure policy redelivers the record after this backoff. */
    | { readonly kind: 'processing-retry'; readonly msg: string; readonly delivery: number; readonly backoffMs: number }
    /** The failure policy gave the record up and skipped it (onError: skip): it is lost. */
    | { readonly kind: 'skipped'; readonly msg: string; readonly delivery: number }
    /** A handler's DB call sent, in its own words ("get processed[m3]", "commit the transaction"). */
    | { readonly kind: 'handler-call'; readonly msg: string; readonly delivery: number; readonly call: number; readonly text: string }
    /** No answer to a handler's call within consumerTimeoutMs: the call rejects with a timeout. */
    | { readonly kind: 'handler-timeout'; readonly msg: string; readonly call: number }
    /** The handler returned: what it asked for the record. */
    | { readonly kind: 'handler-done'; readonly msg: string; readonly delivery: number; readonly outcome: HandlerOutcome }
    /** The handler threw (or its promise rejected): a processing failure, handled by the failure policy. */
    | { readonly kind: 'handler-threw'; readonly msg: string; readonly delivery: number; readonly error: string }
  );

/** One DB write's outcome; `storedOffset` only when offsets live in the DB. */
type DbWriteOutcome<K extends string> = { readonly kind: K; readonly msg: string; readonly attempt: number; readonly partition: number; readonly offset: number; readonly group: string; readonly storedOffset?: number };

/** The DB: a committed effect (or why none was applied), and dedup marks. */
export type DbEvent = At &
  (
    | DbWriteOutcome<'db-commit'>
    | DbWriteOutcome<'db-duplicate-skipped'>
    | DbWriteOutcome<'db-already-applied'>
    /**
     * A record the application gave up (skipped or dead-lettered), without an effect: its id marked handled in the
     * dedup table (when the group dedups) and the offset past it stored (when offsets live in the DB), atomically.
     */
    | (DbWriteOutcome<'db-given-up'> & { readonly markedSeen: boolean })
    | { readonly kind: 'db-mark-seen'; readonly msg: string; readonly attempt: number; readonly group: string }
    /** A handler's call answered by the DB, in words with its answer ("get processed[m3] → absent"). */
    | { readonly kind: 'db-op'; readonly msg: string; readonly call: number; readonly group: string; readonly text: string; readonly effect: boolean }
  );

export type SharedEvent = FaultEvent | ApplicationEvent | DbEvent;

/** Every record a trace can hold. */
export type TraceEvent = KernelEvent | SharedEvent | KafkaEvent | RabbitMqEvent;

export type TraceKind = TraceEvent['kind'];

/** The records of one kind (all variants of it). */
export type EventOf<K extends TraceKind> = Extract<TraceEvent, { readonly kind: K }>;
