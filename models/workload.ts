/**
 * The producer applications' messages: ids, keys (drawn from the `workload` stream), partitions, which producer
 * hands each over, and when. Message i goes to producer i mod N; a burst hands the first messages over at once.
 */
import type { RandomStreams } from '../sim/random.js';
import type { WorkloadSettings } from './settings/common.js';
import { producerId } from './topology.js';
import { arrayOf } from './arrays.js';
import { canonicalNumber } from './name-column.js';

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

/**
 * The messages of a run by position, whether a run's columns (generateWorkload) or an array of objects (a checker's
 * hand-written input, a user's). Readers that go over every message use the accessors; `at` builds the object.
 */
export interface Workload {
  readonly length: number;
  /** The message at `position` as an object (a generated workload builds a new one at each call). */
  at(position: number): WorkloadMessage;
  idAt(position: number): string;
  indexAt(position: number): number;
  keyAt(position: number): string;
  partitionAt(position: number): number;
  producerAt(position: number): string;
  orderKeyAt(position: number): string;
  keySeqAt(position: number): number;
  handoverUsAt(position: number): number;
}

/**
 * A generated workload in columns: per message only its key's number and its position among its order key's
 * messages (8 bytes); the rest is a function of the position and the settings. As objects the messages took about
 * 110 bytes each (eight fields and an id string): at a million messages the largest thing a run kept.
 */
class GeneratedWorkload implements Workload {
  constructor(
    readonly length: number,
    private readonly keyNumbers: Int32Array,
    private readonly keySeqs: Int32Array,
    private readonly keyNames: readonly string[],
    private readonly producerNames: readonly string[],
    /** By (producer, key) slot: the order key, one string shared by its messages. */
    private readonly orderKeys: readonly string[],
    private readonly settings: Pick<WorkloadSettings, 'keys' | 'partitions' | 'produceIntervalMs'> & { readonly burst: number },
  ) {}

  at(position: number): WorkloadMessage {
    if (!(position >= 0 && position < this.length)) throw new RangeError(`no message at position ${position} of ${this.length}`);
    return { id: this.idAt(position), index: position, key: this.keyAt(position), partition: this.partitionAt(position), producer: this.producerAt(position), orderKey: this.orderKeyAt(position), keySeq: this.keySeqs[position], handoverUs: this.handoverUsAt(position) };
  }

  idAt(position: number): string {
    return `m${position + 1}`;
  }

  indexAt(position: number): number {
    return position;
  }

  keyAt(position: number): string {
    return this.keyNames[this.keyNumbers[position]];
  }

  partitionAt(position: number): number {
    const { keys, partitions } = this.settings;
    const keyNumber = this.keyNumbers[position];
    // A stable function of the key, like Kafka's default partitioner; fewer keys than partitions are spread over
    // the whole range (key i of K on partition floor(i * P / K)), so every range of partitions gets some.
    return keys >= partitions ? keyNumber % partitions : Math.floor((keyNumber * partitions) / keys);
  }

  producerAt(position: number): string {
    return this.producerNames[position % this.producerNames.length];
  }

  orderKeyAt(position: number): string {
    return this.orderKeys[(position % this.producerNames.length) * this.settings.keys + this.keyNumbers[position]];
  }

  keySeqAt(position: number): number {
    return this.keySeqs[position];
  }

  handoverUsAt(position: number): number {
    const { burst, produceIntervalMs } = this.settings;
    return position < burst ? 0 : Math.round((position - burst + 1) * produceIntervalMs * 1000);
  }
}

export function generateWorkload(workload: WorkloadSettings, streams: RandomStreams, producers = 1): Workload {
  const rng = streams.stream('workload');
  // Per (producer, key): how many of its messages came before, and its order key; one string each, shared by its
  // messages (equal strings either way; building them per message was a visible share of a short run).
  const seen = new Array<number>(producers * workload.keys).fill(0);
  const orderKeys: string[] = [];
  const keyNames: string[] = [];
  const producerNames = arrayOf(producers, producerId);
  const keyNumbers = new Int32Array(workload.messages);
  const keySeqs = new Int32Array(workload.messages);
  for (let index = 0; index < workload.messages; index++) {
    const keyIndex = rng.intBetween(0, workload.keys - 1);
    const key = (keyNames[keyIndex] ??= `k${keyIndex}`);
    const slot = (index % producers) * workload.keys + keyIndex;
    orderKeys[slot] ??= producers === 1 ? key : `${producerNames[index % producers]}/${key}`;
    keyNumbers[index] = keyIndex;
    keySeqs[index] = seen[slot]++;
  }
  return new GeneratedWorkload(workload.messages, keyNumbers, keySeqs, keyNames, producerNames, orderKeys, { keys: workload.keys, partitions: workload.partitions, produceIntervalMs: workload.produceIntervalMs, burst: Math.max(workload.burst, 1) });
}

/** An array of message objects read as a Workload: `at` gives the array's own objects. */
class WorkloadArray implements Workload {
  constructor(readonly messages: readonly WorkloadMessage[]) {}

  get length(): number {
    return this.messages.length;
  }

  at(position: number): WorkloadMessage {
    const message = this.messages[position];
    if (message === undefined) throw new RangeError(`no message at position ${position} of ${this.messages.length}`);
    return message;
  }

  idAt(position: number): string {
    return this.messages[position].id;
  }

  indexAt(position: number): number {
    return this.messages[position].index;
  }

  keyAt(position: number): string {
    return this.messages[position].key;
  }

