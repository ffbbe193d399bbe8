/**
 * The append-only trace: every domain decision, delivery and injected fault, in order.
 * Same seed + same config => the same records, so the same hash.
 */
export interface TraceRecord {
  /** Virtual time in microseconds. */
  t: number;
  /** The actor the record is about (or "network", "world"). */
  actor: string;
  kind: string;
  /** Message id when the record concerns one message (m1, m2, ...). */
  msg?: string;
  [field: string]: unknown;
}

export class Trace {
  readonly records: TraceRecord[] = [];

  append(record: TraceRecord): void {
    this.records.push(record);
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
