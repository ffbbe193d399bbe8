/** The Kafka world's protocol: what its actors send, set as timers and trace. */
import type { ActorContext, Protocol } from '../../sim/world.js';
import type { ApplicationTimer } from '../consumer/application.js';
import type { DbMessage } from '../db/protocol.js';
import type { TraceEvent } from '../events.js';
import type { BrokerTimer, ClusterBrokerTimer, ConsumerTimer, ControllerTimer, KafkaMessage, ProducerTimer, TransactionalProducerTimer } from './protocol.js';

export interface KafkaProtocol extends Protocol {
  message: KafkaMessage | DbMessage;
  timer: ProducerTimer | TransactionalProducerTimer | BrokerTimer | ClusterBrokerTimer | ControllerTimer | ConsumerTimer | ApplicationTimer;
  event: TraceEvent;
}

export type KafkaContext = ActorContext<KafkaProtocol>;
