import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../sim/random.js';
import { traceHash } from '../../sim/trace.js';
import type { TraceRecord } from '../../sim/trace.js';
import { World } from '../../sim/world.js';
import type { Phase } from '../../sim/world.js';
import { DEFAULT_TOY_OPTIONS, Toy, toyWorld } from '../helpers/toy-world.js';
import type { ToyProtocol } from '../helpers/toy-world.js';

const kinds = (trace: readonly TraceRecord[], kind: string): TraceRecord[] => trace.filter((record) => record.kind === kind);

describe('World: delivery and timers', () => {
  it('delivers after the link latency, naming the sender', () => {
    const a = new Toy('a', { start: (ctx) => ctx.send('b', { type: 'hello' }) });
    const b = new Toy('b');
    const world = toyWorld([a, b], { latencyUsMin: 250, latencyUsMax: 250 });
    const result = world.run();
    expect(result.outcome).toEqual({ kind: 'quiescent' });
    expect(b.received).toEqual([{ t: 250, from: 'a', message: { type: 'hello' } }]);
  });

  it('keeps FIFO order on one directed link although latency is random', () => {
    // One send every 20 µs with 1..5000 µs of jitter: without FIFO links most of them would overtake.
    const a = new Toy('a', {
      start: (ctx) => ctx.setTimer(0, 'send', 0),
      timer: (ctx, _tag, data) => {
        const n = data as number;
        ctx.send('b', { type: 'seq', n });
        if (n < 299) ctx.setTimer(20, 'send', n + 1);
      },
    });
    const b = new Toy('b');
    const world = toyWorld([a, b], { latencyUsMin: 1, latencyUsMax: 5000 });
    world.setHooks({ isQuiescent: () => b.received.length === 300 });
    world.run();
    expect(b.received.map((delivery) => delivery.message.n)).toEqual(Array.from({ length: 300 }, (_, n) => n));
    const times = b.received.map((delivery) => delivery.t);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    // The jitter is real: transit times vary widely.
    const transit = b.received.map((delivery) => delivery.t - 20 * (delivery.message.n as number));
    expect(new Set(transit).size).toBeGreaterThan(50);
  });

  it('does not order different links: a later send on another link can arrive first', () => {
    let overtaken = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const a = new Toy('a', { start: (ctx) => ctx.send('c', { type: 'from-a' }) });
      const b = new Toy('b', { start: (ctx) => ctx.setTimer(10, 'go'), timer: (ctx) => ctx.send('c', { type: 'from-b' }) });
      const c = new Toy('c');
      toyWorld([a, b, c], { seed, latencyUsMin: 1, latencyUsMax: 1000 }).run();
      if (c.received[0].message.type === 'from-b') overtaken++;
    }
    expect(overtaken).toBeGreaterThan(0);
    expect(overtaken).toBeLessThan(40);
  });

  it('fires timers at now + delay in time order, with tag and data; same-time timers in the order set', () => {
    const a = new Toy('a', {
      start: (ctx) => {
        ctx.setTimer(300, 'late', 3);
        ctx.setTimer(100, 'early', 1);
        ctx.setTimer(100, 'early-too', 2);
        ctx.setTimer(0, 'now');
      },
    });
    toyWorld([a]).run();
    expect(a.timers).toEqual([
      { t: 0, tag: 'now', data: undefined },
      { t: 100, tag: 'early', data: 1 },
      { t: 100, tag: 'early-too', data: 2 },
      { t: 300, tag: 'late', data: 3 },
    ]);
  });

  it('refuses a negative timer delay, an unknown target and a duplicate actor id', () => {
    const bad = new Toy('bad', { start: (ctx) => ctx.setTimer(-1, 'x') });
    expect(() => toyWorld([bad]).run()).toThrow(RangeError);
    const lost = new Toy('lost', { start: (ctx) => ctx.send('nobody', { type: 'x' }) });
    expect(() => toyWorld([lost]).run()).toThrow(/unknown actor nobody/);
    expect(() => toyWorld([new Toy('twin'), new Toy('twin')])).toThrow(/duplicate actor id twin/);
  });

  it('validates its options', () => {
    expect(() => new World<ToyProtocol>({ ...DEFAULT_TOY_OPTIONS, healAtUs: -1 })).toThrow(RangeError);
    expect(() => new World<ToyProtocol>({ ...DEFAULT_TOY_OPTIONS, maxEvents: 1.5 })).toThrow(RangeError);
    expect(() => new World<ToyProtocol>({ ...DEFAULT_TOY_OPTIONS, latencyUsMin: 10, latencyUsMax: 5 })).toThrow(RangeError);
  });
});

