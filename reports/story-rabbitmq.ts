/**
 * Why a message was lost or applied twice in a RabbitMQ run, in RabbitMQ's words: a publish lost without
 * publisher confirms, an unroutable message without mandatory, transient messages gone in a node restart, a
 * message rejected or expired without a dead-letter exchange, autoAck deliveries lost with their consumer; a
 * re-publish after a lost confirm (the queue held it twice), a redelivery (redelivered=true) after a closed channel.
 * Undefined when none of these fits: the shared stories are asked next.
 */
import { countsOnlyFailedDeliveries, hasDefaultDeliveryLimit } from '../models/rabbitmq/settings.js';
import type { RabbitMqSettings } from '../models/rabbitmq/settings.js';
import type { EventOf } from '../models/events.js';
import { crashMoment } from './fault-words.js';
import { appliedBefore } from './story-order.js';
import { skippedStory } from './story-failures.js';
import { droppedAfterDbFailures } from './story-loss.js';
import { application, rewrite } from './story-duplicates.js';
import { isRelayResend } from './story-producer.js';
import { listWords, timesWord, trimNumber } from './format.js';
import { Citations, TOLD_MAX, untoldApplications } from './story-types.js';
import type { Story } from './story-types.js';
import { is } from './trace-facts.js';
import type { TraceFacts } from './trace-facts.js';

interface Told {
  text: string;
  mechanism: string;
}

const DEAD_LETTER_WORDS = { rejected: 'rejected (basic.reject requeue=false)', expired: 'expired (x-message-ttl)', delivery_limit: 'over its x-delivery-limit', maxlen: 'dropped from the head of the full queue (x-max-length, x-overflow=drop-head)' };

export function rabbitLossStory(facts: TraceFacts, msg: string): Story | undefined {
  const cite = new Citations(facts);
  const told = unroutable(facts, cite, msg) ?? neverEnqueued(facts, cite, msg) ?? lostInRestart(facts, cite, msg) ?? deadLetterLost(facts, cite, msg) ?? droppedByQueue(facts, cite, msg) ?? lostUnderAutoAck(facts, cite, msg) ?? requeuedUntilTheEnd(facts, cite, msg) ?? neverDelivered(facts, cite, msg) ?? skippedStory(facts, cite, msg) ?? droppedByConsumer(facts, cite, msg);
  if (told === undefined) return undefined;
  const acked = facts.run.brokerAcked.includes(msg);
  const headline = `${msg} was never applied to the DB${acked ? ', although the broker had confirmed it to the publisher' : ''}`;
  return { invariant: 'loss', msg, mechanism: told.mechanism, text: `${headline}: ${told.text}.`, records: cite.list(), msgs: [msg] };
}

function unroutable(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  const dropped = facts.aboutKind(msg, 'unroutable', { returned: false })[0];
  if (dropped === undefined || facts.aboutKind(msg, 'enqueued').length > 0) return undefined;
  cite.add(facts.aboutKind(msg, 'basic-publish')[0], dropped);
  return { text: `its basic.publish matched no binding at ${cite.at(dropped)} and, without the mandatory flag, the exchange dropped it silently${facts.run.brokerAcked.includes(msg) ? ' and still confirmed it' : ''}`, mechanism: 'unroutable without mandatory: dropped silently' };
}

