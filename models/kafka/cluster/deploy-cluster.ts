/**
 * Puts a Kafka world with a broker cluster together (--nodes N): producers, brokers B1..Bn, the controller CTL
 * (with the group coordinator), the consumer groups and the DB; the cluster's fault decision points at a message's
 * first append (a leader failover, a broker crash, a broker cut off from the controller or from the other brokers);
 * quiescence: every partition led, every replica caught up and in the ISR.
 */
import { msToUs } from '../../config.js';
import { Database } from '../../db/database.js';
import { countEffects } from '../../db/effect-log.js';
import type { DeployInput, Deployment } from '../../family.js';
import type { Fault, FaultPlan } from '../../faults/catalog.js';
import type { LinkName } from '../../faults/common.js';
import { PlanError } from '../../faults/plan.js';
import { GroupLedger } from '../../consumer/ledger.js';
import { FIRST_INSTANCE, groupOf } from '../../topology.js';
import { shareOf } from '../../workload.js';
import type { Workload } from '../../workload.js';
import type { Phase } from '../../../sim/world.js';
import { arrayLog, logDuplicatesOf } from '../broker/partition-log.js';
import { KafkaConsumer } from '../consumer/consumer.js';
import { DB, networkFaultHook } from '../deployment.js';
import { Producer } from '../producer.js';
import type { KafkaMessage, LogRecord, PartitionView } from '../protocol.js';
import type { KafkaContext } from '../world.js';
import { BrokerNode } from './broker-node.js';
import type { BrokerHooks } from './broker-node.js';
import { ClusterTransactionIndexes } from './cluster-transactions.js';
import { TransactionalProducer } from '../transactional-producer.js';
import { Controller } from './controller.js';
import { handoverObservations } from '../../observations.js';
import type { PartitionReplica } from './replica.js';
import { CONTROLLER, brokerIds } from './names.js';
import { IndexCounts } from '../../index-counts.js';

type Produce = Extract<KafkaMessage, { type: 'produce' }>;

export function deployKafkaCluster(input: DeployInput): Deployment {
  const cluster = deployActors(input);
  return { hooks: clusterHooks(input, cluster), ...clusterViews(input, cluster) };
}

/** The actors of a cluster world, as deployActors put them together. */
interface ClusterActors {
  readonly controller: Controller;
  readonly producers: readonly (Producer | TransactionalProducer)[];
  readonly brokers: ReadonlyMap<string, BrokerNode>;
  readonly consumers: readonly KafkaConsumer[];
  readonly db: Database;
  /** Each partition's leader when the topic was created (what the producers route by at first). */
  readonly initialLeaders: readonly (string | undefined)[];
  /** A partition's log on its current leader (empty while it has none). */
  readonly leaderLog: (partition: number) => readonly LogRecord[];
  readonly leaderReplica: (partition: number) => PartitionReplica | undefined;
  /** With --transactions true: the partitions' transaction indexes and the markers waiting for a leader. */
  readonly transactions: ClusterTransactionIndexes | undefined;
}

