/**
 * What a consumer group's members know in common about the records they handle: how often each message was
 * delivered to the group's business logic (whichever member it went to) and which processing errors were decided
 * for it. Deliveries are counted per group, like a record's delivery attempt, so a record moved to another member
 * by a rebalance keeps its count, and "the first n deliveries fail" means the same whoever gets them.
 */
import type { Fault } from '../faults/catalog.js';
import { IndexCounts } from '../index-counts.js';

export type ProcessingError = Extract<Fault, { kind: 'processing-error' }>;

/** `decided` values: no processing error decided yet, or decided as none, or decided as the one in `errors`. */
const UNDECIDED = 0;
const NO_ERROR = 1;
const ERROR = 2;

export class GroupLedger {
  /** Deliveries per message, by workload index. */
  private readonly deliveries = new IndexCounts();
  /** Whether a processing error was decided for a message (at its first delivery), by workload index. */
  private readonly decided = new IndexCounts();
  /** The few processing errors decided, by workload index. */
  private readonly errors = new Map<number, ProcessingError>();

  constructor(readonly group: string) {}

  /** Count one more delivery of the message; returns its number (from 1). */
  deliver(index: number): number {
    return this.deliveries.increment(index);
  }

  /** The number of the message's latest delivery (1 for one never delivered). */
  deliveryOf(index: number): number {
    return this.deliveries.get(index) || 1;
  }

  /** Undefined until decided; then the error (or null for none). */
  errorOf(index: number): ProcessingError | null | undefined {
    const decided = this.decided.get(index);
    if (decided === UNDECIDED) return undefined;
    return decided === ERROR ? (this.errors.get(index) ?? null) : null;
  }

  decideError(index: number, error: ProcessingError | undefined): void {
    this.decided.set(index, error === undefined ? NO_ERROR : ERROR);
    if (error !== undefined) this.errors.set(index, error);
    else this.errors.delete(index);
  }
}