function neverEnqueued(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  if (facts.aboutKind(msg, 'enqueued').length > 0) return undefined;
  const publishes = facts.aboutKind(msg, 'basic-publish');
  const bufferLost = facts.aboutKind(msg, 'buffer-lost')[0];
  if (publishes.length === 0) {
    if (bufferLost === undefined) return { text: 'the publisher never published it before the run stopped', mechanism: 'never published' };
    cite.add(bufferLost);
    return { text: `it was in the publisher's in-memory buffer when the publisher crashed${cite.step(bufferLost)}; nothing re-published it (an outbox would have)`, mechanism: 'publisher crash with an in-memory buffer' };
  }
  cite.add(...publishes);
  const lost = publishes.map((publish) => facts.aboutKind(msg, 'fault', {}).find((record) => record.fault.kind === 'publish-lost' && 'attempt' in record.fault && record.fault.attempt === publish.attempt)).filter((record) => record !== undefined);
  cite.add(...lost);
  const confirms = facts.settings as unknown as { publisherConfirms: boolean; maxLength: number };
  // A full queue with x-overflow=reject-publish refused it (in this group's queue; another group's may have taken it).
  const refused = facts.aboutKind(msg, 'publish-rejected');
  cite.add(...refused);
  const how =
    refused.length > 0 && lost.length === 0
      ? `the full queue refused ${refused.length === publishes.length ? 'every' : 'its'} basic.publish (x-max-length ${confirms.maxLength}, x-overflow=reject-publish, ${cite.at(refused[0])})`
      : lost.length > 0
        ? `${lost.length === publishes.length ? 'every' : 'its'} basic.publish was lost on the way to the broker`
        : 'its basic.publish never reached a queue';
  if (!confirms.publisherConfirms) {
    if (refused.length > 0 && lost.length === 0) return { text: `${how}; without publisher confirms the broker tells the publisher nothing (no basic.nack), so it never re-published`, mechanism: 'refused by a full queue (reject-publish) without publisher confirms: silent loss' };
    return { text: `${how} (${cite.at(publishes[0])}); without publisher confirms the publisher never learned of it and never re-published`, mechanism: 'publish lost without publisher confirms: silent loss' };
  }
  const gaveUp = facts.aboutKind(msg, 'gave-up')[0];
  cite.add(gaveUp);
  return { text: `${how}, and the publisher ${gaveUp === undefined ? 'had not re-published it when the run stopped' : `gave up after ${gaveUp.attempts} attempt(s) at ${cite.at(gaveUp)}`}`, mechanism: 'publish lost, re-publishes used up' };
}

function lostInRestart(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  const restarted = facts.next(undefined, is('node-restarted', {}, (record) => record.lost.includes(msg))) ?? facts.next(undefined, is('quorum-leader-elected', {}, (record) => record.lost.includes(msg)));
  if (restarted === undefined) return undefined;
  const crash = facts.previous(restarted, is('crash', { actor: 'broker' }));
  const fault = crash === undefined ? undefined : facts.faultBehind(crash);
  cite.add(facts.aboutKind(msg, 'enqueued')[0], crash === undefined ? undefined : facts.faultRecordBehind(crash), crash, restarted);
  const settings = facts.settings as unknown as { persistent: boolean; durable: boolean; queueType: string };
  const why = settings.queueType === 'quorum' ? 'it was not yet on a majority of the quorum queue' : !settings.durable ? 'the queue was not durable' : !settings.persistent ? 'it was a transient message (delivery_mode=1)' : 'it was not yet written to disk';
  const others = restarted.lost.filter((id) => id !== msg);
  return {
    text: `${restarted.kind === 'node-restarted' ? 'the broker node restarted' : "the quorum queue leader's node failed"}${fault === undefined ? '' : ` ${crashMoment(fault)}`}${crash === undefined ? '' : ` at ${cite.at(crash)}`} and ${msg} did not survive${cite.step(restarted)}${restarted.kind === 'node-restarted' ? '' : ` (the new leader on node ${restarted.node} never had it)`}: ${why}${others.length > 0 ? ` (${listWords(others)} went with it)` : ''}${facts.run.brokerAcked.includes(msg) ? ', yet it had been confirmed' : ''}`,
    mechanism: 'node restart: transient or unwritten message lost',
  };
}

