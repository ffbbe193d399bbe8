/** What the consumer application and its database say to each other. Every request is one DB transaction. */
import type { DbResult } from '../events.js';
import type { OpResult, TableOp } from '../handler/tables.js';

/** Who a handler's call is for: the message, its delivery in the group (a handling), and the call's number. */
interface HandlerCall {
  msgId: string;
  delivery: number;
  /** The call's number for this message, counted over all its deliveries (what db-reply-lost names). */
  call: number;
  group: string;
  /** The record's key, partition and offset: what an effect of this handling is attributed to. */
  key: string;
  partition: number;
  offset: number;
}

export type DbMessage =
  | { type: 'db-apply'; msgId: string; key: string; partition: number; offset: number; attempt: number; group: string; dedup: boolean; storeOffset: boolean }
  | { type: 'db-reply'; msgId: string; attempt: number; result: DbResult }
  | { type: 'db-check-seen'; msgId: string; attempt: number; group: string }
  | { type: 'db-seen'; msgId: string; attempt: number; seen: boolean }
  | { type: 'db-mark-seen'; msgId: string; attempt: number; group: string }
  | { type: 'db-marked'; msgId: string; attempt: number }
  | { type: 'db-read-offsets'; attempt: number; group: string }
  /**
   * A record given up (skipped or dead-lettered): mark its id handled and/or store the offset past it, in one
   * transaction, so neither a restart nor a duplicate copy of it in the log applies it later, behind its successors.
   */
  | { type: 'db-give-up'; msgId: string; partition: number; offset: number; attempt: number; group: string; dedup: boolean; storeOffset: boolean }
  /** `offsets`: the group's stored offset per partition, NO_STORED_OFFSET where none was stored. */
  | { type: 'db-offsets'; attempt: number; offsets: number[] }
  /** A handler's table operation; inside a transaction when `txn` is set (buffered until its commit). */
  | (HandlerCall & { type: 'db-op'; operation: TableOp; txn?: string })
  /** Commit a handler's transaction: all its writes, or none. */
  | (HandlerCall & { type: 'db-tx-commit'; txn: string })
  /** Forget a transaction whose body threw (no answer: nothing waits for it). */
  | { type: 'db-tx-rollback'; txn: string }
  | { type: 'db-op-reply'; msgId: string; call: number; result: OpResult };

/** The DB answers the consumer application sees. */
export type DbAnswer = Extract<DbMessage, { type: 'db-reply' | 'db-seen' | 'db-marked' | 'db-op-reply' }>;

/** A partition no offset was stored for: the consumer then starts where its reset policy says. */
export const NO_STORED_OFFSET = -1;
