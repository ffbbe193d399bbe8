/**
 * The producer applications' messages: ids, keys (drawn from the `workload` stream), partitions, which producer
 * hands each over, and when. Message i goes to producer i mod N; a burst hands the first messages over at once.
 */
import type { RandomStreams } from '../sim/random.js';
import type { WorkloadSettings } from './settings/common.js';
import { producerId } from './topology.js';
import { arrayOf } from './arrays.js';

export interface WorkloadMessage {
  /** m1, m2, ... in hand-over order. */
  id: string;
  index: number;
  key: string;
  partition: number;
  /** The producer instance that hands it over (p1, p2, ...). */
  producer: string;
  /**
   * What per-key order is judged on: the key, or with several producers the producer and the key (a producer
   * sends its own messages in order; nothing orders two producers' sends of one key).
   */
  orderKey: string;
  /** Position of this message among its order key's messages (0-based): the order the DB must apply them in. */
  keySeq: number;
  /** Virtual time (µs) at which the application hands it to the producer. */
  handoverUs: number;
}

export function generateWorkload(workload: WorkloadSettings, streams: RandomStreams, producers = 1): WorkloadMessage[] {
  const rng = streams.stream('workload');
  // Per (producer, key): how many of its messages came before, and its order key; one string each, shared by its
  // messages (equal strings either way; building them per message was a visible share of a short run).
  const seen = new Array<number>(producers * workload.keys).fill(0);
  const orderKeys: string[] = [];
  const messages: WorkloadMessage[] = [];
  const keyNames: string[] = [];
  const producerNames = arrayOf(producers, producerId);
  const burst = Math.max(workload.burst, 1);
  for (let index = 0; index < workload.messages; index++) {
    const keyIndex = rng.intBetween(0, workload.keys - 1);
    const key = (keyNames[keyIndex] ??= `k${keyIndex}`);
    const producer = producerNames[index % producers];
    const slot = (index % producers) * workload.keys + keyIndex;
    const orderKey = (orderKeys[slot] ??= producers === 1 ? key : `${producer}/${key}`);
    const keySeq = seen[slot]++;
    messages.push({
      id: `m${index + 1}`,
      index,
      key,
      // A stable function of the key, like Kafka's default partitioner; fewer keys than partitions are spread over
      // the whole range (key i of K on partition floor(i * P / K)), so every range of partitions gets some.
      partition: workload.keys >= workload.partitions ? keyIndex % workload.partitions : Math.floor((keyIndex * workload.partitions) / workload.keys),
      producer,
      orderKey,
      keySeq,
      handoverUs: index < burst ? 0 : Math.round((index - burst + 1) * workload.produceIntervalMs * 1000),
    });
  }
  return messages;
}

/**
 * The messages one producer hands over, in workload order: the workload itself when they are all its own (one
 * producer: no copy of a million-message array).
 */
export function shareOf(workload: readonly WorkloadMessage[], producer: string): readonly WorkloadMessage[] {
  return workload.every((message) => message.producer === producer) ? workload : workload.filter((message) => message.producer === producer);
}

/** Per workload: each id's first position, and per position the first position holding the same id. */
export interface WorkloadIndex {
  /** The first position of the message with this id, or -1. */
  readonly positionOf: (msgId: string) => number;
  /** Per position: the first position holding the same id (ids are unique in practice; this keeps repeats exact). */
  readonly canon: Int32Array;
  /** Per canonical position: the last position holding that id (the message a lookup by id finds). */
  readonly last: Int32Array;
}

/**
 * The last workload indexed and its index. One entry is enough: a run's checkers and lag all ask about the same
 * workload, one after the other. (It was a WeakMap: an entry per run with a short-lived key, which the young
 * generation's GC had to process as an ephemeron at every scavenge.)
 */
let lastWorkload: readonly WorkloadMessage[] | undefined;
let lastIndex: WorkloadIndex | undefined;

/**
 * The workload's id index, built once per workload array and shared by the checkers and the lag (each used to
 * build its own map of ids: a large share of a short run's time). Workload arrays are not mutated after generation.
 */
export function workloadIndex(workload: readonly WorkloadMessage[]): WorkloadIndex {
  if (workload === lastWorkload && lastIndex !== undefined && lastIndex.canon.length === workload.length) return lastIndex;
  const index = isGenerated(workload) ? generatedIndex(workload.length) : mappedIndex(workload);
  lastWorkload = workload;
  lastIndex = index;
  return index;
}

/** The number in `m<n>` (n >= 1), or -1 for any other id: no string is built, no map is asked. */
export function idNumber(msgId: string): number {
  if (msgId.length < 2 || msgId.length > 16 || msgId.charCodeAt(0) !== 109 /* m */ || msgId.charCodeAt(1) === 48 /* no leading 0 */) return -1;
  let n = 0;
  for (let at = 1; at < msgId.length; at++) {
    const digit = msgId.charCodeAt(at) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/** Ids m1..mN in order, as generateWorkload makes them: a message's position is its number less one. */
function isGenerated(workload: readonly WorkloadMessage[]): boolean {
  for (let position = 0; position < workload.length; position++) if (idNumber(workload[position].id) !== position + 1) return false;
  return true;
}

const identities = new Map<number, Int32Array>();

function generatedIndex(length: number): WorkloadIndex {
  let identity = identities.get(length);
  if (identity === undefined) {
    identity = Int32Array.from({ length }, (_, position) => position);
    if (identities.size < 64) identities.set(length, identity);
  }
  return {
    positionOf: (msgId) => {
      const n = idNumber(msgId);
      return n >= 1 && n <= length ? n - 1 : -1;
    },
    canon: identity,
    last: identity,
  };
}

/** Any other workload (hand-built in tests, ids repeated): a map of ids. */
function mappedIndex(workload: readonly WorkloadMessage[]): WorkloadIndex {
  const positionOfId = new Map<string, number>();
  const canon = new Int32Array(workload.length);
  const last = new Int32Array(workload.length);
  for (let position = 0; position < workload.length; position++) {
    const id = workload[position].id;
    const first = positionOfId.get(id);
    if (first === undefined) positionOfId.set(id, position);
    canon[position] = first ?? position;
    last[canon[position]] = position;
  }
  return { positionOf: (msgId) => positionOfId.get(msgId) ?? -1, canon, last };
}