/** Create and add every actor, and schedule the hand-over faults (in this order: it fixes the events' sequence). */
function deployActors({ config, topology, world, env, workload }: DeployInput): ClusterActors {
  const ids = brokerIds(config.settings.nodes);
  const transactional = config.settings.transactions;
  // The transactions' side of the cluster reads the controller and the brokers once they exist (see ClusterView).
  const transactions: ClusterTransactionIndexes | undefined = transactional
    ? new ClusterTransactionIndexes(config.workload.partitions, {
        views: (): readonly PartitionView[] => controller.views(),
        replicaOf: (broker: string, partition: number): PartitionReplica | undefined => brokers.get(broker)?.replicas[partition],
        resetSequences: (pid: number): void => {
          for (const broker of brokers.values()) broker.resetSequences(pid);
        },
      })
    : undefined;
  const controller = new Controller(CONTROLLER, env, topology.groups.map((group) => group.name), transactions);
  if (transactions !== undefined && controller.transactions !== undefined) transactions.attach(controller.transactions);
  // With transactions each producer is a consume-transform-produce stage; its coordinator calls go to the controller.
  const producers = topology.producers.map((id, index) => (transactional ? new TransactionalProducer(id, CONTROLLER, env, shareOf(workload, id)) : new Producer(id, CONTROLLER, env, shareOf(workload, id), index, topology.producers.length)));
  const initialLeaders = controller.views().map((view) => view.leader);
  for (const producer of producers) producer.routeByLeader(initialLeaders);
  const reachable = (broker: string, up: boolean): void => {
    // A transactional stage finds a moved leader by its request timeout and a metadata refresh.
    for (const producer of producers) if (producer instanceof Producer && world.isUp(producer.id)) producer.brokerReachable(world.contextOf(producer.id), broker, up);
  };

  const healAtUs = msToUs(config.timing.faultyPhaseMs);
  const crashBroker = (id: string, fault: Fault): void => {
    if (!world.isUp(id)) return;
    env.traceFault({ now: world.now }, fault);
    (brokers.get(id) as BrokerNode).recordCrash(world.contextOf(id));
    const restartAfterUs = msToUs(config.timing.brokerRestartDelayMs);
    world.crash(id, world.phase === 'heal' || world.now + restartAfterUs < healAtUs ? restartAfterUs : undefined);
    // The producers' connections to it break: what it led waits for metadata naming another leader.
    reachable(id, false);
  };
  const cut = (broker: string, from: readonly string[], durationMs: number): void => {
    for (const other of from) world.partition({ a: broker, b: other, fromUs: world.now, toUs: world.now + msToUs(durationMs) });
  };
  const tools: FaultTools = { ids, crash: crashBroker, cut, env };
  scheduleHandoverFaults(world, workload, healAtUs, tools);
  const appendedOnce = new IndexCounts();
  const hooks: BrokerHooks = {
    firstAppend: (ctx, broker, request) => {
      if (appendedOnce.get(request.index) === 1) return;
      appendedOnce.set(request.index, 1);
      firstAppendFaults(ctx, broker, request, tools);
    },
    started: (broker) => reachable(broker, true),
    ...(transactions !== undefined ? { transactions } : {}),
  };
  const brokers = new Map(ids.map((id) => [id, new BrokerNode(id, env, controller.views(), hooks)]));
  const ledgers = new Map(topology.groups.map((group) => [group.name, new GroupLedger(group.name)]));
  const fetchRoute = (partition: number): string => controller.leaderOf(partition) ?? CONTROLLER;
  const consumers = topology.consumers.map((id) => new KafkaConsumer(id, CONTROLLER, DB, env, ledgers.get(groupOf(id)) as GroupLedger, fetchRoute));
  const db = new Database(DB, config.workload.partitions, env.handler?.module.effects);
  for (const actor of [...producers, ...brokers.values(), controller, ...consumers, db]) world.addActor(actor);
  const leaderReplica = (partition: number): PartitionReplica | undefined => {
    const leader = controller.leaderOf(partition);
    return leader === undefined ? undefined : brokers.get(leader)?.replicas[partition];
  };
  const leaderLog = (partition: number): readonly LogRecord[] => leaderReplica(partition)?.log ?? [];
  return { controller, producers, brokers, consumers, db, initialLeaders, leaderLog, leaderReplica, transactions };
}

