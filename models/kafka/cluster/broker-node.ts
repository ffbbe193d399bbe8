/**
 * One broker of a Kafka cluster (--nodes N), after Kafka 3.7+ in KRaft mode. It hosts replicas of the partitions
 * placed on it (replica i of partition p on broker (p + i) mod N). It heartbeats to the controller and learns from
 * the answer which broker leads each partition in which leader epoch, and with which ISR (a KRaft broker's metadata
 * log, folded into the heartbeat's answer).
 * - As a leader it appends produce requests (the partition-log logic shared with the one-actor broker), serves
 *   consumer fetches below the high watermark (HW), and answers followers' fetches; a follower's fetch offset is its
 *   log end offset (LEO), and HW = min LEO over the ISR. acks=all waits for the HW and is refused with
 *   NOT_ENOUGH_REPLICAS while the ISR is smaller than min.insync.replicas. A follower that has not caught up for
 *   replica.lag.time.max.ms leaves the ISR, and one that caught up rejoins, each by an AlterPartition the controller
 *   must accept (a leader cut off from the controller cannot shrink its ISR, so acks=all waits instead of losing).
 * - As a follower it asks the leader where its own last leader epoch ends (OffsetsForLeaderEpoch, KIP-101) and
 *   truncates there, not at its HW, then fetches.
 * Durable: each replica's log, leader-epoch cache and HW. Everything else is rebuilt from the controller on restart.
 */
import type { Actor } from '../../../sim/world.js';
import { msToUs } from '../../config.js';
import type { ModelEnv } from '../../env.js';
import { arrayLog, lastSeqOf, recordOf, sequenceVerdict, findLastIn } from '../broker/partition-log.js';
import type { ClusterBrokerTimer, KafkaMessage, LogRecord, PartitionView, ProduceError } from '../protocol.js';
import type { KafkaSettings } from '../settings.js';
import type { KafkaContext, KafkaProtocol } from '../world.js';
import { CONTROLLER } from './names.js';
import { PartitionReplica } from './replica.js';
import { committedFetchResponse, latestOffsetResponse } from '../broker/transaction-index.js';
import type { TransactionIndex } from '../broker/transaction-index.js';
import type { FollowerState } from './replica.js';

type Ctx = KafkaContext;
type Produce = Extract<KafkaMessage, { type: 'produce' }>;
type Of<T extends KafkaMessage['type']> = Extract<KafkaMessage, { type: T }>;

/** Most records one follower fetch carries (Kafka's replica.fetch.max.bytes, in records). */
const MAX_REPLICA_FETCH_RECORDS = 500;

/** What a broker asks of its deployment: the fault decision points at a message's first append. */
export interface BrokerHooks {
  firstAppend(ctx: Ctx, broker: string, request: Produce): void;
  /** After every start, the first and each restart (a restarted broker accepts connections again). */
  started(broker: string): void;
  /** With --transactions true: what a partition leader learns of the transactions (see ClusterTransactions). */
  readonly transactions?: ClusterTransactions;
}

/**
 * A partition leader's view of the transactions (implemented by cluster-transactions.ts): a producer's current
 * epoch (an older one is fenced, as the coordinator's verification of a partition joining a transaction fences it,
 * KIP-890), a transactional record appended, the partition's transaction index, a marker still waiting, and a
 * leader starting.
 */
export interface ClusterTransactions {
  epochOf(pid: number): number | undefined;
  appended(broker: string, leaderEpoch: number, pid: number, partition: number, offset: number): void;
  index(partition: number): TransactionIndex;
  /** True while `pid`'s previous transaction has a marker to write on `partition` (it has had no leader since). */
  markerPending(pid: number, partition: number): boolean;
  /** True when transaction `txn` of `pid` in `epoch` is already over (KIP-890's verification finds nothing to add to). */
  transactionOver(pid: number, epoch: number, txn: number): boolean;
  /** `broker` starts leading `partition` in `leaderEpoch` with `log` (what stays of the partition). */
  leaderStarted(ctx: Ctx, broker: string, partition: number, leaderEpoch: number, log: readonly LogRecord[]): void;
}

export class BrokerNode implements Actor<KafkaProtocol> {
  /** This broker's replicas, by partition (undefined where it hosts none). */
  readonly replicas: (PartitionReplica | undefined)[];
  /** The controller's view of every partition as last learnt (metadata answers). */
  private views: readonly PartitionView[];
  private started = false;
  private readonly settings: KafkaSettings;
  /** Per partition: the token of the follower's current fetch (or epoch question); a timer of an older one is stale. */
  private readonly fetchTokens: number[];

