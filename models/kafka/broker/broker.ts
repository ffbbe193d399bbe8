/**
 * The broker cluster, Kafka-flavoured: each partition has `replicationFactor` replicas, one leader.
 * The leader appends, followers copy after `replicationDelayMs`; the in-sync replicas (ISR) are the live
 * ones. The high watermark (HW) is what every ISR member holds; consumers only see records below it.
 * acks=1 answers after the leader's append, acks=all after every ISR member has the record, and refuses
 * writes while the ISR is smaller than min.insync.replicas. A leader failure elects the first live replica;
 * records the new leader never received are gone (truncated from everyone), which is how acks=1 loses
 * acknowledged writes. Idempotence: per producer id, the last sequence number per partition, rebuilt from
 * the log on election, so retried duplicates are dropped and out-of-order sequences refused.
 * Durable: every replica's log, the committed offsets of the consumer group.
 */
import type { Actor } from '../../../sim/world.js';
import { msToUs } from '../../config.js';
import type { ModelEnv } from '../../env.js';
import type { LogCopies, TransactionStats } from '../../observations.js';
import { DEAD_LETTER_TOPIC } from '../protocol.js';
import type { BrokerTimer, KafkaMessage, ProduceError, ReplicaTimerData, TxnMarker } from '../protocol.js';
import type { KafkaSettings } from '../settings.js';
import type { KafkaContext, KafkaProtocol } from '../world.js';
import { GroupCoordinator } from './group-coordinator.js';
import { TransactionCoordinator } from './transaction-coordinator.js';
import type { MarkerWriter } from './transaction-coordinator.js';
import { TransactionIndex, committedDuplicates, committedFetchResponse, latestOffsetResponse } from './transaction-index.js';
import { arrayOf } from '../../arrays.js';
import { IndexCounts } from '../../index-counts.js';
import { findLastIn, logDuplicatesOf, sequenceVerdict } from './partition-log.js';
import { PartitionRecords, ReplicaLog } from './replica-log.js';

type Ctx = KafkaContext;
type ReplicateTimer = Extract<BrokerTimer, { tag: 'replicate' }>;

interface Replica {
  alive: boolean;
  /** Member of the ISR: caught up with the leader. A restarted replica re-joins once it has caught up. */
  inSync: boolean;
  readonly log: ReplicaLog;
}

interface WaitingAck {
  from: string;
  msgId: string;
  index: number;
  attempt: number;
  offset: number;
}

export interface PartitionState {
  /** Every record appended to the partition; the replicas' logs hold their numbers. */
  readonly records: PartitionRecords;
  replicas: Replica[];
  /** Index of the leader replica, -1 while offline. */
  leader: number;
  /** Incremented at every election; stale replication timers carry an older epoch. */
  epoch: number;
  hw: number;
  /** Last sequence number per producer id (leader's view). */
  lastSeq: Map<number, number>;
  /** Every producer id ever appended with a sequence number: what an election looks for at the end of the new leader's log. */
  pids: Set<number>;
  /**
   * The log `lastSeq` matches (its leader's at the last election, grown by every append since), with its length and
   * last record then. An election updates `lastSeq` only for the producer ids of the records where the new leader's
   * log and this one differ: looking at every producer id made elections grow with the run, since a restarting
   * idempotent producer takes a new id (a million-message exactly-once run has thousands).
   */
  lastSeqLog: { log: ReplicaLog; length: number; last: number };
  /** True once a record with a transactional epoch was appended: epochs decide which records count, so an election recomputes `lastSeq` whole. */
  epochs: boolean;
  waiting: WaitingAck[];
  /** Open transactions and the aborted transaction index (transactional producers only). */
  readonly txns: TransactionIndex;
}

export class Broker implements Actor<KafkaProtocol>, MarkerWriter {
  readonly partitions: PartitionState[];
  readonly coordinator: GroupCoordinator;
  readonly transactions: TransactionCoordinator;
  /** Messages (by workload index) whose first append already happened (leader-failover faults name the first append). */
  private readonly appendedOnce = new IndexCounts();
  /** 'replicate' timer data per [partition][replica], for the epoch it names (see replicateData). */
  private readonly replicateTimers: (ReplicateTimer | undefined)[][];
  private readonly settings: KafkaSettings;

