import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../sim/event-queue.js';

interface Item {
  time: number;
  seq: number;
  label: number;
}

/** A small deterministic generator for test data (the kernel's own streams are under test elsewhere). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

function drain(queue: EventQueue<Item>): Item[] {
  const out: Item[] = [];
  for (let item = queue.pop(); item !== undefined; item = queue.pop()) out.push(item);
  return out;
}

describe('EventQueue', () => {
  it('is empty at first: size 0, peek and pop give undefined', () => {
    const queue = new EventQueue<Item>();
    expect(queue.size).toBe(0);
    expect(queue.peek()).toBeUndefined();
    expect(queue.pop()).toBeUndefined();
  });

  it('pops by time, and events at the same time in insertion order', () => {
    const queue = new EventQueue<Item>();
    const times = [5, 1, 5, 3, 1, 5, 0, 3];
    times.forEach((time, label) => queue.push({ time, seq: -1, label }));
    expect(queue.size).toBe(times.length);
    expect(queue.peek()?.label).toBe(6);
    const popped = drain(queue);
    expect(popped.map((item) => [item.time, item.label])).toEqual([
      [0, 6],
      [1, 1],
      [1, 4],
      [3, 3],
      [3, 7],
      [5, 0],
      [5, 2],
      [5, 5],
    ]);
    expect(queue.size).toBe(0);
  });

  it('assigns seq as a global insertion counter', () => {
    const queue = new EventQueue<Item>();
    const items = [9, 2, 7].map((time, label) => ({ time, seq: -1, label }));
    for (const item of items) queue.push(item);
    expect(items.map((item) => item.seq)).toEqual([0, 1, 2]);
    queue.pop();
    const late = { time: 0, seq: -1, label: 3 };
    queue.push(late);
    expect(late.seq).toBe(3);
  });

  it('many equal times keep insertion order (a heap is not stable by itself)', () => {
    const queue = new EventQueue<Item>();
    for (let label = 0; label < 1000; label++) queue.push({ time: 42, seq: -1, label });
    expect(drain(queue).map((item) => item.label)).toEqual(Array.from({ length: 1000 }, (_, index) => index));
  });

  it('matches a sorted reference for 20,000 random pushes with many ties', () => {
    const next = lcg(7);
    const queue = new EventQueue<Item>();
    const reference: Item[] = [];
    for (let label = 0; label < 20_000; label++) {
      const item = { time: next() % 500, seq: -1, label };
      queue.push(item);
      reference.push({ ...item });
    }
    // Array.prototype.sort is stable: ties stay in insertion order, exactly the (time, seq) order.
    reference.sort((a, b) => a.time - b.time);
    expect(drain(queue).map((item) => item.label)).toEqual(reference.map((item) => item.label));
  });

  it('matches a reference under interleaved pushes and pops (the simulator pattern)', () => {
    const next = lcg(99);
    const queue = new EventQueue<Item>();
    let reference: Item[] = [];
    let now = 0;
    let label = 0;
    for (let step = 0; step < 8000; step++) {
      if (next() % 3 !== 0 || reference.length === 0) {
        // Events are scheduled at or after the current time, often exactly at it.
        const item = { time: now + (next() % 4 === 0 ? 0 : next() % 100), seq: -1, label: label++ };
        queue.push(item);
        reference.push(item);
      } else {
        let best = 0;
        for (let index = 1; index < reference.length; index++) {
          const candidate = reference[index];
          const current = reference[best];
          if (candidate.time < current.time || (candidate.time === current.time && candidate.seq < current.seq)) best = index;
        }
        const expected = reference[best];
        reference = reference.filter((_, index) => index !== best);
        expect(queue.peek()).toBe(expected);
        expect(queue.pop()).toBe(expected);
        now = expected.time;
      }
      expect(queue.size).toBe(reference.length);
    }
  });

  it('handles fractional and very large times', () => {
    const queue = new EventQueue<Item>();
    const times = [2 ** 52, 0.5, 1e15, 0.25, 2 ** 52, 1e15 + 1];
    times.forEach((time, label) => queue.push({ time, seq: -1, label }));
    expect(drain(queue).map((item) => item.label)).toEqual([3, 1, 2, 5, 0, 4]);
  });
});