/** Dead-lettered, but the dead-letter queue could not take it, and at-most-once dead-lettering had already let it go. */
function deadLetterLost(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  const lost = facts.aboutKind(msg, 'dead-letter-lost')[0];
  if (lost === undefined) return undefined;
  const deadLettered = facts.previous(lost, is('queue-dead-letter', { msg }));
  const unavailable = facts.previous(lost, is('fault', {}, (record) => record.fault.kind === 'dead-letter-unavailable'));
  cite.add(deadLettered, unavailable, lost);
  const why = deadLettered === undefined ? 'dead-lettered' : DEAD_LETTER_WORDS[deadLettered.reason];
  const down = unavailable === undefined ? 'the dead-letter queue could not take it' : `the dead-letter queue could not take messages from ${cite.at(unavailable)} on (not declared yet, or without a quorum)`;
  return {
    text: `it was ${why} at ${cite.at(deadLettered ?? lost)} and dead-lettered, but ${down}; with dead-letter-strategy=at-most-once (RabbitMQ's default) the queue had already forgotten it as it re-published it without confirms, so it was lost (dead-letter-strategy=at-least-once on a quorum queue with --overflow reject-publish keeps it until the dead-letter queue takes it)`,
    mechanism: 'dead-lettered at most once: the dead-letter queue could not take it',
  };
}

function droppedByQueue(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  const dropped = facts.aboutKind(msg, 'queue-dead-letter', { dlx: false })[0];
  if (dropped === undefined) return undefined;
  cite.add(facts.aboutKind(msg, 'enqueued')[0], dropped);
  return { text: `the queue ${DEAD_LETTER_WORDS[dropped.reason]} it at ${cite.at(dropped)}, and with no dead-letter exchange (x-dead-letter-exchange) it was dropped`, mechanism: `${dropped.reason} without a dead-letter exchange: dropped` };
}

function lostUnderAutoAck(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  const settings = facts.settings as unknown as { autoAck: boolean };
  const delivered = facts.aboutKind(msg, 'basic-deliver')[0];
  if (!settings.autoAck) return undefined;
  if (delivered === undefined) return voidInFlight(facts, cite, msg);
  const failed = facts.aboutKind(msg, 'autoack-lost')[0];
  const crash = facts.next(delivered, is('crash', { actor: delivered.actor }));
  cite.add(delivered, failed, crash === undefined ? undefined : facts.faultRecordBehind(crash), crash);
  const cause = failed !== undefined ? `its processing failed at ${cite.at(failed)}, and nothing could hand it back` : crash !== undefined ? `the consumer crashed at ${cite.at(crash)} before applying it` : 'the consumer never applied it';
  return { text: `the broker sent it at ${cite.at(delivered)} with autoAck, which counts a delivery as acknowledged once sent (the queue forgot it); ${cause}`, mechanism: 'autoAck: delivered means deleted, then a crash or an exception' };
}

/** Delivered, its DB write never answered, and given up with dbRetries left at none: acknowledged unapplied. */
function droppedByConsumer(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  const gaveUp = facts.aboutKind(msg, 'db-gave-up')[0];
  if (gaveUp === undefined) return undefined;
  const told = droppedAfterDbFailures(facts, cite, msg, gaveUp);
  const acked = facts.next(gaveUp, is('basic-ack', { msg }));
  cite.add(acked);
  return acked === undefined ? told : { ...told, text: `${told.text}, acknowledging it (basic.ack, ${cite.at(acked)}) so the queue forgot it` };
}

/**
 * With autoAck, enqueued, never received, and gone from the queue of a run that settled: the broker pushed it (and
 * forgot it) as the consumer's connection closed, and a delivery arriving on a closed channel is void.
 */
function voidInFlight(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  const enqueued = facts.aboutKind(msg, 'enqueued').at(-1);
  if (enqueued === undefined || facts.run.outcome.kind !== 'quiescent') return undefined;
  const closed = facts.next(enqueued, is('connection-lost', {}, (record) => record.t >= enqueued.t));
  cite.add(enqueued, closed);
  const when = closed === undefined ? 'as its channel closed' : `as ${facts.who(closed.actor)}'s connection closed (${cite.at(closed)}${closed.reason === 'heartbeat' ? ', a missed heartbeat' : ''})`;
  return { text: `it was enqueued at ${cite.at(enqueued)} and the broker pushed it with autoAck, forgetting it at once, ${when}; a delivery that arrives on a closed channel is void, so no consumer ever got it`, mechanism: 'autoAck: pushed as the connection closed, never received' };
}