  constructor(
    readonly id: string,
    env: ModelEnv,
    initialViews: readonly PartitionView[],
    private readonly hooks: BrokerHooks,
  ) {
    this.settings = env.config.settings;
    this.views = initialViews;
    this.replicas = initialViews.map((view, partition) => (view.replicas.includes(id) ? new PartitionReplica(partition, view.replicas) : undefined));
    this.fetchTokens = new Array<number>(initialViews.length).fill(0);
  }

  start(ctx: Ctx): void {
    const first = !this.started;
    this.started = true;
    for (const replica of this.replicas) replica?.reset();
    // The first start knows the topic's initial assignment (its creation); a restart learns from the controller.
    if (first) for (const replica of this.replicas) if (replica !== undefined) this.apply(ctx, replica, this.views[replica.partition], true);
    this.heartbeat(ctx);
    ctx.setTimer(msToUs(this.settings.replicaLagTimeMaxMs / 2), ISR_CHECK);
    this.hooks.started(this.id);
  }

  crash(): void {
    for (const replica of this.replicas) replica?.reset();
  }

  /** Before a crash: each partition it leads loses its leader, and the requests waiting for replication die with it. */
  recordCrash(ctx: Ctx): void {
    for (const replica of this.replicas) {
      if (replica === undefined || replica.leader !== this.id) continue;
      ctx.record({ t: ctx.now, actor: this.id, kind: 'leader-failed', partition: replica.partition, replica: replica.replicas.indexOf(this.id), unansweredMsgs: replica.waiting.map((waiting) => waiting.msgId) });
    }
  }

  /** True when this broker leads `partition` in the controller's current epoch and nothing waits there. */
  leads(partition: number, epoch: number): boolean {
    const replica = this.replicas[partition];
    return replica !== undefined && replica.leader === this.id && replica.leaderEpoch === epoch;
  }

  receive(ctx: Ctx, from: string, message: KafkaMessage): void {
    switch (message.type) {
      case 'produce':
        return this.produce(ctx, from, message);
      case 'fetch':
        return this.serveFetch(ctx, from, message);
      case 'replica-fetch':
        return this.serveReplicaFetch(ctx, from, message);
      case 'replica-fetch-response':
        return this.onReplicaFetched(ctx, from, message);
      case 'offsets-for-leader-epoch':
        return this.answerEpochEnd(ctx, from, message);
      case 'offsets-for-leader-epoch-response':
        return this.onEpochEnd(ctx, from, message);
      case 'alter-partition-response':
        return this.onIsrChanged(ctx, message);
      case 'broker-heartbeat-response':
        return this.onHeartbeatAnswer(ctx, message);
      case 'metadata':
        return ctx.sendBackground(from, metadataOf(this.views));
      default:
        return;
    }
  }

  timer(ctx: Ctx, timer: ClusterBrokerTimer): void {
    if (timer.tag === 'broker-heartbeat') return this.heartbeat(ctx);
    if (timer.tag === 'isr-check') {
      this.checkIsr(ctx);
      ctx.setTimer(msToUs(this.settings.replicaLagTimeMaxMs / 2), ISR_CHECK);
      return;
    }
    const replica = this.replicas[timer.partition];
    if (replica === undefined || this.fetchTokens[timer.partition] !== timer.token) return;
    this.followerStep(ctx, replica);
  }

  private heartbeat(ctx: Ctx): void {
    ctx.sendBackground(CONTROLLER, { type: 'broker-heartbeat', broker: this.id });
    ctx.setTimer(msToUs(this.settings.brokerHeartbeatIntervalMs), HEARTBEAT);
  }

  private onHeartbeatAnswer(ctx: Ctx, answer: Of<'broker-heartbeat-response'>): void {
    this.views = answer.partitions;
    for (const replica of this.replicas) {
      if (replica === undefined) continue;
      const view = answer.partitions[replica.partition];
      if (view.leaderEpoch > replica.leaderEpoch) this.apply(ctx, replica, view, false);
      else if (view.leaderEpoch === replica.leaderEpoch && replica.leader === this.id && replica.pendingIsr === undefined && !sameMembers(view.isr, replica.isr)) {
        // The controller changed the ISR itself (it drops a fenced broker): take its word.
        replica.isr = view.isr;
        replica.confirmedIsr = view.isr;
        this.advanceHighWatermark(ctx, replica);
      }
    }
  }

