/**
 * Virtual times (µs) by workload index, -1 for none, in a plain array grown by push: V8 keeps it packed, and once a
 * time passes the small-integer range (2^31 µs, some 36 minutes) it holds unboxed doubles, 8 bytes an entry.
 */
import { checkIndex } from './index-counts.js';

export class IndexTimes {
  private readonly times: number[] = [];

  /** The time at `index`, or -1 when none was set. */
  get(index: number): number {
    return index < this.times.length ? this.times[index] : -1;
  }

  set(index: number, timeUs: number): void {
    if (index >>> 0 !== index || index >= this.times.length) {
      checkIndex(index);
      while (this.times.length <= index) this.times.push(-1);
    }
    this.times[index] = timeUs;
  }

  /** Writes every time that was set into `target` at its index (indexes past its end are left out). */
  copyInto(target: number[]): void {
    const length = Math.min(target.length, this.times.length);
    for (let index = 0; index < length; index++) if (this.times[index] >= 0) target[index] = this.times[index];
  }
}
