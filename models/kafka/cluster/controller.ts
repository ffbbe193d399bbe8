/**
 * The controller of a Kafka cluster (--nodes N): one actor standing for KRaft's controller quorum (Kafka 3.7+), which
 * never fails here. It keeps each partition's replicas, leader, leader epoch and ISR; fences a broker whose
 * heartbeats stop for broker.session.timeout.ms (dropping it from every ISR it is in, unless it is the last member,
 * as Kafka keeps it) and elects new leaders for what it led: the first live ISR member in replica order, or, with
 * unclean.leader.election.enable, the first live replica when no ISR member is alive (the ISR is then that replica
 * alone). Each election bumps the leader epoch. Leaders change their ISR by AlterPartition, refused from a stale
 * epoch. Brokers learn all this from their heartbeats' answers.
 *
 * Abstracted: the group coordinator, the transaction coordinator and the dead-letter topic run here too (their own
 * partitions' failover is not what the cluster faults are about: the transaction coordinator's has its own fault,
 * transaction-coordinator-failover), and so do metadata answers (always the controller's current view).
 */
import type { Actor } from '../../../sim/world.js';
import { msToUs } from '../../config.js';
import type { ModelEnv } from '../../env.js';
import { GroupCoordinator } from '../broker/group-coordinator.js';
import { TransactionCoordinator } from '../broker/transaction-coordinator.js';
import type { MarkerWriter } from '../broker/transaction-coordinator.js';
import { DEAD_LETTER_TOPIC } from '../protocol.js';
import type { BrokerTimer, ControllerTimer, KafkaMessage, PartitionView } from '../protocol.js';
import type { KafkaSettings } from '../settings.js';
import type { KafkaContext, KafkaProtocol } from '../world.js';
import { metadataOf } from './broker-node.js';
import { brokerIds, replicasOf } from './names.js';

type Ctx = KafkaContext;
type Of<T extends KafkaMessage['type']> = Extract<KafkaMessage, { type: T }>;

interface BrokerSession {
  lastHeartbeatUs: number;
  fenced: boolean;
}

export class Controller implements Actor<KafkaProtocol> {
  readonly coordinator: GroupCoordinator;
  /** With --transactions true: the transaction coordinator (its markers go where `markers` writes them). */
  readonly transactions: TransactionCoordinator | undefined;
  readonly deadLetters: { readonly msgId: string; readonly index: number; readonly group: string; readonly t: number }[] = [];
  private readonly partitions: PartitionView[];
  private readonly sessions = new Map<string, BrokerSession>();
  private readonly settings: KafkaSettings;

  constructor(
    readonly id: string,
    env: ModelEnv,
    groups: readonly string[],
    markers?: MarkerWriter,
  ) {
    this.settings = env.config.settings;
    const { nodes, replicationFactor } = this.settings;
    this.partitions = Array.from({ length: env.config.workload.partitions }, (_unused, partition) => {
      const replicas = replicasOf(partition, replicationFactor, nodes);
      return { replicas, leader: replicas[0], leaderEpoch: 0, isr: replicas };
    });
    for (const broker of brokerIds(nodes)) this.sessions.set(broker, { lastHeartbeatUs: 0, fenced: false });
    this.coordinator = new GroupCoordinator(id, this.settings, env.config.workload.partitions, groups);
    this.transactions = markers === undefined ? undefined : new TransactionCoordinator(id, env, markers);
  }

  /** The partitions as the controller knows them now (the topic's creation before the run). */
  views(): readonly PartitionView[] {
    return this.partitions;
  }

  leaderOf(partition: number): string | undefined {
    return this.partitions[partition].leader;
  }

  start(ctx: Ctx): void {
    ctx.setTimer(msToUs(this.settings.brokerHeartbeatIntervalMs), SESSION_CHECK);
  }

  crash(): void {}

  receive(ctx: Ctx, from: string, message: KafkaMessage): void {
    switch (message.type) {
      case 'broker-heartbeat':
        return this.onHeartbeat(ctx, message.broker);
      case 'alter-partition':
        return this.alterPartition(ctx, from, message);
      case 'metadata':
        return ctx.sendBackground(from, metadataOf(this.partitions));
      case 'fetch':
        // A consumer asking while its partition has no leader.
        return ctx.send(from, { type: 'fetch-response', partition: message.partition, fromOffset: message.fromOffset, attempt: message.attempt, records: [], error: 'NOT_LEADER_OR_FOLLOWER' });
      case 'commit':
        return this.coordinator.commit(ctx, from, message);
      case 'join-group':
        return this.coordinator.join(ctx, from, message);
      case 'heartbeat':
        return this.coordinator.heartbeat(ctx, from, message);
      case 'leave-group':
        return this.coordinator.leave(ctx, message);
      case 'init-producer-id':
        return this.transactions?.initProducerId(ctx, from, message);
      case 'end-txn':
        return this.transactions?.endTxn(ctx, from, message);
      case 'dead-letter': {
        const offset = this.deadLetters.length;
        this.deadLetters.push({ msgId: message.msgId, index: message.index, group: message.group, t: ctx.now });
        ctx.record({ t: ctx.now, actor: this.id, kind: 'dlt-append', msg: message.msgId, group: message.group, topic: DEAD_LETTER_TOPIC, offset });
        return ctx.send(from, { type: 'dead-letter-response', msgId: message.msgId, attempt: message.attempt });
      }
      default:
        return;
    }
  }

