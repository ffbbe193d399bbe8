/** What the invariant checkers read of a run, besides its workload, outcome and trace. */
import type { AppliedEffect } from './db/database.js';
import type { FinalDb } from './handler/contract.js';

export interface ParkedRecord {
  readonly msgId: string;
  readonly group: string;
  /** When it was parked (virtual µs). */
  readonly t: number;
}

/** A message the partition log holds more than once at the end of a run, with every offset it sits at. */
export interface LogCopies {
  readonly msgId: string;
  readonly partition: number;
  readonly offsets: readonly number[];
}

export interface TransactionStats {
  readonly committed: number;
  readonly aborted: number;
  /** Messages written more than once by committed transactions: 0 is exactly-once inside Kafka. */
  readonly committedDuplicates: number;
}

export interface Observations {
  /** The effects the DB applied, in commit order. */
  effects: readonly AppliedEffect[];
  /** Ids of messages the broker acknowledged to the producer (acks >= 1): losing one is an acknowledged loss. */
  acknowledged: ReadonlySet<string>;
  /** When each message was handed over (virtual µs, by workload index; -1 if never). */
  handedAtUs: readonly number[];
  /** Records a group's application parked in the dead-letter topic (neither applied nor lost). */
  parked: readonly ParkedRecord[];
  /** The consumer groups, in order: every invariant is judged per group. */
  groups: readonly string[];
  /** Messages a partition log holds more than once at the end (a family without such logs leaves it out). */
  logDuplicates?: readonly LogCopies[];
  /** Effects applied from records of aborted transactions (0 without transactions). */
  abortedApplied?: number;
  /** With transactions: how many committed and aborted, and messages the committed output holds more than once. */
  transactions?: TransactionStats;
  /** Messages the broker returned to their publisher (RabbitMQ's basic.return), in order; absent elsewhere. */
  returned?: readonly string[];
  /** Delayed delivery: each message's due time (virtual µs, by workload index; -1: not delayed); absent without delays. */
  dueUs?: readonly number[];
  /** The most ready messages a queue held (RabbitMQ); absent elsewhere. */
  maxQueueLength?: number;
  /** With a team's handler: its tables at the end of the run (what its own invariants read). */
  finalDb?: FinalDb;
}