  /** A new leader epoch: lead, or follow its leader. `quiet`: the topic's creation, nothing to trace. */
  private apply(ctx: Ctx, replica: PartitionReplica, view: PartitionView, quiet: boolean): void {
    if (view.leader === this.id) this.becomeLeader(ctx, replica, view, quiet);
    else this.becomeFollower(ctx, replica, view, quiet);
  }

  private becomeLeader(ctx: Ctx, replica: PartitionReplica, view: PartitionView, quiet: boolean): void {
    replica.leader = this.id;
    replica.leaderEpoch = view.leaderEpoch;
    replica.isr = view.isr;
    replica.confirmedIsr = view.isr;
    replica.pendingIsr = undefined;
    replica.following = 'idle';
    this.fetchTokens[replica.partition]++;
    replica.startEpoch(view.leaderEpoch, replica.log.length);
    replica.followers = new Map(replica.replicas.filter((broker) => broker !== this.id).map((broker) => [broker, newFollower(ctx.now)]));
    // A transactional producer's sequence numbers restart at every epoch: only its current epoch's count.
    const transactions = this.hooks.transactions;
    replica.lastSeq = lastSeqOf(arrayLog(replica.log), replica.pids, transactions === undefined ? () => true : (pid, epoch) => epoch === undefined || epoch === transactions.epochOf(pid));
    if (replica.hw > replica.log.length) replica.hw = replica.log.length;
    if (!quiet) ctx.record({ t: ctx.now, actor: this.id, kind: 'leader-elected', partition: replica.partition, replica: replica.replicas.indexOf(this.id), logEnd: replica.log.length, epoch: view.leaderEpoch });
    if (!quiet) transactions?.leaderStarted(ctx, this.id, replica.partition, view.leaderEpoch, replica.log);
    this.advanceHighWatermark(ctx, replica);
  }

  private becomeFollower(ctx: Ctx, replica: PartitionReplica, view: PartitionView, quiet: boolean): void {
    // Produce requests waiting for replication fail over with the leadership: the producer refreshes metadata.
    for (const waiting of replica.waiting) ctx.send(waiting.from, { type: 'produce-response', msgId: waiting.msgId, index: waiting.index, partition: replica.partition, attempt: waiting.attempt, error: 'NOT_LEADER_OR_FOLLOWER' });
    replica.reset();
    replica.leader = view.leader;
    replica.leaderEpoch = view.leaderEpoch;
    replica.isr = view.isr;
    if (!quiet) ctx.record({ t: ctx.now, actor: this.id, kind: 'became-follower', partition: replica.partition, leader: view.leader, epoch: view.leaderEpoch });
    if (view.leader === undefined) return;
    // A fresh topic has nothing to truncate: fetch at once.
    replica.following = quiet ? 'fetching' : 'truncating';
    this.followerStep(ctx, replica);
  }

  /** The follower's next request: its epoch question, or a fetch from its log end; with a timeout either way. */
  private followerStep(ctx: Ctx, replica: PartitionReplica): void {
    const leader = replica.leader;
    if (leader === undefined || leader === this.id || replica.following === 'idle') return;
    const partition = replica.partition;
    if (replica.following === 'truncating') ctx.send(leader, { type: 'offsets-for-leader-epoch', partition, leaderEpoch: replica.leaderEpoch, lastEpoch: replica.lastEpoch() });
    else ctx.send(leader, { type: 'replica-fetch', partition, fetchOffset: replica.log.length, leaderEpoch: replica.leaderEpoch });
    // Unanswered (a cut link, a parked fetch with nothing new): ask again, like replica.fetch.wait.max.ms.
    const token = ++this.fetchTokens[partition];
    ctx.setTimer(msToUs(this.settings.replicaLagTimeMaxMs / 3), { tag: 'follower-fetch', partition, token });
  }

  /** After an answer: the next request after the copy time (replication.delay.ms), under a new token. */
  private nextFollowerStep(ctx: Ctx, replica: PartitionReplica): void {
    const token = ++this.fetchTokens[replica.partition];
    if (this.settings.replicationDelayMs === 0) return this.followerStep(ctx, replica);
    ctx.setTimer(msToUs(this.settings.replicationDelayMs), { tag: 'follower-fetch', partition: replica.partition, token });
  }

