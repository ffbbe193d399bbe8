/**
 * Links between actors: latency with seeded jitter, FIFO per directed link (like one TCP connection,
 * a later message never overtakes an earlier one on the same link), partition windows, and a fault hook
 * through which the model drops, duplicates or delays individual messages in domain terms.
 *
 * Background traffic (a model's heartbeats) travels on links of its own, with latency drawn from a stream of
 * its own: turning it on never shifts a single draw or a FIFO slot of the foreground messages.
 */
import { partitionPoint } from './bisect.js';
import type { RandomStream } from './random.js';

/** What the fault hook decides for one message. `undefined` means: deliver normally. */
export type NetworkVerdict =
  | { readonly kind: 'drop' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'delay'; readonly delayUs: number };

export interface PartitionWindow {
  readonly a: string;
  readonly b: string;
  readonly fromUs: number;
  /** Exclusive. */
  readonly toUs: number;
}

export interface NetworkOptions {
  /** Minimum one-way latency in microseconds. */
  latencyUsMin: number;
  /** Maximum one-way latency in microseconds (jitter drawn from the `network` stream). */
  latencyUsMax: number;
}

export class Network {
  /** Directed links get small integer ids on first use; the hot path never builds a `from>to` string. */
  private readonly linkIds = new Map<string, number>();
  private readonly lastDeliveryUs: number[] = [];
  /** Per link id: true when it carries background traffic (latency from the background stream). */
  private readonly background: boolean[] = [];
  private readonly partitions: PartitionWindow[] = [];
  /**
   * Windows by start time, and the ones begun and not yet over: time only moves forward, so each window enters and
   * leaves `open` once, and a send checks the few open ones, not every window of the run (that was quadratic).
   */
  private byStart: PartitionWindow[] | undefined;
  private nextToOpen = 0;
  private open: PartitionWindow[] = [];
  private openedUpToUs = Number.NEGATIVE_INFINITY;
  /** Partitions are repaired from this time on (the heal phase). */
  private healedFromUs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly options: NetworkOptions,
    private readonly rng: RandomStream,
    private readonly backgroundRng: RandomStream = rng,
  ) {
    if (!(Number.isInteger(options.latencyUsMin) && options.latencyUsMin >= 0)) throw new RangeError('latencyUsMin must be a non-negative integer');
    if (!(Number.isInteger(options.latencyUsMax) && options.latencyUsMax >= options.latencyUsMin)) throw new RangeError('latencyUsMax must be an integer >= latencyUsMin');
  }

  addPartition(window: PartitionWindow): void {
    this.partitions.push(window);
    const byStart = this.byStart;
    if (byStart === undefined) return;
    // Kept in order as windows come (a model cuts links as the run goes): re-sorting every window at each new one
    // was quadratic in a long run's windows. One already begun joins the open ones; a later one takes its place in
    // start order, after those starting at the same time (as the stable sort in openAt places it).
    if (window.fromUs <= this.openedUpToUs) {
      if (window.toUs > this.openedUpToUs) this.open.push(window);
      return;
    }
    byStart.splice(partitionPoint(this.nextToOpen, byStart.length, (index) => byStart[index].fromUs <= window.fromUs), 0, window);
  }

  healAt(timeUs: number): void {
    this.healedFromUs = timeUs;
  }

  isPartitioned(from: string, to: string, nowUs: number): boolean {
    // Most runs cut no link at all: nothing to look at.
    if (nowUs >= this.healedFromUs || this.partitions.length === 0) return false;
    const open = this.openAt(nowUs);
    for (let index = 0; index < open.length; index++) {
      const window = open[index];
      if (nowUs >= window.fromUs && nowUs < window.toUs && ((window.a === from && window.b === to) || (window.a === to && window.b === from))) return true;
    }
    return false;
  }

  /** The windows open at `nowUs` (and perhaps some already over, dropped on a later call). */
  private openAt(nowUs: number): PartitionWindow[] {
    if (this.byStart === undefined || nowUs < this.openedUpToUs) {
      // First call, a window added since, or time asked out of order (only a direct caller does): start over.
      this.byStart = [...this.partitions].sort((a, b) => a.fromUs - b.fromUs);
      this.nextToOpen = 0;
      this.open = [];
    }
    this.openedUpToUs = nowUs;
    const byStart = this.byStart;
    let opened = false;
    while (this.nextToOpen < byStart.length && byStart[this.nextToOpen].fromUs <= nowUs) {
      this.open.push(byStart[this.nextToOpen++]);
      opened = true;
    }
    if (opened || (this.open.length > 0 && this.open[0].toUs <= nowUs)) this.open = this.open.filter((window) => window.toUs > nowUs);
    return this.open;
  }

  /** The id of the directed link from -> to (stable for the network's lifetime); background links are separate. */
  linkId(from: string, to: string, background = false): number {
    const key = (background ? '~' : '') + from + '>' + to;
    let id = this.linkIds.get(key);
    if (id === undefined) {
      id = this.lastDeliveryUs.length;
      this.linkIds.set(key, id);
      this.lastDeliveryUs.push(0);
      this.background.push(background);
    }
    return id;
  }

  /** Delivery time of a message sent now, FIFO on its directed link. Draws one latency from the network stream. */
  deliveryTime(from: string, to: string, nowUs: number, extraDelayUs: number): number {
    return this.deliveryTimeOnLink(this.linkId(from, to), nowUs, extraDelayUs);
  }

  /** deliveryTime for a link id from linkId(). */
  deliveryTimeOnLink(link: number, nowUs: number, extraDelayUs: number): number {
    const latency = (this.background[link] ? this.backgroundRng : this.rng).intBetween(this.options.latencyUsMin, this.options.latencyUsMax);
    const earliest = this.lastDeliveryUs[link];
    const sent = nowUs + latency + extraDelayUs;
    const time = sent > earliest ? sent : earliest;
    this.lastDeliveryUs[link] = time;
    return time;
  }
}
