/**
 * The handler contract: a team's own consumer code, run by the simulator in place of its built-in processing and
 * dedup. A handler gets each delivered record and a DB whose every awaited call is one simulated round trip, so
 * faults land between its steps: a lost reply, a crash after the n-th call, a redelivery. The delivery side (commit
 * strategy, retries, dead-lettering) stays the mode's.
 *
 * ```js
 * export async function handler(record, db) {
 *   const seen = await db.get('processed', record.id);
 *   if (seen) return 'ack';
 *   await db.increment('ledger', record.key, 1);
 *   await db.put('processed', record.id, true);
 *   return 'ack';
 * }
 * export const effects = ['ledger'];
 * ```
 */

/** What the handler asks of the record it was given: processed ('ack', the default), or as a failure policy step. */
export type HandlerOutcome = 'ack' | 'retry' | 'skip' | 'dead-letter';
export const HANDLER_OUTCOMES: readonly HandlerOutcome[] = ['ack', 'retry', 'skip', 'dead-letter'];

/** A stored value: JSON-like data (copied in and out, so a handler never shares an object with the DB). */
export type DbValue = null | boolean | number | string | readonly DbValue[] | { readonly [key: string]: DbValue };

/** The record as the handler sees it. */
export interface HandlerRecord {
  /** The message id (m1, m2, ... in hand-over order): what a message's effects are attributed to. */
  readonly id: string;
  readonly key: string;
  /** The message's payload: its position in the workload and its producer. */
  readonly value: { readonly seq: number; readonly producer: string };
  readonly partition: number;
  readonly offset: number;
  /** This delivery's number in the consumer group, from 1. */
  readonly delivery: number;
  /**
   * Kafka (no such flag): true from the group's second delivery on. RabbitMQ: basic.deliver's own `redelivered`,
   * true once the broker handed the message out before (requeued by a nack or a closed channel), and false for a
   * copy the publisher re-published (to the broker a new message), though it is the group's second delivery.
   */
  readonly redelivered: boolean;
  readonly group: string;
  /** The member handling it, e.g. g1/c2. */
  readonly consumer: string;
}

/** One table operation; each awaited call is one round trip to the DB. */
export interface HandlerTx {
  /** The value stored under `key`, or undefined. */
  get(table: string, key: string): Promise<DbValue | undefined>;
  put(table: string, key: string, value: DbValue): Promise<void>;
  /** Insert unless the key exists (a unique or primary key): `'inserted'` or `'conflict'`. */
  insert(table: string, key: string, value: DbValue): Promise<'inserted' | 'conflict'>;
  /** Add `by` to the number stored under `key` (0 when absent); resolves to the new value. */
  increment(table: string, key: string, by?: number): Promise<number>;
  delete(table: string, key: string): Promise<boolean>;
}

export interface HandlerDb extends HandlerTx {
  /**
   * Run `body` in one transaction: its writes commit atomically when it returns (one more round trip), and roll
   * back when it throws or the consumer crashes first. Reads see the transaction's own writes.
   */
  transaction(body: (tx: HandlerTx) => Promise<HandlerResult>): Promise<HandlerResult>;
  transaction<T>(body: (tx: HandlerTx) => Promise<T>): Promise<T>;
}

/** The handler itself returns an outcome, or nothing for 'ack'. (The first `transaction` overload keeps `return 'ack'` inside a transaction an outcome, not a string.) */
export type HandlerResult = HandlerOutcome | void;
/** An async function (a plain function's return value is accepted too, at run time). */
export type Handler = (record: HandlerRecord, db: HandlerDb) => Promise<HandlerResult>;

/** The final state of the tables, for a handler's own invariants. */
export interface FinalDb {
  get(table: string, key: string): DbValue | undefined;
  /** Every key of a table, sorted. */
  keys(table: string): string[];
}

/** A message of the workload, as a handler's invariant sees it (in hand-over order). */
export interface WorkloadEntry {
  readonly id: string;
  readonly key: string;
  readonly value: HandlerRecord['value'];
}

/** A handler's own check over the final tables, reported and promised beside loss, duplicates and order. */
export type HandlerInvariant = (db: FinalDb, workload: readonly WorkloadEntry[]) => { holds: boolean; witnesses?: readonly string[] };

/** A handler module (or library object): the handler, the tables whose writes are a message's effect, checks. */
export interface HandlerModule {
  readonly handler: Handler;
  /** Tables whose committed writes are a message's effect: loss, duplicates and order are judged on them. */
  readonly effects: readonly string[];
  readonly invariants?: Readonly<Record<string, HandlerInvariant>>;
  /** Where it came from, for messages and replay commands (a file path). */
  readonly source?: string;
}

/** A handler module that is not one: the message names what is wrong, in one line. */
export class HandlerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandlerError';
  }
}

const TABLE_NAME = /^[A-Za-z_][\w.-]{0,63}$/;

/** Check a module's exports (from an import or a library caller) and return it as a HandlerModule. */
export function checkHandlerModule(value: unknown, source?: string): HandlerModule {
  const where = source === undefined ? 'the handler' : `handler module ${source}`;
  if (typeof value !== 'object' || value === null) throw new HandlerError(`${where}: expected an object with a handler function`);
  const module = value as Record<string, unknown>;
  const handler = module.handler ?? module.default;
  if (typeof handler !== 'function') throw new HandlerError(`${where} exports no handler function (export async function handler(record, db) { ... })`);
  const effects = module.effects;
  if (!Array.isArray(effects) || effects.length === 0 || !effects.every((table) => typeof table === 'string' && TABLE_NAME.test(table))) {
    throw new HandlerError(`${where}: "effects" must be a non-empty list of table names (e.g. export const effects = ['ledger']): loss and duplicates are judged on those tables`);
  }
  const invariants = module.invariants;
  if (invariants !== undefined) {
    if (typeof invariants !== 'object' || invariants === null || Array.isArray(invariants)) throw new HandlerError(`${where}: "invariants" must be an object of named checks`);
    for (const [name, check] of Object.entries(invariants)) {
      if (typeof check !== 'function') throw new HandlerError(`${where}: invariant "${name}" must be a function (db, workload) => ({ holds, witnesses })`);
      if (['loss', 'duplicates', 'order', 'liveness'].includes(name)) throw new HandlerError(`${where}: invariant "${name}" has the name of a built-in one; choose another`);
    }
  }
  return {
    handler: handler as Handler,
    effects: [...(effects as string[])],
    ...(invariants !== undefined ? { invariants: invariants as Record<string, HandlerInvariant> } : {}),
    ...(source !== undefined ? { source } : {}),
  };
}
