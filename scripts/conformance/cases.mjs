// The case catalogue: each case is one claim of issue 12 ("Conformance against a real RabbitMQ"), with
//   real(ctx, rec)  the procedure against the real broker, faults injected for real (SIGKILL, a closed
//                   connection, nack/reject, a node restart, queue arguments), recording into rec (outcome.mjs);
//   sim             the same case for the simulator (mapped to CLI arguments by simulator.mjs);
//   compare         the outcome fields that must agree;
//   expect          what RabbitMQ's documentation (3.10) and issue 12 say the real broker does, checked by
//                   --real-only so a broker or an environment that behaves otherwise is noticed.
// A case with `variants` runs one real procedure for several sub-cases and returns a recorder per variant.
import { msgId, publishConfirmed, sleep, until } from './amqp.mjs';
import { Recorder } from './outcome.mjs';
import { childConsumer, consume, watchDeadLetters } from './real.mjs';

const ids = (n) => Array.from({ length: n }, (_, i) => msgId(i + 1));
const toQueue = (q) => () => ['', q];

/** Publish with confirms, counting the broker's answers into the recorder. */
async function publish(conn, rec, list, route, options) {
  const r = await publishConfirmed(conn, list, route, options);
  rec.confirmed += r.confirmed.length;
  rec.nacked += r.nacked.length;
  rec.returned.push(...r.returned);
  return r;
}

/** A dead-letter exchange (fanout) with its queue; returns the queue arguments that point at it. */
async function deadLetterSetup(ctx) {
  const dlx = await ctx.exchange('dlx', 'fanout');
  const dlq = await ctx.queue('dlq');
  await ctx.admin.bindQueue(dlq, dlx, '');
  return { dlx, dlq, args: { 'x-dead-letter-exchange': dlx } };
}

/**
 * Subscribe after a node restart: undefined when the queue is gone (404, a non-durable queue); other refusals
 * (a quorum queue still electing its leader) are retried for up to 10 s.
 */
async function consumeAfterRestart(ctx, queue, rec) {
  const deadline = performance.now() + 10_000;
  for (;;) {
    try {
      return await consume(await ctx.connection(), queue, rec);
    } catch (err) {
      if (/404|NOT.FOUND/i.test(String(err?.message)) || performance.now() > deadline) return undefined;
      await sleep(500);
    }
  }
}

/**
 * A quorum queue with x-delivery-limit 3 and a DLX, m1 handed back with requeue=true on every delivery by `method`
 * (basic.nack or basic.reject): 4 deliveries, x-delivery-count 1, 2, 3 on the redeliveries, then dead-lettered.
 */
function deliveryLimitCase(name, method, claim) {
  return {
    name,
    expect: { lost: [], redelivered: { m1: [false, true, true, true], m2: [false] }, deliveryCount: { m1: [null, 1, 2, 3], m2: [null] }, deadLettered: ['m1'], processed: ['m2'] },
    claim,
    compare: ['lost', 'redelivered', 'deliveryCount', 'deadLettered', 'processed'],
    sim: {
      settings: { publisherConfirms: true, persistent: true, durable: true, queueType: 'quorum', deliveryLimit: 3, deadLetterExchange: true, autoAck: false, prefetch: 1, onError: 'retry', ...(method === 'reject' ? { requeueMethod: 'reject' } : {}) },
      workload: { messages: 2 },
      faults: [{ kind: 'processing-error', message: 'm1', deliveries: 'always' }],
    },
    async real(ctx, rec) {
      const { dlq, args } = await deadLetterSetup(ctx);
      const q = await ctx.queue('q', { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 3, ...args } });
      const dl = await watchDeadLetters(ctx.conn, dlq, rec);
      const c = await consume(ctx.conn, q, rec, { decide: (id) => (id !== 'm1' ? 'ack' : method === 'reject' ? 'reject-requeue' : 'nack') });
      await publish(ctx.conn, rec, ids(2), toQueue(q), () => ({ persistent: true }));
      await until(() => rec.processed.length >= 1 && rec.deadLettered.length >= 1, 10_000, 'm2 processed and m1 dead-lettered').catch(() => {});
      await c.close();
      await dl.close();
    },
  };
}

