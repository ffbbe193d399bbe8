/**
 * Causal stories for broken invariants: for each witness, one paragraph in domain words built from the trace,
 * and the trace records it rests on (which the sequence diagram draws). A mechanism the builders do not
 * recognise still gets a story: the checker's summary plus every fault that touched the message.
 */
import { rabbitDuplicateStory, rabbitLossStory, rabbitOrderStory, requeueLoop } from './story-rabbitmq.js';
import type { TraceEvent } from '../models/events.js';
import { describeFault } from '../models/faults/catalog.js';
import type { FamilyName } from '../models/config.js';
import type { InvariantResult, Witness } from '../models/invariants/index.js';
import type { InvariantName } from '../models/modes.js';
import type { EventOf } from '../models/events.js';
import { at, trimNumber } from './format.js';
import { duplicateStory } from './story-duplicates.js';
import { handlerStory } from './story-handler.js';
import { lossStory } from './story-loss.js';
import { orderStory } from './story-order.js';
import { finished } from './story-types.js';
import type { Story } from './story-types.js';
import { TraceFacts, is } from './trace-facts.js';
import type { RunFacts } from './trace-facts.js';

export type { Story } from './story-types.js';

/** One story per witness of a broken invariant (none when it holds). */
export function explainInvariant(run: RunFacts & { invariants: Record<InvariantName, InvariantResult> }, name: InvariantName, facts: TraceFacts = new TraceFacts(run)): Story[] {
  const invariant = run.invariants[name];
  if (invariant.holds) return [];
  return invariant.witnesses.map((witness) => explainWitness(facts, invariant, witness));
}

export function explainWitness(allFacts: TraceFacts, invariant: InvariantResult, witness: Witness): Story {
  // A witness about one group is told from that group's records (the other groups' copies of the message are not its story).
  const facts = allFacts.scoped(witness.group);
  if (facts.cut !== undefined) return finished(toldFromCut(facts, facts.cut, invariant, witness));
  return finished(toldFromTrace(facts, invariant, witness));
}

/**
 * A witness of a run that kept only the first part of its trace. A message with no record in that part gets no
 * story (the absence of its records says nothing: "never handed over" would be false); any other witness gets its
 * story, which says it was read from that part only (its later steps may be missing).
 */
function toldFromCut(facts: TraceFacts, cut: NonNullable<TraceFacts['cut']>, invariant: InvariantResult, witness: Witness): Story {
  const part = `the first ${cut.kept.toLocaleString('en-US')} trace records this run kept, which end at ${at(cut.untilUs)}`;
  if (witness.msg !== '' && facts.about(witness.msg).length === 0) {
    // The injected plan is kept whole: the faults that struck the message can still be named, without their times.
    const faults = (facts.run.injected?.faults ?? []).filter((fault) => 'message' in fault && fault.message === witness.msg).map((fault) => describeFault(fault, facts.config.family));
    const struck = faults.length > 0 ? ` Faults injected on it: ${faults.join('; ')}.` : '';
    const text = `${witness.summary}.${struck} Its story is not told: its records all come after ${part}; the replay command with --trace FILE writes every record to a file.`;
    return { invariant: invariant.name, msg: witness.msg, mechanism: 'not told: after the part of the trace this run kept', text, records: [], msgs: [witness.msg] };
  }
  const story = toldFromTrace(facts, invariant, witness);
  return { ...story, text: `${story.text} (Told from ${part}: what came later is not read.)` };
}

function toldFromTrace(facts: TraceFacts, invariant: InvariantResult, witness: Witness): Story {
  let story: Story | undefined;
  switch (invariant.name) {
    case 'duplicates':
      story = (facts.config.family === 'rabbitmq' ? rabbitDuplicateStory(facts, witness.msg) : undefined) ?? duplicateStory(facts, witness.msg);
      break;
    case 'loss':
      // Kafka's loss story reads produce requests, logs and offsets: a RabbitMQ loss it cannot tell gets the checker's own words.
      story = facts.config.family === 'rabbitmq' ? rabbitLossStory(facts, witness.msg) : lossStory(facts, witness.msg);
      break;
    case 'order':
      story = (facts.config.family === 'rabbitmq' ? rabbitOrderStory(facts, witness.msg) : undefined) ?? orderStory(facts, witness.msg);
      break;
    case 'liveness':
      story = livenessStory(facts, witness);
      break;
  }
  // A team's handler: its own steps, when no mechanism of the built-in processing explains the break.
  if (story === undefined && witness.msg !== '') story = handlerStory(facts, invariant.name, witness.msg, witness.summary);
  return story ?? fallbackStory(invariant.name, witness, facts.config.family);
}

