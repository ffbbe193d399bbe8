/**
 * Puts a RabbitMQ world together for a topology: its publishers, the broker (one queue per consumer group behind
 * the exchange), the competing consumers of every queue and the DB; the network-level decision points (a publish
 * or its confirm lost, a consumer's basic.ack lost with its connection); connections closing when a consumer dies
 * or the node restarts; quiescence.
 */
import type { Phase } from '../../sim/world.js';
import { msToUs } from '../config.js';
import { GroupLedger } from '../consumer/ledger.js';
import { Database } from '../db/database.js';
import type { DbMessage } from '../db/protocol.js';
import type { DeployInput, Deployment } from '../family.js';
import type { Fault } from '../faults/catalog.js';
import type { LinkName } from '../faults/common.js';
import type { FaultInjector } from '../faults/injector.js';
import { dbReplyFault, onConsumer } from '../faults/consumer-faults.js';
import { FIRST_INSTANCE, groupOf } from '../topology.js';
import { RabbitBroker } from './broker/broker.js';
import { RabbitConsumer } from './consumer.js';
import { dueTimes } from './delays.js';
import type { RabbitMqMessage } from './protocol.js';
import { Publisher } from './publisher.js';
import { shareOf } from '../workload.js';
import { handoverObservations } from '../observations.js';
import type { RabbitMqSettings } from './settings.js';

export const BROKER = 'broker';
export const DB = 'db';

export function deployRabbitMq({ config, topology, world, env, workload }: DeployInput): Deployment {
  const settings = config.settings as unknown as RabbitMqSettings;
  const due = dueTimes(workload, settings);
  const publishers = topology.producers.map((id) => new Publisher(id, BROKER, env, shareOf(workload, id), due));
  const restartNode = (downMs: number): void => {
    const healAtUs = msToUs(config.timing.faultyPhaseMs);
    const downUs = msToUs(downMs);
    world.crash(BROKER, world.now + downUs < healAtUs ? downUs : undefined);
    // The node's connections close with it: every consumer opens a new channel.
    for (const consumer of consumers) if (world.isUp(consumer.id)) consumer.connectionLost(world.contextOf(consumer.id), 'closed');
  };
  const broker = new RabbitBroker(BROKER, env, topology.groups.map((group) => group.name), restartNode);
  const ledgers = new Map(topology.groups.map((group) => [group.name, new GroupLedger(group.name)]));
  const closeOnBroker = (consumer: string, channel: number | undefined): void => {
    if (world.isUp(BROKER)) broker.closeChannel(world.contextOf(BROKER), consumer, channel);
  };
  const consumers = topology.consumers.map((id) => new RabbitConsumer(id, BROKER, DB, env, ledgers.get(groupOf(id)) as GroupLedger, closeOnBroker));
  const db = new Database(DB, 1, env.handler?.module.effects);
  for (const actor of [...publishers, broker, ...consumers, db]) world.addActor(actor);
  return {
    hooks: {
      networkFault: (from, to, message, now, phase) => {
        const fault = networkFault(env.faults, from, to, message as RabbitMqMessage | DbMessage, phase);
        if (fault === undefined) return undefined;
        env.traceFault({ now }, fault);
        if (fault.kind === 'consumer-ack-lost') {
          // The ack is lost with its connection: both ends see it close.
          const consumer = consumers.find((candidate) => candidate.id === from);
          world.at(now, () => {
            if (consumer !== undefined && world.isUp(consumer.id)) consumer.closeConnection(world.contextOf(consumer.id), 'closed');
          });
        }
        return { kind: 'drop' };
      },
      progress: () => db.progress() + broker.progress(),
      isQuiescent: () => consumers.every((consumer) => consumer.isIdle()) && publishers.every((publisher) => publisher.isIdle()) && broker.isIdle(),
    },
    linkEnds: (link: LinkName, instance: string | undefined) => {
      if (link === 'producer-broker') return [instance ?? FIRST_INSTANCE.producer, BROKER];
      return [instance ?? FIRST_INSTANCE.consumer, link === 'consumer-broker' ? BROKER : DB];
    },
    // AMQP runs over TCP: a cut link does not lose single frames, it breaks the connection (both ends' heartbeats
    // find it). The consumer's unacked deliveries are requeued and it opens a new channel once the link is back.
    onPartition: (link: LinkName, instance: string | undefined, fromUs: number) => {
      if (link !== 'consumer-broker') return;
      const consumer = consumers.find((candidate) => candidate.id === (instance ?? FIRST_INSTANCE.consumer));
      world.at(fromUs, () => {
        if (consumer !== undefined && world.isUp(consumer.id)) consumer.closeConnection(world.contextOf(consumer.id), 'heartbeat');
      });
    },
    handlersSettled: () => consumers.every((consumer) => consumer.handlerSettled()),
    messagesApplied: () => db.messagesApplied,
    afterHostTurn: () => {
      for (const consumer of consumers) consumer.checkAfterHostTurn();
    },
    afterCrash: (actor) => {
      const publisher = publishers.find((candidate) => candidate.id === actor);
      if (publisher !== undefined && publisher.lostOnCrash.length > 0) world.trace.append({ t: world.now, actor: publisher.id, kind: 'buffer-lost', msgs: publisher.lostOnCrash });
      // A dead process's sockets are closed by its OS: the broker requeues its unacked deliveries at once.
      if (consumers.some((consumer) => consumer.id === actor)) closeOnBroker(actor, undefined);
    },
    observe: () => {
      const { acknowledged, handedAtUs } = handoverObservations(workload, publishers.map((publisher) => publisher.ledger));
      const returned = publishers.flatMap((publisher) => publisher.returned);
      return { effects: db.effects, acknowledged, handedAtUs, parked: broker.parked, groups: topology.groups.map((group) => group.name), returned, maxQueueLength: broker.maxQueueLength, ...(settings.delayedEvery > 0 ? { dueUs: due } : {}), ...(env.handler !== undefined ? { finalDb: db.handlerTables } : {}) };
    },
  };
}

/** The network-level decision points, in RabbitMQ's terms (see the Kafka deployment's for the draw/inject pattern). */
function networkFault(injector: FaultInjector, from: string, to: string, message: RabbitMqMessage | DbMessage, phase: Phase): Fault | undefined {
  if (phase !== 'faulty') return undefined;
  switch (message.type) {
    case 'basic-publish':
      return injector.draw('publish-lost', phase) ? injector.inject({ kind: 'publish-lost', message: message.msgId, attempt: message.attempt }) : undefined;
    case 'confirm':
      if (!message.ack || !injector.draw('confirm-lost', phase)) return undefined;
      return injector.inject({ kind: 'confirm-lost', message: message.msgId, attempt: message.attempt });
    case 'basic-ack':
      return injector.draw('consumer-ack-lost', phase) ? injector.inject(onConsumer({ kind: 'consumer-ack-lost', message: message.msgId, delivery: message.delivery }, from)) : undefined;
    case 'db-reply':
    case 'db-op-reply':
      return dbReplyFault(injector, to, message, phase);
    default:
      return undefined;
  }
}
