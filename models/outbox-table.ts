/**
 * A producer application's outbox table (the transactional-outbox pattern): a row per message handed over, by
 * workload index, deleted once the broker acknowledged the message. Durable: a restart, and the relay after a send
 * given up, read it again. Shared by the Kafka producer and the RabbitMQ publisher.
 */
import type { WorkloadMessage } from './workload.js';

export class OutboxTable {
  /** Rows by workload index (an array: each is written and cleared once per message). */
  private readonly rows: (WorkloadMessage | undefined)[] = [];
  private count = 0;
  /** Every row below this index is cleared: a restart reads from here, not from the first message of the run. */
  private from = 0;

  /** Rows left. */
  get size(): number {
    return this.count;
  }

  insert(message: WorkloadMessage): void {
    if (this.rows[message.index] === undefined) this.count++;
    this.rows[message.index] = message;
  }

  /** The row of this workload index, if it is still in the table. */
  row(index: number): WorkloadMessage | undefined {
    return this.rows[index];
  }

  delete(index: number): void {
    if (this.rows[index] === undefined) return;
    this.rows[index] = undefined;
    this.count--;
  }

  /** Every row left, in workload order. */
  all(): WorkloadMessage[] {
    const rows = this.rows;
    while (this.from < rows.length && rows[this.from] === undefined) this.from++;
    const left: WorkloadMessage[] = [];
    for (let index = this.from; index < rows.length; index++) {
      const message = rows[index];
      if (message !== undefined) left.push(message);
    }
    return left;
  }
}
