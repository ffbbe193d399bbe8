/**
 * One broker's replica of one partition in a broker cluster: its log, its leader-epoch cache (KIP-101's
 * leader-epoch-checkpoint: the offset where each leader epoch started) and its high watermark; durable. While it
 * leads: what it knows of each follower (log end offset, when it last caught up) and the produce requests waiting
 * for the ISR; while it follows: where it fetches from. Volatile state is dropped by reset().
 */
import { partitionPoint } from '../../../sim/bisect.js';
import type { LogRecord } from '../protocol.js';

/** A leader epoch and the offset of its first record. */
export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

export interface WaitingAck {
  readonly from: string;
  readonly msgId: string;
  readonly index: number;
  readonly attempt: number;
  readonly offset: number;
}

/** What the leader knows of a follower (Kafka's Replica state on the leader). */
export interface FollowerState {
  /** Log end offset: the fetch offset of its last fetch (-1 until it fetched in this epoch). */
  leo: number;
  /** When its fetch last reached the leader's log end offset (the ISR's lag clock). */
  lastCaughtUpUs: number;
  /** The leader's log end and the time of its previous fetch: a fetch reaching that end caught up then. */
  lastFetchLeaderLeo: number;
  lastFetchUs: number;
  /** A fetch that found nothing new: answered at the next append (Kafka's fetch purgatory). */
  parked: boolean;
}

export class PartitionReplica {
  // Durable.
  readonly log: LogRecord[] = [];
  readonly epochs: EpochEntry[] = [];
  /** True while the epochs' start offsets never go down (what a leader's cache keeps): epochsFrom then bisects. */
  private epochsInOrder = true;
  hw = 0;
  /** Producer ids with sequence numbers in this log (what an election looks for at the end of it). */
  readonly pids = new Set<number>();
  // Volatile: the controller's view as this broker last learnt it.
  leaderEpoch = -1;
  leader: string | undefined = undefined;
  isr: readonly string[] = [];
  /** The ISR the controller last accepted (isr may be ahead of it by a follower rejoining: Kafka's maximal ISR). */
  confirmedIsr: readonly string[] = [];
  /** An ISR change sent to the controller and not answered yet (AlterPartition), and when it was sent. */
  pendingIsr: readonly string[] | undefined = undefined;
  pendingSinceUs = 0;
  followers = new Map<string, FollowerState>();
  waiting: WaitingAck[] = [];
  lastSeq = new Map<number, number>();
  /** A follower waiting for OffsetsForLeaderEpoch's answer, or fetching. */
  following: 'truncating' | 'fetching' | 'idle' = 'idle';

  constructor(
    readonly partition: number,
    readonly replicas: readonly string[],
  ) {}

  reset(): void {
    this.leaderEpoch = -1;
    this.leader = undefined;
    this.isr = [];
    this.confirmedIsr = [];
    this.pendingIsr = undefined;
    this.followers = new Map();
    this.waiting = [];
    this.lastSeq = new Map();
    this.following = 'idle';
  }

  /** The last epoch this log has records of, or -1. */
  lastEpoch(): number {
    return this.epochs.length === 0 ? -1 : this.epochs[this.epochs.length - 1].epoch;
  }

  /** A new epoch starts at the log's end (a leader's, or a follower copying where its leader's epochs start). */
  startEpoch(epoch: number, startOffset: number): void {
    const last = this.epochs[this.epochs.length - 1];
    if (last !== undefined && last.epoch >= epoch) return;
    if (last !== undefined && last.startOffset === startOffset) this.epochs.pop();
    const before = this.epochs[this.epochs.length - 1];
    if (before !== undefined && before.startOffset > startOffset) this.epochsInOrder = false;
    this.epochs.push({ epoch, startOffset });
  }

  /**
   * OffsetsForLeaderEpoch on the leader (KIP-101): where `epoch` ends in this log, i.e. where the first later epoch
   * starts, or the log end for the current epoch. Epochs only grow (startEpoch refuses an older one), so a
   * bisection finds it: a long run elects many leaders, and every new follower asks.
   */
  endOffsetOf(epoch: number): number {
    const epochs = this.epochs;
    const later = partitionPoint(0, epochs.length, (index) => epochs[index].epoch <= epoch);
    return later < epochs.length ? epochs[later].startOffset : this.log.length;
  }

  /** Cut the log at `offset` (and the epochs that started past it); the records removed, oldest first. */
  truncateTo(offset: number): LogRecord[] {
    if (offset >= this.log.length) return [];
    const removed = this.log.slice(offset);
    this.log.length = offset;
    while (this.epochs.length > 0 && this.epochs[this.epochs.length - 1].startOffset >= offset && this.epochs.length > 1) this.epochs.pop();
    if (this.hw > offset) this.hw = offset;
    return removed;
  }

  /** The epochs of the records from `offset` on (for a follower's cache), with the one `offset` falls in. */
  epochsFrom(offset: number): EpochEntry[] {
    const epochs = this.epochs;
    // The last epoch starting at or before `offset` (the first when none does). A follower asks at every fetch and a
    // long run elects many leaders: a bisection when the start offsets are in order, else a scan.
    let first = 0;
    if (this.epochsInOrder) first = Math.max(partitionPoint(0, epochs.length, (index) => epochs[index].startOffset <= offset) - 1, 0);
    else for (let index = 0; index < epochs.length; index++) if (epochs[index].startOffset <= offset) first = index;
    return epochs.slice(first);
  }
}