  constructor(
    readonly id: string,
    private readonly env: ModelEnv,
    groups: readonly string[],
  ) {
    this.settings = env.config.settings;
    const { partitions } = env.config.workload;
    this.partitions = arrayOf(partitions, (partition) => {
      const records = new PartitionRecords(partition);
      const replicas = arrayOf(this.settings.replicationFactor, () => ({ alive: true, inSync: true, log: new ReplicaLog(records) }));
      return {
        records,
        replicas,
        leader: 0,
        epoch: 0,
        hw: 0,
        lastSeq: new Map(),
        pids: new Set(),
        lastSeqLog: { log: replicas[0].log, length: 0, last: -1 },
        epochs: false,
        waiting: [],
        txns: new TransactionIndex(),
      };
    });
    this.coordinator = new GroupCoordinator(id, this.settings, partitions, groups);
    this.transactions = new TransactionCoordinator(id, env, this);
    this.replicateTimers = arrayOf(partitions, () => new Array<ReplicateTimer | undefined>(this.settings.replicationFactor).fill(undefined));
  }

  /**
   * The data of a 'replicate' timer. Two are set per append, so one object per (partition, replica, epoch)
   * is shared by all of them instead of a fresh one each: timers only read their data.
   */
  private replicateData(partition: number, replica: number, epoch: number): ReplicateTimer {
    const cached = this.replicateTimers[partition][replica];
    if (cached !== undefined && cached.epoch === epoch) return cached;
    return (this.replicateTimers[partition][replica] = { tag: 'replicate', partition, replica, epoch });
  }

  /** The log the consumer reads: the current leader's, or an empty one while the partition is offline. */
  private leaderLog(state: PartitionState): ReplicaLog {
    return state.leader >= 0 ? state.replicas[state.leader].log : new ReplicaLog(state.records);
  }

  /**
   * The dead-letter topic's log, across groups (each record says whose application parked it). Kept apart from the
   * data partitions and never failed over: a failover there is not what the DLT stories are about.
   */
  readonly deadLetters: { readonly msgId: string; readonly index: number; readonly group: string; readonly t: number }[] = [];

  /**
   * A number that moves whenever the cluster moves forward: records appended, offsets committed, records parked.
   * (An offset committed again at the same value is not progress.)
   */
  progress(): number {
    return this.deadLetters.length + this.coordinator.committedTotal() + this.leaderLogTotal;
  }

  /**
   * The current leaders' log lengths, summed (part of progress()). Kept up to date where a leader's log grows (an
   * append) or a partition's leader changes (failure, election) instead of summed over the partitions after every
   * event of the heal phase: only a leader appends to its own log, and truncation only ever cuts followers.
   */
  private leaderLogTotal = 0;

  private deadLetter(ctx: Ctx, from: string, request: Extract<KafkaMessage, { type: 'dead-letter' }>): void {
    const offset = this.deadLetters.length;
    this.deadLetters.push({ msgId: request.msgId, index: request.index, group: request.group, t: ctx.now });
    ctx.record({ t: ctx.now, actor: this.id, kind: 'dlt-append', msg: request.msgId, group: request.group, topic: DEAD_LETTER_TOPIC, offset });
    ctx.send(from, { type: 'dead-letter-response', msgId: request.msgId, attempt: request.attempt });
  }

  isIdle(): boolean {
    if (this.settings.transactions && !this.transactions.isIdle()) return false;
    return this.partitions.every((state) => {
      if (state.leader < 0 || state.waiting.length > 0) return false;
      const length = state.replicas[state.leader].log.length;
      return state.replicas.every((replica) => replica.alive && replica.inSync && replica.log.length === length) && state.hw === length;
    });
  }

  start(_ctx: Ctx): void {
    // The broker cluster as a whole never crashes here; single leaders fail (leader-failover faults).
  }

  crash(): void {}

