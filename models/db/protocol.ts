/** What the consumer application and its database say to each other. Every request is one DB transaction. */
import type { DbResult } from '../events.js';

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
  | { type: 'db-offsets'; attempt: number; offsets: number[] };

/** The DB answers the consumer application sees. */
export type DbAnswer = Extract<DbMessage, { type: 'db-reply' | 'db-seen' | 'db-marked' }>;
