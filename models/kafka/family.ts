/** The Kafka family: its settings, mode presets, fault kinds and deployment, behind the family seam. */
import type { Family } from '../family.js';
import { APPLICATION_SETTINGS } from '../settings/common.js';
import { kafkaAnswerWaits } from './answer-waits.js';
import { deployKafka } from './deployment.js';
import { checkClusterPlan } from './cluster/deploy-cluster.js';
import { checkTransactionPlan } from './transaction-faults.js';
import { KAFKA_MODES } from './modes.js';
import { KAFKA_SETTINGS, checkKafkaCombinations, fitKafkaDefaults } from './settings.js';

export const KAFKA: Family = {
  name: 'kafka',
  summary: 'Apache Kafka (3.x semantics): replicated partition logs, acks, idempotent producer, consumer offsets',
  words: {
    deadLetter: 'the dead-letter topic',
    partitioned: true,
    groups: (groups, consumers) => {
      const members = `${consumers} member${consumers === 1 ? '' : 's'}`;
      return groups === 1 ? `1 consumer group of ${members}` : `${groups} consumer groups (pub/sub) of ${members} each`;
    },
  },
  settings: [...KAFKA_SETTINGS, ...APPLICATION_SETTINGS],
  modes: KAFKA_MODES,
  faultKinds: ['request-lost', 'ack-lost', 'request-delayed', 'fetch-duplicated', 'fetch-lost', 'commit-lost', 'db-reply-lost', 'partition', 'consumer-crash', 'producer-crash', 'leader-failover', 'processing-error', 'transaction-abort', 'end-txn-response-lost', 'transaction-coordinator-failover', 'zombie-producer', 'broker-crash', 'controller-partition', 'inter-broker-partition'],
  checkCombinations: checkKafkaCombinations,
  fitDefaults: fitKafkaDefaults,
  checkPlan: (plan, settings) => {
    checkClusterPlan(plan, settings.nodes);
    checkTransactionPlan(plan, settings.transactions);
  },
  answerWaits: kafkaAnswerWaits,
  deploy: deployKafka,
};