  partitionAt(position: number): number {
    return this.messages[position].partition;
  }

  producerAt(position: number): string {
    return this.messages[position].producer;
  }

  orderKeyAt(position: number): string {
    // Hand-written messages from before order keys have none: their key is their order key.
    return this.messages[position].orderKey ?? this.messages[position].key;
  }

  keySeqAt(position: number): number {
    return this.messages[position].keySeq;
  }

  handoverUsAt(position: number): number {
    return this.messages[position].handoverUs;
  }
}

/** Some of a workload's messages, in its order (a producer's share): position i is the base's `positions[i]`. */
class WorkloadSubset implements Workload {
  constructor(
    private readonly base: Workload,
    private readonly positions: Int32Array,
  ) {}

  get length(): number {
    return this.positions.length;
  }

  at(position: number): WorkloadMessage {
    if (!(position >= 0 && position < this.positions.length)) throw new RangeError(`no message at position ${position} of ${this.positions.length}`);
    return this.base.at(this.positions[position]);
  }

  idAt(position: number): string {
    return this.base.idAt(this.positions[position]);
  }

  indexAt(position: number): number {
    return this.base.indexAt(this.positions[position]);
  }

  keyAt(position: number): string {
    return this.base.keyAt(this.positions[position]);
  }

  partitionAt(position: number): number {
    return this.base.partitionAt(this.positions[position]);
  }

  producerAt(position: number): string {
    return this.base.producerAt(this.positions[position]);
  }

  orderKeyAt(position: number): string {
    return this.base.orderKeyAt(this.positions[position]);
  }

  keySeqAt(position: number): number {
    return this.base.keySeqAt(this.positions[position]);
  }

  handoverUsAt(position: number): number {
    return this.base.handoverUsAt(this.positions[position]);
  }
}

/** The last array read as a Workload, and its view: a run's checkers each ask for the same one. */
let lastArray: readonly WorkloadMessage[] | undefined;
let lastArrayView: WorkloadArray | undefined;

/** A workload given as an array of messages or as a Workload, read as a Workload (the same view for the same array). */
export function workloadOf(workload: readonly WorkloadMessage[] | Workload): Workload {
  if (!Array.isArray(workload)) return workload as Workload;
  if (workload !== lastArray || lastArrayView === undefined) {
    lastArray = workload;
    lastArrayView = new WorkloadArray(workload);
  }
  return lastArrayView;
}

/** Every message as an object, in workload order (an array given as such is returned as it is). */
export function messagesOf(workload: readonly WorkloadMessage[] | Workload): WorkloadMessage[] {
  if (Array.isArray(workload)) return workload as WorkloadMessage[];
  if (workload instanceof WorkloadArray) return workload.messages as WorkloadMessage[];
  const view = workload as Workload;
  const messages = new Array<WorkloadMessage>(view.length);
  for (let position = 0; position < view.length; position++) messages[position] = view.at(position);
  return messages;
}

/** The messages at positions [from, to) as objects (to past the end: up to the end). */
export function sliceOf(workload: Workload, from: number, to: number): WorkloadMessage[] {
  const messages: WorkloadMessage[] = [];
  for (let position = from; position < Math.min(to, workload.length); position++) messages.push(workload.at(position));
  return messages;
}

/**
 * The messages one producer hands over, in workload order: the workload itself when they are all its own (one
 * producer: no copy of a million-message workload).
 */
export function shareOf(workload: Workload, producer: string): Workload {
  const positions: number[] = [];
  for (let position = 0; position < workload.length; position++) if (workload.producerAt(position) === producer) positions.push(position);
  return positions.length === workload.length ? workload : new WorkloadSubset(workload, Int32Array.from(positions));
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
let lastWorkload: Workload | undefined;
let lastIndex: WorkloadIndex | undefined;

/**
 * The workload's id index, built once per workload and shared by the checkers and the lag (each used to build its
 * own map of ids: a large share of a short run's time). A workload is not changed after generation.
 */
export function workloadIndex(given: readonly WorkloadMessage[] | Workload): WorkloadIndex {
  const workload = workloadOf(given);
  if (workload === lastWorkload && lastIndex !== undefined && lastIndex.canon.length === workload.length) return lastIndex;
  const index = workload instanceof GeneratedWorkload || isGenerated(workload) ? generatedIndex(workload.length) : mappedIndex(workload);
  lastWorkload = workload;
  lastIndex = index;
  return index;
}

/** The number in `m<n>` (n >= 1, at most 2^31 - 1), or -1 for any other id: no string is built, no map is asked. */
export function idNumber(msgId: string): number {
  return canonicalNumber(msgId, 109 /* m */, 1);
}

/** Ids m1..mN in order, as generateWorkload makes them: a message's position is its number less one. */
function isGenerated(workload: Workload): boolean {
  for (let position = 0; position < workload.length; position++) if (idNumber(workload.idAt(position)) !== position + 1) return false;
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
function mappedIndex(workload: Workload): WorkloadIndex {
  const positionOfId = new Map<string, number>();
  const canon = new Int32Array(workload.length);
  const last = new Int32Array(workload.length);
  for (let position = 0; position < workload.length; position++) {
    const id = workload.idAt(position);
    const first = positionOfId.get(id);
    if (first === undefined) positionOfId.set(id, position);
    canon[position] = first ?? position;
    last[canon[position]] = position;
  }
  return { positionOf: (msgId) => positionOfId.get(msgId) ?? -1, canon, last };
}
