/**
 * Decision points every family shares on the consumer's side: a fault naming a consumer, and a lost DB reply
 * (the consumer-DB link is the same in every family). Each family's networkFault asks here first for DB messages.
 */
import type { Phase } from '../../sim/world.js';
import type { DbMessage } from '../db/protocol.js';
import { FIRST_INSTANCE } from '../topology.js';
import type { Fault } from './catalog.js';
import type { FaultInjector } from './injector.js';

/** A fault naming a consumer names it only when it is not the first one (plans without instances keep their meaning). */
export function onConsumer<F extends Fault>(fault: F, consumer: string): F {
  return consumer === FIRST_INSTANCE.consumer ? fault : { ...fault, consumer };
}

/**
 * A DB reply to consumer `to` lost (db-reply-lost): only a committed write's reply (the consumer then retries it),
 * and any answer to a handler's call (a lost read is a timeout too). `draw ? inject` as every decision point.
 */
export function dbReplyFault(injector: FaultInjector, to: string, message: DbMessage, phase: Phase): Fault | undefined {
  switch (message.type) {
    case 'db-reply':
      if (message.result !== 'committed' || !injector.draw('db-reply-lost', phase)) return undefined;
      return injector.inject(onConsumer({ kind: 'db-reply-lost', message: message.msgId, attempt: message.attempt }, to));
    case 'db-op-reply':
      if (!injector.draw('db-reply-lost', phase)) return undefined;
      return injector.inject(onConsumer({ kind: 'db-reply-lost', message: message.msgId, call: message.call }, to));
    default:
      return undefined;
  }
}
