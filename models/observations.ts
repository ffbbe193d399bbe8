/** What the invariant checkers read of a run, besides its workload, outcome and trace. */
import type { Effects } from './db/effect-log.js';
import type { FinalDb } from './handler/contract.js';
import { IndexCounts } from './index-counts.js';
import { IndexTimes } from './index-times.js';
import { workloadIndex, workloadOf } from './workload.js';
import type { Workload, WorkloadMessage } from './workload.js';

export interface ParkedRecord {
  readonly msgId: string;
  readonly group: string;
  /** When it was parked (virtual µs). */
  readonly t: number;
  /** Why, in words, when not because its processing kept failing (RabbitMQ: it expired, the full queue dropped it, ...). */
  readonly why?: string;
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
  effects: Effects;
  /** Ids of messages the broker acknowledged to the producer (acks >= 1): losing one is an acknowledged loss. */
  acknowledged: AcknowledgedIds;
  /** When each message was handed over (virtual µs, by workload index; -1 if never). */
  handedAtUs: ArrayLike<number>;
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

/** Which message ids the broker acknowledged: a lookup, asked only about lost messages (a Set of ids fits it). */
export interface AcknowledgedIds {
  has(msgId: string): boolean;
}

/**
 * What a producer (a Kafka producer, a transactional one, a RabbitMQ publisher) keeps of the messages it handed
 * over, by workload index: when, and whether the broker acknowledged them. Durable: the application's own records.
 */
export class HandoverLedger {
  /** When each of its messages was handed over (virtual µs; -1 for one never handed over). */
  readonly handedAtUs = new IndexTimes();
  /** 1 for a message the broker acknowledged (acks >= 1, a committed transaction, or a publisher confirm). */
  private readonly acknowledged = new IndexCounts();

  handedOver(message: WorkloadMessage, nowUs: number): void {
    this.handedAtUs.set(message.index, nowUs);
  }

  wasHandedOver(message: WorkloadMessage): boolean {
    return this.handedAtUs.get(message.index) >= 0;
  }

  acknowledge(message: WorkloadMessage): void {
    this.acknowledged.set(message.index, 1);
  }

  brokerAcknowledged(message: WorkloadMessage): boolean {
    return this.acknowledgedAt(message.index);
  }

  /** True when the broker acknowledged the message at this workload index. */
  acknowledgedAt(index: number): boolean {
    return this.acknowledged.get(index) === 1;
  }
}

/**
 * The producers' part of the observations: hand-over times merged into one array by workload index, and the
 * acknowledged ids as a lookup over the producers' own bookkeeping, not a set of a million ids built per run.
 */
export function handoverObservations(given: readonly WorkloadMessage[] | Workload, ledgers: readonly HandoverLedger[]): Pick<Observations, 'acknowledged' | 'handedAtUs'> {
  const workload = workloadOf(given);
  const handedAtUs = new Array<number>(workload.length).fill(-1);
  for (const ledger of ledgers) ledger.handedAtUs.copyInto(handedAtUs);
  const acknowledged: AcknowledgedIds = {
    has: (msgId) => {
      const position = workloadIndex(workload).positionOf(msgId);
      return position >= 0 && ledgers.some((ledger) => ledger.acknowledgedAt(workload.indexAt(position)));
    },
  };
  return { acknowledged, handedAtUs };
}