  private onEpochEnd(ctx: Ctx, from: string, answer: Of<'offsets-for-leader-epoch-response'>): void {
    const replica = this.replicas[answer.partition];
    if (replica === undefined || replica.leader !== from || replica.leaderEpoch !== answer.leaderEpoch || replica.following !== 'truncating') return;
    if (answer.error !== undefined) return this.nextFollowerStep(ctx, replica);
    const logEnd = replica.log.length;
    const cut = Math.min(answer.endOffset, logEnd);
    ctx.record({ t: ctx.now, actor: this.id, kind: 'epoch-end-answered', partition: replica.partition, lastEpoch: replica.lastEpoch(), endOffset: answer.endOffset, logEnd });
    const removed = replica.truncateTo(cut);
    if (removed.length > 0) ctx.record({ t: ctx.now, actor: this.id, kind: 'truncated', partition: replica.partition, replica: replica.replicas.indexOf(this.id), fromOffset: cut, msgs: removed.map((record) => record.msgId) });
    replica.following = 'fetching';
    this.followerStep(ctx, replica);
  }

  private onReplicaFetched(ctx: Ctx, from: string, answer: Of<'replica-fetch-response'>): void {
    const replica = this.replicas[answer.partition];
    if (replica === undefined || replica.leader !== from || replica.leaderEpoch !== answer.leaderEpoch || replica.following !== 'fetching' || answer.fetchOffset !== replica.log.length) return;
    if (answer.error !== undefined) {
      replica.following = 'truncating';
      return this.nextFollowerStep(ctx, replica);
    }
    for (const record of answer.records) {
      replica.log.push(record);
      if (record.seq >= 0) replica.pids.add(record.pid);
    }
    for (const entry of answer.epochs) if (entry.epoch > replica.lastEpoch() && entry.startOffset <= replica.log.length) replica.startEpoch(entry.epoch, entry.startOffset);
    replica.hw = Math.max(replica.hw, Math.min(answer.highWatermark, replica.log.length));
    this.nextFollowerStep(ctx, replica);
  }

  /** The leader's answer to OffsetsForLeaderEpoch: where the follower's last epoch ends here. */
  private answerEpochEnd(ctx: Ctx, from: string, question: Of<'offsets-for-leader-epoch'>): void {
    const replica = this.replicas[question.partition];
    const base = { type: 'offsets-for-leader-epoch-response' as const, partition: question.partition, leaderEpoch: question.leaderEpoch };
    if (replica === undefined || replica.leader !== this.id || replica.leaderEpoch !== question.leaderEpoch) return ctx.send(from, { ...base, endOffset: -1, error: 'NOT_LEADER_OR_FOLLOWER' });
    ctx.send(from, { ...base, endOffset: replica.endOffsetOf(question.lastEpoch) });
  }

  /** A follower's fetch: its offset is its log end; records from there, or parked until the next append. */
  private serveReplicaFetch(ctx: Ctx, from: string, fetch: Of<'replica-fetch'>): void {
    const replica = this.replicas[fetch.partition];
    const follower = replica?.followers.get(from);
    if (replica === undefined || follower === undefined || replica.leader !== this.id || replica.leaderEpoch !== fetch.leaderEpoch || fetch.fetchOffset > replica.log.length) {
      ctx.send(from, { type: 'replica-fetch-response', partition: fetch.partition, fetchOffset: fetch.fetchOffset, leaderEpoch: fetch.leaderEpoch, records: [], highWatermark: 0, epochs: [], error: 'FENCED_LEADER_EPOCH' });
      return;
    }
    const leo = replica.log.length;
    // Kafka's Replica.updateFetchState: caught up now, or as of its previous fetch if it reached the LEO of then.
    if (fetch.fetchOffset >= leo) follower.lastCaughtUpUs = ctx.now;
    else if (fetch.fetchOffset >= follower.lastFetchLeaderLeo) follower.lastCaughtUpUs = follower.lastFetchUs;
    follower.lastFetchLeaderLeo = leo;
    follower.lastFetchUs = ctx.now;
    follower.leo = fetch.fetchOffset;
    this.maybeExpandIsr(ctx, replica, from, follower);
    this.advanceHighWatermark(ctx, replica);
    follower.parked = fetch.fetchOffset >= leo;
    if (!follower.parked) this.answerFollower(ctx, replica, from, fetch.fetchOffset);
  }