  timer(ctx: Ctx, timer: ControllerTimer | BrokerTimer): void {
    if (timer.tag === 'group-check') return this.coordinator.check(ctx, timer.group);
    if (timer.tag === 'initial-rebalance') return this.coordinator.initialDelayOver(ctx, timer.group);
    if (timer.tag === 'txn-coordinator-loaded') return this.transactions?.loaded(ctx);
    if (timer.tag !== 'session-check') return;
    const timeoutUs = msToUs(this.settings.brokerSessionTimeoutMs);
    for (const [broker, session] of this.sessions) if (!session.fenced && ctx.now - session.lastHeartbeatUs > timeoutUs) this.fence(ctx, broker, session);
    ctx.setTimer(msToUs(this.settings.brokerHeartbeatIntervalMs), SESSION_CHECK);
  }

  /** Every partition has a leader that is not fenced. */
  settled(): boolean {
    return this.partitions.every((view) => view.leader !== undefined && this.sessions.get(view.leader)?.fenced === false);
  }

  private onHeartbeat(ctx: Ctx, broker: string): void {
    const session = this.sessions.get(broker);
    if (session === undefined) return;
    session.lastHeartbeatUs = ctx.now;
    if (session.fenced) {
      session.fenced = false;
      ctx.record({ t: ctx.now, actor: this.id, kind: 'broker-unfenced', broker });
      // A partition left without a leader gets one as soon as an eligible replica is back.
      this.partitions.forEach((view, partition) => {
        if (view.leader === undefined) this.elect(ctx, partition);
      });
    }
    ctx.sendBackground(broker, { type: 'broker-heartbeat-response', fenced: false, partitions: this.partitions });
  }

  private fence(ctx: Ctx, broker: string, session: BrokerSession): void {
    session.fenced = true;
    const led = this.partitions.flatMap((view, partition) => (view.leader === broker ? [partition] : []));
    ctx.record({ t: ctx.now, actor: this.id, kind: 'broker-fenced', broker, lastHeartbeatUs: session.lastHeartbeatUs, partitionsLed: led });
    this.partitions.forEach((view, partition) => {
      // Kafka keeps the last ISR member in the ISR: it alone may hold every acknowledged record.
      const isr = view.isr.length > 1 ? view.isr.filter((member) => member !== broker) : view.isr;
      if (view.leader === broker) {
        this.partitions[partition] = { ...view, isr };
        this.elect(ctx, partition);
      } else if (isr.length !== view.isr.length) {
        this.partitions[partition] = { ...view, isr };
      }
    });
  }

  private live(broker: string): boolean {
    return this.sessions.get(broker)?.fenced === false;
  }

  /** A clean election from the live ISR, else (when allowed) an unclean one from any live replica; else offline. */
  private elect(ctx: Ctx, partition: number): void {
    const view = this.partitions[partition];
    let leader = view.replicas.find((broker) => view.isr.includes(broker) && this.live(broker));
    const unclean = leader === undefined && this.settings.uncleanLeaderElection;
    if (unclean) leader = view.replicas.find((broker) => this.live(broker));
    if (leader === undefined && view.leader === undefined) return;
    const isr = unclean && leader !== undefined ? [leader] : view.isr;
    const leaderEpoch = view.leaderEpoch + 1;
    this.partitions[partition] = { replicas: view.replicas, leader, leaderEpoch, isr };
    ctx.record({ t: ctx.now, actor: this.id, kind: 'leader-chosen', partition, broker: leader, epoch: leaderEpoch, isr, unclean: unclean && leader !== undefined });
    if (leader === undefined) ctx.record({ t: ctx.now, actor: this.id, kind: 'partition-offline', partition });
  }

  private alterPartition(ctx: Ctx, from: string, request: Of<'alter-partition'>): void {
    const view = this.partitions[request.partition];
    const base = { type: 'alter-partition-response' as const, partition: request.partition, leaderEpoch: request.leaderEpoch };
    if (view.leader !== from || view.leaderEpoch !== request.leaderEpoch) return ctx.send(from, { ...base, isr: view.isr, error: 'FENCED_LEADER_EPOCH' });
    // A fenced broker is not eligible to join (Kafka's INELIGIBLE_REPLICA); the leader itself always stays.
    const isr = request.isr.filter((broker) => broker === from || this.live(broker));
    this.partitions[request.partition] = { ...view, isr };
    ctx.send(from, { ...base, isr });
  }
}

const SESSION_CHECK: ControllerTimer = { tag: 'session-check' };