/** The engine's hooks: network faults, progress, and quiescence (every partition led, every replica caught up and in the ISR). */
function clusterHooks({ config, world, env }: DeployInput, cluster: ClusterActors): Deployment['hooks'] {
  const { controller, producers, brokers, consumers, db, leaderLog, leaderReplica } = cluster;
  const partitions = config.workload.partitions;
  const watermarks = new Array<number>(partitions).fill(0);
  const highWatermarks = (): number[] => {
    for (let partition = 0; partition < partitions; partition++) watermarks[partition] = leaderReplica(partition)?.hw ?? 0;
    return watermarks;
  };
  const coordinator = controller.coordinator;
  const consumersCaughtUp = (): boolean => {
    const hw = highWatermarks();
    return consumers.every((consumer) => coordinator.isStable(consumer.group) && coordinator.hasMember(consumer.group, consumer.memberId) && consumer.isCaughtUp(hw, coordinator.generation(consumer.group)));
  };
  const partitionSettled = (leader: string, epoch: number, replicas: readonly string[], partition: number): boolean => {
    const lead = brokers.get(leader);
    if (lead === undefined || !world.isUp(leader) || !lead.leads(partition, epoch)) return false;
    const replica = lead.replicas[partition];
    if (replica === undefined || replica.waiting.length > 0 || replica.pendingIsr !== undefined || replica.isr.length !== replicas.length || replica.hw !== replica.log.length) return false;
    return replicas.every((id) => world.isUp(id) && brokers.get(id)?.replicas[partition]?.log.length === replica.log.length);
  };
  const clusterSettled = (): boolean => controller.settled() && controller.views().every((view, partition) => partitionSettled(view.leader as string, view.leaderEpoch, view.replicas, partition));
  return {
    networkFault: networkFaultHook(env),
    progress: () => {
      let progressOfLogs = 0;
      for (let partition = 0; partition < partitions; partition++) progressOfLogs += leaderLog(partition).length;
      const transactions = controller.transactions === undefined ? 0 : controller.transactions.committedCount + controller.transactions.abortedCount;
      return db.progress() + coordinator.committedTotal() + controller.deadLetters.length + progressOfLogs + transactions;
    },
    isQuiescent: () => consumersCaughtUp() && producers.every((producer) => producer.isIdle()) && clusterSettled() && (controller.transactions?.isIdle() ?? true) && (cluster.transactions?.isIdle() ?? true),
  };
}

/** What the engine reads of the world besides its hooks: link ends for plans, settled handlers, crashes, observations. */
function clusterViews({ config, topology, world, env, workload }: DeployInput, cluster: ClusterActors): Omit<Deployment, 'hooks'> {
  const { controller, producers, consumers, db, initialLeaders, leaderLog, transactions: txns } = cluster;
  return {
    linkEnds: (link: LinkName, instance: string | undefined) => {
      // The producer's link goes to partition 0's first leader; a member's to its group coordinator (on the controller).
      if (link === 'producer-broker') return [instance ?? FIRST_INSTANCE.producer, initialLeaders[0] ?? CONTROLLER];
      return [instance ?? FIRST_INSTANCE.consumer, link === 'consumer-broker' ? CONTROLLER : DB];
    },
    handlersSettled: () => consumers.every((consumer) => consumer.handlerSettled()),
    messagesApplied: () => db.messagesApplied,
    afterHostTurn: () => {
      for (const consumer of consumers) consumer.checkAfterHostTurn();
    },
    afterCrash: (actor) => {
      const producer = producers.find((candidate) => candidate.id === actor);
      if (producer !== undefined && producer.lostOnCrash.length > 0) world.trace.append({ t: world.now, actor: producer.id, kind: 'buffer-lost', msgs: producer.lostOnCrash });
    },
    observe: () => {
      const { acknowledged, handedAtUs } = handoverObservations(workload, producers.map((producer) => producer.ledger));
      const parked = controller.deadLetters.map((record) => ({ msgId: record.msgId, group: record.group, t: record.t }));
      const logs = Array.from({ length: config.workload.partitions }, (_unused, partition) => leaderLog(partition));
      // Effects of records whose transaction was aborted (read_uncommitted shows them; read_committed must not).
      const abortedApplied = txns === undefined ? 0 : countEffects(db.effects, (effects, index) => txns.isAborted(effects.partitionAt(index), logs[effects.partitionAt(index)], effects.offsetAt(index)));
      const transactions = controller.transactions === undefined || txns === undefined ? undefined : { committed: controller.transactions.committedCount, aborted: controller.transactions.abortedCount, committedDuplicates: txns.committedDuplicates(logs) };
      return { effects: db.effects, acknowledged, handedAtUs, parked, groups: topology.groups.map((group) => group.name), logDuplicates: logDuplicatesOf(logs.map(arrayLog)), abortedApplied, ...(transactions !== undefined ? { transactions } : {}), ...(env.handler !== undefined ? { finalDb: db.handlerTables } : {}) };
    },
  };
}

/** A cut's length as a decision point proposes it (a plan's own, or a rate's drawn one, replaces it). */
const CANDIDATE_CUT_MS = 20;