/** Two consumers (prefetch 10) on one durable queue with these arguments, c1 registered first; m1..m6 published. */
async function twoConsumers(ctx, rec, args) {
  const q = await ctx.queue('q', { durable: true, arguments: args });
  const c1 = await consume(ctx.conn, q, rec, { prefetch: 10, consumer: 'c1' });
  const c2 = await consume(await ctx.connection(), q, rec, { prefetch: 10, consumer: 'c2' });
  await publish(ctx.conn, rec, ids(6), toQueue(q), () => ({ persistent: true }));
  await until(() => rec.processed.length >= 6, 5000, 'm1..m6 processed').catch(() => {});
  await c1.close();
  await c2.close();
}

const KEPT = { lost: [], processed: ['m1'] };
const GONE = { lost: ['m1'], processed: [] };
const classicAtLeastOnce = { publisherConfirms: true, persistent: true, durable: true, queueType: 'classic', autoAck: false, prefetch: 1 };

export const CASES = [
  {
    name: 'consumer-killed-mid-processing',
    expect: { lost: [], redelivered: { m1: [false], m2: [false, true], m3: [false] }, processed: ['m1', 'm2', 'm3'] },
    claim: 'manual ack: the consumer process is SIGKILLed while processing m2; m2 is redelivered with redelivered=true, nothing is lost',
    compare: ['lost', 'redelivered', 'processed'],
    sim: { settings: classicAtLeastOnce, workload: { messages: 3 }, faults: [{ kind: 'consumer-crash', message: 'm2', delivery: 1, point: 'mid-process' }] },
    async real(ctx, rec) {
      const q = await ctx.queue('q', { durable: true });
      const child = await childConsumer(q, rec, { prefetch: 1, processingMs: 300 });
      await publish(ctx.conn, rec, ids(3), toQueue(q), () => ({ persistent: true }));
      await child.killAt('m2');
      const c = await consume(await ctx.connection(), q, rec);
      await until(() => rec.processed.length >= 3, 10_000, 'm1..m3 processed').catch(() => {});
      await c.close();
    },
  },
  {
    name: 'consumer-killed-holding-prefetch',
    expect: { lost: [], redelivered: { m1: [false, true], m2: [true], m3: [true], m4: [false], m5: [false] }, processed: ids(5) },
    claim: 'manual ack with prefetch 3: the consumer holds m1..m3 unacked and is SIGKILLed while processing m1; all three come back with redelivered=true (m2 and m3 were delivered, never processed), in their places; m4 and m5 are first deliveries',
    compare: ['lost', 'redelivered', 'processed'],
    sim: { settings: { ...classicAtLeastOnce, prefetch: 3, processingMs: 5 }, workload: { messages: 5, burst: 5 }, faults: [{ kind: 'consumer-crash', message: 'm1', delivery: 1, point: 'mid-process' }] },
    async real(ctx, rec) {
      const q = await ctx.queue('q', { durable: true });
      // Published first, so the child's prefetch window fills at once (m1..m3), as the simulator's burst does.
      await publish(ctx.conn, rec, ids(5), toQueue(q), () => ({ persistent: true }));
      const child = await childConsumer(q, rec, { prefetch: 3, processingMs: 300 });
      await child.killAt('m1');
      const c = await consume(await ctx.connection(), q, rec);
      await until(() => rec.processed.length >= 5, 10_000, 'm1..m5 processed').catch(() => {});
      await c.close();
    },
  },
  {
    name: 'autoack-consumer-killed',
    expect: { lost: ['m2', 'm3', 'm4', 'm5'], processed: ['m1'] },
    claim: 'autoAck: the broker pushes every message at once (prefetch does not apply) and deletes it on delivery; killing the consumer mid-m2 loses m2..m5',
    compare: ['lost', 'processed'],
    sim: {
      mode: 'at-most-once',
      settings: { publisherConfirms: false, persistent: false, durable: false, queueType: 'classic', autoAck: true, prefetch: 1, processingMs: 300 },
      workload: { messages: 5, burst: 5 },
      faults: [{ kind: 'consumer-crash', message: 'm2', delivery: 1, point: 'mid-process' }],
    },
    async real(ctx, rec) {
      const q = await ctx.queue('q');
      const child = await childConsumer(q, rec, { prefetch: 1, noAck: true, processingMs: 300 });
      await publish(ctx.conn, rec, ids(5), toQueue(q));
      await child.killAt('m2');
      const c = await consume(await ctx.connection(), q, rec);
      await sleep(500); // nothing should come: autoAck deleted every message on delivery
      await c.close();
    },
  },
  {
    name: 'connection-closed-holding-delivery',
    expect: { lost: [], redelivered: { m1: [false, true], m2: [false] }, processed: ['m1', 'm1', 'm2'] },
    claim: "the consumer processes m1, then its connection closes before the basic.ack; m1 is requeued and redelivered with redelivered=true (processed twice)",
    compare: ['lost', 'redelivered', 'processed'],
    sim: { settings: classicAtLeastOnce, workload: { messages: 2 }, faults: [{ kind: 'connection-closed', message: 'm1', delivery: 1 }] },
    async real(ctx, rec) {
      const q = await ctx.queue('q', { durable: true });
      const conn = await ctx.connection();
      const ch = await conn.createChannel();
      await ch.prefetch(1);
      let held = false;
      await ch.consume(q, (m) => {
        if (m === null || held) return;
        held = true;
        rec.delivered({ id: m.properties.messageId, redelivered: m.fields.redelivered });
        // Processed, not yet acked: the simulator's connection-closed fault strikes at this moment.
        rec.done(m.properties.messageId);
      });
      await publish(ctx.conn, rec, ids(2), toQueue(q), () => ({ persistent: true }));
      await until(() => held, 5000, 'm1 delivered');
      await conn.close();
      const c = await consume(await ctx.connection(), q, rec);
      await until(() => rec.processed.length >= 3, 10_000, 'm1 again, m2 processed').catch(() => {});
      await c.close();
    },
  },
  {
    name: 'nack-requeue',
    expect: { lost: [], redelivered: { m1: [false], m2: [false, true, true], m3: [false] }, processed: ['m1', 'm2', 'm3'] },
    claim: 'basic.nack requeue=true on the first 2 deliveries of m2: redelivered at once, back at its place in a classic queue',
    compare: ['lost', 'redelivered', 'processed'],
    sim: { settings: { ...classicAtLeastOnce, onError: 'retry' }, workload: { messages: 3 }, faults: [{ kind: 'processing-error', message: 'm2', deliveries: 2 }] },
    async real(ctx, rec) {
      const q = await ctx.queue('q', { durable: true });
      const c = await consume(ctx.conn, q, rec, { decide: (id, nth) => (id === 'm2' && nth <= 2 ? 'nack' : 'ack') });
      await publish(ctx.conn, rec, ids(3), toQueue(q), () => ({ persistent: true }));
      await until(() => rec.processed.length >= 3, 10_000, 'm1..m3 processed').catch(() => {});
      await c.close();
    },
  },
  deliveryLimitCase('nack-requeue-delivery-limit', 'nack', 'quorum queue, x-delivery-limit 3, m1 always nacked with requeue: 4 deliveries (redelivered false, then true x3; x-delivery-count 1,2,3), then dead-lettered'),
  deliveryLimitCase('reject-requeue-delivery-limit', 'reject', 'the same with basic.reject requeue=true (--requeue-method reject): it counts toward x-delivery-limit as a nack does before 4.3 (and alone does on 4.3): 4 deliveries, then dead-lettered'),
  {
    name: 'reject-to-dead-letter',
    expect: { lost: [], redelivered: { m1: [false], m2: [false], m3: [false] }, deadLettered: ['m2'], processed: ['m1', 'm3'] },
    claim: 'basic.reject requeue=false of m2 with a dead-letter exchange: m2 is dead-lettered, the others processed',
    compare: ['lost', 'redelivered', 'deadLettered', 'processed'],
    sim: {
      // basic.reject at the first failure: the presets' processingRetries would nack-requeue it 3 times first.
      settings: { ...classicAtLeastOnce, onError: 'dead-letter', processingRetries: 0, deadLetterExchange: true },
      workload: { messages: 3 },
      faults: [{ kind: 'processing-error', message: 'm2', deliveries: 'always' }],
    },
    async real(ctx, rec) {
      const { dlq, args } = await deadLetterSetup(ctx);
      const q = await ctx.queue('q', { durable: true, arguments: args });
      const dl = await watchDeadLetters(ctx.conn, dlq, rec);
      const c = await consume(ctx.conn, q, rec, { decide: (id) => (id === 'm2' ? 'reject' : 'ack') });
      await publish(ctx.conn, rec, ids(3), toQueue(q), () => ({ persistent: true }));
      await until(() => rec.processed.length >= 2 && rec.deadLettered.length >= 1, 10_000, 'm1, m3 processed and m2 dead-lettered').catch(() => {});
      await c.close();
      await dl.close();
    },
  },
  {
    name: 'reject-without-dead-letter-exchange',
    expect: { lost: ['m2'], redelivered: { m1: [false], m2: [false], m3: [false] }, deadLettered: [], processed: ['m1', 'm3'] },
    claim: 'basic.reject requeue=false of m2 without a dead-letter exchange: m2 is dropped (lost)',
    compare: ['lost', 'redelivered', 'deadLettered', 'processed'],
    sim: {
      settings: { ...classicAtLeastOnce, onError: 'dead-letter', processingRetries: 0, deadLetterExchange: false },
      workload: { messages: 3 },
      faults: [{ kind: 'processing-error', message: 'm2', deliveries: 'always' }],
    },
    async real(ctx, rec) {
      const q = await ctx.queue('q', { durable: true });
      const c = await consume(ctx.conn, q, rec, { decide: (id) => (id === 'm2' ? 'reject' : 'ack') });
      await publish(ctx.conn, rec, ids(3), toQueue(q), () => ({ persistent: true }));
      await until(() => rec.processed.length >= 2, 10_000, 'm1, m3 processed').catch(() => {});
      await sleep(300); // a dropped m2 must not turn up anywhere
      await c.close();
    },
  },
  {
    name: 'ttl-dead-letter-head-of-line',
    expect: { lost: [], lateDelivery: true },
    claim: 'per-message TTL + DLX on a classic queue: m1 (1000 ms) then m2 (100 ms); both reach the DLX at ~1000 ms, m2 late (head-of-line expiry)',
    compare: ['lost', 'lateDelivery'],
    sim: { scenario: 'ttl-dlx-delay-head-of-line' },
    async real(ctx, rec) {
      const { dlq, args } = await deadLetterSetup(ctx);
      const q = await ctx.queue('q', { arguments: args });
      const t0 = performance.now();
      const dl = await watchDeadLetters(ctx.conn, dlq, rec, t0);
      await publish(ctx.conn, rec, ids(2), toQueue(q), (id) => ({ expiration: id === 'm1' ? '1000' : '100' }));
      await until(() => rec.deadLettered.length >= 2, 5000, 'm1, m2 dead-lettered').catch(() => {});
      await dl.close();
      // A TTL delay's "processing" is its arrival at the dead-letter queue.
      for (const id of rec.deadLettered) rec.done(id);
      rec.deadLettered.length = 0;
      rec.lateDelivery = (dl.arrivals.m2 ?? Infinity) > 100 + 400;
      rec.note = `arrived at the DLQ after ${JSON.stringify(dl.arrivals)} ms`;
    },
  },
  ...['drop-head', 'reject-publish'].map((overflow) => ({
    name: `max-length-${overflow}`,
    claim:
      overflow === 'drop-head'
        ? 'x-max-length 5, x-overflow drop-head, 20 confirmed publishes in a burst, a slow consumer (prefetch 1): all 20 confirmed, m2..m15 silently dropped'
        : 'x-max-length 5, x-overflow reject-publish, 20 publishes in a burst, a slow consumer: the broker nacks the overflow, the publisher re-publishes, nothing is lost',
    compare: overflow === 'drop-head' ? ['confirmed', 'nacked', 'lost', 'processed'] : ['nackedAny', 'lost'],
    expect:
      overflow === 'drop-head'
        ? { confirmed: 20, nacked: 0, lost: ids(15).slice(1), processed: ['m1', ...ids(20).slice(15)] }
        : { nackedAny: true, lost: [] },
    sim: {
      // The real queue has no dead-letter exchange (drop-head drops); the real publisher re-publishes the nacked
      // ones every 150 ms, up to 100 rounds.
      settings: { ...classicAtLeastOnce, maxLength: 5, overflow, processingMs: 300, deadLetterExchange: false, republishBackoffMs: 150 },
      workload: { messages: 20, burst: 20 },
    },
    async real(ctx, rec) {
      const q = await ctx.queue('q', { durable: true, arguments: { 'x-max-length': 5, 'x-overflow': overflow } });
      const c = await consume(ctx.conn, q, rec, { processingMs: 300 });
      let pending = ids(20);
      for (let round = 0; pending.length > 0 && round < 100; round++) {
        if (round > 0) await sleep(150);
        pending = (await publish(ctx.conn, rec, pending, toQueue(q), () => ({ persistent: true }))).nacked;
        if (overflow === 'drop-head') break;
      }
      await until(() => rec.processed.length >= (overflow === 'drop-head' ? 6 : 20), 15_000, 'the queue drained').catch(() => {});
      await sleep(400);
      await c.close();
    },
  })),
  ...[true, false].map((mandatory) => ({
    name: mandatory ? 'unroutable-mandatory-returned' : 'unroutable-silently-dropped',
    claim: mandatory
      ? 'm1 is published with a routing key no queue is bound to, mandatory=true: it comes back by basic.return (and is confirmed)'
      : 'm1 is published with a routing key no queue is bound to, mandatory=false: it vanishes (and is confirmed)',
    compare: ['returned', 'confirmed', 'processed'],
    expect: { returned: mandatory ? ['m1'] : [], confirmed: 2, processed: ['m2'] },
    // The real publisher does not re-publish a returned message, and keeps no outbox (whose relay would).
    // The real m1 is unroutable by its own routing key, not by a missing binding: a window that ends before m2 is published.
    sim: { settings: { ...classicAtLeastOnce, mandatory, publishRetries: 0, producerBuffer: 'memory' }, workload: { messages: 2 }, faults: [{ kind: 'unroutable', message: 'm1', durationMs: 1 }] },
    async real(ctx, rec) {
      const x = await ctx.exchange('x', 'direct');
      const q = await ctx.queue('q', { durable: true });
      await ctx.admin.bindQueue(q, x, 'bound');
      const c = await consume(ctx.conn, q, rec);
      await publish(ctx.conn, rec, ids(2), (id) => [x, id === 'm1' ? 'nowhere' : 'bound'], () => ({ persistent: true, mandatory }));
      await until(() => rec.processed.length >= 1, 5000, 'm2 processed').catch(() => {});
      await sleep(200);
      await c.close();
    },
  })),
  {
    name: 'node-restart',
    claim: 'the node restarts with m1 enqueued and no consumer yet',
    variants: {
      'restart-durable-persistent': { claim: 'durable classic queue, persistent m1: kept', durable: true, persistent: true, queueType: 'classic', expect: KEPT },
      'restart-durable-transient': { claim: 'durable classic queue, transient m1: lost', durable: true, persistent: false, queueType: 'classic', expect: GONE },
      'restart-non-durable-persistent': { claim: 'non-durable classic queue, persistent m1: the queue and m1 are gone', durable: false, persistent: true, queueType: 'classic', expect: GONE },
      'restart-quorum-transient': { claim: 'quorum queue, transient m1: kept (a quorum queue writes every message)', durable: true, persistent: false, queueType: 'quorum', expect: KEPT },
    },
    // The real m1 is confirmed (on disk, or on a quorum majority) before the restart and never re-published; the
    // simulator's node restarts right after the enqueue, so writes take no time and nothing is re-published (no
    // retries, and no outbox whose relay would re-publish what the publisher gave up: the real publisher keeps none).
    variantSim: (v) => ({
      settings: { publisherConfirms: true, publishRetries: 0, producerBuffer: 'memory', persistDelayMs: 0, replicationDelayMs: 0, persistent: v.persistent, durable: v.durable, queueType: v.queueType, autoAck: false, prefetch: 1 },
      workload: { messages: 1 },
      faults: [{ kind: 'broker-restart', message: 'm1' }],
    }),
    compare: ['lost', 'processed'],
    async real(ctx, _rec, { restart }) {
      const queues = {};
      for (const [name, v] of Object.entries(this.variants)) {
        const args = v.queueType === 'quorum' ? { 'x-queue-type': 'quorum' } : {};
        queues[name] = await ctx.queue(name, { durable: v.durable, arguments: args });
      }
      const recs = {};
      for (const [name, v] of Object.entries(this.variants)) {
        recs[name] = new Recorder(['m1']);
        await publish(ctx.conn, recs[name], ['m1'], toQueue(queues[name]), () => ({ persistent: v.persistent }));
      }
      restart(); // every connection of the case is closed by the broker here
      for (const name of Object.keys(this.variants)) {
        const c = await consumeAfterRestart(ctx, queues[name], recs[name]);
        await until(() => recs[name].processed.length >= 1, 3000, 'm1').catch(() => {});
        await c?.close();
      }
      return recs;
    },
  },
  {
    name: 'competing-consumers',
    expect: { lost: [], byConsumer: { c1: ['m1', 'm3', 'm5'], c2: ['m2', 'm4', 'm6'] } },
    claim: 'two consumers on one queue (prefetch 10): round-robin, one gets m1 m3 m5 and the other m2 m4 m6 (compared as a split: which one the broker serves first is a registration race)',
    compare: ['lost', 'byConsumer'],
    sim: { settings: { ...classicAtLeastOnce, prefetch: 10 }, topology: { consumers: 2 }, workload: { messages: 6 } },
    real: (ctx, rec) => twoConsumers(ctx, rec, {}),
  },
  {
    name: 'single-active-consumer',
    expect: { lost: [], byConsumer: { c1: ids(6), c2: [] }, processed: ids(6) },
    claim: 'x-single-active-consumer with two consumers (prefetch 10): the first registered gets every message, in order; the other stands by',
    compare: ['lost', 'byConsumer', 'processed'],
    sim: { settings: { ...classicAtLeastOnce, prefetch: 10, singleActiveConsumer: true }, topology: { consumers: 2 }, workload: { messages: 6 } },
    real: (ctx, rec) => twoConsumers(ctx, rec, { 'x-single-active-consumer': true }),
  },
  {
    name: 'single-active-consumer-failover',
    expect: { lost: [], redelivered: { m1: [false], m2: [false, true], m3: [false], m4: [false] }, processed: ids(4) },
    claim: 'x-single-active-consumer: the active consumer is SIGKILLed while processing m2; the standby one takes over, gets m2 back with redelivered=true, then m3 and m4: nothing lost, the order kept',
    compare: ['lost', 'redelivered', 'processed'],
    // Seed 1's first registered consumer (the active one) is g1/c2: the crash strikes it.
    sim: { settings: { ...classicAtLeastOnce, singleActiveConsumer: true }, topology: { consumers: 2 }, workload: { messages: 4 }, faults: [{ kind: 'consumer-crash', consumer: 'g1/c2', message: 'm2', delivery: 1, point: 'mid-process' }] },
    async real(ctx, rec) {
      const q = await ctx.queue('q', { durable: true, arguments: { 'x-single-active-consumer': true } });
      // The child registers first: it is the active consumer; the one here stands by until the child dies.
      const child = await childConsumer(q, rec, { prefetch: 1, processingMs: 300 });
      const standby = await consume(await ctx.connection(), q, rec, { consumer: 'c2' });
      await publish(ctx.conn, rec, ids(4), toQueue(q), () => ({ persistent: true }));
      await child.killAt('m2');
      await until(() => rec.processed.length >= 4, 10_000, 'm1..m4 processed').catch(() => {});
      await standby.close();
    },
  },
  {
    name: 'fanout-two-queues',
    expect: { lost: [], byQueue: { g1: ids(4), g2: ids(4) } },
    claim: 'a fanout exchange to two queues (two groups): each queue gets every message, in order',
    compare: ['lost', 'byQueue'],
    sim: { settings: classicAtLeastOnce, topology: { groups: 2 }, workload: { messages: 4 } },
    async real(ctx, rec) {
      const x = await ctx.exchange('fanout', 'fanout');
      const q1 = await ctx.queue('g1', { durable: true });
      const q2 = await ctx.queue('g2', { durable: true });
      await ctx.admin.bindQueue(q1, x, '');
      await ctx.admin.bindQueue(q2, x, '');
      const c1 = await consume(ctx.conn, q1, rec, { group: 'g1' });
      const c2 = await consume(await ctx.connection(), q2, rec, { group: 'g2' });
      await publish(ctx.conn, rec, ids(4), () => [x, ''], () => ({ persistent: true }));
      await until(() => rec.processed.length >= 8, 5000, 'm1..m4 processed from both queues').catch(() => {});
      await c1.close();
      await c2.close();
    },
  },
];

/** Cases the real broker cannot run here, with why. */
export const SKIPPED = [
  {
    name: 'delayed-message-exchange',
    why: "x-delay needs the rabbitmq_delayed_message_exchange plugin, which Debian's rabbitmq-server package does not ship (a community plugin); the TTL + dead-letter pattern is covered by ttl-dead-letter-head-of-line",
  },
];

/** Every (name, claim, sim, compare, expect) a case yields: itself, or one per variant. */
export function subCases(c) {
  if (!c.variants) return [{ name: c.name, claim: c.claim, sim: c.sim, compare: c.compare, expect: c.expect }];
  return Object.entries(c.variants).map(([name, v]) => ({ name, claim: `${c.claim}; ${v.claim}`, sim: c.variantSim(v), compare: c.compare, expect: v.expect }));
}

export { ids };