/**
 * Enqueued, handed back again and again, and still in the queue when the run stopped: a poison message a consumer
 * requeues (--on-error retry) with nothing to end the loop. Says why nothing did: no x-delivery-limit (a classic
 * queue, 3.x, or `unlimited`), or RabbitMQ 4.3, whose limit ignores basic.nack requeue=true.
 */
function requeuedUntilTheEnd(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  const requeued = facts.aboutKind(msg, 'requeued');
  const last = requeued.at(-1);
  // Still looping: no dead-lettering, and nothing settled it after its last return (a later basic.ack let it go).
  if (last === undefined || facts.aboutKind(msg, 'queue-dead-letter').length > 0 || facts.next(last, is('basic-ack', { msg })) !== undefined) return undefined;
  const deliveries = facts.aboutKind(msg, 'basic-deliver');
  const failures = facts.aboutKind(msg, 'processing-failed');
  const { nacks, method, why } = requeueLoop(facts, msg);
  cite.add(facts.aboutKind(msg, 'enqueued')[0], deliveries[0], failures[0], nacks[0], requeued[0], requeued.at(-1));
  const settings = facts.settings as unknown as RabbitMqSettings;
  const failed = failures.length === 0 ? '' : failures.length === deliveries.length ? ' and its processing failed on every one' : ` and its processing failed ${timesWord(failures.length)}`;
  const handedBack = nacks.length > 0 ? `; the consumer handed it back each time with ${method} requeue=true (on-error=${settings.onError}${settings.onError === 'retry' ? '' : `, ${settings.processingRetries} retries`}), and the queue put it back with redelivered=true` : '; it went back to the queue with redelivered=true';
  return { text: `the broker delivered it ${timesWord(deliveries.length)}${failed}${handedBack}; ${why.text}; it was still in the queue, never applied, when the run stopped`, mechanism: why.mechanism };
}

/**
 * Enqueued and never delivered before the run stopped. Usually it waited behind a message that went back to the
 * head of the queue again and again: with prefetch 1 that message took the consumer's one delivery at a time.
 */
function neverDelivered(facts: TraceFacts, cite: Citations, msg: string): Told | undefined {
  const enqueued = facts.aboutKind(msg, 'enqueued')[0];
  if (enqueued === undefined || facts.aboutKind(msg, 'basic-deliver').length > 0) return undefined;
  cite.add(enqueued);
  const looping = facts.previous(undefined, is('requeued', { queue: enqueued.queue }, (record) => record.msg !== msg), enqueued);
  if (looping === undefined) return { text: `it was enqueued at ${cite.at(enqueued)} and still waiting in the queue, never delivered, when the run stopped`, mechanism: 'never delivered before the run stopped' };
  cite.add(looping);
  const prefetch = (facts.settings as unknown as RabbitMqSettings).prefetch;
  const slot = prefetch === 1 ? `with prefetch 1 it took the consumer's one unacknowledged delivery every time, so the queue never got past it` : `the queue never delivered ${msg} meanwhile (prefetch ${prefetch})`;
  return { text: `it was enqueued at ${cite.at(enqueued)} and never delivered: ${looping.msg}, ahead of it, went back to the head of the queue again and again (the last time at ${cite.at(looping)}), and ${slot}`, mechanism: 'stuck behind a message requeued forever' };
}

/** A message's requeue loop: its basic.nack (or basic.reject) requeue=true records, which method, and why no limit ended it. */
export function requeueLoop(facts: TraceFacts, msg: string): { nacks: EventOf<'basic-nack'>[]; method: 'basic.nack' | 'basic.reject'; why: Told } {
  const nacks = facts.aboutKind(msg, 'basic-nack', { requeue: true });
  const method = nacks.some((record) => record.method === 'reject') ? 'basic.reject' : 'basic.nack';
  const why = whyRequeuedForever(facts.settings as unknown as RabbitMqSettings, method === 'basic.nack', facts.aboutKind(msg, 'requeued').at(-1)?.deliveryCount ?? 0);
  return { nacks, method, why };
}