interface FaultTools {
  readonly ids: readonly string[];
  readonly crash: (broker: string, fault: Fault) => void;
  readonly cut: (broker: string, from: readonly string[], durationMs: number) => void;
  readonly env: DeployInput['env'];
}

/** The decision point at a message's first append: its leader's broker fails right after appending it (leader-failover). */
function firstAppendFaults(ctx: KafkaContext, leader: string, request: Produce, tools: FaultTools): void {
  const faults = tools.env.faults;
  if (!faults.draw('leader-failover', ctx.phase)) return;
  const fault = faults.inject({ kind: 'leader-failover', message: request.msgId });
  if (fault !== undefined) tools.crash(leader, fault);
}

/**
 * The decision points at a message's hand-over, per broker in order: a crash, a cut from the controller, a cut from
 * the other brokers. Each is `draw ? inject` (see FaultInjector). Checked by one control event per hand-over time,
 * in the faulty phase only.
 */
function handoverFaults(now: { readonly now: number }, phase: Phase, message: string, tools: FaultTools): void {
  const faults = tools.env.faults;
  for (const broker of tools.ids) {
    if (!faults.draw('broker-crash', phase)) continue;
    const fault = faults.inject({ kind: 'broker-crash', broker, message });
    if (fault !== undefined) tools.crash(broker, fault);
  }
  for (const broker of tools.ids) {
    if (!faults.draw('controller-partition', phase)) continue;
    const fault = faults.inject({ kind: 'controller-partition', broker, message, durationMs: CANDIDATE_CUT_MS });
    if (fault === undefined) continue;
    tools.env.traceFault(now, fault);
    tools.cut(broker, [CONTROLLER], fault.durationMs);
  }
  for (const broker of tools.ids) {
    if (!faults.draw('inter-broker-partition', phase)) continue;
    const fault = faults.inject({ kind: 'inter-broker-partition', broker, message, durationMs: CANDIDATE_CUT_MS });
    if (fault === undefined) continue;
    tools.env.traceFault(now, fault);
    tools.cut(broker, tools.ids.filter((other) => other !== broker), fault.durationMs);
  }
}

/** Walk the hand-overs in time order with one pending control event, drawing their faults until the heal. */
function scheduleHandoverFaults(world: DeployInput['world'], workload: Workload, healAtUs: number, tools: FaultTools): void {
  // Positions in hand-over order (a generated workload is in that order already: the sort only checks it).
  const order = Array.from({ length: workload.length }, (_, position) => position).sort((a, b) => workload.handoverUsAt(a) - workload.handoverUsAt(b) || workload.indexAt(a) - workload.indexAt(b));
  const dueUs = (at: number): number => workload.handoverUsAt(order[at]);
  let next = 0;
  const step = (): void => {
    while (next < order.length && dueUs(next) <= world.now) {
      if (world.phase === 'faulty') handoverFaults(world, world.phase, workload.idAt(order[next]), tools);
      next++;
    }
    if (next < order.length && dueUs(next) < healAtUs) world.at(dueUs(next), step);
  };
  if (order.length > 0 && dueUs(0) < healAtUs) world.at(dueUs(0), step);
}

/**
 * A plan naming a broker the cluster does not have is refused before the run, in one line; so is a broker fault in
 * the one-actor world (no --nodes), which has no broker to strike.
 */
export function checkClusterPlan(plan: FaultPlan, nodes: number): void {
  if (nodes === 0) return refuseClusterFaults(plan);
  const ids = brokerIds(nodes);
  plan.faults.forEach((fault, index) => {
    if (!('broker' in fault) || ids.includes(fault.broker)) return;
    throw new PlanError(`fault #${index + 1} (${fault.kind}): "broker" names ${fault.broker}, which this cluster does not have (its brokers: ${ids.join(', ')})`, index + 1, 'broker');
  });
}

function refuseClusterFaults(plan: FaultPlan): void {
  plan.faults.forEach((fault, index) => {
    if (!('broker' in fault)) return;
    throw new PlanError(`fault #${index + 1} (${fault.kind}) needs a broker cluster: give --nodes N (the one-actor broker has no broker ${fault.broker})`, index + 1, 'kind');
  });
}