function livenessStory(facts: TraceFacts, witness: Witness): Story {
  const outcome = facts.run.outcome;
  const limit = outcome.kind === 'limit' ? (outcome.limit === 'events' ? `the limit of ${outcome.value} kernel events` : `the limit of ${outcome.value / 1000} ms of virtual time`) : 'a limit';
  const heal = facts.records.find((record) => record.kind === 'heal');
  // The witness holds the run's last records: a long run's kept trace ends long before the run did.
  const last = (witness.records as TraceEvent[]).at(-1) ?? facts.records.at(-1);
  const healed = heal === undefined ? 'at the end of the faulty phase' : `at ${at(heal.t)}`;
  if (outcome.kind === 'stalled' && outcome.idleSinceUs !== undefined) return standstillStory(facts, witness, outcome.idleSinceUs, healed);
  if (outcome.kind === 'stalled') {
    const text = `The run stalled: faults stopped ${healed}, then nothing was left to run although the system had not settled${last === undefined ? '' : ` (last trace record at ${at(last.t)}: ${last.actor} ${last.kind})`}; an actor waits for an answer no one will send, so the remaining messages are never processed.`;
    return { invariant: 'liveness', msg: '', mechanism: 'stalled: nothing left to run', text, records: (witness.records as TraceEvent[]).slice(-5), msgs: [] };
  }
  const text = `The run did not settle: faults stopped ${healed}, yet the system was still busy when it hit ${limit}${last === undefined ? '' : ` (last trace record at ${at(last.t)}: ${last.actor} ${last.kind})`}; something kept retrying or waiting, so "eventually processed" could not be judged.`;
  return { invariant: 'liveness', msg: '', mechanism: 'did not settle before a limit', text, records: (witness.records as TraceEvent[]).slice(-5), msgs: [] };
}

/**
 * After healing nothing moved forward until the progress watchdog stopped the run. The usual cause is a record
 * retried forever (a poison message with on-error=retry): say so when the trace shows one.
 */
function standstillStory(facts: TraceFacts, witness: Witness, idleSinceUs: number, healed: string): Story {
  const last = (witness.records as TraceEvent[]).at(-1) ?? facts.records.at(-1);
  const stopped = last === undefined ? '' : `, until the progress watchdog stopped the run at ${at(last.t)} (progress-timeout-ms=${trimNumber(facts.config.limits.progressTimeoutMs)})`;
  const retried = facts.records.filter((record): record is EventOf<'processing-retry'> => record.kind === 'processing-retry' && record.t >= idleSinceUs);
  const poison = retried.at(-1);
  const base = `The run never settled: faults stopped ${healed}, and from ${at(idleSinceUs)} on nothing moved forward (no record appended, applied, committed or parked)${stopped}`;
  if (poison === undefined) {
    return { invariant: 'liveness', msg: '', mechanism: 'stalled: no progress after healing', text: `${base}; something kept waiting or retrying without effect, so the remaining messages were never processed.`, records: (witness.records as TraceEvent[]).slice(-5), msgs: [] };
  }
  const deliveries = facts.aboutKind(poison.msg, 'processing-failed').length;
  const records = [...facts.aboutKind(poison.msg, 'processing-failed').slice(0, 3), ...(last === undefined ? [] : [last])];
  const retrying = `${base}: ${facts.who(poison.actor)} kept retrying ${poison.msg}, whose business logic threw on every one of its ${deliveries} deliveries (on-error=${facts.settings.onError})`;
  if (facts.config.family === 'rabbitmq') {
    // A queue is not a partition: the requeued message goes back and the consumer takes others meanwhile; what never ends is the loop.
    const { nacks, method, why } = requeueLoop(facts, poison.msg);
    const text = `${retrying}, handing it back with ${method} requeue=true each time, so the queue redelivered it again and again: ${why.text}.`;
    return { invariant: 'liveness', msg: '', mechanism: `stalled: ${why.mechanism}`, text, records: [...nacks.slice(0, 1), ...records], msgs: [poison.msg] };
  }
  const text = `${retrying}, so its partition never moved past it and the records behind it were never processed.`;
  return { invariant: 'liveness', msg: '', mechanism: 'stalled: a poison message retried forever blocks its partition', text, records, msgs: [poison.msg] };
}

/** The checker's own summary, and in words (`family`'s) every fault whose trace record names the message. */
export function fallbackStory(name: InvariantName, witness: Witness, family?: FamilyName): Story {
  const faultRecords = (witness.records as TraceEvent[]).filter(is('fault'));
  const faults = faultRecords.map((record) => `${describeFault(record.fault, family)} (${at(record.t)})`);
  const because = faults.length > 0 ? `; faults that touched it: ${faults.join('; ')}` : '';
  return { invariant: name, msg: witness.msg, mechanism: 'see the trace', text: `${witness.summary}${because}.`, records: faultRecords, msgs: witness.msg === '' ? [] : [witness.msg] };
}
