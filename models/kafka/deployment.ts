/**
 * Puts a Kafka world together for a topology: its producers, the broker cluster (with the group coordinator), the
 * members of every consumer group and the DB; the network-level decision points (which message a fault kind hits,
 * in domain terms, and on which instance); quiescence and the heal.
 */
import type { Phase } from '../../sim/world.js';
import { msToUs } from '../config.js';
import { Database } from '../db/database.js';
import { countEffects } from '../db/effect-log.js';
import type { DbMessage } from '../db/protocol.js';
import type { DeployInput, Deployment } from '../family.js';
import type { ModelEnv } from '../env.js';
import type { Fault } from '../faults/catalog.js';
import type { LinkName } from '../faults/common.js';
import type { FaultInjector } from '../faults/injector.js';
import { dbReplyFault, onConsumer } from '../faults/consumer-faults.js';
import { GroupLedger } from '../consumer/ledger.js';
import { FIRST_INSTANCE, groupOf } from '../topology.js';
import { Broker } from './broker/broker.js';
import { KafkaConsumer } from './consumer/consumer.js';
import { Producer } from './producer.js';
import { TransactionalProducer } from './transactional-producer.js';
import type { KafkaMessage } from './protocol.js';
import { shareOf } from '../workload.js';
import { handoverObservations } from '../observations.js';
import { deployKafkaCluster } from './cluster/deploy-cluster.js';

export const BROKER = 'broker';
export const DB = 'db';

export function deployKafka(input: DeployInput): Deployment {
  // With --nodes N each broker is an actor (models/kafka/cluster); without, the brokers are one actor (pins hold).
  if (input.config.settings.nodes > 0) return deployKafkaCluster(input);
  return deployOneBroker(input);
}

function deployOneBroker({ config, topology, world, env, workload }: DeployInput): Deployment {
  // With transactions each producer is a consume-transform-produce stage reading its share as its input topic.
  const producers = topology.producers.map((id, index) => (config.settings.transactions ? new TransactionalProducer(id, BROKER, env, shareOf(workload, id)) : new Producer(id, BROKER, env, shareOf(workload, id), index, topology.producers.length)));
  const broker = new Broker(BROKER, env, topology.groups.map((group) => group.name));
  const ledgers = new Map(topology.groups.map((group) => [group.name, new GroupLedger(group.name)]));
  const consumers = topology.consumers.map((id) => new KafkaConsumer(id, BROKER, DB, env, ledgers.get(groupOf(id)) as GroupLedger));
  const db = new Database(DB, config.workload.partitions, env.handler?.module.effects);
  for (const actor of [...producers, broker, ...consumers, db]) world.addActor(actor);

  // Asked after every event of the heal phase: one array filled in place, not a fresh one per event.
  const watermarks = new Array<number>(broker.partitions.length).fill(0);
  const highWatermarks = (): number[] => {
    for (let partition = 0; partition < watermarks.length; partition++) watermarks[partition] = broker.partitions[partition].hw;
    return watermarks;
  };
  const coordinator = broker.coordinator;
  const consumersCaughtUp = (): boolean => {
    const hw = highWatermarks();
    return consumers.every((consumer) => coordinator.isStable(consumer.group) && coordinator.hasMember(consumer.group, consumer.memberId) && consumer.isCaughtUp(hw, coordinator.generation(consumer.group)));
  };
  return {
    hooks: {
      networkFault: networkFaultHook(env),
      progress: () => db.progress() + broker.progress(),
      // The checks are pure; the consumers' go first as they are nearly always the ones that say "not yet".
      isQuiescent: () => consumersCaughtUp() && producers.every((producer) => producer.isIdle()) && broker.isIdle(),
      onHeal: () => broker.heal(world.contextOf(BROKER)),
    },
    linkEnds: (link: LinkName, instance: string | undefined) => {
      if (link === 'producer-broker') return [instance ?? FIRST_INSTANCE.producer, BROKER];
      return [instance ?? FIRST_INSTANCE.consumer, link === 'consumer-broker' ? BROKER : DB];
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
      const parked = broker.deadLetters.map((record) => ({ msgId: record.msgId, group: record.group, t: record.t }));
      // Effects of records whose transaction was aborted (read_uncommitted shows them; read_committed must not).
      const abortedApplied = config.settings.transactions ? countEffects(db.effects, (effects, index) => broker.isAbortedRecord(effects.partitionAt(index), effects.offsetAt(index))) : 0;
      return { effects: db.effects, acknowledged, handedAtUs, parked, groups: topology.groups.map((group) => group.name), logDuplicates: broker.logDuplicates(), abortedApplied, ...(config.settings.transactions ? { transactions: broker.transactionStats() } : {}), ...(env.handler !== undefined ? { finalDb: db.handlerTables } : {}) };
    },
  };
}

/** The kernel's network hook of a Kafka world (one broker actor or a cluster): the fault, traced, as what befalls the message. */
export function networkFaultHook(env: ModelEnv): NonNullable<Deployment['hooks']['networkFault']> {
  return (from, to, message, now, phase) => {
    const fault = networkFault(env.faults, from, to, message as KafkaMessage | DbMessage, phase);
    if (fault === undefined) return undefined;
    env.traceFault({ now }, fault);
    if (fault.kind === 'fetch-duplicated') return { kind: 'duplicate' };
    if (fault.kind === 'request-delayed') return { kind: 'delay', delayUs: msToUs(fault.delayMs) };
    return { kind: 'drop' };
  };
}

/**
 * The network-level decision points, named in domain terms. Every message sent passes here, so each point is
 * `draw(kind) ? inject(candidate)`: the candidate fault is built only when the draw fired (see FaultInjector.draw).
 */
export function networkFault(injector: FaultInjector, from: string, to: string, message: KafkaMessage | DbMessage, phase: Phase): Fault | undefined {
  if (phase !== 'faulty') return undefined;
  switch (message.type) {
    case 'produce':
      return (
        (injector.draw('request-lost', phase) ? injector.inject({ kind: 'request-lost', message: message.msgId, attempt: message.attempt }) : undefined) ??
        (injector.draw('request-delayed', phase) ? injector.inject({ kind: 'request-delayed', message: message.msgId, attempt: message.attempt, delayMs: 0 }) : undefined)
      );
    case 'produce-response':
      // Only a success answer is an "ack"; losing it is the classic duplicate-maker.
      if (message.error !== undefined || !injector.draw('ack-lost', phase)) return undefined;
      return injector.inject({ kind: 'ack-lost', message: message.msgId, attempt: message.attempt });
    case 'fetch-response':
      if (message.records.length === 0) return undefined;
      return (
        (injector.draw('fetch-lost', phase) ? injector.inject(onConsumer({ kind: 'fetch-lost', partition: message.partition, fromOffset: message.fromOffset, attempt: message.attempt }, to)) : undefined) ??
        (injector.draw('fetch-duplicated', phase) ? injector.inject(onConsumer({ kind: 'fetch-duplicated', partition: message.partition, fromOffset: message.fromOffset, attempt: message.attempt }, to)) : undefined)
      );
    case 'commit':
      if (!injector.draw('commit-lost', phase)) return undefined;
      return injector.inject(onConsumer({ kind: 'commit-lost', partition: message.partition, offset: message.offset, attempt: message.attempt }, from));
    case 'end-txn-response':
      if (message.error !== undefined || !injector.draw('end-txn-response-lost', phase)) return undefined;
      return injector.inject({ kind: 'end-txn-response-lost', message: message.lastMsgId });
    case 'db-reply':
    case 'db-op-reply':
      return dbReplyFault(injector, to, message, phase);
    default:
      return undefined;
  }
}
