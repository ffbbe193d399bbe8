/**
 * The one event queue: a binary min-heap ordered by (time, seq). `seq` is a global insertion counter,
 * so events at the same virtual time always fire in insertion order, on every run and every machine.
 * The keys live in two typed arrays beside the events: sifting compares contiguous numbers instead of
 * chasing event objects across the heap, which is what made a 1,000-deep queue slow.
 */
export interface QueuedEvent {
  time: number;
  seq: number;
}

const INITIAL_CAPACITY = 64;

export class EventQueue<E extends QueuedEvent> {
  private items: (E | undefined)[] = new Array<E | undefined>(INITIAL_CAPACITY).fill(undefined);
  private times = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private length = 0;
  private nextSeq = 0;

  get size(): number {
    return this.length;
  }

  /** Assigns the event's seq and inserts it. */
  push(event: E): void {
    const seq = this.nextSeq++;
    event.seq = seq;
    const time = event.time;
    if (this.length === this.times.length) this.grow();
    const { items, times, seqs } = this;
    let index = this.length++;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentTime = times[parent];
      // seq is unique and increasing, so a parent with an equal time always came first.
      if (parentTime <= time) break;
      items[index] = items[parent];
      times[index] = parentTime;
      seqs[index] = seqs[parent];
      index = parent;
    }
    items[index] = event;
    times[index] = time;
    seqs[index] = seq;
  }

  peek(): E | undefined {
    return this.length === 0 ? undefined : this.items[0];
  }

  pop(): E | undefined {
    if (this.length === 0) return undefined;
    const { items, times, seqs } = this;
    const top = items[0];
    const last = --this.length;
    const lastItem = items[last];
    const lastTime = times[last];
    const lastSeq = seqs[last];
    items[last] = undefined;
    if (last === 0) return top;
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= last) break;
      let childTime = times[child];
      let childSeq = seqs[child];
      const right = child + 1;
      if (right < last) {
        const rightTime = times[right];
        if (rightTime < childTime || (rightTime === childTime && seqs[right] < childSeq)) {
          child = right;
          childTime = rightTime;
          childSeq = seqs[right];
        }
      }
      if (lastTime < childTime || (lastTime === childTime && lastSeq < childSeq)) break;
      items[index] = items[child];
      times[index] = childTime;
      seqs[index] = childSeq;
      index = child;
    }
    items[index] = lastItem;
    times[index] = lastTime;
    seqs[index] = lastSeq;
    return top;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    times.set(this.times);
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    const items = new Array<E | undefined>(capacity).fill(undefined);
    for (let index = 0; index < this.length; index++) items[index] = this.items[index];
    this.times = times;
    this.seqs = seqs;
    this.items = items;
  }
}