/**
 * Why no delivery limit ended a message's requeue loop: there is none (a classic queue, 3.x, `unlimited`), or
 * RabbitMQ 4.3 does not count a basic.nack requeue=true (`nacked`) toward it. `count`: its last x-delivery-count.
 */
function whyRequeuedForever(settings: RabbitMqSettings, nacked: boolean, count: number): Told {
  const limit = settings.deliveryLimit;
  if (settings.queueType !== 'quorum') return { text: 'a classic queue has no x-delivery-limit, so nothing ever took it out of the loop', mechanism: 'requeued forever: a classic queue has no delivery limit' };
  if (limit === 'unlimited') {
    const version = hasDefaultDeliveryLimit(settings.rabbitmqVersion) ? '' : `, RabbitMQ ${settings.rabbitmqVersion}'s default`;
    return { text: `the quorum queue has no x-delivery-limit (--delivery-limit unlimited${version}), so nothing ever took it out of the loop`, mechanism: 'requeued forever: no x-delivery-limit' };
  }
  if (countsOnlyFailedDeliveries(settings.rabbitmqVersion) && nacked && count <= limit) {
    return {
      text: `RabbitMQ ${settings.rabbitmqVersion} counts only failed deliveries toward x-delivery-limit ${limit} (basic.reject requeue=true, a lost connection), and a basic.nack requeue=true is not one: x-delivery-count stayed at ${count}, so the limit never dead-lettered it (--requeue-method reject would have, after ${limit + 1} deliveries)`,
      mechanism: 'basic.nack requeue=true on RabbitMQ 4.3: never counted toward x-delivery-limit, redelivered forever',
    };
  }
  return { text: `x-delivery-count was ${count} of x-delivery-limit ${limit} when the run stopped`, mechanism: 'requeued again and again: still in the queue when the run stopped' };
}

interface Application {
  commit: EventOf<'db-commit'>;
  deliver: EventOf<'deliver'> | undefined;
}

export function rabbitDuplicateStory(facts: TraceFacts, msg: string): Story | undefined {
  const commits = facts.aboutKind(msg, 'db-commit');
  if (commits.length < 2) return undefined;
  const cite = new Citations(facts);
  const applications: Application[] = commits.slice(0, TOLD_MAX + 1).map((commit) => ({ commit, deliver: facts.previous(commit, is('deliver', { msg })) }));
  const causes: Told[] = [];
  for (let index = 1; index < applications.length; index++) {
    const [earlier, later] = [applications[index - 1], applications[index]];
    const sent = (application: Application) => (application.deliver === undefined ? undefined : facts.previous(application.deliver, is('basic-deliver', { msg, actor: application.deliver.actor })));
    cite.add(sent(earlier), earlier.deliver, earlier.commit, sent(later), later.deliver, later.commit);
    // Another copy in the queue, another delivery of the same copy, or the same delivery written twice to the DB.
    const cause = earlier.commit.offset !== later.commit.offset ? republished(facts, cite, msg, later.commit) : later.deliver?.delivery !== earlier.deliver?.delivery ? redelivered(facts, cite, msg, earlier, later) : rewrite(facts, cite, msg, application(facts, msg, earlier.commit), application(facts, msg, later.commit));
    causes.push(cause);
  }
  const mechanism = [...new Set(causes.map((cause) => cause.mechanism))].join('; ');
  return { invariant: 'duplicates', msg, mechanism, text: `${msg} was applied to the DB ${timesWord(commits.length)}: ${causes.map((cause) => cause.text).join('; then ')}${untoldApplications(commits.length)}.`, records: cite.list(), msgs: [msg] };
}

