/**
 * The Kafka consumer client: one member of one consumer group. It joins its group through the group coordinator
 * (which answers with the member's partitions and the group's committed offsets), reads its positions from the
 * DB instead when offsets live there (commit=with-db-transaction), then loops: fetch one of its partitions from its
 * position, hand each record to the consumer application (business logic and DB writes), and commit offsets by
 * its strategy:
 * - before-process: commit the batch's end, wait for the ack, then process (a crash after it loses records);
 * - after-process: process the batch, then commit (a crash before the commit re-delivers: duplicates);
 * - auto (enable.auto.commit), in one of two styles (autoCommitStyle):
 *   - poll, the Java KafkaConsumer's (3.x: ConsumerCoordinator.poll -> maybeAutoCommitOffsetsAsync): each poll, once
 *     auto.commit.interval.ms has passed since the last auto-commit, commits (asynchronously) the positions of the
 *     records the previous polls returned. The batch is processed inside the poll loop, so only processed records
 *     are committed: a crash redelivers, and a loss would need a crash after a poll that came before processing ended;
 *   - background, librdkafka's (enable.auto.commit with enable.auto.offset.store=true): a timer commits every
 *     interval the position of the records handed to the application, processed or not: a crash mid-batch loses
 *     what was committed and not yet processed;
 * - with-db-transaction: the offset is stored in the same DB transaction as the effect.
 *
 * A background heartbeat keeps its session alive; its answer says when the group is rebalancing, and the member
 * then commits what it has processed, gives its partitions up and rejoins at its next poll (Kafka's eager
 * rebalance). A member that does not poll for max.poll.interval.ms leaves its group. A refused commit (it is no
 * longer in the group's generation) makes it rejoin too; what it processed and did not commit is redelivered to
 * the partition's next owner.
 *
 * Volatile: membership, positions, the batch in hand, outstanding calls. Durable: nothing (offsets live in the
 * broker or the DB).
 */
import type { Actor } from '../../../sim/world.js';
import { msToUs } from '../../config.js';
import { ConsumerApplication } from '../../consumer/application.js';
import type { ApplicationOptions, ApplicationTimer, Disposition, RecordApplication } from '../../consumer/application.js';
import { HandlerApplication } from '../../handler/application.js';
import type { GroupLedger } from '../../consumer/ledger.js';
import type { DbMessage } from '../../db/protocol.js';
import type { ModelEnv } from '../../env.js';
import { groupOf } from '../../topology.js';
import { DEAD_LETTER_TOPIC, RESET_TO_LATEST } from '../protocol.js';
import type { ConsumerTimer, KafkaMessage, LogRecord } from '../protocol.js';
import type { KafkaSettings } from '../settings.js';
import type { KafkaContext, KafkaProtocol } from '../world.js';
import { arrayOf } from '../../arrays.js';
import { IndexCounts } from '../../index-counts.js';

type Ctx = KafkaContext;
type State = 'down' | 'joining' | 'recovering' | 'fetching' | 'poll-wait' | 'committing-before' | 'in-application' | 'committing-after' | 'committing-recovered' | 'committing-revoke' | 'retry-backoff' | 'dead-lettering';
type RejoinReason = 'rebalance' | 'unknown-member' | 'commit-failed' | 'poll-timeout';

/** The call the client waits for; replies and timeouts about another call are stale. */
interface Outstanding {
  readonly partition: number;
  readonly offset: number;
  readonly attempt: number;
}

const POLL: ConsumerTimer = { tag: 'poll' };
const AUTO_COMMIT: ConsumerTimer = { tag: 'auto-commit' };
const HEARTBEAT: ConsumerTimer = { tag: 'heartbeat' };
/** The outstanding join or offsets request names no partition or offset. */
const NO_PARTITION = -1;

