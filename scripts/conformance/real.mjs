// Building blocks of the real-broker procedures in cases.mjs: consumers that follow a policy, a consumer in a
// child process that can be SIGKILLed, a dead-letter queue watcher. Every wait is bounded.
import { spawn } from 'node:child_process';
import { AMQP_URL, delivery, sleep, until } from './amqp.mjs';

const CHILD = new URL('./consumer-child.mjs', import.meta.url).pathname;

/**
 * Consume `queue` on a channel of its own, one message at a time in delivery order. decide(id, nth) says what to
 * do with the nth delivery of message id: 'ack' (processed), 'nack' (basic.nack requeue=true), 'reject-requeue'
 * (basic.reject requeue=true) or 'reject' (basic.reject requeue=false). Returns { close }.
 */
export async function consume(conn, queue, rec, { prefetch = 1, consumer = 'c1', group = 'g1', processingMs = 0, decide = () => 'ack' } = {}) {
  const ch = await conn.createChannel();
  ch.on('error', () => {});
  await ch.prefetch(prefetch);
  const seen = new Map();
  let chain = Promise.resolve();
  await ch.consume(queue, (m) => {
    if (m === null) return;
    const d = delivery(m);
    rec.delivered(d, consumer, group);
    const nth = (seen.get(d.id) ?? 0) + 1;
    seen.set(d.id, nth);
    chain = chain.then(async () => {
      if (processingMs > 0) await sleep(processingMs);
      const action = decide(d.id, nth);
      try {
        if (action === 'ack') {
          ch.ack(m);
          rec.done(d.id, group);
        } else if (action === 'nack') ch.nack(m, false, true);
        else if (action === 'reject-requeue') ch.reject(m, true);
        else ch.reject(m, false);
      } catch {
        // the channel closed under us: the broker requeues what it held
      }
    });
  });
  return { close: () => ch.close().catch(() => {}) };
}

/** Record every message reaching the dead-letter queue, with its arrival time (ms since `t0`). */
export async function watchDeadLetters(conn, dlq, rec, t0 = performance.now()) {
  const ch = await conn.createChannel();
  ch.on('error', () => {});
  const arrivals = {};
  await ch.consume(dlq, (m) => {
    if (m === null) return;
    const id = m.properties.messageId;
    rec.deadLettered.push(id);
    arrivals[id] = Math.round(performance.now() - t0);
    ch.ack(m);
  });
  return { arrivals, close: () => ch.close().catch(() => {}) };
}

/**
 * A consumer in a child process. Its 'start' and 'done' events feed the recorder; killAt(id) resolves once the
 * child started processing id and was killed with SIGKILL.
 */
export async function childConsumer(queue, rec, { prefetch = 1, noAck = false, processingMs = 300 } = {}) {
  const child = spawn(process.execPath, [CHILD, AMQP_URL, queue, String(prefetch), String(noAck), String(processingMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events = [];
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines) {
      const e = JSON.parse(line);
      events.push(e);
      if (e.ev === 'start') rec.delivered({ id: e.id, redelivered: e.redelivered });
      if (e.ev === 'done') rec.done(e.id);
    }
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.race([exited, sleep(5000)]);
  };
  try {
    await until(() => events.some((e) => e.ev === 'ready') || child.exitCode !== null, 10_000, 'the child consumer to subscribe');
  } catch (err) {
    await kill();
    throw err;
  }
  if (child.exitCode !== null) throw new Error(`child consumer exited: ${stderr.trim().split('\n').pop()}`);
  return {
    kill,
    async killAt(id, ms = 10_000) {
      try {
        await until(() => events.some((e) => e.ev === 'start' && e.id === id), ms, `the child consumer to start processing ${id}`);
      } finally {
        await kill();
      }
    },
  };
}
