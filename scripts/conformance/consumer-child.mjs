// A consumer in a process of its own, so a case can kill it with SIGKILL in the middle of processing.
// argv: url queue prefetch noAck(true|false) processingMs. Writes one JSON line per event to stdout:
// {"ev":"start","id","redelivered"} when it starts processing a message, {"ev":"done","id"} once processed
// (and acked, unless noAck). It processes one message at a time, in delivery order.
import amqp from 'amqplib';

const [url, queue, prefetch, noAck, processingMs] = process.argv.slice(2);
const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const backlog = [];
let busy = false;

const conn = await amqp.connect(url, { timeout: 5000 });
const ch = await conn.createChannel();
await ch.prefetch(Number(prefetch));
await ch.consume(
  queue,
  (m) => {
    if (m === null) return;
    backlog.push(m);
    void next();
  },
  { noAck: noAck === 'true' },
);
say({ ev: 'ready' });

async function next() {
  if (busy || backlog.length === 0) return;
  busy = true;
  const m = backlog.shift();
  say({ ev: 'start', id: m.properties.messageId, redelivered: m.fields.redelivered });
  await new Promise((resolve) => setTimeout(resolve, Number(processingMs)));
  if (noAck !== 'true') ch.ack(m);
  say({ ev: 'done', id: m.properties.messageId });
  busy = false;
  void next();
}
// The parent ends this process; never outlive it by more than a minute.
setTimeout(() => process.exit(0), 60_000).unref();
process.on('SIGTERM', () => process.exit(0));