/** The later copy's publish, and what made the publisher publish it again: the latest of those before it. */
function republished(facts: TraceFacts, cite: Citations, msg: string, later: EventOf<'db-commit'>): Told {
  const copy = facts.aboutKind(msg, 'enqueued').find((record) => record.seq === later.offset);
  const publish = copy === undefined ? undefined : facts.aboutKind(msg, 'basic-publish').find((record) => record.attempt === copy.attempt);
  cite.add(copy, publish);
  const confirmLost = facts.previous(publish, is('fault', { msg }, (record) => record.fault.kind === 'confirm-lost'));
  const timeout = facts.previous(publish, is('confirm-timeout', { msg }));
  const resend = facts.previous(publish, is('outbox-resend', {}, (record) => record.msgs.includes(msg)));
  const latest = [confirmLost, timeout, resend].filter((record) => record !== undefined).sort((a, b) => facts.indexOf(b) - facts.indexOf(a))[0];
  const twice = 'the broker enqueued it again (RabbitMQ has no idempotent publisher)';
  if (latest !== undefined && latest === confirmLost) return { text: `the queue held it twice: the broker's confirm for it was lost (${cite.at(confirmLost)}), so the publisher re-published it and ${twice}`, mechanism: 'confirm lost or late, then a re-publish: duplicate in the queue' };
  if (latest !== undefined && latest === timeout) {
    // The confirm of that very attempt lost on its way: say so before the timeout it caused.
    const lost = confirmLost?.kind === 'fault' && 'attempt' in confirmLost.fault && confirmLost.fault.attempt === timeout.attempt ? `the broker's confirm for it was lost (${cite.at(confirmLost)}) and ` : '';
    return { text: `the queue held it twice: ${lost}no confirm came within confirm-timeout-ms (${cite.at(timeout)}), so the publisher re-published it and ${twice}`, mechanism: 'confirm lost or late, then a re-publish: duplicate in the queue' };
  }
  if (resend !== undefined && isRelayResend(facts, resend)) {
    return { text: `the queue held it twice: the publisher gave it up, its outbox row stayed, and the outbox relay published it again (${cite.at(resend)}), so ${twice}`, mechanism: 'outbox relay re-publish: duplicate in the queue' };
  }
  if (resend !== undefined) {
    const crash = facts.previous(resend, is('crash', { actor: resend.actor }));
    cite.add(crash === undefined ? undefined : facts.faultRecordBehind(crash), crash);
    return { text: `the queue held it twice: the publisher crashed${crash === undefined ? '' : ` at ${cite.at(crash)}`} before the broker's confirm reached it, and after restarting it re-published every row still in its outbox (${cite.at(resend)}), so ${twice}`, mechanism: 'publisher crash, outbox re-publish: duplicate in the queue' };
  }
  return { text: `the queue held it twice: the publisher published it again, and ${twice}`, mechanism: 're-publish: duplicate in the queue' };
}