  private answerFollower(ctx: Ctx, replica: PartitionReplica, follower: string, fetchOffset: number): void {
    const records = replica.log.slice(fetchOffset, Math.min(replica.log.length, fetchOffset + MAX_REPLICA_FETCH_RECORDS));
    ctx.send(follower, { type: 'replica-fetch-response', partition: replica.partition, fetchOffset, leaderEpoch: replica.leaderEpoch, records, highWatermark: replica.hw, epochs: replica.epochsFrom(fetchOffset) });
  }

  /** A consumer's fetch: the leader serves records below the HW; anyone else says NOT_LEADER_OR_FOLLOWER. */
  private serveFetch(ctx: Ctx, from: string, fetch: Of<'fetch'>): void {
    const replica = this.replicas[fetch.partition];
    if (replica === undefined || replica.leader !== this.id) {
      ctx.send(from, { type: 'fetch-response', partition: fetch.partition, fromOffset: fetch.fromOffset, attempt: fetch.attempt, records: [], error: 'NOT_LEADER_OR_FOLLOWER' });
      return;
    }
    if (fetch.fromOffset > replica.log.length) {
      ctx.send(from, { type: 'fetch-out-of-range', partition: fetch.partition, fromOffset: fetch.fromOffset, attempt: fetch.attempt, resetTo: replica.hw });
      return;
    }
    const index = fetch.readCommitted === true ? this.hooks.transactions?.index(fetch.partition) : undefined;
    if (fetch.fromOffset < 0) return ctx.send(from, latestOffsetResponse(fetch, index, replica.hw));
    if (index !== undefined) return ctx.send(from, committedFetchResponse(fetch, replica.log, index, replica.hw));
    const records = replica.log.slice(fetch.fromOffset, Math.min(replica.hw, fetch.fromOffset + fetch.maxRecords));
    ctx.send(from, { type: 'fetch-response', partition: fetch.partition, fromOffset: fetch.fromOffset, attempt: fetch.attempt, records });
  }

  /** A producer's new epoch (InitProducerId): its sequence numbers restart at 0 on every partition. */
  resetSequences(pid: number): void {
    for (const replica of this.replicas) replica?.lastSeq.delete(pid);
  }

