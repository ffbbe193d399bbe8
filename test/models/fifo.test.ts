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

  it('inserts and removes anywhere as an array would, using the taken slots before the front', () => {
    const fifo = new Fifo<number>();
    const array: number[] = [];
    let next = 0;
    // A fixed pseudo-random walk of pushes, shifts, insertions (near the front and far) and removals.
    let state = 7;
    const draw = (bound: number): number => (state = (state * 48271) % 2147483647) % bound;
    for (let step = 0; step < 20_000; step++) {
      const action = draw(10);
      if (action < 4) {
        fifo.push(next);
        array.push(next++);
      } else if (action < 7) expect(fifo.shift()).toBe(array.shift());
      else if (action < 9) {
        const offset = draw(array.length + 1);
        fifo.insertAt(offset, next);
        array.splice(offset, 0, next++);
      } else if (array.length > 0) {
        const offset = draw(array.length);
        fifo.removeAt(offset);
        array.splice(offset, 1);
      }
      expect(fifo.length).toBe(array.length);
    }
    expect(fifo.toArray()).toEqual(array);
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

  it('at a restart, drops exactly the ready messages that do not survive, in queue order, few or many', () => {
    // The reference: every ready message judged, as a restart did before it looked only at those appended since the last one.
    for (const [lostEvery, messages] of [[97, 300], [3, 300], [1, 40]] as const) {
      const queue = new Queue('g1');
      const all = Array.from({ length: messages }, (_, seq) => ({ ...message(seq), durableAtUs: seq % lostEvery === 0 ? 1000 : 0 }));
      for (const item of all.slice(0, messages / 2)) queue.append(item);
      // A restart before any of them is doomed: nothing lost, and those messages are not looked at again.
      expect(queue.dropAtRestart(() => true)).toEqual([]);
      for (const item of all.slice(messages / 2)) queue.append(item);
      // Some taken (delivered and acked) before the restart, some delivered and back again.
      const delivered = [queue.take(), queue.take(), queue.take()] as QueuedMessage[];
      queue.take();
      queue.requeueAll([delivered[0], delivered[2]]);
      const survives = (item: QueuedMessage): boolean => item.durableAtUs <= 500;
      const before = queue.readyMessages();
      const lost = queue.dropAtRestart(survives);
      const appendedSince = new Set(all.slice(messages / 2));
      expect(lost, `every ${lostEvery}`).toEqual(before.filter((item) => appendedSince.has(item) && !survives(item)));
      expect(queue.readyMessages()).toEqual(before.filter((item) => !lost.includes(item)));
      expect(lost.length).toBeGreaterThan(0);
    }
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
