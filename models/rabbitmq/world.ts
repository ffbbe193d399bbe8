/** The RabbitMQ world's protocol: what its actors send, set as timers and trace. */
import type { ActorContext, Protocol } from '../../sim/world.js';
import type { ApplicationTimer } from '../consumer/application.js';
import type { DbMessage } from '../db/protocol.js';
import type { TraceEvent } from '../events.js';
import type { BrokerTimer, ConsumerTimer, PublisherTimer, RabbitMqMessage } from './protocol.js';

export interface RabbitMqProtocol extends Protocol {
  message: RabbitMqMessage | DbMessage;
  timer: PublisherTimer | BrokerTimer | ConsumerTimer | ApplicationTimer;
  event: TraceEvent;
}

export type RabbitMqContext = ActorContext<RabbitMqProtocol>;
