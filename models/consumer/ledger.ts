/**
 * What a consumer group's members know in common about the records they handle: how often each message was
 * delivered to the group's business logic (whichever member it went to) and which processing errors were decided
 * for it. Deliveries are counted per group, like a record's delivery attempt, so a record moved to another member
 * by a rebalance keeps its count, and "the first n deliveries fail" means the same whoever gets them.
 */
import type { Fault } from '../faults/catalog.js';

export type ProcessingError = Extract<Fault, { kind: 'processing-error' }>;

export class GroupLedger {
  /** Deliveries per message, by workload index. */
  private readonly deliveries: number[] = [];
  /** The processing error decided for a message (at its first delivery), by workload index; null: none. */
  private readonly errors: (ProcessingError | null)[] = [];

  constructor(readonly group: string) {}

  /** Count one more delivery of the message; returns its number (from 1). */
  deliver(index: number): number {
    const delivery = (this.deliveries[index] ?? 0) + 1;
    this.deliveries[index] = delivery;
    return delivery;
  }

  /** The number of the message's latest delivery (1 for one never delivered). */
  deliveryOf(index: number): number {
    return this.deliveries[index] ?? 1;
  }

  /** Undefined until decided; then the error (or null for none). */
  errorOf(index: number): ProcessingError | null | undefined {
    return this.errors[index];
  }

  decideError(index: number, error: ProcessingError | undefined): void {
    this.errors[index] = error ?? null;
  }
}
