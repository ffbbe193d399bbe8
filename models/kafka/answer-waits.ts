/** The Kafka family's timeouts that wait for an answer (see models/answer-waits.ts). */
import { CONSUMER_CALL_WAIT } from '../answer-waits.js';
import type { AnswerWait } from '../answer-waits.js';
import type { SimulationConfig } from '../config.js';

/**
 * request.timeout.ms waits for a produce request's acknowledgement (none with acks=0): a round trip at least. (With
 * acks=all a follower's copy usually adds replication.delay.ms, but a record appended just before an earlier one's
 * copy is taken goes with it, so no more is certain.)
 */
export function kafkaAnswerWaits(config: SimulationConfig): AnswerWait[] {
  const waits: AnswerWait[] = [];
  if (config.settings.acks !== 0) {
    waits.push({
      key: 'requestTimeoutMs',
      answer: "produce request's acknowledgement",
      every: 'every produce request times out before its acknowledgement arrives and is sent again',
      most: 'most produce requests time out before their acknowledgement arrives and are sent again',
    });
  }
  waits.push(CONSUMER_CALL_WAIT);
  return waits;
}
