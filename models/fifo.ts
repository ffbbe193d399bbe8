/**
 * A first-in first-out list whose take from the front costs the same at any length: Array#shift copies the whole
 * array once it is large (V8 trims the front in place only for small arrays), which made a long backlog quadratic.
 */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Takes the front item (undefined when empty). */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    // Drop the taken slots once they are half the array (amortised: each item is copied at most once more).
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The item `offset` places from the front (0: the front), or undefined past the end. */
  at(offset: number): T | undefined {
    return this.items[this.head + offset];
  }

  /**
   * Inserts `item` so that it is `offset` places from the front. Near the front of a Fifo with taken slots before it,
   * the items before it move one place into those slots (a requeue lands near the front of a long backlog, and a
   * splice would move the whole rest of it).
   */
  insertAt(offset: number, item: T): void {
    if (this.head > 0 && offset < this.length / 2) {
      const items = this.items;
      const start = --this.head;
      for (let index = start; index < start + offset; index++) items[index] = items[index + 1];
      items[start + offset] = item;
      return;
    }
    this.items.splice(this.head + offset, 0, item);
  }

  /** Removes the item `offset` places from the front. */
  removeAt(offset: number): void {
    this.items.splice(this.head + offset, 1);
  }

  /** The items, front first (a copy). */
  toArray(): T[] {
    return this.items.slice(this.head) as T[];
  }

  /** Replaces every item, `items` front first (the Fifo takes the array). */
  replace(items: T[]): void {
    this.items = items;
    this.head = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let index = this.head; index < this.items.length; index++) yield this.items[index] as T;
  }
}
