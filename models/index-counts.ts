/**
 * Small counts by workload index or offset (deliveries, DB attempts, fetch attempts, flags), in an Int32Array that doubles as indexes grow:
 * 4 bytes a message, unboxed, with no holes, where a plain array took 8 or more and left a growing copy behind at
 * each resize (a million-message run keeps several of these).
 */

/** 16 counts fit in 64 bytes, which V8 keeps on its own heap: a short run never allocates a backing store. */
const INITIAL_CAPACITY = 16;

export class IndexCounts {
  private counts = new Int32Array(INITIAL_CAPACITY);

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
    const counts = new Int32Array(capacityFor(this.counts.length, index));
    counts.set(this.counts);
    this.counts = counts;
  }
}

/** The capacity, doubled from `current`, that holds `index`; refuses an index that is not a position. */
export function capacityFor(current: number, index: number): number {
  if (!(Number.isInteger(index) && index >= 0)) throw new RangeError(`an index (a workload position, an offset) must be a non-negative integer, got ${index}`);
  let capacity = Math.max(current, 1) * 2;
  while (capacity <= index) capacity *= 2;
  return capacity;
}