export class KafkaConsumer implements Actor<KafkaProtocol> {
  readonly group: string;
  // Bookkeeping for fault names (not behaviour): survives crashes.
  /** Attempts per [partition][offset]: arrays, not a `${partition}:${offset}` string map (built per fetch and commit). */
  private readonly fetchAttempts: IndexCounts[];
  /** Fetches from RESET_TO_LATEST per partition (IndexCounts counts real offsets only). */
  private readonly resetFetches: number[];
  private readonly commitAttempts: IndexCounts[];
  // Volatile.
  private state: State = 'down';
  /** The group generation this member is in (-1: none). */
  private generation = -1;
  /** The generation its current partitions were assigned in (kept when a poll timeout drops `generation`). */
  private assignedGeneration = -1;
  /** Its member id: the instance id with static membership; with dynamic membership a new one per incarnation. */
  private memberIdValue = '';
  private incarnations = 0;
  private assigned: number[] = [];
  private rejoinNeeded = false;
  /** Partitions whose offsets were committed on the way out of the current generation (one try each). */
  private readonly revokeCommits = new Set<number>();
  private autoCommitting = false;
  /** autoCommitStyle=poll: the first poll at or after this time commits (Java's nextAutoCommitTimer). */
  private nextAutoCommitUs = 0;
  private lastPollUs = 0;
  private positions: number[] = [];
  private committedKnown: number[] = [];
  private batch: LogRecord[] = [];
  private batchIndex = 0;
  /** The record just published to the dead-letter topic, whose offset is committed once the application let it go. */
  private recovered: LogRecord | undefined;
  /** Round-robin over the assigned partitions (kept across restarts: only where to look first). */
  private nextPartition = 0;
  /** Identifies the outstanding call's timeout; other timeouts are stale. */
  private token = 0;
  private outstanding: Outstanding | undefined;
  private readonly application: RecordApplication;
  private readonly settings: KafkaSettings;
  private readonly partitions: number;

  constructor(
    readonly id: string,
    private readonly broker: string,
    private readonly db: string,
    env: ModelEnv,
    ledger: GroupLedger,
    /**
     * In a broker cluster: where a partition's fetches go (its leader, from the controller's metadata; the client's
     * metadata refresh is abstracted to always be current). Without: everything goes to the one broker actor.
     * (Given here, not set after construction: set afterwards, every earlier cluster run's objects survived the
     * young-generation GC; see the RabbitMQ consumer's onConnectionClosed.)
     */
    private readonly fetchRoute?: (partition: number) => string,
  ) {
    this.group = groupOf(id);
    this.settings = env.config.settings;
    this.partitions = env.config.workload.partitions;
    this.fetchAttempts = arrayOf(this.partitions, () => new IndexCounts());
    this.resetFetches = new Array<number>(this.partitions).fill(0);
    this.commitAttempts = arrayOf(this.partitions, () => new IndexCounts());
    const options: ApplicationOptions = {
      actor: id,
      ledger,
      db,
      settings: this.settings,
      storeOffset: this.settings.commit === 'with-db-transaction',
      env,
      done: (ctx, disposition) => this.afterRecord(ctx, disposition),
    };
    this.application = env.handler === undefined ? new ConsumerApplication(options) : new HandlerApplication(options, env.handler.module, env.handler.workload);
  }

  /** See RecordApplication.settled. */
  handlerSettled(): boolean {
    return this.application.settled ?? true;
  }

  /** See RecordApplication.checkAfterHostTurn. */
  checkAfterHostTurn(): void {
    this.application.checkAfterHostTurn?.();
  }

  /** The member id it joined its group under (see membership). */
  get memberId(): string {
    return this.memberIdValue;
  }

  /** In the group's generation, nothing in hand, every assigned position at the high watermark and (unless offsets live in the DB) committed. */
  isCaughtUp(highWatermarks: readonly number[], generation: number): boolean {
    if (this.state !== 'poll-wait' || this.rejoinNeeded || this.generation !== generation) return false;
    for (const partition of this.assigned) {
      if (this.positions[partition] !== highWatermarks[partition]) return false;
      if (this.settings.commit !== 'with-db-transaction' && this.committedKnown[partition] !== this.positions[partition]) return false;
    }
    return true;
  }

  start(ctx: Ctx): void {
    this.state = 'joining';
    this.batch = [];
    this.generation = -1;
    this.incarnations++;
    this.memberIdValue = this.settings.membership === 'static' ? this.id : `${this.id}@${this.incarnations}`;
    this.assigned = [];
    this.rejoinNeeded = false;
    this.revokeCommits.clear();
    this.autoCommitting = false;
    this.lastPollUs = ctx.now;
    ctx.setTimer(msToUs(this.settings.heartbeatIntervalMs), HEARTBEAT);
    this.join(ctx, 1);
  }

  crash(): void {
    this.state = 'down';
    this.batch = [];
    this.recovered = undefined;
    this.outstanding = undefined;
    this.application.crash();
  }

