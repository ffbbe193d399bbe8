/**
 * The group coordinator (a broker role): per consumer group, its members, its generation, which member owns which
 * partition, and the group's committed offsets. It follows Kafka's classic (eager) rebalance protocol:
 * - a member joins (JoinGroup); a new member starts a rebalance, and the coordinator answers every member's join
 *   once all members have rejoined, or once a member that did not is out (max.poll.interval.ms, the rebalance
 *   timeout) — with the new generation, the member's partitions from the group's assignor, and the committed
 *   offsets (SyncGroup and OffsetFetch folded into the answer);
 * - members learn that a rebalance started from their heartbeat's answer and rejoin at their next poll;
 * - a member whose heartbeats stop for session.timeout.ms is removed (its partitions move at the rebalance);
 * - a member that restarts within its session keeps its partitions without a rebalance: instance ids are static,
 *   as with `group.instance.id` (KIP-345);
 * - an offset commit from a member that is not in the group's current generation is refused (ILLEGAL_GENERATION,
 *   UNKNOWN_MEMBER_ID): the client's CommitFailedException.
 * Durable: the committed offsets. Membership is soft state that members rebuild by rejoining.
 */
import { msToUs } from '../../config.js';
import { assign } from '../consumer/assignor.js';
import { NO_COMMITTED_OFFSET } from '../protocol.js';
import type { CommitError, KafkaMessage } from '../protocol.js';
import type { KafkaSettings } from '../settings.js';
import type { KafkaContext } from '../world.js';

type Ctx = KafkaContext;

interface Member {
  /** The consumer actor behind the member id (answers go there). */
  readonly actor: string;
  lastHeartbeatUs: number;
  /** During a rebalance: the attempt of its pending join (answered when the rebalance completes), -1 if not rejoined yet. */
  joinAttempt: number;
}

interface GroupState {
  readonly name: string;
  /** The last completed generation (0: none yet). */
  generation: number;
  rebalancing: boolean;
  /** Rebalance timeout: members that have not rejoined by then are removed. */
  rebalanceDeadlineUs: number;
  /** A new group's first rebalance waits until then for more members (group.initial.rebalance.delay.ms). */
  initialUntilUs: number;
  readonly members: Map<string, Member>;
  assignment: Map<string, number[]>;
  readonly committed: number[];
  /** Partitions the group has committed an offset for (a group with none starts where auto.offset.reset says). */
  readonly everCommitted: boolean[];
  checkScheduled: boolean;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, GroupState>();
  /** committedTotal(), kept up to date at every commit (asked after every event of the heal phase). */
  private committedSum = 0;

  constructor(
    private readonly broker: string,
    private readonly settings: KafkaSettings,
    private readonly partitions: number,
    groups: readonly string[],
  ) {
    for (const name of groups) {
      this.groups.set(name, { name, generation: 0, rebalancing: false, rebalanceDeadlineUs: 0, initialUntilUs: 0, members: new Map(), assignment: new Map(), committed: new Array<number>(partitions).fill(0), everCommitted: new Array<boolean>(partitions).fill(false), checkScheduled: false });
    }
  }

  /** Stable: no rebalance in progress (what quiescence asks of every group). */
  isStable(group: string): boolean {
    return this.groups.get(group)?.rebalancing === false;
  }

  /** The group's last completed generation (0: none yet). */
  generation(group: string): number {
    return this.group(group).generation;
  }

  /** Whether the coordinator counts the member in its group. */
  hasMember(group: string, member: string): boolean {
    return this.group(group).members.has(member);
  }

  /** Every committed offset of every group, summed: it moves when a commit moves an offset. */
  committedTotal(): number {
    return this.committedSum;
  }

  /** The group's committed offset of a partition. */
  committedOffset(group: string, partition: number): number {
    return this.group(group).committed[partition];
  }

  private group(name: string): GroupState {
    const state = this.groups.get(name);
    if (state === undefined) throw new Error(`unknown consumer group ${name}`);
    return state;
  }

  join(ctx: Ctx, from: string, request: Extract<KafkaMessage, { type: 'join-group' }>): void {
    const state = this.group(request.group);
    const known = state.members.get(request.member);
    this.scheduleCheck(ctx, state);
    if (known !== undefined && !state.rebalancing && state.assignment.has(request.member)) {
      // A static member back within its session: its partitions are still its own, no rebalance.
      known.lastHeartbeatUs = ctx.now;
      return this.answerJoin(ctx, from, state, request.member, request.attempt);
    }
    const member = known ?? { actor: from, lastHeartbeatUs: ctx.now, joinAttempt: -1 };
    member.lastHeartbeatUs = ctx.now;
    const empty = state.members.size === 0;
    state.members.set(request.member, member);
    if (!state.rebalancing) this.startRebalance(ctx, state, `${request.member} joined`);
    member.joinAttempt = request.attempt;
    if (known === undefined) this.delayInitialRebalance(ctx, state, empty);
    this.completeIfReady(ctx, state);
  }

  heartbeat(ctx: Ctx, from: string, request: Extract<KafkaMessage, { type: 'heartbeat' }>): void {
    const state = this.group(request.group);
    const member = state.members.get(request.member);
    if (member !== undefined) member.lastHeartbeatUs = ctx.now;
    const rebalancing = member !== undefined && state.rebalancing && member.joinAttempt < 0;
    ctx.sendBackground(from, { type: 'heartbeat-response', generation: state.generation, rebalancing, known: member !== undefined });
  }

  leave(ctx: Ctx, request: Extract<KafkaMessage, { type: 'leave-group' }>): void {
    const state = this.group(request.group);
    if (!state.members.delete(request.member)) return;
    ctx.record({ t: ctx.now, actor: this.broker, kind: 'member-left', group: state.name, member: request.member });
    this.membershipChanged(ctx, state, `${request.member} left`);
  }

