/** The RabbitMQ family: its settings, mode presets, fault kinds and deployment, behind the family seam. */
import type { Family } from '../family.js';
import { APPLICATION_SETTINGS } from '../settings/common.js';
import { rabbitMqAnswerWaits } from './answer-waits.js';
import { deployRabbitMq } from './deployment.js';
import { RABBITMQ_MODES } from './modes.js';
import type { FaultPlan } from '../faults/catalog.js';
import { PlanError } from '../faults/plan.js';
import { RABBITMQ_SETTINGS, checkRabbitMqCombinations } from './settings.js';
import type { RabbitMqSettings } from './settings.js';

export const RABBITMQ: Family = {
  name: 'rabbitmq',
  summary: 'RabbitMQ (3.8 to 4.3 documented behaviour, --rabbitmq-version, default 4.2): publisher confirms and returns, classic and quorum queues, autoAck vs manual ack, nack/reject, dead-letter exchanges, TTL, length limits',
  words: {
    deadLetter: 'the dead-letter queue (by the dead-letter exchange)',
    partitioned: false,
    groups: (groups, consumers, settings) => {
      if (consumers > 1 && (settings as unknown as RabbitMqSettings).singleActiveConsumer) {
        const members = `${consumers} consumers, one active at a time (x-single-active-consumer)`;
        return groups === 1 ? `1 queue with ${members}` : `a fanout exchange to ${groups} queues (pub/sub), each with ${members}`;
      }
      const members = `${consumers} competing consumer${consumers === 1 ? '' : 's'}`;
      return groups === 1 ? `1 queue with ${members}` : `a fanout exchange to ${groups} queues (pub/sub), ${members} each`;
    },
  },
  settings: [...RABBITMQ_SETTINGS, ...APPLICATION_SETTINGS],
  modes: RABBITMQ_MODES,
  faultKinds: ['publish-lost', 'confirm-lost', 'unroutable', 'consumer-ack-lost', 'connection-closed', 'db-reply-lost', 'partition', 'consumer-crash', 'producer-crash', 'broker-restart', 'quorum-member-failure', 'processing-error', 'dead-letter-unavailable'],
  checkCombinations: (settings) => checkRabbitMqCombinations(settings as unknown as RabbitMqSettings),
  checkPlan: (plan, settings) => checkRabbitMqPlan(plan, settings as unknown as RabbitMqSettings),
  answerWaits: rabbitMqAnswerWaits,
  deploy: deployRabbitMq,
};

/** A quorum-member-failure naming a node the cluster does not have (--nodes) could never fire: refused. */
export function checkRabbitMqPlan(plan: FaultPlan, settings: RabbitMqSettings): void {
  plan.faults.forEach((fault, index) => {
    if (fault.kind !== 'quorum-member-failure' || fault.node === undefined || fault.node <= settings.nodes) return;
    throw new PlanError(`fault #${index + 1} (quorum-member-failure): "node" names node ${fault.node}, which this cluster does not have (--nodes ${settings.nodes})`, index + 1, 'node');
  });
}
