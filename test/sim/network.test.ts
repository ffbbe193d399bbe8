import { describe, expect, it } from 'vitest';
import { Network } from '../../sim/network.js';
import { RandomStream } from '../../sim/random.js';

const network = (min = 100, max = 100): Network => new Network({ latencyUsMin: min, latencyUsMax: max }, new RandomStream('1', 'network'));

describe('Network', () => {
  it('partition windows include their start and exclude their end, both directions', () => {
    const net = network();
    net.addPartition({ a: 'x', b: 'y', fromUs: 100, toUs: 200 });
    expect(net.isPartitioned('x', 'y', 99)).toBe(false);
    expect(net.isPartitioned('x', 'y', 100)).toBe(true);
    expect(net.isPartitioned('y', 'x', 199)).toBe(true);
    expect(net.isPartitioned('y', 'x', 200)).toBe(false);
    expect(net.isPartitioned('x', 'z', 150)).toBe(false);
  });

  it('heals every partition from the heal time on', () => {
    const net = network();
    net.addPartition({ a: 'x', b: 'y', fromUs: 0, toUs: 1_000_000 });
    net.healAt(500);
    expect(net.isPartitioned('x', 'y', 499)).toBe(true);
    expect(net.isPartitioned('x', 'y', 500)).toBe(false);
  });

  it('delivery time is send time + latency (+ extra delay), never earlier than the previous on the link', () => {
    const net = network(100, 100);
    expect(net.deliveryTime('x', 'y', 0, 0)).toBe(100);
    expect(net.deliveryTime('x', 'y', 10, 1000)).toBe(1110);
    // Held back by the delayed one before it on the same link.
    expect(net.deliveryTime('x', 'y', 20, 0)).toBe(1110);
    // Another direction is another link.
    expect(net.deliveryTime('y', 'x', 20, 0)).toBe(120);
    expect(net.linkId('x', 'y')).toBe(net.linkId('x', 'y'));
    expect(net.linkId('x', 'y')).not.toBe(net.linkId('y', 'x'));
  });

  it('draws latency within [min, max] from its stream', () => {
    const net = network(5, 9);
    const seen = new Set<number>();
    for (let index = 0; index < 500; index++) {
      // Distinct links, so FIFO never raises the time.
      seen.add(net.deliveryTime(`s${index}`, 'y', 0, 0));
    }
    expect([...seen].sort()).toEqual([5, 6, 7, 8, 9]);
  });

  it('refuses bad latency options', () => {
    expect(() => network(-1, 5)).toThrow(RangeError);
    expect(() => network(10, 5)).toThrow(RangeError);
    expect(() => network(1.5, 5)).toThrow(RangeError);
  });
});

describe('Network windows added as the run goes', () => {
  it('answers as if every window had been there from the start, whenever it was added', () => {
    const stream = new RandomStream('7', 'windows');
    const windows = Array.from({ length: 60 }, () => {
      const fromUs = stream.intBetween(0, 5000);
      return { a: stream.intBetween(0, 1) === 0 ? 'x' : 'y', b: 'z', fromUs, toUs: fromUs + stream.intBetween(1, 800) };
    });
    const upfront = network();
    for (const window of windows) upfront.addPartition(window);
    const asGoing = network();
    // Each window is added at a time of its own: before it starts, while open, or once it is over.
    const addAtUs = windows.map((window) => Math.max(0, window.fromUs + stream.intBetween(-500, 900)));
    for (let nowUs = 0; nowUs <= 6000; nowUs += 7) {
      windows.forEach((window, index) => {
        if (addAtUs[index] <= nowUs && addAtUs[index] > nowUs - 7) asGoing.addPartition(window);
      });
      const added = windows.filter((_, index) => addAtUs[index] <= nowUs);
      for (const from of ['x', 'y']) {
        const expected = added.some((window) => nowUs >= window.fromUs && nowUs < window.toUs && window.a === from);
        expect(asGoing.isPartitioned(from, 'z', nowUs)).toBe(expected);
        if (added.length === windows.length) expect(upfront.isPartitioned(from, 'z', nowUs)).toBe(expected);
      }
    }
  });
});
