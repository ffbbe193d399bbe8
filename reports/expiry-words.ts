/**
 * delivery.timeout.ms in words (Kafka 2.1+, KIP-91): a producer's `gave-up` record with that reason says where the
 * record was when the time ran out (`stage`), and the stories, explore's causes and the diagram say it the same way.
 */
import type { EventOf } from '../models/events.js';
import type { ExpiryStage } from '../models/kafka/events.js';
import { trimNumber } from './format.js';
import type { Citations } from './story-types.js';
import { is } from './trace-facts.js';
import type { TraceFacts } from './trace-facts.js';

type GaveUp = EventOf<'gave-up'>;

/**
 * Per stage: where the record was, as the end of a sentence ("…, while its request was still unanswered"); the
 * mechanism name (a loss story's, explore's causes); the diagram's note after "give up on m3: delivery.timeout.ms ran out".
 */
const STAGE_WORDS: Record<ExpiryStage, { readonly where: string; readonly mechanism: string; readonly diagram: string }> = {
  'no-leader': { where: 'while its partition had no leader', mechanism: 'no leader within delivery.timeout.ms', diagram: 'with no leader' },
  queued: { where: 'while it was still queued, unsent, behind earlier records', mechanism: 'not sent within delivery.timeout.ms', diagram: 'before it was sent' },
  backoff: { where: 'while it backed off before a retry', mechanism: 'not acknowledged within delivery.timeout.ms', diagram: 'in a retry backoff' },
  turn: { where: 'while its retry waited for the records numbered before it', mechanism: 'not acknowledged within delivery.timeout.ms', diagram: 'waiting to be retried' },
  'in-flight': { where: 'while its request was still unanswered', mechanism: 'not acknowledged within delivery.timeout.ms', diagram: 'in flight' },
};

/** The producer's delivery.timeout.ms expiry among `records`, if it has one. */
export function expiryOf(records: readonly GaveUp[]): GaveUp | undefined {
  return records.find((record) => record.reason === 'delivery.timeout.ms');
}

function stageOf(record: GaveUp): ExpiryStage {
  return 'stage' in record && record.stage !== undefined ? record.stage : 'no-leader';
}

export function expiryMechanism(record: GaveUp): string {
  return STAGE_WORDS[stageOf(record)].mechanism;
}

/**
 * "the producer failed it at t=139 ms (step 12): delivery.timeout.ms (120 ms) had passed since it was handed over,
 * while ...". The clock runs from its latest send(): its hand-over, or the outbox re-sending it.
 */
export function expiryWords(facts: TraceFacts, cite: Citations, record: GaveUp): string {
  const handover = facts.previous(record, is('handover', { msg: record.msg }));
  const resent = facts.previous(record, is('outbox-resend', {}, (resend) => resend.msgs.includes(record.msg)), handover);
  return `the producer failed it at ${cite.at(record)}: delivery.timeout.ms (${trimNumber(facts.settings.deliveryTimeoutMs)} ms) had passed since ${resent === undefined ? 'it was handed over' : 'the outbox re-sent it'}, ${STAGE_WORDS[stageOf(record)].where}`;
}

export function expiryDiagramNote(record: GaveUp): string {
  return `give up on ${record.msg}: delivery.timeout.ms ran out ${STAGE_WORDS[stageOf(record)].diagram}`;
}
