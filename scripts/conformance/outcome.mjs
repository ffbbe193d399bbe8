// Observable outcomes, the common language of both sides, and the comparison. Pure: no broker, no simulator.
//
// An outcome is a plain object; a field is present only when its side observed it:
//   lost          message ids handed to the publisher that were never processed, dead-lettered or returned (sorted)
//   deadLettered  message ids that reached the dead-letter queue, in arrival order
//   returned      message ids that came back to the publisher by basic.return (sorted)
//   redelivered   { id: [flag of delivery 1, flag of delivery 2, ...] }: the redelivered flag of every delivery
//   deliveryCount { id: [x-delivery-count of each delivery, null when absent] } (quorum queues)
//   processed     message ids in the order the consumer finished processing them
//   byConsumer    { c1: [ids first delivered to c1, in order], c2: [...] }: competing consumers on one queue,
//                 compared as a split (see consumerSplit): which consumer is called c1 is each side's own naming
//   byQueue       { g1: [ids processed from g1's queue, in order], ... }: a fanout exchange's queues
//   confirmed     publishes the broker confirmed (basic.ack), a count
//   nacked        publishes the broker refused (basic.nack), a count
//   nackedAny     whether the broker refused some publish (when the count depends on real timing)
//   lateDelivery  true when some delayed message was delivered after its due time (head-of-line expiry)
export const FIELDS = ['lost', 'deadLettered', 'returned', 'redelivered', 'deliveryCount', 'processed', 'byConsumer', 'byQueue', 'confirmed', 'nacked', 'nackedAny', 'lateDelivery'];

/** JSON with object keys sorted, so two equal outcomes print (and compare) the same. */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The fields a case compares that differ between the real broker and the simulator. A field the simulator
 * does not report (undefined) is a mismatch too: the comparison cannot be skipped silently.
 */
export function compareOutcomes(real, sim, fields) {
  const mismatches = [];
  for (const field of fields) {
    if (!FIELDS.includes(field)) throw new Error(`unknown outcome field '${field}'`);
    const a = field === 'byConsumer' ? consumerSplit(real[field]) : real[field];
    const b = field === 'byConsumer' ? consumerSplit(sim[field]) : sim[field];
    if (a === undefined) throw new Error(`the real broker's outcome has no '${field}'`);
    if (b === undefined) mismatches.push({ field, real: a, sim: undefined, note: 'the simulator does not report it' });
    else if (canonical(a) !== canonical(b)) mismatches.push({ field, real: a, sim: b });
  }
  return mismatches;
}

/**
 * How messages were split among competing consumers, whatever each side calls them: the lists renamed c1, c2, ...
 * in the order of their first message. A consumer's name is its side's own tag (the real side's consumer tags, the
 * simulator's topology ids), and which one the broker serves first depends on which registered first, a race the
 * simulator decides by its seed's latencies; what RabbitMQ promises, and what is compared, is the round-robin split.
 */
export function consumerSplit(byConsumer) {
  if (byConsumer === undefined) return undefined;
  const lists = Object.values(byConsumer).filter((list) => list.length > 0);
  lists.sort((a, b) => byNumber(a[0], b[0]));
  return Object.fromEntries(lists.map((list, index) => [`c${index + 1}`, list]));
}

/** The real side's bookkeeping while a case runs; outcome() turns it into the fields above. */
export class Recorder {
  constructor(ids) {
    this.ids = ids;
    this.processed = [];
    this.deliveries = new Map();
    this.byConsumer = {};
    this.byQueue = {};
    this.deadLettered = [];
    this.returned = [];
    this.confirmed = 0;
    this.nacked = 0;
    this.lateDelivery = undefined;
  }

  /** A basic.deliver seen by `consumer` (c1, c2...) from `queue` (g1, g2...). */
  delivered({ id, redelivered, deliveryCount }, consumer = 'c1', queue = 'g1') {
    const list = this.deliveries.get(id) ?? [];
    list.push({ redelivered, deliveryCount: deliveryCount ?? null, queue });
    this.deliveries.set(id, list);
    if (!redelivered) (this.byConsumer[consumer] ??= []).push(id);
  }

  done(id, queue = 'g1') {
    this.processed.push(id);
    (this.byQueue[queue] ??= []).push(id);
  }

  outcome() {
    const settled = new Set([...this.processed, ...this.deadLettered, ...this.returned]);
    const redelivered = {};
    const deliveryCount = {};
    for (const [id, list] of this.deliveries) {
      redelivered[id] = list.map((d) => d.redelivered);
      deliveryCount[id] = list.map((d) => d.deliveryCount);
    }
    return {
      lost: this.ids.filter((id) => !settled.has(id)).sort(byNumber),
      deadLettered: [...this.deadLettered],
      returned: [...this.returned].sort(byNumber),
      redelivered,
      deliveryCount,
      processed: [...this.processed],
      byConsumer: this.byConsumer,
      byQueue: this.byQueue,
      confirmed: this.confirmed,
      nacked: this.nacked,
      nackedAny: this.nacked > 0,
      ...(this.lateDelivery === undefined ? {} : { lateDelivery: this.lateDelivery }),
    };
  }
}

/** m2 before m10. */
export function byNumber(a, b) {
  return Number(a.slice(1)) - Number(b.slice(1)) || a.localeCompare(b);
}

/** Only the fields a case compares, for printing. */
export function pick(outcome, fields) {
  return Object.fromEntries(fields.map((f) => [f, outcome[f]]));
}
