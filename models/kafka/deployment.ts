/**
 * Puts a Kafka world together: the producer, the broker cluster, the consumer and the DB, the network-level
 * decision points (which message a fault kind hits, in domain terms), quiescence and the heal.
 */
import type { Phase } from '../../sim/world.js';
import { msToUs } from '../config.js';
import { Database } from '../db/database.js';
import type { DbMessage } from '../db/protocol.js';
import type { DeployInput, Deployment } from '../family.js';
import type { Fault } from '../faults/catalog.js';
import type { FaultInjector } from '../faults/injector.js';
import type { LinkName } from '../faults/common.js';
import { Broker } from './broker/broker.js';
import { KafkaConsumer } from './consumer/consumer.js';
import { Producer } from './producer.js';
import type { KafkaMessage } from './protocol.js';

export const PRODUCER = 'producer';
export const BROKER = 'broker';
export const CONSUMER = 'consumer';
export const DB = 'db';

const LINK_ENDS: Record<LinkName, readonly [string, string]> = {
  'producer-broker': [PRODUCER, BROKER],
  'consumer-broker': [CONSUMER, BROKER],
  'consumer-db': [CONSUMER, DB],
};

export function deployKafka({ config, world, env, workload }: DeployInput): Deployment {
  const producer = new Producer(PRODUCER, BROKER, env, workload);
  const broker = new Broker(BROKER, env);
  const consumer = new KafkaConsumer(CONSUMER, BROKER, DB, env);
  const db = new Database(DB, config.workload.partitions);
  for (const actor of [producer, broker, consumer, db]) world.addActor(actor);

  // Asked after every event of the heal phase: one array filled in place, not a fresh one per event.
  const watermarks = new Array<number>(broker.partitions.length).fill(0);
  const highWatermarks = (): number[] => {
    for (let partition = 0; partition < watermarks.length; partition++) watermarks[partition] = broker.partitions[partition].hw;
    return watermarks;
  };
  return {
    hooks: {
      networkFault: (_from, _to, message, now, phase) => {
        const fault = networkFault(env.faults, message as KafkaMessage | DbMessage, phase);
        if (fault === undefined) return undefined;
        env.traceFault({ now }, fault);
        if (fault.kind === 'fetch-duplicated') return { kind: 'duplicate' };
        if (fault.kind === 'request-delayed') return { kind: 'delay', delayUs: msToUs(fault.delayMs) };
        return { kind: 'drop' };
      },
      // The checks are pure; the consumer's goes first as it is nearly always the one that says "not yet".
      isQuiescent: () => consumer.isCaughtUp(highWatermarks()) && producer.isIdle() && broker.isIdle(),
      onHeal: () => broker.heal(world.contextOf(BROKER)),
    },
    linkEnds: (link) => LINK_ENDS[link],
    afterCrash: (actor) => {
      if (actor === producer.id && producer.lostOnCrash.length > 0) world.trace.append({ t: world.now, actor: producer.id, kind: 'buffer-lost', msgs: producer.lostOnCrash });
    },
    observe: () => ({ effects: db.effects, acknowledged: producer.brokerAcked }),
  };
}

/**
 * The network-level decision points, named in domain terms. Every message sent passes here, so each point is
 * `draw(kind) ? inject(candidate)`: the candidate fault is built only when the draw fired (see FaultInjector.draw).
 */
function networkFault(injector: FaultInjector, message: KafkaMessage | DbMessage, phase: Phase): Fault | undefined {
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
        (injector.draw('fetch-lost', phase) ? injector.inject({ kind: 'fetch-lost', partition: message.partition, fromOffset: message.fromOffset, attempt: message.attempt }) : undefined) ??
        (injector.draw('fetch-duplicated', phase) ? injector.inject({ kind: 'fetch-duplicated', partition: message.partition, fromOffset: message.fromOffset, attempt: message.attempt }) : undefined)
      );
    case 'commit':
      if (!injector.draw('commit-lost', phase)) return undefined;
      return injector.inject({ kind: 'commit-lost', partition: message.partition, offset: message.offset, attempt: message.attempt });
    case 'db-reply':
      if (message.result !== 'committed' || !injector.draw('db-reply-lost', phase)) return undefined;
      return injector.inject({ kind: 'db-reply-lost', message: message.msgId, attempt: message.attempt });
    default:
      return undefined;
  }
}
