/**
 * Stories of failing business logic: a record whose processing kept failing was redelivered with a growing
 * backoff, then skipped (lost), dead-lettered (parked) or retried forever — and then its partition stays blocked,
 * and the records behind it never come. Shared by the loss, liveness and parked stories.
 */
import type { EventOf } from '../models/events.js';
import { failingDeliveries } from '../models/faults/common.js';
import { listWords, trimNumber } from './format.js';
import { Citations, finished } from './story-types.js';
import type { Story } from './story-types.js';
import { is } from './trace-facts.js';
import type { TraceFacts } from './trace-facts.js';
import { deadLetterWords } from './world-words.js';

export interface Told {
  text: string;
  mechanism: string;
}

/** How often the message was delivered and failed, with the backoffs between, as a clause; cites what it names. */
function failures(facts: TraceFacts, cite: Citations, msg: string): { clause: string; deliveries: number } {
  const failed = facts.aboutKind(msg, 'processing-failed');
  const retries = facts.aboutKind(msg, 'processing-retry');
  const fault = facts.faultRecord('processing-error', { message: msg });
  cite.add(fault, ...failed.slice(0, 6), ...retries.slice(0, 6));
  const first = failed[0];
  const backoffs = retries.slice(0, 5).map((retry) => `${trimNumber(retry.backoffMs)} ms`);
  const more = retries.length > 5 ? ', ...' : '';
  const why = fault === undefined ? (handlerFailure(facts, cite, msg) ?? 'its business logic threw') : `its business logic threw ${failingDeliveries(fault.fault.deliveries)}`;
  const times = `${failed.length} deliver${failed.length === 1 ? 'y' : 'ies'}${first === undefined ? '' : `, the first at ${cite.at(first)}`}`;
  const waits = backoffs.length === 0 ? '' : `; it was redelivered after ${listWords(backoffs)}${more} (processing-backoff-ms=${trimNumber(facts.settings.processingBackoffMs)}, doubling up to ${trimNumber(facts.settings.processingBackoffMaxMs)})`;
  return { clause: `${why} (${times})${waits}`, deliveries: failed.length };
}

/**
 * A team's handler's own failure, in its words: what it threw (the first time), or that it returned retry;
 * undefined when no handler ran or it did neither.
 */
function handlerFailure(facts: TraceFacts, cite: Citations, msg: string): string | undefined {
  const threw = facts.aboutKind(msg, 'handler-threw')[0];
  if (threw !== undefined) {
    cite.add(threw);
    return `the handler threw ${JSON.stringify(threw.error)}`;
  }
  const refused = handlerChose(facts, msg, 'retry');
  if (refused === undefined) return undefined;
  cite.add(refused);
  return 'the handler returned retry';
}

/** The first delivery for which the handler returned `outcome`. */
export function handlerChose(facts: TraceFacts, msg: string, outcome: EventOf<'handler-done'>['outcome']): EventOf<'handler-done'> | undefined {
  return facts.aboutKind(msg, 'handler-done').find((record) => record.outcome === outcome);
}

/** Lost because the failure policy skipped it (onError: skip), or the handler returned skip. */
export function skippedStory(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  const skipped = facts.aboutKind(msg, 'skipped')[0];
  if (skipped === undefined) return undefined;
  const chose = handlerChose(facts, msg, 'skip');
  if (chose !== undefined) {
    cite.add(chose, skipped);
    return { text: `the handler returned skip for it (delivery ${chose.delivery}, ${cite.at(chose)}), so the consumer let it go at ${cite.at(skipped)} without applying it`, mechanism: 'the handler returned skip' };
  }
  const { clause } = failures(facts, cite, msg);
  cite.add(skipped);
  return {
    text: `${clause}; with on-error=skip and processing-retries=${String(facts.settings.processingRetries)} the consumer gave it up at ${cite.at(skipped)} and skipped it, so it was never applied (on-error=dead-letter would have parked it in ${deadLetterWords(facts.run.config)} instead)`,
    mechanism: 'processing kept failing: skipped after its retries (on-error=skip)',
  };
}

/** The poison message itself, retried forever (onError: retry): never applied. */
export function poisonStory(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  if (facts.aboutKind(msg, 'processing-failed').length === 0 || facts.aboutKind(msg, 'db-commit').length > 0 || facts.aboutKind(msg, 'dead-lettered').length > 0) return undefined;
  const { clause, deliveries } = failures(facts, cite, msg);
  const policy = facts.settings.onError === 'retry' ? 'with on-error=retry the consumer never gives a record up' : `its retries (processing-retries=${String(facts.settings.processingRetries)}) were not used up before the run stopped`;
  return {
    text: `${clause}; ${policy}, so after ${deliveries} deliveries it was still not applied and its partition stayed blocked behind it`,
    mechanism: 'poison message retried forever: never applied, partition blocked',
  };
}

/** Never processed because a poison message ahead of it on its partition was retried forever. */
export function blockedStory(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  const message = facts.message(msg);
  const append = facts.aboutKind(msg, 'append').at(-1);
  if (message === undefined || append === undefined || facts.aboutKind(msg, 'deliver').length > 1) return undefined;
  const blocker = facts.records.find(
    (record): record is EventOf<'processing-retry'> => record.kind === 'processing-retry' && facts.message(record.msg)?.partition === message.partition && record.msg !== msg && (facts.aboutKind(record.msg, 'append').at(-1)?.offset ?? Infinity) < append.offset,
  );
  if (blocker === undefined || facts.aboutKind(blocker.msg, 'db-commit').length > 0) return undefined;
  cite.add(append);
  const { clause, deliveries } = failures(facts, cite, blocker.msg);
  return {
    text: `it was stored at offset ${append.offset} of partition ${message.partition}, behind ${blocker.msg}; ${blocker.msg}'s ${clause.replace(/^its /, '')}, and the consumer kept retrying it (${deliveries} deliveries, on-error=${facts.settings.onError}), so nothing behind it on partition ${message.partition} was ever processed`,
    mechanism: `blocked behind poison message ${blocker.msg} on its partition`,
  };
}

/** Why a record was parked: its failures, its retries, and the publish to the dead-letter topic. */
export function parkedStory(facts: TraceFacts, msg: string): Story | undefined {
  const published = facts.aboutKind(msg, 'dead-lettered')[0];
  if (published === undefined) return undefined;
  const cite = new Citations(facts);
  const appended = facts.next(published, is('dlt-append', { msg }));
  const chose = handlerChose(facts, msg, 'dead-letter');
  if (chose !== undefined) {
    cite.add(chose, published, appended);
    const text = `${msg} was parked, neither applied nor lost: the handler returned dead-letter for it (delivery ${chose.delivery}, ${cite.at(chose)}), so the consumer published it to ${published.topic} at ${cite.at(published)} and moved on to the records behind it.`;
    return finished({ invariant: 'parked', msg, mechanism: 'the handler returned dead-letter', text, records: cite.list(), msgs: [msg] });
  }
  const { clause } = failures(facts, cite, msg);
  cite.add(published, appended);
  const retries = String(facts.settings.processingRetries);
  const text = `${msg} was parked, neither applied nor lost: ${clause}; after processing-retries=${retries} the consumer published it to ${published.topic} at ${cite.at(published)} (on-error=dead-letter) and moved on to the records behind it.`;
  return finished({ invariant: 'parked', msg, mechanism: 'processing kept failing: dead-lettered after its retries', text, records: cite.list(), msgs: [msg] });
}
