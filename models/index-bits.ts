/**
 * One bit per index (a workload position): set once, never cleared, 1 bit an entry in a Uint32Array that doubles as
 * indexes grow. What a count of distinct messages needs (the messages a group has applied so far).
 */
import { checkIndex } from './index-counts.js';

export class IndexBits {
  private words = new Uint32Array(2);

  /** Sets the bit at `index`; true when it was not set before. */
  add(index: number): boolean {
    const word = index >>> 5;
    if (index >>> 0 !== index || word >= this.words.length) this.grow(index);
    const bit = 1 << (index & 31);
    const before = this.words[word];
    if ((before & bit) !== 0) return false;
    this.words[word] = before | bit;
    return true;
  }

  has(index: number): boolean {
    const word = index >>> 5;
    return index >>> 0 === index && word < this.words.length && (this.words[word] & (1 << (index & 31))) !== 0;
  }

  private grow(index: number): void {
    checkIndex(index);
    let capacity = this.words.length * 2;
    while (capacity <= index >>> 5) capacity *= 2;
    const words = new Uint32Array(capacity);
    words.set(this.words);
    this.words = words;
  }
}
