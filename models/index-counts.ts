/**
 * Small counts by workload index or offset (deliveries, DB attempts, fetch attempts, flags). A plain array while it
 * is short, cheap to create and grow (a short run makes a dozen of these); past TYPED_FROM entries an Int32Array
 * that doubles as indexes grow: 4 bytes an entry, unboxed, with no holes, where a plain array takes 8.
 */

/** Entries from which the counts move to an Int32Array (a typed array this large costs its allocation back). */
const TYPED_FROM = 4096;

export class IndexCounts {
  private counts: number[] | Int32Array = [];

  /** The count at `index` (0 for one never counted). */
  get(index: number): number {
    return index < this.counts.length ? this.counts[index] : 0;
  }

  /** Adds one to the count at `index`; returns the new count. */
  increment(index: number): number {
    // `>>> 0` leaves a valid index as it is: anything else (negative, fractional) goes to grow, which refuses it.
    if (index >>> 0 !== index || index >= this.counts.length) this.grow(index);
    return ++this.counts[index];
  }

  set(index: number, count: number): void {
    if (index >>> 0 !== index || index >= this.counts.length) this.grow(index);
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
    const typed = new Int32Array(capacity);
    typed.set(counts);
    this.counts = typed;
  }
}

/** Refuses an index that is not a position (a workload index, an offset). */
export function checkIndex(index: number): void {
  if (!(Number.isInteger(index) && index >= 0)) throw new RangeError(`an index (a workload position, an offset) must be a non-negative integer, got ${index}`);
}