describe('World: crash and restart', () => {
  it('drops volatile state, keeps durable state, cancels timers, and runs recovery on restart', () => {
    const worker = new Toy('worker', {
      start: (ctx, self) => {
        // Recovery reads durable state only.
        ctx.trace('recovered', { durable: [...self.durable], volatile: [...self.volatile] });
        if (self.starts === 1) ctx.setTimer(500, 'too-late');
      },
    });
    worker.durable.push('committed');
    worker.volatile.push('in-memory');
    const world = toyWorld([worker]);
    world.at(200, () => world.crash('worker', 100));
    world.run();
    expect(worker.crashes).toBe(1);
    expect(worker.starts).toBe(2);
    // The timer set by the first incarnation for t=500 never fires, although the actor is up again then.
    expect(worker.timers).toEqual([]);
    const records = world.trace.records.filter((record) => record.actor === 'worker');
    expect(records.map((record) => [record.t, record.kind])).toEqual([
      [0, 'recovered'],
      [200, 'crash'],
      [300, 'restart'],
      [300, 'recovered'],
    ]);
    expect(records[3]).toMatchObject({ durable: ['committed'], volatile: [] });
  });

  it('loses messages in flight to a crashed actor, even when it is back before they arrive', () => {
    const sender = new Toy('sender', {
      start: (ctx) => {
        ctx.send('target', { type: 'doomed' });
        ctx.setTimer(400, 'again');
      },
      timer: (ctx) => ctx.send('target', { type: 'fine' }),
    });
    const target = new Toy('target');
    const world = toyWorld([sender, target], { latencyUsMin: 300, latencyUsMax: 300 });
    // Crash at 100 and restart at 150: the message due at 300 belonged to the old connection.
    world.at(100, () => world.crash('target', 50));
    world.run();
    expect(target.received.map((delivery) => delivery.message.type)).toEqual(['fine']);
    expect(kinds(world.trace.records, 'lost-to-crash')).toEqual([{ t: 300, actor: 'network', kind: 'lost-to-crash', from: 'sender', to: 'target', type: 'doomed' }]);
  });

  it('an actor that crashes inside its own handler sends, traces and sets timers no more', () => {
    const holder: { world?: World<ToyProtocol> } = {};
    const fragile = new Toy('fragile', {
      start: (ctx, self) => {
        if (self.starts > 1) return;
        holder.world?.crash('fragile', undefined);
        ctx.send('peer', { type: 'ghost' });
        ctx.trace('ghost-record');
        ctx.setTimer(10, 'ghost-timer');
      },
    });
    const peer = new Toy('peer');
    const world = toyWorld([fragile, peer], { healAtUs: 1000 });
    holder.world = world;
    world.run();
    expect(peer.received).toEqual([]);
    expect(fragile.timers).toEqual([]);
    expect(kinds(world.trace.records, 'ghost-record')).toEqual([]);
  });

  it('restarts actors still down when the heal phase starts, after the heal record', () => {
    const victim = new Toy('victim');
    const world = toyWorld([victim], { healAtUs: 5000 });
    world.at(100, () => world.crash('victim', undefined));
    world.run();
    expect(world.trace.records.map((record) => [record.t, record.actor, record.kind])).toEqual([
      [100, 'victim', 'crash'],
      [5000, 'world', 'heal'],
      [5000, 'victim', 'restart'],
    ]);
    expect(victim.starts).toBe(2);
    expect(world.isUp('victim')).toBe(true);
  });

  it('crashing an actor that is already down changes nothing', () => {
    const victim = new Toy('victim');
    const world = toyWorld([victim], { healAtUs: 5000 });
    world.at(100, () => {
      world.crash('victim', 1000);
      world.crash('victim', 10);
    });
    world.run();
    expect(victim.crashes).toBe(1);
    expect(kinds(world.trace.records, 'restart').map((record) => record.t)).toEqual([1100]);
  });

  it('a pending restart of an older crash does not restart a newer incarnation early', () => {
    const victim = new Toy('victim');
    const world = toyWorld([victim], { healAtUs: 50_000 });
    world.at(100, () => world.crash('victim', 100)); // restarts at 200
    world.at(300, () => world.crash('victim', 1000)); // restarts at 1300
    world.run();
    expect(kinds(world.trace.records, 'restart').map((record) => record.t)).toEqual([200, 1300]);
  });
});

