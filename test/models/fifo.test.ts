import { describe, expect, it } from 'vitest';
import { Fifo } from '../../models/fifo.js';
import { OutboxTable } from '../../models/outbox-table.js';
import { Queue } from '../../models/rabbitmq/broker/queue.js';
import type { QueuedMessage } from '../../models/rabbitmq/broker/queue.js';
import type { WorkloadMessage } from '../../models/workload.js';

describe('Fifo', () => {
  it('takes items in the order they came, across the compactions of a long run', () => {
    const fifo = new Fifo<number>();
    const taken: number[] = [];
    // Interleaved: the front is taken while the back grows, past the 1,024 slots after which it compacts.
    for (let item = 0; item < 5000; item++) {
      fifo.push(item);
      if (item % 3 !== 0) taken.push(fifo.shift() as number);
    }
    expect(fifo.length).toBe(5000 - taken.length);
    expect([...fifo]).toEqual(fifo.toArray());
    for (let item = fifo.shift(); item !== undefined; item = fifo.shift()) taken.push(item);
    expect(taken).toEqual(Array.from({ length: 5000 }, (_, item) => item));
    expect(fifo.length).toBe(0);
    expect(fifo.shift()).toBeUndefined();
  });

  it('reads and inserts by place from the front after items were taken', () => {
    const fifo = new Fifo<string>();
    for (const item of ['a', 'b', 'c', 'd']) fifo.push(item);
    fifo.shift();
    fifo.insertAt(1, 'x');
    expect([fifo.at(0), fifo.at(1), fifo.at(3), fifo.at(4)]).toEqual(['b', 'x', 'd', undefined]);
    fifo.replace(['z']);
    expect(fifo.toArray()).toEqual(['z']);
  });
});

describe('Queue requeue', () => {
  const message = (seq: number): QueuedMessage => ({ msgId: `m${seq + 1}`, index: seq, key: 'k0', seq, persistent: true, durableAtUs: 0, expiresUs: Number.POSITIVE_INFINITY, redelivered: false, deliveryCount: 0 });
  const seqs = (queue: Queue): number[] => queue.readyMessages().map((item) => item.seq);

  it('puts one message, or several in one merge, back at their original positions', () => {
    const queue = new Queue('g1');
    for (const seq of [1, 4, 6, 9]) queue.append(message(seq));
    queue.requeue(message(5));
    expect(seqs(queue)).toEqual([1, 4, 5, 6, 9]);
    queue.requeueAll([0, 2, 7, 10].map(message));
    expect(seqs(queue)).toEqual([0, 1, 2, 4, 5, 6, 7, 9, 10]);
    expect(queue.take()?.seq).toBe(0);
    expect(queue.peek()?.seq).toBe(1);
    expect(queue.readyCount).toBe(8);
  });
});

describe('OutboxTable', () => {
  const message = (index: number): WorkloadMessage => ({ id: `m${index + 1}`, index, key: 'k0', partition: 0, producer: 'p1', orderKey: 'k0', keySeq: index, handoverUs: 0 });

  it('keeps a row per message until it is deleted, and lists what is left in workload order', () => {
    const outbox = new OutboxTable();
    for (const index of [0, 1, 2, 3]) outbox.insert(message(index));
    outbox.delete(0);
    outbox.delete(2);
    outbox.delete(2);
    expect(outbox.size).toBe(2);
    expect(outbox.all().map((row) => row.id)).toEqual(['m2', 'm4']);
    expect(outbox.row(1)?.id).toBe('m2');
    expect(outbox.row(2)).toBeUndefined();
  });
});
