/**
 * The append-only trace: every domain decision, delivery and injected fault, in order.
 * Same seed + same config => the same records, so the same hash.
 *
 * The kernel writes its own few kinds (KernelEvent); a model declares the rest as a typed union and hands it to
 * the World as its Protocol's `event`, so every reader (stories, diagrams) switches over a closed set of kinds.
 *
 * A trace need not be kept to be hashed: with `hash` its records are hashed as they are appended (sim/trace-hash.ts),
 * and with `keepMax` only the first records are kept, so a long run's memory does not grow with its trace.
 */
import { TraceHasher, traceHash } from './trace-hash.js';

export { TraceHasher, traceHash } from './trace-hash.js';

export interface TraceRecord {
  /** Virtual time in microseconds. */
  readonly t: number;
  /** The actor the record is about (or "network", "world", "faults"). */
  readonly actor: string;
  readonly kind: string;
  /** Message id when the record concerns one message (m1, m2, ...). */
  readonly msg?: string;
}

/** What the kernel itself records: crashes and restarts, the heal, link partitions, messages lost, limits. */
export type KernelEvent =
  | { readonly t: number; readonly actor: string; readonly kind: 'crash' }
  | { readonly t: number; readonly actor: string; readonly kind: 'restart' }
  | { readonly t: number; readonly actor: 'world'; readonly kind: 'heal' }
  | { readonly t: number; readonly actor: 'network'; readonly kind: 'partition-start'; readonly link: string; readonly untilUs: number }
  | { readonly t: number; readonly actor: 'network'; readonly kind: 'partition-end'; readonly link: string }
  /** A message sent into a cut link. `type` is the message's own type. */
  | { readonly t: number; readonly actor: 'network'; readonly kind: 'partition-drop'; readonly from: string; readonly to: string; readonly type: string }
  /** A message that arrived at an actor that had crashed since it was sent. */
  | { readonly t: number; readonly actor: 'network'; readonly kind: 'lost-to-crash'; readonly from: string; readonly to: string; readonly type: string }
  | { readonly t: number; readonly actor: 'world'; readonly kind: 'limit-hit'; readonly limit: 'events' | 'virtual-time'; readonly value: number }
  /** After healing, nothing moved the run forward for a while (or nothing was left to run), yet it had not settled. */
  | { readonly t: number; readonly actor: 'world'; readonly kind: 'stalled'; readonly idleSinceUs?: number };

export interface TraceOptions<E extends TraceRecord = TraceRecord> {
  /** Keep at most this many records, the first ones (default: every record). Later ones are counted, hashed, sunk. */
  keepMax?: number;
  /** Hash records as they are appended once they are no longer kept, so the hash is known without them (default: hashed on demand). */
  hash?: boolean;
  /** Stop the run (throw TraceFull) once `keepMax` records are kept: a reader that wants only that prefix. */
  stopWhenFull?: boolean;
  /** Called with every record as it is appended (a trace file streamed as the run goes). */
  sink?(this: void, record: E): void;
}

/** Thrown by append when a trace with `stopWhenFull` has kept its `keepMax` records. */
export class TraceFull extends Error {
  constructor() {
    super('the trace kept as many records as it was asked for');
  }
}

/** Records remembered at the end of a trace that is not kept whole (what a stalled or limited run shows). */
const TAIL_MAX = 5;

export class Trace<E extends TraceRecord = TraceRecord> {
  /** The kept records: every record, or the first `keepMax` (see `complete`). */
  readonly records: E[] = [];
  private count = 0;
  private readonly keepMax: number;
  private readonly hasher: TraceHasher | undefined;
  private readonly sink: ((record: E) => void) | undefined;
  private readonly stopWhenFull: boolean;
  /** True once records overflowed `keepMax` and the hasher has every record so far. */
  private hashing = false;
  /** The last TAIL_MAX records once records are no longer kept (a ring: `count % TAIL_MAX` is the next slot). */
  private readonly ring: E[] = [];

  constructor(options: TraceOptions<E> = {}) {
    const keepMax = options.keepMax ?? Number.POSITIVE_INFINITY;
    if (!(keepMax >= 0)) throw new RangeError(`keepMax must be >= 0, got ${keepMax}`);
    this.keepMax = keepMax;
    this.hasher = options.hash === true ? new TraceHasher() : undefined;
    this.sink = options.sink;
    this.stopWhenFull = options.stopWhenFull === true;
  }

  append(record: E): void {
    const count = this.count++;
    // An indexed store, not push: TurboFan inlines a store from its own feedback, but inlines push only when it can
    // infer the array's map, which it could not here (every record went through the push builtin: ~1.5% of a run's instructions).
    if (count < this.keepMax) this.records[count] = record;
    else this.overflow(count, record);
    if (this.sink !== undefined) this.sink(record);
  }

  /**
   * A record past `keepMax`: into the tail ring, and hashed. Hashing starts here, with the kept records first, not
   * at the first record: most runs never overflow, and hashing every record as it came cost a 40-message run half
   * again its time; a kept trace is hashed only when asked (the same bytes either way).
   */
  private overflow(count: number, record: E): void {
    if (this.stopWhenFull) throw new TraceFull();
    this.ring[count % TAIL_MAX] = record;
    if (this.hasher === undefined) return;
    if (!this.hashing) {
      for (const kept of this.records) this.hasher.add(kept);
      this.hashing = true;
    }
    this.hasher.add(record);
  }

  /** Every record appended, kept or not. */
  get length(): number {
    return this.count;
  }

  /** True when every record appended is kept in `records`. */
  get complete(): boolean {
    return this.count <= this.keepMax;
  }

  /** The last records appended, at most TAIL_MAX, in order. */
  tail(): E[] {
    if (this.complete) return this.records.slice(-TAIL_MAX);
    const tail: E[] = [];
    for (let index = Math.max(this.count - TAIL_MAX, this.keepMax); index < this.count; index++) tail.push(this.ring[index % TAIL_MAX]);
    const kept = TAIL_MAX - tail.length;
    return kept > 0 ? [...this.records.slice(this.records.length - kept), ...tail] : tail;
  }

  /** The hash of every record appended, or undefined when they were neither hashed as they came nor all kept. */
  hash(): string | undefined {
    if (this.hashing && this.hasher !== undefined) return this.hasher.digest();
    return this.complete ? traceHash(this.records) : undefined;
  }
}

/** One NDJSON line per record: the form a trace file is written in. */
export function traceLine(record: TraceRecord): string {
  return JSON.stringify(record);
}