  receive(ctx: Ctx, from: string, message: KafkaMessage): void {
    switch (message.type) {
      case 'produce':
        return this.produce(ctx, from, message);
      case 'fetch': {
        const state = this.partitions[message.partition];
        // Two literals rather than a spread of an optional error: a spread builds the answer on V8's slow path.
        if (state.leader < 0) {
          ctx.send(from, { type: 'fetch-response', partition: message.partition, fromOffset: message.fromOffset, attempt: message.attempt, records: [], error: 'NOT_LEADER_OR_FOLLOWER' });
          return;
        }
        if (message.fromOffset < 0) return ctx.send(from, latestOffsetResponse(message, message.readCommitted === true ? state.txns : undefined, state.hw));
        if (message.readCommitted === true) return this.fetchCommitted(ctx, from, message);
        const records = state.replicas[state.leader].log.slice(message.fromOffset, Math.min(state.hw, message.fromOffset + message.maxRecords));
        ctx.send(from, { type: 'fetch-response', partition: message.partition, fromOffset: message.fromOffset, attempt: message.attempt, records });
        return;
      }
      case 'commit':
        return this.coordinator.commit(ctx, from, message);
      case 'join-group':
        return this.coordinator.join(ctx, from, message);
      case 'heartbeat':
        return this.coordinator.heartbeat(ctx, from, message);
      case 'leave-group':
        return this.coordinator.leave(ctx, message);
      case 'dead-letter':
        return this.deadLetter(ctx, from, message);
      case 'metadata':
        return ctx.sendBackground(from, this.metadata());
      case 'init-producer-id':
        return this.transactions.initProducerId(ctx, from, message);
      case 'end-txn':
        return this.transactions.endTxn(ctx, from, message);
      default:
        return;
    }
  }

  timer(ctx: Ctx, timer: BrokerTimer): void {
    if (timer.tag === 'group-check') return this.coordinator.check(ctx, timer.group);
    if (timer.tag === 'initial-rebalance') return this.coordinator.initialDelayOver(ctx, timer.group);
    if (timer.tag === 'txn-coordinator-loaded') return this.transactions.loaded(ctx);
    const { partition, replica, epoch } = timer;
    const state = this.partitions[partition];
    if (timer.tag === 'replicate') {
      if (epoch !== state.epoch || state.leader < 0 || !state.replicas[replica].alive || replica === state.leader) return;
      const leaderLog = state.replicas[state.leader].log;
      const follower = state.replicas[replica];
      // Copy whatever the follower misses (the records themselves are shared: the log holds their numbers).
      follower.log.catchUpWith(leaderLog);
      if (!follower.inSync) {
        follower.inSync = true;
        ctx.record({ t: ctx.now, actor: this.id, kind: 'isr-joined', partition, replica });
      }
      this.advanceHighWatermark(ctx, partition);
    } else if (timer.tag === 'elect') {
      this.elect(ctx, partition);
    } else {
      this.restartReplica(ctx, partition, replica);
    }
  }

  /** Heal: every failed replica comes back. */
  heal(ctx: Ctx): void {
    this.partitions.forEach((state, partition) => {
      state.replicas.forEach((replica, index) => {
        if (!replica.alive) this.restartReplica(ctx, partition, index);
      });
    });
  }

