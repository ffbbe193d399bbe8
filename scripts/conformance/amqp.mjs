// Small, bounded helpers over amqplib for the real-broker side: every wait has a time limit, every queue and
// exchange a case declares is named uniquely for the run and deleted at the end.
import amqp from 'amqplib';

export const AMQP_URL = process.env.CONFORMANCE_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Reject after `ms` with a one-line reason, so no step can hang the run. */
export function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolve when `check()` holds, polling; reject after `ms`. */
export async function until(check, ms, what) {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

export async function connect() {
  const conn = await within(amqp.connect(AMQP_URL, { timeout: 5000 }), 10_000, `connect to ${AMQP_URL}`);
  // A closed connection is part of several cases; an 'error' event must not crash the run.
  conn.on('error', () => {});
  return conn;
}

/**
 * One case's broker context: a connection, unique names (prefix-run-case-suffix), and the list of what it
 * declared, deleted by cleanup() whatever happened.
 */
export async function caseContext(runId, caseName) {
  const conns = [await connect()];
  const declared = { queues: new Set(), exchanges: new Set() };
  const admin = await conns[0].createChannel();
  admin.on('error', () => {});
  const name = (suffix) => `conformance.${runId}.${caseName}.${suffix}`;
  return {
    name,
    conn: conns[0],
    admin,
    async connection() {
      const conn = await connect();
      conns.push(conn);
      return conn;
    },
    async queue(suffix, options = {}) {
      const q = name(suffix);
      await within(admin.assertQueue(q, { durable: false, autoDelete: false, ...options }), 10_000, `declare queue ${q}`);
      declared.queues.add(q);
      return q;
    },
    async exchange(suffix, type, options = {}) {
      const x = name(suffix);
      await within(admin.assertExchange(x, type, { durable: false, autoDelete: false, ...options }), 10_000, `declare exchange ${x}`);
      declared.exchanges.add(x);
      return x;
    },
    /** Remember a name declared elsewhere (another connection, a child process) for cleanup. */
    track(kind, declaredName) {
      declared[kind].add(declaredName);
    },
    async cleanup() {
      const conn = await connect().catch(() => undefined);
      if (conn) {
        for (const q of declared.queues) await deleteIgnoringErrors(conn, (ch) => ch.deleteQueue(q));
        for (const x of declared.exchanges) await deleteIgnoringErrors(conn, (ch) => ch.deleteExchange(x));
        conns.push(conn);
      }
      for (const c of conns) await within(c.close(), 5000, 'close connection').catch(() => {});
    },
  };
}

// A failed delete closes its channel, so each delete gets a channel of its own.
async function deleteIgnoringErrors(conn, op) {
  try {
    const ch = await conn.createChannel();
    ch.on('error', () => {});
    await within(op(ch), 5000, 'delete');
    await ch.close().catch(() => {});
  } catch {
    // already gone (a non-durable queue after a restart, an auto-deleted one)
  }
}

export const msgId = (i) => `m${i}`;
export const body = (id) => Buffer.from(JSON.stringify({ id }));

/**
 * Publish m1..mN on a confirm channel; resolves with { confirmed, nacked } (message ids) once every publish is
 * answered. `route(id)` gives [exchange, routingKey], `options(id)` the publish properties.
 */
export async function publishConfirmed(conn, ids, route, options = () => ({}), ms = 10_000) {
  const ch = await conn.createConfirmChannel();
  ch.on('error', () => {});
  const returned = [];
  ch.on('return', (m) => returned.push(m.properties.messageId));
  const answers = ids.map(
    (id) =>
      new Promise((resolve) => {
        const [exchange, key] = route(id);
        ch.publish(exchange, key, body(id), { messageId: id, ...options(id) }, (err) => resolve({ id, ok: !err }));
      }),
  );
  const results = await within(Promise.all(answers), ms, `confirms for ${ids.length} publishes`);
  await sleep(50); // a basic.return precedes its confirm; give the event loop a turn to deliver it
  await ch.close().catch(() => {});
  return { confirmed: results.filter((r) => r.ok).map((r) => r.id), nacked: results.filter((r) => !r.ok).map((r) => r.id), returned };
}

/** Consume `queue` for a while and return its messages in arrival order ({ id, redelivered, deliveryCount }). */
export async function drain(conn, queue, { expect, ms = 5000 } = {}) {
  const ch = await conn.createChannel();
  ch.on('error', () => {});
  const got = [];
  await ch.consume(queue, (m) => {
    if (m === null) return;
    got.push(delivery(m));
    ch.ack(m);
  });
  if (expect !== undefined) await until(() => got.length >= expect, ms, `${expect} messages on ${queue}`).catch(() => {});
  else await sleep(ms);
  await ch.close().catch(() => {});
  return got;
}

export function delivery(m) {
  const count = m.properties.headers?.['x-delivery-count'];
  return { id: m.properties.messageId, redelivered: m.fields.redelivered, ...(count === undefined ? {} : { deliveryCount: Number(count) }) };
}