describe('World: network partitions and faults', () => {
  const pinger = (everyUs: number, count: number): Toy =>
    new Toy('a', {
      start: (ctx) => ctx.setTimer(0, 'tick', 0),
      timer: (ctx, _tag, data) => {
        const n = data as number;
        ctx.send('b', { type: 'ping', n });
        if (n + 1 < count) ctx.setTimer(everyUs, 'tick', n + 1);
      },
    });

  it('drops messages sent inside the window in both directions, and only those', () => {
    const a = pinger(100, 20); // sends at 0, 100, ..., 1900
    const b = new Toy('b', { receive: (ctx, _from, message) => ctx.send('a', { type: 'pong', n: message.n }) });
    const world = toyWorld([a, b], { latencyUsMin: 10, latencyUsMax: 10, healAtUs: 100_000 });
    world.partition({ a: 'b', b: 'a', fromUs: 500, toUs: 1000 });
    world.run();
    // Pings sent at 500..900 are dropped; the pong to the ping of 400 left b at 410, before the cut.
    expect(b.received.map((delivery) => delivery.message.n)).toEqual([0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(a.received.map((delivery) => delivery.message.n)).toEqual([0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const drops = kinds(world.trace.records, 'partition-drop');
    expect(drops.map((record) => record.t)).toEqual([500, 600, 700, 800, 900]);
    expect(drops[0]).toEqual({ t: 500, actor: 'network', kind: 'partition-drop', from: 'a', to: 'b', type: 'ping' });
    expect(kinds(world.trace.records, 'partition-start')).toEqual([{ t: 500, actor: 'network', kind: 'partition-start', link: 'b<->a', untilUs: 1000 }]);
    expect(kinds(world.trace.records, 'partition-end')).toEqual([{ t: 1000, actor: 'network', kind: 'partition-end', link: 'b<->a' }]);
  });

  it('leaves other links alone', () => {
    const a = new Toy('a', { start: (ctx) => ctx.send('c', { type: 'through' }) });
    const world = toyWorld([a, new Toy('b'), new Toy('c')]);
    world.partition({ a: 'a', b: 'b', fromUs: 0, toUs: 5000 });
    world.run();
    expect(kinds(world.trace.records, 'partition-drop')).toEqual([]);
  });

  it('is repaired by the heal phase even if its window runs longer', () => {
    const a = pinger(100, 20);
    const b = new Toy('b');
    const world = toyWorld([a, b], { latencyUsMin: 10, latencyUsMax: 10, healAtUs: 1000 });
    world.setHooks({ isQuiescent: () => world.now >= 1900 });
    world.partition({ a: 'a', b: 'b', fromUs: 500, toUs: 50_000 });
    world.run();
    expect(b.received.map((delivery) => delivery.message.n)).toEqual([0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(kinds(world.trace.records, 'partition-start')[0]).toMatchObject({ untilUs: 1000 });
    expect(kinds(world.trace.records, 'partition-end')[0].t).toBe(1000);
  });

  it('applies the fault hook: drop, duplicate, and delay that holds back later messages on the link', () => {
    const a = new Toy('a', {
      start: (ctx) => {
        for (const type of ['keep', 'drop', 'dup', 'delay', 'after-delay']) ctx.send('b', { type });
      },
    });
    const b = new Toy('b');
    const world = toyWorld([a, b], { latencyUsMin: 100, latencyUsMax: 100 });
    const seen: { from: string; to: string; type: string; phase: Phase }[] = [];
    world.setHooks({
      isQuiescent: () => true,
      networkFault: (from, to, message, _now, phase) => {
        seen.push({ from, to, type: message.type, phase });
        if (message.type === 'drop') return { kind: 'drop' };
        if (message.type === 'dup') return { kind: 'duplicate' };
        if (message.type === 'delay') return { kind: 'delay', delayUs: 5000 };
        return undefined;
      },
    });
    world.run();
    expect(b.received.map((delivery) => [delivery.t, delivery.message.type])).toEqual([
      [100, 'keep'],
      [100, 'dup'],
      [100, 'dup'],
      [5100, 'delay'],
      [5100, 'after-delay'],
    ]);
    expect(seen.map((entry) => entry.type)).toEqual(['keep', 'drop', 'dup', 'delay', 'after-delay']);
    expect(seen.every((entry) => entry.from === 'a' && entry.to === 'b' && entry.phase === 'faulty')).toBe(true);
  });
});

describe('World: phases, quiescence and limits', () => {
  it('never asks for quiescence before the heal phase, and stops at the first quiescent moment after it', () => {
    const phasesAsked: Phase[] = [];
    const ticker = new Toy('ticker', { start: (ctx) => ctx.setTimer(100, 'tick'), timer: (ctx) => ctx.setTimer(100, 'tick') });
    const w = toyWorld([ticker], { healAtUs: 1000 });
    w.setHooks({
      isQuiescent: () => {
        phasesAsked.push(w.phase);
        return w.now >= 1500;
      },
    });
    const result = w.run();
    expect(result.outcome).toEqual({ kind: 'quiescent' });
    expect(result.virtualTimeUs).toBe(1500);
    expect(new Set(phasesAsked)).toEqual(new Set(['heal']));
    expect(kinds(w.trace.records, 'heal')).toEqual([{ t: 1000, actor: 'world', kind: 'heal' }]);
  });

  it('is not quiescent while a message is in flight, whatever the model says', () => {
    const late = new Toy('late', { start: (ctx) => ctx.setTimer(900, 'send'), timer: (ctx) => ctx.send('sink', { type: 'last' }) });
    const sink = new Toy('sink');
    const world = toyWorld([late, sink], { healAtUs: 1000, latencyUsMin: 700, latencyUsMax: 700 });
    world.setHooks({ isQuiescent: () => true });
    const result = world.run();
    expect(sink.received).toEqual([{ t: 1600, from: 'late', message: { type: 'last' } }]);
    expect(result.virtualTimeUs).toBe(1600);
  });

  it('pending timers do not hold the run open: quiescence is for the model to decide', () => {
    const sleeper = new Toy('sleeper', { start: (ctx) => ctx.setTimer(50_000, 'wake') });
    const result = toyWorld([sleeper], { healAtUs: 1000 }).run();
    expect(result.virtualTimeUs).toBe(1000);
    expect(sleeper.timers).toEqual([]);
  });

  it('reports a stall when nothing is left to run but the model has not settled', () => {
    const waiter = new Toy('waiter', { start: (ctx) => ctx.setTimer(10, 'ask') });
    const world = toyWorld([waiter], { healAtUs: 1000 });
    world.setHooks({ isQuiescent: () => false });
    const result = world.run();
    expect(result.outcome).toEqual({ kind: 'stalled' });
    expect(result.virtualTimeUs).toBe(1000);
    expect(kinds(world.trace.records, 'stalled')).toEqual([{ t: 1000, actor: 'world', kind: 'stalled' }]);
  });

  it('ends at the heal time when nothing at all happens', () => {
    const result = toyWorld([new Toy('idle')], { healAtUs: 777 }).run();
    expect(result).toEqual({ outcome: { kind: 'quiescent' }, events: 1, virtualTimeUs: 777 });
  });

  it('runs the onHeal hook once, after restarting crashed actors', () => {
    const order: string[] = [];
    const victim = new Toy('victim', { start: (_ctx, self) => order.push(`start ${self.starts}`) });
    const world = toyWorld([victim], { healAtUs: 500 });
    world.setHooks({ isQuiescent: () => true, onHeal: () => order.push('onHeal') });
    world.at(10, () => world.crash('victim', undefined));
    world.run();
    expect(order).toEqual(['start 1', 'start 2', 'onHeal']);
  });

  it('stops at the event limit with outcome `limit`, instead of spinning forever', () => {
    const spinner = new Toy('spinner', { start: (ctx) => ctx.setTimer(0, 'spin'), timer: (ctx) => ctx.setTimer(0, 'spin') });
    const world = toyWorld([spinner], { maxEvents: 5000 });
    const result = world.run();
    expect(result.outcome).toEqual({ kind: 'limit', limit: 'events', value: 5000 });
    expect(result.events).toBe(5000);
    expect(result.virtualTimeUs).toBe(0);
    expect(world.trace.records.at(-1)).toEqual({ t: 0, actor: 'world', kind: 'limit-hit', limit: 'events', value: 5000 });
  });

  it('stops at the virtual-time limit without running the event past it', () => {
    const ticker = new Toy('ticker', { start: (ctx) => ctx.setTimer(300, 'tick'), timer: (ctx) => ctx.setTimer(300, 'tick') });
    const world = toyWorld([ticker], { healAtUs: 1000, maxVirtualTimeUs: 10_000, maxEvents: 1_000_000 });
    world.setHooks({ isQuiescent: () => false });
    const result = world.run();
    expect(result.outcome).toEqual({ kind: 'limit', limit: 'virtual-time', value: 10_000 });
    expect(result.virtualTimeUs).toBe(9900);
    expect(ticker.timers.at(-1)?.t).toBe(9900);
    expect(world.trace.records.at(-1)).toMatchObject({ kind: 'limit-hit', limit: 'virtual-time', value: 10_000 });
  });

  it('a model that never settles after healing hits a limit, reported as such', () => {
    const chatter = new Toy('chatter', { start: (ctx) => ctx.send('echo', { type: 'x' }), receive: (ctx) => ctx.send('echo', { type: 'x' }) });
    const echo = new Toy('echo', { receive: (ctx) => ctx.send('chatter', { type: 'x' }) });
    const world = toyWorld([chatter, echo], { healAtUs: 1000, maxEvents: 2000 });
    const result = world.run();
    expect(result.outcome.kind).toBe('limit');
  });
});

describe('World: determinism', () => {
  const build = (seed: number): World<ToyProtocol> => {
    const a = new Toy('a', {
      start: (ctx) => {
        for (let n = 0; n < 50; n++) ctx.send('b', { type: 'x', n });
      },
      receive: (ctx, _from, message) => ctx.trace('got', { n: message.n }),
    });
    const b = new Toy('b', { receive: (ctx, _from, message) => ctx.send('a', message) });
    return toyWorld([a, b], { seed, latencyUsMin: 1, latencyUsMax: 10_000 });
  };

  it('the same seed gives the same trace, record for record; another seed another one', () => {
    const first = build(3);
    first.run();
    const second = build(3);
    second.run();
    expect(second.trace.records).toEqual(first.trace.records);
    expect(traceHash(second.trace.records)).toBe(traceHash(first.trace.records));
    const other = build(4);
    other.run();
    expect(traceHash(other.trace.records)).not.toBe(traceHash(first.trace.records));
  });

  it('gives each actor its own stream, named after it, untouched by network draws', () => {
    const drawn: number[] = [];
    const a = new Toy('a', {
      start: (ctx) => {
        for (let n = 0; n < 20; n++) ctx.send('b', { type: 'x', n });
        for (let n = 0; n < 5; n++) drawn.push(ctx.rng.uint32());
      },
    });
    toyWorld([a, new Toy('b')], { seed: 9, latencyUsMin: 1, latencyUsMax: 1000 }).run();
    const reference = new RandomStreams(9).stream('actor:a');
    expect(drawn).toEqual(Array.from({ length: 5 }, () => reference.uint32()));
  });

  it('a watcher is told the events and virtual time every N events, and changes nothing in the run', () => {
    const unwatched = build(5);
    const plain = unwatched.run();
    const watched = build(5);
    const told: [number, number][] = [];
    watched.watch(7, (events, nowUs) => told.push([events, nowUs]));
    const result = watched.run();
    expect(result).toEqual(plain);
    expect(watched.trace.records).toEqual(unwatched.trace.records);
    expect(told.map(([events]) => events)).toEqual(Array.from({ length: Math.floor(plain.events / 7) }, (_, index) => 7 * (index + 1)));
    // Virtual time as it stood after that event: never backwards, never past the end.
    for (let index = 1; index < told.length; index++) expect(told[index][1]).toBeGreaterThanOrEqual(told[index - 1][1]);
    expect(told.at(-1)?.[1]).toBeLessThanOrEqual(plain.virtualTimeUs);
    expect(() => watched.watch(0, () => {})).toThrow(RangeError);
    expect(() => watched.watch(1.5, () => {})).toThrow(RangeError);
  });

  it('isUp and contextOf reflect the actors', () => {
    const world = toyWorld([new Toy('x')]);
    expect(world.isUp('x')).toBe(true);
    expect(world.contextOf('x').self).toBe('x');
    expect(() => world.isUp('y')).toThrow(/unknown actor y/);
  });
});

describe('World: background traffic (a heartbeat thread)', () => {
  const beater = (count: number, everyUs = 100): Toy =>
    new Toy('a', {
      start: (ctx) => ctx.setTimer(0, 'beat', 0),
      timer: (ctx, _tag, data) => {
        const n = data as number;
        ctx.sendBackground('b', { type: 'beat', n });
        if (n + 1 < count) ctx.setTimer(everyUs, 'beat', n + 1);
      },
    });

  it('is delivered, but never offered to the fault hook and never traced', () => {
    const b = new Toy('b');
    const world = toyWorld([beater(5), b], { latencyUsMin: 10, latencyUsMax: 10 });
    const offered: string[] = [];
    world.setHooks({ isQuiescent: () => true, networkFault: (_from, _to, message) => (offered.push(message.type), { kind: 'drop' }) });
    world.run();
    expect(b.received.map((delivery) => [delivery.t, delivery.message.n])).toEqual([
      [10, 0],
      [110, 1],
      [210, 2],
      [310, 3],
      [410, 4],
    ]);
    expect(offered).toEqual([]);
    expect(world.trace.records.map((record) => record.kind)).toEqual(['heal']);
  });

  it('does not hold quiescence open while in flight', () => {
    const a = new Toy('a', { start: (ctx) => ctx.setTimer(900, 'go'), timer: (ctx) => ctx.sendBackground('b', { type: 'beat' }) });
    const b = new Toy('b');
    const world = toyWorld([a, b], { healAtUs: 1000, latencyUsMin: 700, latencyUsMax: 700 });
    world.setHooks({ isQuiescent: () => true });
    expect(world.run().virtualTimeUs).toBe(1000);
    expect(b.received).toEqual([]);
  });

  it('is dropped silently by a partition and by a crash of its receiver', () => {
    const b = new Toy('b');
    const world = toyWorld([beater(10), b], { latencyUsMin: 50, latencyUsMax: 50, healAtUs: 100_000 });
    world.partition({ a: 'a', b: 'b', fromUs: 200, toUs: 400 });
    world.at(520, () => world.crash('b', 100));
    world.run();
    // Beats sent at 200 and 300 hit the partition; the one sent at 500 is in flight when b crashes at 520, and the
    // one sent at 600 reaches a b that was down when it left (b is back at 620, a new incarnation).
    expect(b.received.map((delivery) => delivery.message.n)).toEqual([0, 1, 4, 7, 8, 9]);
    expect(kinds(world.trace.records, 'partition-drop')).toEqual([]);
    expect(kinds(world.trace.records, 'lost-to-crash')).toEqual([]);
  });

  it('keeps its own latency stream: foreground deliveries are the same with or without it', () => {
    const run = (withBackground: boolean): number[] => {
      const a = new Toy('a', {
        start: (ctx) => ctx.setTimer(0, 'tick', 0),
        timer: (ctx, _tag, data) => {
          const n = data as number;
          ctx.send('b', { type: 'ping', n });
          if (withBackground) ctx.sendBackground('b', { type: 'beat', n });
          if (n < 20) ctx.setTimer(100, 'tick', n + 1);
        },
      });
      const b = new Toy('b');
      toyWorld([a, b], { latencyUsMin: 10, latencyUsMax: 90 }).run();
      return b.received.filter((delivery) => delivery.message.type === 'ping').map((delivery) => delivery.t);
    };
    expect(run(true)).toEqual(run(false));
  });
});

describe('World: the progress watchdog (heal phase)', () => {
  const spinner = (): Toy => new Toy('spin', { start: (ctx) => ctx.setTimer(100, 'spin'), timer: (ctx) => ctx.setTimer(100, 'spin') });

  it('stops a run whose progress stands still for longer than the timeout: stalled, with the idle start', () => {
    const world = toyWorld([spinner()], { healAtUs: 1000, progressTimeoutUs: 5000 });
    world.setHooks({ isQuiescent: () => false, progress: () => 7 });
    const result = world.run();
    expect(result.outcome).toEqual({ kind: 'stalled', idleSinceUs: 1000 });
    expect(result.virtualTimeUs).toBeGreaterThan(6000);
    expect(result.virtualTimeUs).toBeLessThanOrEqual(6100);
    expect(kinds(world.trace.records, 'stalled')).toEqual([{ t: result.virtualTimeUs, actor: 'world', kind: 'stalled', idleSinceUs: 1000 }]);
  });

  it('restarts its clock whenever progress moves', () => {
    const world = toyWorld([spinner()], { healAtUs: 1000, progressTimeoutUs: 5000 });
    // Moves until t = 20 ms, then stands still.
    world.setHooks({ isQuiescent: () => false, progress: () => Math.min(world.now, 20_000) });
    const result = world.run();
    expect(result.outcome).toEqual({ kind: 'stalled', idleSinceUs: 20_000 });
    expect(result.virtualTimeUs).toBeGreaterThan(25_000);
  });

  it('never fires in the faulty phase, and not without a progress hook', () => {
    const quiet = toyWorld([spinner()], { healAtUs: 50_000, progressTimeoutUs: 1000, maxVirtualTimeUs: 60_000 });
    quiet.setHooks({ isQuiescent: () => false, progress: () => 0 });
    expect(quiet.run().outcome).toEqual({ kind: 'stalled', idleSinceUs: 50_000 });
    const blind = toyWorld([spinner()], { healAtUs: 1000, progressTimeoutUs: 1000, maxVirtualTimeUs: 60_000 });
    blind.setHooks({ isQuiescent: () => false });
    expect(blind.run().outcome).toEqual({ kind: 'limit', limit: 'virtual-time', value: 60_000 });
  });
});
