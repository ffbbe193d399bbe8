/**
 * Per message id, the trace positions of the records naming it, ascending: the index behind TraceFacts' `about`.
 * A run's ids are m1..mN, so their lists are chains in typed arrays (a head and a tail per message number, a next
 * link per mention) instead of a map of a list per message: that map, a hundred thousand arrays for a long run's
 * kept trace, was most of the time the stories of a `--json` run took. Any other id gets a list in a map.
 */
import { idNumber } from '../models/workload.js';

const NONE = -1;

export class MessagePositions {
  /** Per message number: its first and last mention (an index into the links), NONE for none. */
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  /** Per mention: the trace position, and the next mention of the same message. */
  private positionOf: Int32Array;
  private nextOf: Int32Array;
  private links = 0;
  private readonly others = new Map<string, number[]>();

  /** `numbers`: the largest message number chained (m1..m<numbers>); `mentions`: a first guess at how many there are. */
  constructor(numbers: number, mentions: number) {
    this.head = new Int32Array(numbers + 1).fill(NONE);
    this.tail = new Int32Array(numbers + 1).fill(NONE);
    this.positionOf = new Int32Array(Math.max(16, mentions));
    this.nextOf = new Int32Array(this.positionOf.length);
  }

  /** Notes that the record at `position` names `id`; positions are added in ascending order. */
  add(id: string, position: number): void {
    const n = idNumber(id);
    if (n < 1 || n >= this.head.length) {
      let list = this.others.get(id);
      if (list === undefined) this.others.set(id, (list = []));
      list.push(position);
      return;
    }
    if (this.links === this.positionOf.length) this.grow();
    const link = this.links++;
    this.positionOf[link] = position;
    this.nextOf[link] = NONE;
    if (this.tail[n] === NONE) this.head[n] = link;
    else this.nextOf[this.tail[n]] = link;
    this.tail[n] = link;
  }

  /** The positions of the records naming `id`, ascending (a fresh array). */
  positions(id: string): number[] {
    const n = idNumber(id);
    if (n < 1 || n >= this.head.length) return [...(this.others.get(id) ?? [])];
    const positions: number[] = [];
    for (let link = this.head[n]; link !== NONE; link = this.nextOf[link]) positions.push(this.positionOf[link]);
    return positions;
  }

  private grow(): void {
    const size = this.positionOf.length * 2;
    const positionOf = new Int32Array(size);
    const nextOf = new Int32Array(size);
    positionOf.set(this.positionOf);
    nextOf.set(this.nextOf);
    this.positionOf = positionOf;
    this.nextOf = nextOf;
  }
}
