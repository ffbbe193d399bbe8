/**
 * A quorum queue's members, one per broker node (RabbitMQ 3.10+ "Quorum Queues": a Raft group whose initial size is
 * the cluster's, up to `--nodes`; the leader starts on the node of the connection that declared the queue, node 1).
 * What the documentation promises and this keeps: a member on a failed node does not stop the queue while a majority
 * of members is up; a failed leader is replaced by an election among the members up; an enqueue is committed, so
 * confirmed and delivered, once a majority has written it; without a majority the queue is unavailable until one
 * is back. A node that comes back rejoins as a follower. Durable: which nodes are down and until when (cluster
 * state, not the queue process's).
 */

export class QuorumMembers {
  /** When each node is back up (virtual µs; up when <= now), by node - 1. */
  private readonly backAtUs: number[];
  /** The node of the current leader (1-based). */
  leader = 1;
  /** When the last failed node is back: before then some member may be down (a fast path for the common case). */
  private allBackAtUs = 0;

  constructor(readonly nodes: number) {
    this.backAtUs = new Array<number>(nodes).fill(0);
  }

  /** Members a majority needs: more than half of the group. */
  get majority(): number {
    return Math.floor(this.nodes / 2) + 1;
  }

  /** Members up at `nowUs`. */
  up(nowUs: number): number {
    let count = 0;
    for (const backAt of this.backAtUs) if (backAt <= nowUs) count++;
    return count;
  }

  /** The first moment from `nowUs` at which a majority of members is up. */
  majorityAtUs(nowUs: number): number {
    // Asked on every dispatch and confirm: no work while every member is up.
    if (this.allBackAtUs <= nowUs) return nowUs;
    const times = this.backAtUs.map((backAt) => Math.max(backAt, nowUs)).sort((a, b) => a - b);
    return times[this.majority - 1];
  }

  /** A member's node fails now, back after `downUs` (a node already down stays down at least as long). */
  fail(node: number, nowUs: number, downUs: number): void {
    this.backAtUs[node - 1] = Math.max(this.backAtUs[node - 1], nowUs + downUs);
    this.allBackAtUs = Math.max(this.allBackAtUs, this.backAtUs[node - 1]);
  }

  /**
   * The leader's node failed: once a majority is up, the members up elect the next of them after the old leader
   * (an election takes `electionUs`; a group of one just recovers its own log). Returns when the queue has a leader.
   */
  elect(nowUs: number, electionUs: number): number {
    const atUs = this.majorityAtUs(nowUs);
    if (this.nodes === 1) return atUs;
    for (let step = 1; step <= this.nodes; step++) {
      const candidate = ((this.leader - 1 + step) % this.nodes) + 1;
      if (this.backAtUs[candidate - 1] <= atUs) {
        this.leader = candidate;
        break;
      }
    }
    return atUs + electionUs;
  }
}