  private produce(ctx: Ctx, from: string, request: Extract<KafkaMessage, { type: 'produce' }>): void {
    const state = this.partitions[request.partition];
    if (state.leader < 0) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'produce-refused', msg: request.msgId, attempt: request.attempt, partition: request.partition, error: 'NOT_LEADER_OR_FOLLOWER' });
      // acks=0 gets no answer; its client sees the connection to the failed leader break and refreshes metadata.
      if (!request.waitForAck) ctx.sendBackground(from, this.metadata());
      return this.refuse(ctx, from, request, 'NOT_LEADER_OR_FOLLOWER');
    }
    const isr = this.isrSize(state);
    if (this.settings.acks === 'all' && request.waitForAck && isr < this.settings.minInsyncReplicas) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'produce-refused', msg: request.msgId, attempt: request.attempt, partition: request.partition, error: 'NOT_ENOUGH_REPLICAS', isr });
      return this.refuse(ctx, from, request, 'NOT_ENOUGH_REPLICAS');
    }
    const log = state.replicas[state.leader].log;
    if (request.epoch !== undefined && request.epoch < (this.transactions.epochOf(request.pid) ?? request.epoch)) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'produce-refused', msg: request.msgId, attempt: request.attempt, partition: request.partition, error: 'PRODUCER_FENCED' });
      return this.refuse(ctx, from, request, 'PRODUCER_FENCED');
    }
    if (request.seq >= 0) {
      const verdict = sequenceVerdict(state.lastSeq, request.pid, request.seq);
      if (verdict === 'duplicate') {
        // A retry of something already in the log: answer with its offset, append nothing.
        const existing = findLastIn(log, request.pid, request.seq);
        ctx.record({ t: ctx.now, actor: this.id, kind: 'duplicate-dropped', msg: request.msgId, attempt: request.attempt, partition: request.partition, offset: existing });
        return this.answerWhenReplicated(ctx, state, request.partition, from, request, existing ?? -1);
      }
      if (verdict === 'out-of-order') {
        ctx.record({ t: ctx.now, actor: this.id, kind: 'produce-refused', msg: request.msgId, attempt: request.attempt, partition: request.partition, error: 'OUT_OF_ORDER_SEQUENCE_NUMBER', expectedSeq: (state.lastSeq.get(request.pid) ?? -1) + 1, seq: request.seq });
        return this.refuse(ctx, from, request, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
      }
      state.lastSeq.set(request.pid, request.seq);
      state.pids.add(request.pid);
    }
    const offset = log.length;
    const number = state.records.add(request, offset);
    log.push(number);
    if (state.lastSeqLog.log === log) {
      state.lastSeqLog.length = log.length;
      state.lastSeqLog.last = number;
    }
    if (request.epoch !== undefined) {
      state.epochs = true;
      state.txns.appended(request.pid, offset);
      this.transactions.addPartition(request.pid, request.partition);
    }
    this.leaderLogTotal++;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'append', msg: request.msgId, attempt: request.attempt, partition: request.partition, offset, replica: state.leader });
    for (let replica = 0; replica < state.replicas.length; replica++) {
      if (replica !== state.leader && state.replicas[replica].alive) {
        ctx.setTimer(msToUs(this.settings.replicationDelayMs), this.replicateData(request.partition, replica, state.epoch));
      }
    }
    if (request.waitForAck) this.answerWhenReplicated(ctx, state, request.partition, from, request, offset);
    else this.advanceHighWatermark(ctx, request.partition);
    if (this.appendedOnce.get(request.index) === 0) {
      this.appendedOnce.set(request.index, 1);
      const faults = this.env.faults;
      const fault = faults.draw('leader-failover', ctx.phase) ? faults.inject({ kind: 'leader-failover', message: request.msgId }) : undefined;
      if (fault !== undefined) {
        this.env.traceFault(ctx, fault);
        this.failLeader(ctx, request.partition);
      }
    }
  }

  /** Messages a partition's log holds more than once (after the run: one pass over the leaders' logs), in workload order. */
  logDuplicates(): LogCopies[] {
    return logDuplicatesOf(this.partitions.map((state) => this.leaderLog(state)));
  }

  /** A metadata answer: which partitions have a leader now. */
  private metadata(): KafkaMessage {
    return { type: 'metadata-response', leaders: this.partitions.map((state) => state.leader >= 0) };
  }

  /** Answer a refused produce request with its error (nothing is answered when the producer does not wait). */
  private refuse(ctx: Ctx, from: string, request: Extract<KafkaMessage, { type: 'produce' }>, error: ProduceError): void {
    if (request.waitForAck) ctx.send(from, { type: 'produce-response', msgId: request.msgId, index: request.index, partition: request.partition, attempt: request.attempt, error });
  }

  private answerWhenReplicated(ctx: Ctx, state: PartitionState, partition: number, from: string, request: { msgId: string; index: number; attempt: number; waitForAck: boolean }, offset: number): void {
    if (!request.waitForAck) return;
    if (this.settings.acks === 1 || offset < state.hw || (offset >= 0 && this.isrSize(state) === 1)) {
      ctx.send(from, { type: 'produce-response', msgId: request.msgId, index: request.index, partition, attempt: request.attempt, offset });
      if (this.isrSize(state) === 1) this.advanceHighWatermark(ctx, partition);
      return;
    }
    state.waiting.push({ from, msgId: request.msgId, index: request.index, attempt: request.attempt, offset });
  }

  private isrSize(state: PartitionState): number {
    let count = 0;
    for (const replica of state.replicas) if (replica.alive && replica.inSync) count++;
    return count;
  }

  private advanceHighWatermark(ctx: Ctx, partition: number): void {
    const state = this.partitions[partition];
    if (state.leader < 0) return;
    let hw = Number.POSITIVE_INFINITY;
    for (const replica of state.replicas) if (replica.alive && replica.inSync) hw = Math.min(hw, replica.log.length);
    if (hw <= state.hw) return;
    state.hw = hw;
    if (state.waiting.length === 0) return;
    // Answer what is now replicated and keep the rest in order, compacting in place (this runs per replication).
    const waitingList = state.waiting;
    let kept = 0;
    for (let index = 0; index < waitingList.length; index++) {
      const waiting = waitingList[index];
      if (waiting.offset < hw) ctx.send(waiting.from, { type: 'produce-response', msgId: waiting.msgId, index: waiting.index, partition, attempt: waiting.attempt, offset: waiting.offset });
      else waitingList[kept++] = waiting;
    }
    waitingList.length = kept;
  }

  /**
   * A read_committed fetch: records below the last stable offset, with the offsets of those aborted transactions
   * wrote (Kafka sends the aborted transaction index; the client drops them).
   */
  private fetchCommitted(ctx: Ctx, from: string, message: Extract<KafkaMessage, { type: 'fetch' }>): void {
    const state = this.partitions[message.partition];
    ctx.send(from, committedFetchResponse(message, state.replicas[state.leader].log, state.txns, state.hw));
  }

  /** The last stable offset of a partition (the high watermark when no transaction is open there). */
  lastStableOffset(partition: number): number {
    const state = this.partitions[partition];
    return state.txns.lastStableOffset(state.hw);
  }

  /** True when the record at `offset` of `partition` (in the current leader's log) belongs to an aborted transaction. */
  isAbortedRecord(partition: number, offset: number): boolean {
    const state = this.partitions[partition];
    const record = state.leader >= 0 ? state.replicas[state.leader].log.at(offset) : undefined;
    return record !== undefined && state.txns.isAborted(record);
  }

  /** Transactions committed and aborted, and messages the committed records of the leaders' logs hold more than once. */
  transactionStats(): TransactionStats {
    const logs = this.partitions.map((state) => (state.leader < 0 ? undefined : state.replicas[state.leader].log));
    return { committed: this.transactions.committedCount, aborted: this.transactions.abortedCount, committedDuplicates: committedDuplicates(logs, (partition) => this.partitions[partition].txns) };
  }

  /** MarkerWriter: the partition leader appends the coordinator's marker (see TransactionIndex on its offset). */
  writeMarker(ctx: Ctx, partition: number, pid: number, marker: TxnMarker): void {
    const state = this.partitions[partition];
    const logEnd = state.leader >= 0 ? state.replicas[state.leader].log.length : state.hw;
    state.txns.mark(pid, marker, logEnd);
    ctx.record({ t: ctx.now, actor: this.id, kind: 'txn-marker', partition, pid, marker, lastStableOffset: state.txns.lastStableOffset(state.hw) });
  }

  /** MarkerWriter: a new epoch's first record has sequence number 0 on every partition. */
  resetSequences(pid: number): void {
    for (const state of this.partitions) state.lastSeq.delete(pid);
  }

  private failLeader(ctx: Ctx, partition: number): void {
    const state = this.partitions[partition];
    if (state.leader < 0) return;
    const failed = state.leader;
    state.replicas[failed].alive = false;
    // Like Kafka, the last ISR member stays in the ISR even when it dies: it alone holds every acknowledged record.
    state.replicas[failed].inSync = state.replicas.every((replica, index) => index === failed || !(replica.alive && replica.inSync));
    state.leader = -1;
    this.leaderLogTotal -= state.replicas[failed].log.length;
    state.epoch++;
    // Requests waiting for replication die with the leader; their producers time out and retry.
    const dropped = state.waiting.map((waiting) => waiting.msgId);
    state.waiting = [];
    ctx.record({ t: ctx.now, actor: this.id, kind: 'leader-failed', partition, replica: failed, unansweredMsgs: dropped });
    const data: ReplicaTimerData = { partition, replica: failed, epoch: state.epoch };
    ctx.setTimer(msToUs(this.settings.leaderElectionMs), { tag: 'elect', ...data });
    if (ctx.phase === 'faulty') ctx.setTimer(msToUs(this.env.config.timing.brokerRestartDelayMs), { tag: 'replica-restart', ...data });
  }

  /**
   * The new leader's last sequence number per producer id (what lastSeqOf in partition-log.ts reads from the end of
   * its log). Without epochs, `lastSeq` matched the log `state.lastSeqLog` names, if that log is unchanged since: only
   * the producer ids of records past the two logs' common prefix can differ, and only they are looked up again.
   */
  private lastSeqAfterElection(state: PartitionState, leaderLog: ReplicaLog): Map<number, number> {
    const current = (pid: number, epoch: number | undefined): boolean => epoch === undefined || epoch === this.transactions.epochOf(pid);
    const before = state.lastSeqLog;
    state.lastSeqLog = { log: leaderLog, length: leaderLog.length, last: leaderLog.lastNumber() };
    if (state.epochs || before.log.length !== before.length || before.log.lastNumber() !== before.last) return leaderLog.lastSeqs(state.pids, current);
    const common = before.log.commonPrefix(leaderLog);
    const changed = new Set<number>();
    before.log.sequencedPidsFrom(common, changed);
    leaderLog.sequencedPidsFrom(common, changed);
    const lastSeq = state.lastSeq;
    for (const pid of changed) {
      const seq = leaderLog.lastSeqOf(pid, current);
      if (seq === undefined) lastSeq.delete(pid);
      else lastSeq.set(pid, seq);
    }
    return lastSeq;
  }

  private elect(ctx: Ctx, partition: number): void {
    const state = this.partitions[partition];
    if (state.leader >= 0) return;
    // Clean election only: a replica outside the ISR may lack acknowledged records.
    const candidate = state.replicas.findIndex((replica) => replica.alive && replica.inSync);
    if (candidate < 0) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'partition-offline', partition });
      return;
    }
    state.leader = candidate;
    state.epoch++;
    const leaderLog = state.replicas[candidate].log;
    // Followers and the HW follow the new leader: anything it lacks is gone.
    for (const replica of state.replicas) if (replica.alive) this.truncateTo(ctx, partition, replica, leaderLog);
    state.hw = Math.min(state.hw, leaderLog.length);
    state.txns.truncated(leaderLog.length);
    // A transactional producer's sequence numbers restart at every epoch: only its current epoch's count.
    state.lastSeq = this.lastSeqAfterElection(state, leaderLog);
    this.leaderLogTotal += leaderLog.length;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'leader-elected', partition, replica: candidate, logEnd: leaderLog.length });
    this.scheduleCatchUp(ctx, partition);
    this.advanceHighWatermark(ctx, partition);
  }

  private restartReplica(ctx: Ctx, partition: number, index: number): void {
    const state = this.partitions[partition];
    const replica = state.replicas[index];
    if (replica.alive) return;
    replica.alive = true;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'replica-restarted', partition, replica: index, inSync: replica.inSync });
    if (state.leader < 0) {
      this.elect(ctx, partition);
      return;
    }
    replica.inSync = false;
    this.truncateTo(ctx, partition, replica, state.replicas[state.leader].log);
    this.scheduleCatchUp(ctx, partition);
  }

  /** Cut a replica's log back to the longest prefix it shares with the leader's (Kafka's leader-epoch truncation). */
  private truncateTo(ctx: Ctx, partition: number, replica: Replica, leaderLog: ReplicaLog): void {
    if (replica.log === leaderLog) return;
    // A replica's log is a prefix of its leader's up to where it diverged (truncation at every election and restart
    // keeps it so): the work is what is cut, not the whole log.
    const common = replica.log.commonPrefix(leaderLog);
    if (common < replica.log.length) {
      const removed = replica.log.truncate(common);
      ctx.record({ t: ctx.now, actor: this.id, kind: 'truncated', partition, replica: this.partitions[partition].replicas.indexOf(replica), fromOffset: common, msgs: removed });
    }
  }

  private scheduleCatchUp(ctx: Ctx, partition: number): void {
    const state = this.partitions[partition];
    state.replicas.forEach((replica, index) => {
      if (index !== state.leader && replica.alive) ctx.setTimer(msToUs(this.settings.replicationDelayMs), this.replicateData(partition, index, state.epoch));
    });
  }
}