  receive(ctx: Ctx, _from: string, message: KafkaMessage | DbMessage): void {
    switch (message.type) {
      case 'join-response':
        return this.onJoined(ctx, message);
      case 'db-offsets':
        return this.onDbOffsets(ctx, message);
      case 'fetch-response':
        return this.onFetch(ctx, message);
      case 'fetch-out-of-range':
        return this.onOutOfRange(ctx, message);
      case 'commit-response':
        return this.onCommitted(ctx, message);
      case 'heartbeat-response':
        return this.onHeartbeatAnswer(ctx, message);
      case 'dead-letter-response':
        return this.onDeadLettered(ctx, message);
      case 'db-reply':
      case 'db-seen':
      case 'db-marked':
      case 'db-op-reply':
        if (this.state === 'in-application') this.application.receive(ctx, message);
        return;
      default:
        return;
    }
  }

  timer(ctx: Ctx, timer: ConsumerTimer | ApplicationTimer): void {
    switch (timer.tag) {
      case 'poll':
        if (this.state === 'poll-wait') this.poll(ctx);
        return;
      case 'auto-commit':
        this.autoCommit(ctx);
        ctx.setTimer(msToUs(this.settings.autoCommitIntervalMs), AUTO_COMMIT);
        return;
      case 'heartbeat':
        ctx.setTimer(msToUs(this.settings.heartbeatIntervalMs), HEARTBEAT);
        return this.heartbeat(ctx);
      case 'call-timeout':
        if (timer.token === this.token && this.outstanding !== undefined) this.onTimeout(ctx, this.outstanding);
        return;
      case 'redeliver':
        if (this.state === 'retry-backoff' && timer.token === this.token) this.poll(ctx, timer.partition);
        return;
      default:
        this.application.timer(ctx, timer);
    }
  }

  private isOutstanding(partition: number, offset: number, attempt: number): boolean {
    const out = this.outstanding;
    return out !== undefined && out.partition === partition && out.offset === offset && out.attempt === attempt;
  }

  private call(ctx: Ctx, to: string, message: KafkaMessage | DbMessage, outstanding: Outstanding): void {
    this.outstanding = outstanding;
    const token = ++this.token;
    ctx.send(to, message);
    ctx.setTimer(msToUs(this.settings.consumerTimeoutMs), { tag: 'call-timeout', token });
  }

  private join(ctx: Ctx, attempt: number): void {
    this.state = 'joining';
    this.call(ctx, this.broker, { type: 'join-group', group: this.group, member: this.memberId, attempt }, { partition: NO_PARTITION, offset: NO_PARTITION, attempt });
  }