  private produce(ctx: Ctx, from: string, request: Produce): void {
    const replica = this.replicas[request.partition];
    if (replica === undefined || replica.leader !== this.id) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'produce-refused', msg: request.msgId, attempt: request.attempt, partition: request.partition, error: 'NOT_LEADER_OR_FOLLOWER' });
      // acks=0 gets no answer; its client sees the request fail and refreshes metadata.
      if (!request.waitForAck) ctx.sendBackground(from, metadataOf(this.views));
      return this.refuse(ctx, from, request, 'NOT_LEADER_OR_FOLLOWER');
    }
    if (this.settings.acks === 'all' && request.waitForAck && replica.isr.length < this.settings.minInsyncReplicas) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'produce-refused', msg: request.msgId, attempt: request.attempt, partition: request.partition, error: 'NOT_ENOUGH_REPLICAS', isr: replica.isr.length });
      return this.refuse(ctx, from, request, 'NOT_ENOUGH_REPLICAS');
    }
    const transactions = this.hooks.transactions;
    if (request.epoch !== undefined && transactions !== undefined && request.epoch < (transactions.epochOf(request.pid) ?? request.epoch)) {
      ctx.record({ t: ctx.now, actor: this.id, kind: 'produce-refused', msg: request.msgId, attempt: request.attempt, partition: request.partition, error: 'PRODUCER_FENCED' });
      return this.refuse(ctx, from, request, 'PRODUCER_FENCED');
    }
    if (request.epoch !== undefined && transactions?.markerPending(request.pid, request.partition) === true) {
      // Kafka's AddPartitionsToTxn verification (KIP-890): the previous transaction is not complete here yet.
      ctx.record({ t: ctx.now, actor: this.id, kind: 'produce-refused', msg: request.msgId, attempt: request.attempt, partition: request.partition, error: 'CONCURRENT_TRANSACTIONS' });
      return this.refuse(ctx, from, request, 'CONCURRENT_TRANSACTIONS');
    }
    if (request.epoch !== undefined && request.txn !== undefined && transactions?.transactionOver(request.pid, request.epoch, request.txn) === true) {
      // A request held past its transaction's end (the producer retried it elsewhere and committed): appending it
      // would open a transaction nobody ends, a hanging transaction (what KIP-890 closed).
      ctx.record({ t: ctx.now, actor: this.id, kind: 'produce-refused', msg: request.msgId, attempt: request.attempt, partition: request.partition, error: 'INVALID_TXN_STATE' });
      return this.refuse(ctx, from, request, 'INVALID_TXN_STATE');
    }
    if (request.seq >= 0) {
      const verdict = sequenceVerdict(replica.lastSeq, request.pid, request.seq);
      if (verdict === 'duplicate') {
        const existing = findLastIn(arrayLog(replica.log), request.pid, request.seq);
        ctx.record({ t: ctx.now, actor: this.id, kind: 'duplicate-dropped', msg: request.msgId, attempt: request.attempt, partition: request.partition, offset: existing });
        return this.answerWhenReplicated(ctx, replica, from, request, existing ?? -1);
      }
      if (verdict === 'out-of-order') {
        ctx.record({ t: ctx.now, actor: this.id, kind: 'produce-refused', msg: request.msgId, attempt: request.attempt, partition: request.partition, error: 'OUT_OF_ORDER_SEQUENCE_NUMBER', expectedSeq: (replica.lastSeq.get(request.pid) ?? -1) + 1, seq: request.seq });
        return this.refuse(ctx, from, request, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
      }
      replica.lastSeq.set(request.pid, request.seq);
      replica.pids.add(request.pid);
    }
    const offset = replica.log.length;
    replica.log.push(recordOf(request, offset));
    if (request.epoch !== undefined && transactions !== undefined) transactions.appended(this.id, replica.leaderEpoch, request.pid, request.partition, offset);
    ctx.record({ t: ctx.now, actor: this.id, kind: 'append', msg: request.msgId, attempt: request.attempt, partition: request.partition, offset, replica: replica.replicas.indexOf(this.id) });
    if (request.waitForAck) this.answerWhenReplicated(ctx, replica, from, request, offset);
    else this.advanceHighWatermark(ctx, replica);
    // The faults at a first append strike before the parked followers hear of it: "before any follower copied it".
    this.hooks.firstAppend(ctx, this.id, request);
    for (const [broker, follower] of replica.followers) {
      if (!follower.parked) continue;
      follower.parked = false;
      this.answerFollower(ctx, replica, broker, follower.leo);
    }
  }

  private refuse(ctx: Ctx, from: string, request: Produce, error: ProduceError): void {
    if (request.waitForAck) ctx.send(from, { type: 'produce-response', msgId: request.msgId, index: request.index, partition: request.partition, attempt: request.attempt, error });
  }

  private answerWhenReplicated(ctx: Ctx, replica: PartitionReplica, from: string, request: Produce, offset: number): void {
    if (!request.waitForAck) return;
    this.advanceHighWatermark(ctx, replica);
    if (this.settings.acks === 1 || (offset >= 0 && offset < replica.hw && replica.isr.length >= this.settings.minInsyncReplicas)) {
      ctx.send(from, { type: 'produce-response', msgId: request.msgId, index: request.index, partition: request.partition, attempt: request.attempt, offset });
      return;
    }
    replica.waiting.push({ from, msgId: request.msgId, index: request.index, attempt: request.attempt, offset });
  }

  /** HW = the smallest log end offset over the ISR (a member that has not fetched in this epoch holds it back). */
  private advanceHighWatermark(ctx: Ctx, replica: PartitionReplica): void {
    if (replica.leader !== this.id) return;
    let hw = replica.log.length;
    for (const broker of replica.isr) {
      const follower = replica.followers.get(broker);
      if (follower !== undefined) hw = Math.min(hw, follower.leo);
    }
    if (hw <= replica.hw) return;
    replica.hw = hw;
    if (replica.waiting.length === 0) return;
    // Kafka's DelayedProduce: replicated, but by fewer than min.insync.replicas, is an error, not an ack.
    const enough = replica.isr.length >= this.settings.minInsyncReplicas;
    const kept = [];
    for (const waiting of replica.waiting) {
      if (waiting.offset >= hw) kept.push(waiting);
      else if (enough) ctx.send(waiting.from, { type: 'produce-response', msgId: waiting.msgId, index: waiting.index, partition: replica.partition, attempt: waiting.attempt, offset: waiting.offset });
      else ctx.send(waiting.from, { type: 'produce-response', msgId: waiting.msgId, index: waiting.index, partition: replica.partition, attempt: waiting.attempt, error: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND' });
    }
    replica.waiting = kept;
  }

  /** A follower out of the ISR that reached the HW (and this epoch's start) rejoins: maximal ISR at once, then AlterPartition. */
  private maybeExpandIsr(ctx: Ctx, replica: PartitionReplica, broker: string, follower: FollowerState): void {
    if (replica.isr.includes(broker) || replica.pendingIsr !== undefined) return;
    const epochStart = replica.epochs[replica.epochs.length - 1]?.startOffset ?? 0;
    if (follower.leo < replica.hw || follower.leo < epochStart) return;
    const isr = replica.replicas.filter((member) => member === broker || replica.isr.includes(member));
    replica.isr = isr;
    this.alterIsr(ctx, replica, isr);
  }

  /** Every replica.lag.time.max.ms / 2: followers lagging longer leave the ISR, once the controller agrees. */
  private checkIsr(ctx: Ctx): void {
    const lagUs = msToUs(this.settings.replicaLagTimeMaxMs);
    for (const replica of this.replicas) {
      if (replica === undefined || replica.leader !== this.id) continue;
      if (replica.pendingIsr !== undefined) {
        if (ctx.now - replica.pendingSinceUs >= lagUs / 2) this.alterIsr(ctx, replica, replica.pendingIsr);
        continue;
      }
      const caughtUp = (broker: string): boolean => {
        const follower = replica.followers.get(broker);
        if (follower === undefined) return true;
        if (follower.parked && follower.leo >= replica.log.length) follower.lastCaughtUpUs = ctx.now;
        return ctx.now - follower.lastCaughtUpUs <= lagUs;
      };
      const isr = replica.isr.filter(caughtUp);
      if (isr.length < replica.isr.length) this.alterIsr(ctx, replica, isr);
    }
  }

  private alterIsr(ctx: Ctx, replica: PartitionReplica, isr: readonly string[]): void {
    replica.pendingIsr = isr;
    replica.pendingSinceUs = ctx.now;
    ctx.send(CONTROLLER, { type: 'alter-partition', partition: replica.partition, leaderEpoch: replica.leaderEpoch, isr });
  }

  private onIsrChanged(ctx: Ctx, answer: Of<'alter-partition-response'>): void {
    const replica = this.replicas[answer.partition];
    if (replica === undefined || replica.leader !== this.id || replica.leaderEpoch !== answer.leaderEpoch || replica.pendingIsr === undefined) return;
    replica.pendingIsr = undefined;
    if (answer.error !== undefined) return;
    for (const broker of replica.isr) {
      if (answer.isr.includes(broker)) continue;
      const follower = replica.followers.get(broker);
      const lagMs = follower === undefined ? 0 : (ctx.now - follower.lastCaughtUpUs) / 1000;
      ctx.record({ t: ctx.now, actor: this.id, kind: 'isr-shrunk', partition: replica.partition, broker, isr: answer.isr, lagMs });
    }
    for (const broker of answer.isr) if (!wasConfirmed(replica, broker)) ctx.record({ t: ctx.now, actor: this.id, kind: 'isr-expanded', partition: replica.partition, broker, isr: answer.isr });
    replica.isr = answer.isr;
    replica.confirmedIsr = answer.isr;
    this.advanceHighWatermark(ctx, replica);
  }
}

const HEARTBEAT: ClusterBrokerTimer = { tag: 'broker-heartbeat' };
const ISR_CHECK: ClusterBrokerTimer = { tag: 'isr-check' };

function newFollower(nowUs: number): FollowerState {
  return { leo: -1, lastCaughtUpUs: nowUs, lastFetchLeaderLeo: 0, lastFetchUs: nowUs, parked: false };
}

function wasConfirmed(replica: PartitionReplica, broker: string): boolean {
  return replica.confirmedIsr.includes(broker);
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((broker) => b.includes(broker));
}

/** A metadata answer from a view of the partitions: which have a leader, and which broker. */
export function metadataOf(views: readonly PartitionView[]): KafkaMessage {
  return { type: 'metadata-response', leaders: views.map((view) => view.leader !== undefined), leaderIds: views.map((view) => view.leader) };
}