function redelivered(facts: TraceFacts, cite: Citations, msg: string, earlier: Application, later: Application): Told {
  // Requeued after the earlier delivery: its channel may have closed while that delivery was still being processed.
  const since = earlier.deliver ?? earlier.commit;
  const requeued = facts.previous(later.deliver, is('requeued', { msg }), since);
  // The broker traces the requeues, then the channel's close that made them.
  const closed = requeued === undefined ? undefined : facts.previous(later.deliver, is('channel-closed', {}, (record) => record.requeued.includes(msg) && record.t === requeued.t), since);
  const crash = requeued === undefined ? undefined : facts.previous(later.deliver, is('crash', {}, (record) => record.actor === earlier.deliver?.actor && record.t <= requeued.t), since);
  // A basic.ack lost with its connection (any message's): the channel closed at that instant (the fault is traced first).
  const ackLost = closed === undefined ? undefined : facts.previous(closed, is('fault', {}, (record) => record.fault.kind === 'consumer-ack-lost' && record.t === closed.t));
  // consumer_timeout: the broker ended the consumer (traced just before the close it made).
  const timedOut = closed === undefined ? undefined : facts.previous(closed, is('delivery-ack-timeout', {}, (record) => record.t === closed.t && record.consumer === closed.consumer && record.channel === closed.channel));
  const timedOutSent = timedOut === undefined ? undefined : facts.previous(timedOut, is('basic-deliver', { msg: timedOut.msg, actor: timedOut.consumer }));
  cite.add(crash === undefined ? undefined : facts.faultRecordBehind(crash), crash, timedOutSent, timedOut, closed, requeued);
  const fault = crash === undefined ? undefined : facts.faultBehind(crash);
  const moment = fault === undefined ? '' : crashMoment(fault, 'rabbitmq');
  const lostFor = ackLost?.fault.kind === 'consumer-ack-lost' ? ackLost.fault.message : undefined;
  if (requeued === undefined && crash === undefined) {
    // No requeue: the broker itself went down while the delivery was unacked, and delivered it again once back.
    const brokerCrash = facts.previous(later.deliver, is('crash', {}, (record) => record.actor === 'broker'), since);
    if (brokerCrash !== undefined) {
      const restart = facts.next(brokerCrash, is('restart', {}, (record) => record.actor === 'broker'));
      const brokerFault = facts.faultBehind(brokerCrash);
      cite.add(facts.faultRecordBehind(brokerCrash), brokerCrash, restart);
      const when = brokerFault === undefined ? '' : ` ${crashMoment(brokerFault, 'rabbitmq')}`;
      return { text: `the broker node crashed at ${cite.at(brokerCrash)}${when} while ${msg} was delivered and not yet acked; ${restart === undefined ? 'once back' : `back at ${cite.at(restart)}`}, it delivered it again with redelivered=true; without an idempotent consumer it was applied again`, mechanism: 'broker restart with an unacked delivery: redelivered' };
    }
  }
  // A crash right after the DB commit says "before its basic.ack" itself.
  const cause =
    crash !== undefined
      ? `the consumer crashed at ${cite.at(crash)}${moment === '' ? '' : `, ${moment}`}${moment.endsWith('basic.ack') ? '' : ', before its basic.ack'}`
      : timedOut !== undefined
        ? `${timedOut.msg === msg ? 'its delivery' : `the delivery of ${timedOut.msg} on the same channel`}${timedOutSent === undefined ? '' : ` (received at ${cite.at(timedOutSent)})`} stayed unacknowledged past consumer_timeout (${trimNumber(timedOut.timeoutMs)} ms), so the broker ${timedOut.cancelled ? 'cancelled the consumer' : 'closed its channel (PRECONDITION_FAILED)'} at ${cite.at(timedOut)} while the consumer was still working; its basic.ack came too late to count`
        : ackLost !== undefined && closed !== undefined
        ? `${lostFor === msg ? 'its basic.ack' : `the consumer's basic.ack for ${lostFor}`} was lost with its connection (${cite.at(ackLost)}), which closed its channel${cite.step(closed)}${lostFor === msg ? '' : ` while ${msg} was still unacked`}`
        : closed !== undefined
          ? `its channel closed at ${cite.at(closed)} before the basic.ack arrived`
          : 'its basic.ack never settled it';
  return { text: `${cause}, so the broker requeued it${requeued === undefined ? '' : ` (${cite.at(requeued)})`} and delivered it again with redelivered=true; without an idempotent consumer it was applied again`, mechanism: timedOut !== undefined ? 'unacked past consumer_timeout: redelivered' : 'unacked at a closed channel: redelivered' };
}

/**
 * Competing consumers of one queue: the later message of the key `msg` was applied after went to another consumer
 * and was processed alongside `msg` (requeued first, when its delivery failed or its channel closed).
 */