  private onJoined(ctx: Ctx, message: Extract<KafkaMessage, { type: 'join-response' }>): void {
    if (this.state !== 'joining' || message.attempt !== this.outstanding?.attempt) return;
    this.outstanding = undefined;
    this.generation = message.generation;
    this.assignedGeneration = message.generation;
    this.assigned = message.partitions;
    this.lastPollUs = ctx.now;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'assigned', group: this.group, generation: this.generation, partitions: [...this.assigned] });
    if (this.settings.commit === 'with-db-transaction') {
      this.state = 'recovering';
      this.call(ctx, this.db, { type: 'db-read-offsets', attempt: 1, group: this.group }, { partition: NO_PARTITION, offset: NO_PARTITION, attempt: 1 });
      return;
    }
    this.resume(ctx, message.offsets, 'broker');
  }

  private onDbOffsets(ctx: Ctx, message: Extract<DbMessage, { type: 'db-offsets' }>): void {
    if (this.state !== 'recovering' || message.attempt !== this.outstanding?.attempt) return;
    this.outstanding = undefined;
    this.resume(ctx, message.offsets, 'db');
  }

  /**
   * Positions of the assigned partitions from the offsets given (-1 for the others), then poll. A partition with no
   * offset committed (or stored) starts where auto.offset.reset says: 0, or RESET_TO_LATEST, which the first fetch
   * turns into the leader's end (its OFFSET_OUT_OF_RANGE answer, as ListOffsets would give).
   */
  private resume(ctx: Ctx, offsets: readonly number[], from: 'broker' | 'db'): void {
    const positions = new Array<number>(this.partitions).fill(-1);
    const none = this.settings.autoOffsetReset === 'latest' ? RESET_TO_LATEST : 0;
    for (const partition of this.assigned) positions[partition] = offsets[partition] >= 0 ? offsets[partition] : none;
    this.positions = positions;
    this.committedKnown = [...positions];
    ctx.record({ t: ctx.now, actor: this.id, kind: 'resumed', positions: [...positions], from });
    if (this.settings.commit === 'auto' && this.settings.autoCommitStyle === 'poll') {
      this.nextAutoCommitUs = ctx.now + msToUs(this.settings.autoCommitIntervalMs);
    } else if (this.settings.commit === 'auto' && !this.autoCommitting) {
      this.autoCommitting = true;
      ctx.setTimer(msToUs(this.settings.autoCommitIntervalMs), AUTO_COMMIT);
    }
    this.poll(ctx);
  }

  private heartbeat(ctx: Ctx): void {
    if (this.generation < 0 || this.state === 'joining' || this.state === 'down') return;
    if (ctx.now - this.lastPollUs > msToUs(this.settings.maxPollIntervalMs)) {
      // The heartbeat thread leaves the group for a poll loop that stopped (Kafka's max.poll.interval.ms). Since
      // Kafka 2.3 (KIP-345) only a dynamic member sends LeaveGroup; a static one just stops heartbeating and
      // rejoins at its next poll, and the coordinator removes it only if its session expires first.
      const sentLeaveGroup = this.settings.membership === 'dynamic';
      if (sentLeaveGroup) ctx.sendBackground(this.broker, { type: 'leave-group', group: this.group, member: this.memberId });
      ctx.record({ t: ctx.now, actor: this.id, kind: 'left-group', group: this.group, generation: this.generation, reason: 'max.poll.interval.ms', sentLeaveGroup });
      this.needRejoin(ctx, 'poll-timeout');
      this.generation = -1;
      return;
    }
    ctx.sendBackground(this.broker, { type: 'heartbeat', group: this.group, member: this.memberId, generation: this.generation });
  }

  private onHeartbeatAnswer(ctx: Ctx, message: Extract<KafkaMessage, { type: 'heartbeat-response' }>): void {
    if (this.generation < 0 || this.state === 'joining') return;
    if (!message.known) this.needRejoin(ctx, 'unknown-member');
    else if (message.rebalancing) this.needRejoin(ctx, 'rebalance');
  }

  private needRejoin(ctx: Ctx, reason: RejoinReason): void {
    if (this.rejoinNeeded) return;
    this.rejoinNeeded = true;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'rejoin-needed', group: this.group, generation: this.generation, reason });
  }

  /**
   * At a poll, after a rebalance was announced: commit what was processed (as a rebalance listener would in
   * onPartitionsRevoked, and as auto-commit does before a rebalance), give the partitions up, rejoin.
   */
  private rejoin(ctx: Ctx): void {
    const commits = this.settings.commit === 'after-process' || this.settings.commit === 'auto';
    const pending = commits && this.generation >= 0 ? this.assigned.find((partition) => this.committedKnown[partition] < this.positions[partition] && !this.revokeCommits.has(partition)) : undefined;
    if (pending !== undefined) {
      this.revokeCommits.add(pending);
      this.state = 'committing-revoke';
      return this.commit(ctx, pending);
    }
    this.revokeCommits.clear();
    if (this.assigned.length > 0) ctx.record({ t: ctx.now, actor: this.id, kind: 'revoked', group: this.group, generation: this.assignedGeneration, partitions: [...this.assigned] });
    this.assigned = [];
    this.rejoinNeeded = false;
    this.join(ctx, (this.outstanding?.attempt ?? 0) + 1);
  }

  private onCommitted(ctx: Ctx, message: Extract<KafkaMessage, { type: 'commit-response' }>): void {
    const answered = (this.state === 'committing-before' || this.state === 'committing-after' || this.state === 'committing-recovered' || this.state === 'committing-revoke') && this.isOutstanding(message.partition, message.offset, message.attempt);
    if (message.error !== undefined) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'commit-failed', partition: message.partition, offset: message.offset, attempt: message.attempt, error: message.error });
      this.needRejoin(ctx, 'commit-failed');
    } else if (message.offset > this.committedKnown[message.partition]) {
      this.committedKnown[message.partition] = message.offset;
    }
    // Only while committing: a late commit answer can carry the same (partition, offset, attempt) as the
    // fetch now outstanding (commit of offset 5, then a fetch from offset 5), and taking it for the fetch's
    // answer left the consumer waiting for nothing, with no timer: a silent stall.
    if (!answered) return;
    this.outstanding = undefined;
    if (this.state === 'committing-revoke') return this.rejoin(ctx);
    // The recovered record's offset committed: on with the batch. Refused (no longer a member), the batch is dropped
    // and the rejoin takes over, as after any refused commit.
    if (this.state === 'committing-recovered' && message.error === undefined) return this.nextRecord(ctx);
    // A refused commit before processing: the batch is not this member's to process any more.
    if (this.state === 'committing-before' && message.error === undefined) return this.processNext(ctx);
    this.batch = [];
    this.poll(ctx);
  }

  /** Fetch the next assigned partition in turn (or `only`: the partition a failed record waits on). */
  private poll(ctx: Ctx, only?: number): void {
    if (this.rejoinNeeded) return this.rejoin(ctx);
    this.lastPollUs = ctx.now;
    if (this.settings.commit === 'auto' && this.settings.autoCommitStyle === 'poll' && ctx.now >= this.nextAutoCommitUs) {
      // Everything the previous polls returned was processed before this poll: that is what gets committed.
      this.autoCommit(ctx);
      this.nextAutoCommitUs = ctx.now + msToUs(this.settings.autoCommitIntervalMs);
    }
    if (this.assigned.length === 0) {
      this.state = 'poll-wait';
      ctx.setTimer(msToUs(this.settings.pollIntervalMs), POLL);
      return;
    }
    let partition: number;
    if (only !== undefined && this.assigned.includes(only)) {
      partition = only;
    } else {
      partition = this.assigned[this.nextPartition % this.assigned.length];
      this.nextPartition = (this.nextPartition + 1) % this.assigned.length;
    }
    const fromOffset = this.positions[partition];
    const attempt = fromOffset === RESET_TO_LATEST ? ++this.resetFetches[partition] : this.fetchAttempts[partition].increment(fromOffset);
    this.state = 'fetching';
    const fetch: KafkaMessage =
      this.settings.isolationLevel === 'read_committed' ? { type: 'fetch', partition, fromOffset, attempt, maxRecords: this.settings.maxPollRecords, readCommitted: true } : { type: 'fetch', partition, fromOffset, attempt, maxRecords: this.settings.maxPollRecords };
    this.call(ctx, this.fetchRoute === undefined ? this.broker : this.fetchRoute(partition), fetch, { partition, offset: fromOffset, attempt });
  }

  /**
   * OFFSET_OUT_OF_RANGE: a position past a new leader's log end (a broker cluster, after an unclean election), or
   * RESET_TO_LATEST (auto.offset.reset=latest, no committed offset): on from the leader's end, then poll on.
   */
  private onOutOfRange(ctx: Ctx, response: Extract<KafkaMessage, { type: 'fetch-out-of-range' }>): void {
    if (this.state !== 'fetching' || !this.isOutstanding(response.partition, response.fromOffset, response.attempt)) return;
    this.outstanding = undefined;
    this.positions[response.partition] = response.resetTo;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'offset-reset', partition: response.partition, fromOffset: response.fromOffset, resetTo: response.resetTo });
    if (this.settings.commit === 'with-db-transaction') return this.idle(ctx);
    // The committed offset is past the log's end too: commit the reset position, as the client's next commit would
    // (what is committed is unknown until that answer: -1, below any position).
    this.committedKnown[response.partition] = -1;
    this.state = 'committing-after';
    this.commit(ctx, response.partition);
  }

  private onFetch(ctx: Ctx, response: Extract<KafkaMessage, { type: 'fetch-response' }>): void {
    if (this.state !== 'fetching' || !this.isOutstanding(response.partition, response.fromOffset, response.attempt)) {
      // A duplicated or late response: the position moved on, so (like Kafka's consumer) drop it.
      ctx.record({ t: ctx.now, actor: this.id, kind: 'stale-fetch-discarded', partition: response.partition, fromOffset: response.fromOffset, attempt: response.attempt });
      return;
    }
    this.outstanding = undefined;
    const partition = response.partition;
    if (response.records.length === 0) {
      this.idle(ctx);
      return;
    }
    // read_committed: the client drops what aborted transactions wrote (the fetch response's aborted transactions).
    const aborted = response.aborted;
    this.batch = aborted === undefined ? response.records : response.records.filter((record) => !aborted.includes(record.offset));
    this.batchIndex = 0;
    // Kafka's position advances when poll() returns the records, before they are processed.
    this.positions[partition] = response.records[response.records.length - 1].offset + 1;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'fetched', partition, fromOffset: response.fromOffset, msgs: this.batch.map((record) => record.msgId), position: this.positions[partition] });
    if (this.batch.length === 0 && this.settings.commit !== 'before-process') return this.idle(ctx);
    if (this.settings.commit === 'before-process') {
      this.state = 'committing-before';
      this.commit(ctx, partition);
    } else {
      this.processNext(ctx);
    }
  }

  /** Nothing fetched: commit what is due (after-process), then wait a poll interval. */
  private idle(ctx: Ctx): void {
    if (this.settings.commit === 'after-process') {
      const due = this.assigned.find((partition) => this.committedKnown[partition] < this.positions[partition]);
      if (due !== undefined) {
        this.state = 'committing-after';
        this.commit(ctx, due);
        return;
      }
    }
    this.state = 'poll-wait';
    ctx.setTimer(msToUs(this.settings.pollIntervalMs), POLL);
  }

  private commit(ctx: Ctx, partition: number, offset = this.positions[partition]): void {
    const attempt = this.commitAttempts[partition].increment(offset);
    ctx.record({ t: ctx.now, actor: this.id, kind: 'commit-sent', partition, offset, attempt });
    this.call(ctx, this.broker, { type: 'commit', group: this.group, member: this.memberId, generation: this.generation, partition, offset, attempt }, { partition, offset, attempt });
  }

  private autoCommit(ctx: Ctx): void {
    if (this.state === 'down' || this.state === 'joining' || this.state === 'recovering' || this.generation < 0) return;
    for (const partition of this.assigned) {
      if (this.committedKnown[partition] >= this.positions[partition]) continue;
      const offset = this.positions[partition];
      const attempt = this.commitAttempts[partition].increment(offset);
      ctx.record({ t: ctx.now, actor: this.id, kind: 'auto-commit-sent', partition, offset, attempt });
      // Asynchronous (commitAsync in the Java client, the background thread in librdkafka): nobody waits for it;
      // the next interval tries again if it did not land.
      ctx.send(this.broker, { type: 'commit', group: this.group, member: this.memberId, generation: this.generation, partition, offset, attempt });
    }
  }

  private processNext(ctx: Ctx): void {
    // A recovery interrupted (a rebalance emptied the batch) commits nothing for a record handled later.
    this.recovered = undefined;
    if (this.batchIndex >= this.batch.length) return this.batchDone(ctx);
    this.state = 'in-application';
    this.application.handle(ctx, this.batch[this.batchIndex]);
  }

  private nextRecord(ctx: Ctx): void {
    this.batchIndex++;
    this.processNext(ctx);
  }

  /** The application is done with the record in hand; its disposition in Kafka's terms. */
  private afterRecord(ctx: Ctx, disposition: Disposition): void {
    const record = this.batch[this.batchIndex];
    switch (disposition.kind) {
      case 'processed':
        if (this.recovered === record) return this.commitRecovered(ctx, record);
        return this.nextRecord(ctx);
      case 'skip':
        // Skipped by the error handler (its recoverer only logs): recovered too, so its offset is committed the same way.
        if (this.settings.commit === 'after-process') return this.commitRecovered(ctx, record);
        return this.nextRecord(ctx);
      case 'retry':
        return this.seekBack(ctx, record, disposition.backoffMs);
      case 'dead-letter':
        return this.publishDeadLetter(ctx, record, 1);
    }
  }

  /**
   * Redeliver a failed record as Spring Kafka's DefaultErrorHandler does: seek its partition back to it (the rest
   * of the batch is fetched again), wait the backoff, and fetch that partition first.
   */
  private seekBack(ctx: Ctx, record: LogRecord, backoffMs: number): void {
    this.positions[record.partition] = record.offset;
    this.batch = [];
    this.state = 'retry-backoff';
    const token = ++this.token;
    this.outstanding = undefined;
    ctx.setTimer(msToUs(backoffMs), { tag: 'redeliver', partition: record.partition, token });
  }

  /** Publish the given-up record to the dead-letter topic and wait for the broker's answer (acks=all). */
  private publishDeadLetter(ctx: Ctx, record: LogRecord, attempt: number): void {
    this.state = 'dead-lettering';
    const message: KafkaMessage = { type: 'dead-letter', group: this.group, msgId: record.msgId, index: record.index, key: record.key, partition: record.partition, offset: record.offset, attempt };
    this.call(ctx, this.broker, message, { partition: record.partition, offset: record.offset, attempt });
  }

  private onDeadLettered(ctx: Ctx, message: Extract<KafkaMessage, { type: 'dead-letter-response' }>): void {
    const record = this.batch[this.batchIndex] as LogRecord | undefined;
    if (this.state !== 'dead-lettering' || record === undefined || record.msgId !== message.msgId || !this.isOutstanding(record.partition, record.offset, message.attempt)) return;
    this.outstanding = undefined;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'dead-lettered', msg: record.msgId, partition: record.partition, offset: record.offset, topic: DEAD_LETTER_TOPIC });
    // Back to the application, which stores the offset past the parked record when offsets live in the DB.
    if (this.settings.commit === 'after-process') this.recovered = record;
    this.state = 'in-application';
    this.application.giveUp(ctx, record, { kind: 'processed' });
  }

  /**
   * Spring Kafka's container commits a recovered record's offset once its error handler let it go (published it to the
   * dead-letter topic, or skipped it; DefaultErrorHandler: "If the record is recovered, its offset is committed";
   * isAckAfterHandle), not only with the batch: a crash or rebalance behind it then does not deliver it again (and
   * apply it after all).
   */
  private commitRecovered(ctx: Ctx, record: LogRecord): void {
    this.recovered = undefined;
    this.state = 'committing-recovered';
    this.commit(ctx, record.partition, record.offset + 1);
  }

  private batchDone(ctx: Ctx): void {
    const partition = this.batch.length > 0 ? this.batch[0].partition : 0;
    this.batch = [];
    if (this.settings.commit === 'after-process') {
      this.state = 'committing-after';
      this.commit(ctx, partition);
      return;
    }
    this.poll(ctx);
  }

  private onTimeout(ctx: Ctx, out: Outstanding): void {
    this.outstanding = undefined;
    switch (this.state) {
      case 'joining':
        ctx.record({ t: ctx.now, actor: this.id, kind: 'timeout', call: 'join', attempt: out.attempt });
        return this.join(ctx, out.attempt + 1);
      case 'recovering':
        ctx.record({ t: ctx.now, actor: this.id, kind: 'timeout', call: 'offsets', attempt: out.attempt });
        return this.call(ctx, this.db, { type: 'db-read-offsets', attempt: out.attempt + 1, group: this.group }, { partition: NO_PARTITION, offset: NO_PARTITION, attempt: out.attempt + 1 });
      case 'fetching':
        ctx.record({ t: ctx.now, actor: this.id, kind: 'timeout', call: 'fetch', partition: out.partition, fromOffset: out.offset, attempt: out.attempt });
        return this.poll(ctx);
      case 'committing-before':
        // At-most-once needs the commit to land before processing; keep trying.
        ctx.record({ t: ctx.now, actor: this.id, kind: 'timeout', call: 'commit', partition: out.partition, offset: out.offset, attempt: out.attempt });
        return this.commit(ctx, out.partition);
      case 'committing-after':
        // Move on; the commit is retried when the consumer is next idle.
        ctx.record({ t: ctx.now, actor: this.id, kind: 'timeout', call: 'commit', partition: out.partition, offset: out.offset, attempt: out.attempt });
        return this.poll(ctx);
      case 'committing-recovered':
        // On with the batch; the batch's own commit covers the recovered record too.
        ctx.record({ t: ctx.now, actor: this.id, kind: 'timeout', call: 'commit', partition: out.partition, offset: out.offset, attempt: out.attempt });
        return this.nextRecord(ctx);
      case 'committing-revoke':
        // The partitions are being given up: rejoin without the commit (what it covered will be redelivered).
        ctx.record({ t: ctx.now, actor: this.id, kind: 'timeout', call: 'commit', partition: out.partition, offset: out.offset, attempt: out.attempt });
        return this.rejoin(ctx);
      case 'dead-lettering': {
        const record = this.batch[this.batchIndex];
        ctx.record({ t: ctx.now, actor: this.id, kind: 'timeout', call: 'dead-letter', msg: record.msgId, attempt: out.attempt });
        return this.publishDeadLetter(ctx, record, out.attempt + 1);
      }
      default:
        return;
    }
  }
}
