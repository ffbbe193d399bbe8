/**
 * Stories of Kafka transactions: a message applied twice because a read_uncommitted consumer applied the copy an
 * aborted transaction wrote, and then the copy the rewritten transaction committed.
 */
import type { EventOf, TraceEvent } from '../models/events.js';
import type { Citations } from './story-types.js';
import { is } from './trace-facts.js';
import type { TraceFacts } from './trace-facts.js';

/** Why the transaction holding an append ended without a commit, in words, and the record that says so. */
function abortOf(facts: TraceFacts, begin: EventOf<'txn-begin'>): { words: string; record: TraceEvent } | undefined {
  const aborted = facts.between(begin, undefined, is('txn-aborted', { txn: begin.txn }, (record) => record.actor === begin.actor))[0];
  if (aborted !== undefined) {
    const gaveUp = facts.between(begin, aborted, is('gave-up', {}, (record) => record.actor === begin.actor))[0];
    const failed = gaveUp?.reason === 'delivery.timeout.ms' ? `a send of ${gaveUp.msg} ran out of delivery.timeout.ms` : 'a send ran out of retries';
    const words = { application: 'the application aborted it', 'send-failed': `${failed} and the application aborted it`, fenced: 'a new instance with its transactional.id aborted it and fenced the old one' }[aborted.reason];
    return { words, record: aborted };
  }
  // A crashed producer never ends its transaction: the next initTransactions of its transactional.id aborts it.
  const init = facts.between(begin, undefined, is('producer-id-initialized', { transactionalId: begin.actor, abortedOpen: true }))[0];
  return init === undefined ? undefined : { words: 'the producer crashed before committing it, and its restart aborted it at initTransactions', record: init };
}

/** The earlier application read a record of an aborted transaction: the cause in words, or undefined when it did not. */
export function abortedCopy(facts: TraceFacts, cite: Citations, msg: string, earlier: EventOf<'db-commit'>, later: EventOf<'db-commit'>): { text: string; mechanism: string } | undefined {
  if (!facts.settings.transactions) return undefined;
  const append = facts.aboutKind(msg, 'append', { offset: earlier.offset })[0];
  const begin = append === undefined ? undefined : facts.previous(append, is('txn-begin', {}, (record) => record.msgs.includes(msg)));
  const abort = begin === undefined ? undefined : abortOf(facts, begin);
  if (append === undefined || begin === undefined || abort === undefined) return undefined;
  return {
    text:
      `transaction ${begin.txn} wrote ${msg} at offset ${earlier.offset} (${cite.at(append)}) and ended in an abort: ${abort.words}${cite.step(abort.record)}; ` +
      `with isolation.level=${facts.settings.isolationLevel} the consumer read that aborted copy and the DB applied it at ${cite.at(earlier)}; ` +
      `the input was read again from the committed offset, and the committed copy at offset ${later.offset} was applied at ${cite.at(later)}`,
    mechanism: 'read_uncommitted applied a record of an aborted transaction: duplicate',
  };
}
