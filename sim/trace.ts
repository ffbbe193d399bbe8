/**
 * The append-only trace: every domain decision, delivery and injected fault, in order.
 * Same seed + same config => the same records, so the same hash.
 *
 * The kernel writes its own few kinds (KernelEvent); a model declares the rest as a typed union and hands it to
 * the World as its Protocol's `event`, so every reader (stories, diagrams) switches over a closed set of kinds.
 */
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

export class Trace<E extends TraceRecord = TraceRecord> {
  readonly records: E[] = [];

  append(record: E): void {
    // An indexed store, not push: TurboFan inlines a store from its own feedback, but inlines push only when it can
    // infer the array's map, which it could not here (every record went through the push builtin: ~1.5% of a run's instructions).
    const records = this.records;
    records[records.length] = record;
  }

  get length(): number {
    return this.records.length;
  }
}

/** One NDJSON line per record; the canonical form the hash is computed over. */
export function traceLine(record: TraceRecord): string {
  return JSON.stringify(record);
}

/**
 * 64-bit FNV-1a-style hash of the trace's NDJSON text (two 32-bit lanes), as 16 hex digits.
 * Computed on demand, so runs that never ask for it (property suites) do not pay for it.
 */
export function traceHash(records: readonly TraceRecord[]): string {
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  for (const record of records) {
    const line = traceLine(record);
    for (let index = 0; index < line.length; index++) {
      const code = line.charCodeAt(index);
      h1 = Math.imul(h1 ^ code, 0x01000193);
      h2 = Math.imul(h2 ^ code, 0x01000193) ^ (h1 >>> 15);
    }
    h1 = Math.imul(h1 ^ 10, 0x01000193);
    h2 = Math.imul(h2 ^ 10, 0x01000193) ^ (h1 >>> 15);
  }
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}
