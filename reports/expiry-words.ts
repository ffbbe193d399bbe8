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

/** Where it was, as the end of a sentence: "..., while its request was still unanswered". */
const WHERE: Record<ExpiryStage, string> = {
  'no-leader': 'while its partition had no leader',
  queued: 'while it was still queued, unsent, behind earlier records',
  backoff: 'while it backed off before a retry',
  turn: 'while its retry waited for the records numbered before it',
  'in-flight': 'while its request was still unanswered',
};

/** Mechanism names (a loss story's, explore's causes). */
const MECHANISM: Record<ExpiryStage, string> = {
  'no-leader': 'no leader within delivery.timeout.ms',
  queued: 'not sent within delivery.timeout.ms',
  backoff: 'not acknowledged within delivery.timeout.ms',
  turn: 'not acknowledged within delivery.timeout.ms',
  'in-flight': 'not acknowledged within delivery.timeout.ms',
};

/** The diagram's note, after "give up on m3: delivery.timeout.ms ran out". */
const DIAGRAM: Record<ExpiryStage, string> = {
  'no-leader': 'with no leader',
  queued: 'before it was sent',
  backoff: 'in a retry backoff',
  turn: 'waiting to be retried',
  'in-flight': 'in flight',
};

/** The producer's delivery.timeout.ms expiry among `records`, if it has one. */
export function expiryOf(records: readonly GaveUp[]): GaveUp | undefined {
  return records.find((record) => record.reason === 'delivery.timeout.ms');
}

function stageOf(record: GaveUp): ExpiryStage {
  return 'stage' in record && record.stage !== undefined ? record.stage : 'no-leader';
}

export function expiryMechanism(record: GaveUp): string {
  return MECHANISM[stageOf(record)];
}

/**
 * "the producer failed it at t=139 ms (step 12): delivery.timeout.ms (120 ms) had passed since it was handed over,
 * while ...". The clock runs from its latest send(): its hand-over, or the outbox re-sending it.
 */
export function expiryWords(facts: TraceFacts, cite: Citations, record: GaveUp): string {
  const handover = facts.previous(record, is('handover', { msg: record.msg }));
  const resent = facts.previous(record, is('outbox-resend', {}, (resend) => resend.msgs.includes(record.msg)));
  const since = resent !== undefined && (handover === undefined || facts.indexOf(resent) > facts.indexOf(handover)) ? 'the outbox re-sent it' : 'it was handed over';
  return `the producer failed it at ${cite.at(record)}: delivery.timeout.ms (${trimNumber(facts.settings.deliveryTimeoutMs)} ms) had passed since ${since}, ${WHERE[stageOf(record)]}`;
}

export function expiryDiagramNote(record: GaveUp): string {
  return `give up on ${record.msg}: delivery.timeout.ms ran out ${DIAGRAM[stageOf(record)]}`;
}