  /** An offset commit: stored when the member is in the group's current generation, refused otherwise. */
  commit(ctx: Ctx, from: string, request: Extract<KafkaMessage, { type: 'commit' }>): void {
    const state = this.group(request.group);
    const error: CommitError | undefined = !state.members.has(request.member) ? 'UNKNOWN_MEMBER_ID' : request.generation !== state.generation ? 'ILLEGAL_GENERATION' : undefined;
    const { partition, offset, attempt } = request;
    if (error !== undefined) {
      ctx.record({ t: ctx.now, actor: this.broker, kind: 'commit-rejected', group: state.name, member: request.member, partition, offset, attempt, error });
      ctx.send(from, { type: 'commit-response', partition, offset, attempt, error });
      return;
    }
    this.committedSum += offset - state.committed[partition];
    state.committed[partition] = offset;
    state.everCommitted[partition] = true;
    ctx.record({ t: ctx.now, actor: this.broker, kind: 'offset-committed', partition, offset, attempt, group: state.name });
    ctx.send(from, { type: 'commit-response', partition, offset, attempt });
  }

  /** The periodic check of a group: expired sessions, an overdue rebalance. */
  check(ctx: Ctx, group: string): void {
    const state = this.group(group);
    state.checkScheduled = false;
    const sessionUs = msToUs(this.settings.sessionTimeoutMs);
    // Runs every heartbeat interval: no arrays unless a session did expire.
    let expired: string[] | undefined;
    for (const [name, member] of state.members) {
      if (ctx.now - member.lastHeartbeatUs <= sessionUs) continue;
      (expired ??= []).push(name);
      ctx.record({ t: ctx.now, actor: this.broker, kind: 'member-expired', group, member: name, lastHeartbeatUs: member.lastHeartbeatUs });
    }
    for (const name of expired ?? []) state.members.delete(name);
    if (state.rebalancing && ctx.now >= state.rebalanceDeadlineUs) {
      for (const [name, member] of [...state.members]) {
        if (member.joinAttempt >= 0) continue;
        state.members.delete(name);
        ctx.record({ t: ctx.now, actor: this.broker, kind: 'member-removed', group, member: name });
      }
    }
    if (expired !== undefined) this.membershipChanged(ctx, state, `${expired.join(', ')} expired`);
    else this.completeIfReady(ctx, state);
    if (state.members.size > 0) this.scheduleCheck(ctx, state);
  }

  private membershipChanged(ctx: Ctx, state: GroupState, reason: string): void {
    if (state.members.size === 0) {
      state.rebalancing = false;
      state.assignment = new Map();
      return;
    }
    if (!state.rebalancing) this.startRebalance(ctx, state, reason);
    this.completeIfReady(ctx, state);
  }

  private startRebalance(ctx: Ctx, state: GroupState, reason: string): void {
    state.rebalancing = true;
    state.rebalanceDeadlineUs = ctx.now + msToUs(this.settings.maxPollIntervalMs);
    for (const member of state.members.values()) member.joinAttempt = -1;
    ctx.record({ t: ctx.now, actor: this.broker, kind: 'rebalance-started', group: state.name, generation: state.generation, reason });
  }

  /**
   * A group going from no members to some waits group.initial.rebalance.delay.ms for more before its first
   * rebalance, and each member joining meanwhile extends the wait (up to the rebalance timeout), as Kafka does.
   */
  private delayInitialRebalance(ctx: Ctx, state: GroupState, empty: boolean): void {
    const delayUs = msToUs(this.settings.initialRebalanceDelayMs);
    if (delayUs === 0 || (!empty && ctx.now >= state.initialUntilUs)) return;
    state.initialUntilUs = Math.min(ctx.now + delayUs, state.rebalanceDeadlineUs);
    ctx.setTimer(state.initialUntilUs - ctx.now, { tag: 'initial-rebalance', group: state.name });
  }

  /** The initial rebalance delay of a group is over. */
  initialDelayOver(ctx: Ctx, group: string): void {
    this.completeIfReady(ctx, this.group(group));
  }

  /** Every member has rejoined: a new generation, the assignor's assignment, and every pending join answered. */
  private completeIfReady(ctx: Ctx, state: GroupState): void {
    if (!state.rebalancing || ctx.now < state.initialUntilUs) return;
    // A member whose join arrived before the rebalance started keeps its attempt; one that has not rejoined is waited for.
    for (const member of state.members.values()) if (member.joinAttempt < 0) return;
    state.rebalancing = false;
    state.generation++;
    state.assignment = assign(this.settings.assignor, this.partitions, state.members.keys());
    ctx.record({ t: ctx.now, actor: this.broker, kind: 'rebalanced', group: state.name, generation: state.generation, assignment: Object.fromEntries(state.assignment) });
    for (const [name, member] of state.members) this.answerJoin(ctx, member.actor, state, name, member.joinAttempt);
  }

  private answerJoin(ctx: Ctx, to: string, state: GroupState, member: string, attempt: number): void {
    ctx.send(to, { type: 'join-response', attempt, generation: state.generation, partitions: [...(state.assignment.get(member) ?? [])], offsets: state.committed.map((offset, partition) => (state.everCommitted[partition] ? offset : NO_COMMITTED_OFFSET)) });
  }

  private scheduleCheck(ctx: Ctx, state: GroupState): void {
    if (state.checkScheduled) return;
    state.checkScheduled = true;
    ctx.setTimer(msToUs(this.settings.heartbeatIntervalMs), { tag: 'group-check', group: state.name });
  }
}