function inParallel(facts: TraceFacts, cite: Citations, msg: string, requeued: EventOf<'requeued'> | undefined, sent: EventOf<'basic-deliver'> | undefined): Told {
  const early = appliedBefore(facts, msg);
  const earlySent = early === undefined ? undefined : facts.aboutKind(early, 'basic-deliver')[0];
  const earlyCommit = early === undefined ? undefined : facts.aboutKind(early, 'db-commit')[0];
  const nacked = requeued === undefined ? undefined : facts.previous(requeued, is('basic-nack', { msg }, (record) => record.requeue));
  // The injected processing error behind the nack, when there was one: the fault the story stands on.
  const threw = nacked === undefined ? undefined : facts.previous(nacked, is('fault', { msg }, (record) => record.fault.kind === 'processing-error'));
  cite.add(threw, nacked, earlySent, earlyCommit);
  const failed = threw === undefined ? 'its delivery failed' : `the business logic threw on it (${cite.at(threw)})`;
  const why = nacked === undefined ? '' : `${failed} and ${facts.name(nacked.actor)} nacked it with requeue=true (${cite.at(nacked)}); `;
  const back = requeued === undefined ? '' : `${why}it was requeued at ${cite.at(requeued)} and redelivered${sent === undefined ? '' : ` to ${facts.name(sent.actor)}`}, while `;
  const taker = earlySent === undefined ? 'a competing consumer' : facts.name(earlySent.actor);
  const other = early === undefined ? `${taker} had taken a later message of its key` : `${taker} had taken ${early} of the same key${earlySent === undefined ? '' : ` (${cite.at(earlySent)})`} and committed it first${earlyCommit === undefined ? '' : ` (${cite.at(earlyCommit)})`}`;
  const text = `${back}${other}: competing consumers process a queue's messages in parallel (x-single-active-consumer keeps one consumer at a time)`;
  return { text, mechanism: requeued === undefined ? 'competing consumers' : 'requeued, then competing consumers in parallel' };
}

/** Why `msg` was applied after a later message of its key: re-published behind it, or requeued behind it. */
export function rabbitOrderStory(facts: TraceFacts, msg: string): Story | undefined {
  const commit = facts.aboutKind(msg, 'db-commit')[0];
  if (commit === undefined) return undefined;
  const cite = new Citations(facts);
  const publishes = facts.aboutKind(msg, 'basic-publish');
  // The copy that was applied (the queue's sequence number is the offset the DB records), not the first one.
  const enqueued = facts.aboutKind(msg, 'enqueued').find((record) => record.seq === commit.offset) ?? facts.aboutKind(msg, 'enqueued')[0];
  const requeued = facts.aboutKind(msg, 'requeued')[0];
  const deliver = facts.previous(commit, is('deliver', { msg }));
  const sent = deliver === undefined ? undefined : facts.previous(deliver, is('basic-deliver', { msg, actor: deliver.actor }));
  cite.add(...publishes, enqueued, requeued, sent, deliver, facts.previous(commit, is('db-write', { msg })), commit);
  // Competing consumers of one queue take its messages in parallel; a single active consumer does not.
  const settings = facts.settings as unknown as RabbitMqSettings;
  const competing = facts.topology.consumers.length > facts.topology.groups.length && !settings.singleActiveConsumer;
  let told: Told;
  if (enqueued !== undefined && enqueued.attempt > 1) told = { text: `its basic.publish went unconfirmed and the publisher re-published it (attempt ${enqueued.attempt}), so the queue got it at ${cite.at(enqueued)}, behind messages published after it (more than one unconfirmed publish in flight)`, mechanism: 're-published behind later messages' };
  else if (competing) told = inParallel(facts, cite, msg, requeued, sent);
  else if (requeued !== undefined) told = { text: `it was requeued at ${cite.at(requeued)} while later messages were already delivered (prefetch > 1), so they were processed first`, mechanism: 'requeued behind later deliveries' };
  else told = { text: `its copy reached the queue at ${enqueued === undefined ? 'a later point' : cite.at(enqueued)}, behind a later message of its key`, mechanism: 'enqueued behind a later message' };
  return { invariant: 'order', msg, mechanism: told.mechanism, text: `${msg} was applied out of its key's order: ${told.text}.`, records: cite.list(), msgs: [msg] };
}
