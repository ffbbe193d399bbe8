/**
 * Small counts by workload index or offset (deliveries, DB attempts, fetch attempts, flags). A plain array while it
 * is short, cheap to create and grow (a short run makes a dozen of these); past TYPED_FROM entries a typed array that
 * doubles as indexes grow. Nearly every count stays below 256, so the typed array holds a byte an entry (a Uint8Array)
 * and widens to an Int32Array the first time a count outgrows it: a run of a million messages keeps about ten of
 * these tables, 40 MB at 4 bytes an entry, 10 MB at one.
 */

/** Entries from which the counts move to a typed array (a typed array this large costs its allocation back). */
const TYPED_FROM = 4096;
/** The largest count a byte holds. */
const BYTE_MAX = 255;
/** The largest count kept: an Int32Array's (a count past it would wrap; nothing in a bounded run gets near it). */
const COUNT_MAX = 2 ** 31 - 1;

export class IndexCounts {
  private counts: number[] | Uint8Array | Int32Array = [];
  /** The largest count `counts` holds as it is now (widen past it). */
  private countMax = COUNT_MAX;

  /** The count at `index` (0 for one never counted). */
  get(index: number): number {
    return index < this.counts.length ? this.counts[index] : 0;
  }

  /** Adds one to the count at `index`; returns the new count. */
  increment(index: number): number {
    // `>>> 0` leaves a valid index as it is: anything else (negative, fractional) goes to grow, which refuses it.
    if (index >>> 0 !== index || index >= this.counts.length) this.grow(index);
    const count = this.counts[index] + 1;
    if (count > this.countMax) this.widen(count);
    this.counts[index] = count;
    return count;
  }

  set(index: number, count: number): void {
    if (!(Number.isInteger(count) && count >= 0 && count <= COUNT_MAX)) throw new RangeError(`a count must be an integer in [0, ${COUNT_MAX}], got ${count}`);
    if (index >>> 0 !== index || index >= this.counts.length) this.grow(index);
    if (count > this.countMax) this.widen(count);
    this.counts[index] = count;
  }

  private grow(index: number): void {
    checkIndex(index);
    const counts = this.counts;
    if (index < TYPED_FROM && Array.isArray(counts)) {
      while (counts.length <= index) counts.push(0);
      return;
    }
    let capacity = Math.max(counts.length, TYPED_FROM) * 2;
    while (capacity <= index) capacity *= 2;
    // Leaving the plain array: bytes, unless a count already needs more.
    const wide = counts instanceof Int32Array || (Array.isArray(counts) && counts.some((count) => count > BYTE_MAX));
    const typed = wide ? new Int32Array(capacity) : new Uint8Array(capacity);
    typed.set(counts);
    this.counts = typed;
    this.countMax = wide ? COUNT_MAX : BYTE_MAX;
  }

  /** Moves the bytes to an Int32Array for a count past a byte's range (`count`: the count about to be written). */
  private widen(count: number): void {
    if (count > COUNT_MAX) throw new RangeError(`a count past ${COUNT_MAX}`);
    const wide = new Int32Array(this.counts.length);
    wide.set(this.counts);
    this.counts = wide;
    this.countMax = COUNT_MAX;
  }
}

/** Refuses an index that is not a position (a workload index, an offset). */
export function checkIndex(index: number): void {
  if (!(Number.isInteger(index) && index >= 0)) throw new RangeError(`an index (a workload position, an offset) must be a non-negative integer, got ${index}`);
}
