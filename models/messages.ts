/** Everything that crosses the network between producer, broker, consumer and DB. */

/** A record in a partition's log. */
export interface LogRecord {
  offset: number;
  partition: number;
  msgId: string;
  /** The message's position in the workload (m1 is 0): per-message bookkeeping is kept in arrays, not maps by id. */
  index: number;
  key: string;
  /** Producer id of the session that wrote it (idempotence), -1 without idempotence. */
  pid: number;
  /** Per-partition sequence number (idempotence), -1 without idempotence. */
  seq: number;
  attempt: number;
}

export type ProduceError = 'NOT_LEADER_OR_FOLLOWER' | 'NOT_ENOUGH_REPLICAS' | 'OUT_OF_ORDER_SEQUENCE_NUMBER';

export type DbResult = 'committed' | 'duplicate-skipped' | 'already-applied';

export type Message =
  | { type: 'produce'; msgId: string; index: number; key: string; partition: number; attempt: number; waitForAck: boolean; pid: number; seq: number }
  | { type: 'produce-response'; msgId: string; index: number; partition: number; attempt: number; error?: ProduceError; offset?: number }
  | { type: 'fetch'; partition: number; fromOffset: number; attempt: number; maxRecords: number }
  | { type: 'fetch-response'; partition: number; fromOffset: number; attempt: number; records: LogRecord[]; error?: ProduceError }
  | { type: 'commit'; partition: number; offset: number; attempt: number }
  | { type: 'commit-response'; partition: number; offset: number; attempt: number }
  | { type: 'offset-fetch'; attempt: number }
  | { type: 'offset-fetch-response'; attempt: number; offsets: number[] }
  | { type: 'db-apply'; msgId: string; key: string; partition: number; offset: number; attempt: number; dedup: boolean; storeOffset: boolean }
  | { type: 'db-reply'; msgId: string; attempt: number; result: DbResult }
  | { type: 'db-check-seen'; msgId: string; attempt: number }
  | { type: 'db-seen'; msgId: string; attempt: number; seen: boolean }
  | { type: 'db-mark-seen'; msgId: string; attempt: number }
  | { type: 'db-marked'; msgId: string; attempt: number }
  | { type: 'db-read-offsets'; attempt: number }
  | { type: 'db-offsets'; attempt: number; offsets: number[] };

export const PRODUCER = 'producer';
export const BROKER = 'broker';
export const CONSUMER = 'consumer';
export const DB = 'db';
