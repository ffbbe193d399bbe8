/** The RabbitMQ family's timeouts that wait for an answer (see models/answer-waits.ts). */
import { CONSUMER_CALL_WAIT } from '../answer-waits.js';
import type { AnswerWait } from '../answer-waits.js';
import type { SimulationConfig } from '../config.js';
import type { RabbitMqSettings } from './settings.js';

/**
 * The publisher's wait for a confirm (with publisher confirms). The broker confirms a message once it is safe: on a
 * majority of a quorum queue's members (replication.delay.ms with more than one node, persist.delay.ms on one), on
 * disk for a persistent message in a durable classic queue (persist.delay.ms), else at once (see the broker's writeDelayUs).
 */
export function rabbitMqAnswerWaits(config: SimulationConfig): AnswerWait[] {
  const settings = config.settings as unknown as RabbitMqSettings;
  const waits: AnswerWait[] = [];
  if (settings.publisherConfirms) {
    const write = safeWrite(settings);
    waits.push({
      key: 'confirmTimeoutMs',
      answer: 'publisher confirm',
      ...(write === undefined ? {} : { extraMs: write.ms, extraWords: write.words }),
      every: 'every publish times out before its confirm arrives and is published again',
      most: 'most publishes time out before their confirm arrives and are published again',
    });
  }
  waits.push(CONSUMER_CALL_WAIT);
  return waits;
}

function safeWrite(settings: RabbitMqSettings): { ms: number; words: string } | undefined {
  if (settings.queueType === 'quorum') {
    return settings.nodes > 1 ? { ms: settings.replicationDelayMs, words: '--replication-delay-ms to reach a majority of the quorum queue' } : { ms: settings.persistDelayMs, words: '--persist-delay-ms to write it to disk' };
  }
  return settings.persistent && settings.durable ? { ms: settings.persistDelayMs, words: '--persist-delay-ms to write a persistent message to disk' } : undefined;
}
