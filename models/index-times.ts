/**
 * Virtual times (µs) by workload index, -1 for none, in a Float64Array that doubles as indexes grow: 8 bytes a
 * message, unboxed (a time past 2^31 µs, some 36 minutes, is a boxed number in a plain array: 24 bytes or more).
 */
import { capacityFor } from './index-counts.js';

const INITIAL_CAPACITY = 16;

export class IndexTimes {
  private times = new Float64Array(INITIAL_CAPACITY).fill(-1);

  /** The time at `index`, or -1 when none was set. */
  get(index: number): number {
    return index < this.times.length ? this.times[index] : -1;
  }

  set(index: number, timeUs: number): void {
    if (index >>> 0 !== index || index >= this.times.length) this.grow(index);
    this.times[index] = timeUs;
  }

  /** Writes every time that was set into `target` at its index (indexes past its end are left out). */
  copyInto(target: Float64Array): void {
    const length = Math.min(target.length, this.times.length);
    for (let index = 0; index < length; index++) if (this.times[index] >= 0) target[index] = this.times[index];
  }

  private grow(index: number): void {
    const times = new Float64Array(capacityFor(this.times.length, index)).fill(-1);
    times.set(this.times);
    this.times = times;
  }
}
