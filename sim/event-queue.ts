/**
 * The one event queue: a binary min-heap ordered by (time, seq). `seq` is a global insertion counter,
 * so events at the same virtual time always fire in insertion order, on every run and every machine.
 */
export interface QueuedEvent {
  time: number;
  seq: number;
}

export class EventQueue<E extends QueuedEvent> {
  private readonly heap: E[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Assigns the event's seq and inserts it. */
  push(event: E): void {
    event.seq = this.nextSeq++;
    const heap = this.heap;
    let index = heap.length;
    heap.push(event);
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex];
      if (parent.time < event.time || (parent.time === event.time && parent.seq < event.seq)) break;
      heap[index] = parent;
      index = parentIndex;
    }
    heap[index] = event;
  }

  peek(): E | undefined {
    return this.heap[0];
  }

  pop(): E | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const length = heap.length;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      let childEvent = heap[left];
      if (right < length) {
        const rightEvent = heap[right];
        if (rightEvent.time < childEvent.time || (rightEvent.time === childEvent.time && rightEvent.seq < childEvent.seq)) {
          child = right;
          childEvent = rightEvent;
        }
      }
      if (last.time < childEvent.time || (last.time === childEvent.time && last.seq < childEvent.seq)) break;
      heap[index] = childEvent;
      index = child;
    }
    heap[index] = last;
    return top;
  }
}
