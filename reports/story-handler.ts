/**
 * Stories of a team's own handler, in its own words: each delivery of the message to the handler, the calls it
 * made and what the DB answered ("get processed[m3] → absent", "increment ledger[k1] by 1 → 2"), and the fault that
 * cut a delivery short ("crashes right after call 2 of the handler for m3 was answered").
 */
import type { EventOf, TraceEvent } from '../models/events.js';
import { describeFault } from '../models/faults/catalog.js';
import type { InvariantName } from '../models/modes.js';
import { at } from './format.js';
import { Citations } from './story-types.js';
import type { Story } from './story-types.js';
import type { TraceFacts } from './trace-facts.js';

/** The story of a message a handler handled; undefined when no handler ran (the built-in processing did). */
export function handlerStory(facts: TraceFacts, invariant: InvariantName, msg: string, summary: string): Story | undefined {
  const about = facts.about(msg);
  const calls = about.filter((record): record is EventOf<'handler-call'> => record.kind === 'handler-call');
  if (calls.length === 0) return undefined;
  const cite = new Citations(facts);
  const deliveries = [...new Set(about.filter((record): record is EventOf<'deliver'> => record.kind === 'deliver').map((record) => record.delivery))];
  const parts = deliveries.map((delivery) => deliveryWords(facts, cite, about, msg, delivery));
  const faults = about.filter((record): record is EventOf<'fault'> => record.kind === 'fault');
  cite.add(...faults);
  const effects = about.filter((record): record is EventOf<'db-op'> => record.kind === 'db-op' && record.effect);
  const mechanism = mechanismOf(faults, effects.length);
  const text = `${summary}. The handler ran ${deliveries.length === 1 ? 'once' : `${deliveries.length} times`}: ${parts.join('; ')}.`;
  return { invariant, msg, mechanism, text, records: cite.list(), msgs: [msg] };
}

/** "delivery 2 at t=31 ms: get processed[m3] → absent, increment ledger[k1] by 1 → 2, returned ack". */
function deliveryWords(facts: TraceFacts, cite: Citations, about: readonly TraceEvent[], msg: string, delivery: number): string {
  const delivered = about.find((record): record is EventOf<'deliver'> => record.kind === 'deliver' && record.delivery === delivery);
  const steps: string[] = [];
  const calls = about.filter((record): record is EventOf<'handler-call'> => record.kind === 'handler-call' && record.delivery === delivery);
  for (const call of calls) {
    const answer = facts.records.find((record): record is EventOf<'db-op'> => record.kind === 'db-op' && record.msg === msg && record.call === call.call);
    const timedOut = about.find((record) => record.kind === 'handler-timeout' && record.call === call.call);
    cite.add(call, answer);
    steps.push(answer !== undefined && timedOut === undefined ? answer.text : `${call.text} → no answer (timeout)`);
  }
  const end = about.find((record): record is EventOf<'handler-done' | 'handler-threw'> => (record.kind === 'handler-done' || record.kind === 'handler-threw') && record.delivery === delivery);
  const crash = delivered === undefined ? undefined : facts.records.find((record) => record.kind === 'crash' && record.actor === delivered.actor && record.t >= delivered.t && (end === undefined || record.t <= end.t));
  if (end?.kind === 'handler-done') steps.push(`returned ${end.outcome}`);
  else if (end?.kind === 'handler-threw') steps.push(`threw: ${end.error}`);
  else if (crash !== undefined) steps.push('then the consumer crashed');
  cite.add(delivered, end, crash);
  return `delivery ${delivery}${delivered === undefined ? '' : ` at ${at(delivered.t)}`}: ${steps.length === 0 ? 'no DB call' : steps.join(', ')}`;
}

function mechanismOf(faults: readonly EventOf<'fault'>[], effects: number): string {
  const crash = faults.find((record) => record.fault.kind === 'consumer-crash' && record.fault.afterCall !== undefined);
  const lost = faults.find((record) => record.fault.kind === 'db-reply-lost' && record.fault.call !== undefined);
  const repeated = effects > 1 ? ': the redelivery repeated the effect' : '';
  if (crash !== undefined) return `${describeFault(crash.fault).replace(/^the consumer /, '')}${repeated}`;
  if (lost !== undefined) return `a lost DB reply timed the call out${repeated}`;
  return effects > 1 ? 'redelivered: the handler committed its effect again' : 'see the handler steps';
}
