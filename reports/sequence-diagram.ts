/**
 * A mermaid `sequenceDiagram` of one story: the records the story cites (the messages involved, the faults,
 * crashes, restarts, commits), plus what a reader needs to follow them: the delivery (a fetch) that led to each
 * cited DB write, the dedup check before it and the dedup mark after it when the group dedups in a separate
 * transaction, and a failed replica's restart before it acts again.
 *
 * Every step is a numbered message (`autonumber`): a message between two participants, or a participant's own
 * step (an append, a crash) as a message to itself, so the story can cite "step 7" and mean the same line.
 * Every arrow carries its send time; a reply the trace records only on arrival (a fetch response, an acks=all
 * ack, an offsets answer) says "by t=…": it was sent by then. Lines are ordered by that time. Faulted steps sit
 * in a red `rect`; a first note states the time convention, a last one the outcome.
 *
 * Each trace kind has its own renderer in one table keyed by kind, so the compiler checks that every kind is
 * drawn (or deliberately left out).
 */
import { RESET_TO_LATEST } from '../models/kafka/protocol.js';
import type { EventOf, TraceEvent, TraceKind } from '../models/events.js';
import { msToUs } from '../models/config.js';
import { countEffects } from '../models/db/effect-log.js';
import { specOf } from '../models/faults/catalog.js';
import type { Fault, FaultKind } from '../models/faults/catalog.js';
import type { DiagramRole } from '../models/faults/spec.js';
import { expiryDiagramNote } from './expiry-words.js';
import { isRelayResend } from './story-producer.js';
import { crashMoment } from './fault-words.js';
import { ordinal, timesWord, trimNumber } from './format.js';
import { escapeMermaidLabel } from './mermaid-escape.js';
import { stepKey } from './story-types.js';
import type { Story } from './story-types.js';
import { groupOf } from '../models/topology.js';
import { is, roleOf } from './trace-facts.js';
import { CONTROLLER, isClusterActor } from '../models/kafka/cluster/names.js';
import type { TraceFacts } from './trace-facts.js';
import { deadLetterWords } from './world-words.js';

/** Steps past this are summarised in one note: a diagram is read at a glance, the trace has the rest. */
export const MAX_DIAGRAM_LINES = 40;

/** The background of a faulted step (a light red). */
const FAULT_FILL = 'rgb(255, 228, 228)';

/** A mermaid participant id: P or P2 (producers), B or B0.. (the broker or its replicas), C or C1_2 (members), D. */
type Participant = string;

type Style = '->>' | '-->>' | '-x' | '--x';

/** When a message left: a time and the trace position it follows (ties at one instant keep trace order). */
interface SentAt {
  t: number;
  anchor: number;
}

interface Line {
  from: Participant;
  to: Participant;
  style: Style;
  /** The label, already escaped, with its time. */
  label: string;
  sent: SentAt;
  /** Creation order: the last tie-breaker. */
  order: number;
  /** The step keys this line stands for (its record's, and any step drawn with it). */
  keys: string[];
  fault: boolean;
}

/** What a diagram needs of a story; with `invariant` it closes with the outcome. */
export type DiagramStory = Pick<Story, 'records' | 'msgs'> & Partial<Pick<Story, 'invariant' | 'msg'>>;

/** A drawn diagram: its mermaid text and which step number each cited record got. */
export interface Diagram {
  text: string;
  /** The step number of a story's step key (undefined when the step is not drawn, or was cut). */
  readonly stepOf: (key: string) => number | undefined;
  /** The numbered steps in order: the mermaid statement of step n is `steps[n - 1]`. */
  steps: readonly string[];
}

export function sequenceDiagram(facts: TraceFacts, story: DiagramStory): string {
  return drawDiagram(facts, story).text;
}

export function drawDiagram(facts: TraceFacts, story: DiagramStory): Diagram {
  return new Drawer(facts, story).draw();
}

type Drawn = Line | readonly Line[] | undefined;
type Renderer<K extends TraceKind> = (drawer: Drawer, record: EventOf<K>) => Drawn;

/** Records that carry no step of their own in a diagram. */
const none = (): undefined => undefined;

/** What a give-up wrote: the id marked handled, the offset moved past it, or both. */
function givenUpLabel(record: EventOf<'db-given-up'>): string {
  const parts = [record.markedSeen ? `mark ${record.msg} handled` : '', record.storedOffset !== undefined ? `store offset ${record.storedOffset}` : ''].filter(Boolean);
  return `${parts.join(' + ')} (${record.msg} given up)`;
}

const RENDERERS: { readonly [K in TraceKind]: Renderer<K> } = {
  // The kernel's records.
  crash: (drawer, record) => drawer.crash(record),
  restart: (drawer, record) => drawer.local(drawer.at(record.actor, record), record, isClusterActor(record.actor) ? `${record.actor} restarts` : 'restart'),
  heal: none,
  'partition-start': (drawer, record) => {
    const [a, b] = drawer.linkPair(record.link);
    return drawer.local(a, record, `link to ${drawer.participantName(b)} cut until t=${trimNumber(record.untilUs / 1000)} ms`, { fault: true });
  },
  'partition-end': (drawer, record) => {
    const [a, b] = drawer.linkPair(record.link);
    return drawer.local(a, record, `link to ${drawer.participantName(b)} repaired`);
  },
  'partition-drop': (drawer, record) => drawer.arrow(drawer.at(record.from, record), drawer.at(record.to, record), '-x', record, `${record.type} dropped: link cut`, { fault: true }),
  'lost-to-crash': none,
  'limit-hit': none,
  stalled: none,
  // Injected faults, drawn as their spec says (a crash or a lost message drawn on its own line folds its fault in).
  fault: (drawer, record) => drawer.fault(record),
  // The consumer application and the DB.
  deliver: (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `process ${record.msg} (delivery ${record.delivery})`),
  'db-write': (drawer, record) => drawer.dbWrite(record),
  'dedup-skip': (drawer, record) => drawer.dedupSkip(record),
  processed: none,
  'db-gave-up': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `give up on ${record.msg} (dbRetries=${record.dbRetries})`),
  timeout: (drawer, record) => {
    const msg = 'msg' in record ? record.msg : '';
    return drawer.local(drawer.at(record.actor, record), record, `no answer to ${record.call}${msg === '' ? '' : ` for ${msg}`} (attempt ${record.attempt}): timeout, retry`);
  },
  'db-commit': (drawer, record) => drawer.dbCommit(record),
  'db-duplicate-skipped': none,
  'db-already-applied': none,
  'db-given-up': (drawer, record) => {
    const sent = drawer.facts.previous(record, (candidate): candidate is TraceEvent => (candidate.kind === 'skipped' || candidate.kind === 'dead-lettered' || (candidate.kind === 'timeout' && candidate.call === 'db-give-up')) && 'msg' in candidate && candidate.msg === record.msg);
    return drawer.arrow(drawer.writerOf(record), 'D', '->>', record, givenUpLabel(record), sent === undefined ? { bound: true } : { sentBy: sent });
  },
  'db-mark-seen': (drawer, record) => drawer.mark(record),
  'processing-failed': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `business logic throws on ${record.msg} (delivery ${record.delivery})`, { fault: true }),
  'processing-retry': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `redeliver ${record.msg} in ${trimNumber(record.backoffMs)} ms`),
  skipped: (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `give up on ${record.msg} after ${record.delivery} deliveries: skip it`),
  // A handler's own steps, in its words.
  'handler-call': (drawer, record) => drawer.arrow(drawer.at(record.actor, record), 'D', '->>', record, `${record.msg} call ${record.call}: ${record.text}`),
  'db-op': (drawer, record) => {
    const call = drawer.facts.previous(record, is('handler-call', { msg: record.msg, call: record.call }));
    return drawer.arrow('D', drawer.at(call?.actor ?? drawer.facts.topology.consumers[0], record), '-->>', record, `${record.msg} call ${record.call}: ${record.text}`);
  },
  'handler-timeout': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `no answer to call ${record.call} for ${record.msg}: the call times out`),
  'handler-done': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `handler returns ${record.outcome} for ${record.msg} (delivery ${record.delivery})`),
  'handler-threw': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `handler throws on ${record.msg} (delivery ${record.delivery}): ${record.error}`, { fault: true }),
  // The Kafka producer.
  'session-start': none,
  'outbox-resend': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, isRelayResend(drawer.facts, record) ? `outbox relay re-publishes ${record.msgs.join(', ')}` : `re-send the outbox: ${record.msgs.join(', ')}`),
  'buffer-lost': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `in-memory buffer lost: ${record.msgs.join(', ')}`, { fault: true }),
  handover: (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `handed ${record.msg} by the application`),
  send: (drawer, record) => drawer.send(record),
  'late-response-ignored': none,
  'produce-error': (drawer, record) => {
    // The answer comes from the broker that refused, when it refused (even when it arrives after an election).
    const refused = drawer.facts.aboutKind(record.msg, 'produce-refused', { attempt: record.attempt })[0];
    return drawer.arrow(drawer.broker(refused ?? record), drawer.at(record.actor, record), '-->>', record, `error for ${record.msg} (attempt ${record.attempt}): ${record.error}`, refused === undefined ? { bound: true } : { sentBy: refused });
  },
  acked: (drawer, record) => drawer.acked(record),
  'request-timeout': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `no answer for ${record.msg} (attempt ${record.attempt}): timeout`),
  'gave-up': (drawer, record) =>
    drawer.local(drawer.at(record.actor, record), record, record.reason === 'delivery.timeout.ms' ? expiryDiagramNote(record) : `give up on ${record.msg} after ${record.attempts} attempt(s)`),
  'retry-scheduled': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `retry ${record.msg} in ${trimNumber(record.backoffMs)} ms`),
  'leader-unknown': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `partition ${record.partition} has no leader: hold its records, refresh metadata`),
  'leader-known': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `partition ${record.partition} has a leader again${record.waited.length > 0 ? `: send ${record.waited.join(', ')}` : ''}`),
  'sequence-reset': (drawer, record) =>
    drawer.local(drawer.at(record.actor, record), record, `partition ${record.partition}: sequence numbers restart at 0 as producer id ${record.pid} (KIP-360)${record.msgs.length > 0 ? `: re-send ${record.msgs.join(', ')}` : ''}`),
  // The Kafka broker.
  append: (drawer, record) => drawer.local(drawer.broker(record, record.replica), record, `append ${record.msg} at offset ${record.offset}`),
  'produce-refused': (drawer, record) => drawer.local(drawer.broker(record), record, `refuse ${record.msg}: ${record.error}`),
  'duplicate-dropped': (drawer, record) => drawer.local(drawer.broker(record), record, `${record.msg} (attempt ${record.attempt}) is a retry: not appended again`),
  'offset-committed': (drawer, record) => {
    const sent = drawer.commitSentFor(record);
    return drawer.arrow(drawer.committerOf(record), drawer.broker(record), '->>', record, `commit offset ${record.offset} (stored)`, sent === undefined ? { bound: true } : { sentBy: sent });
  },
  'isr-joined': none,
  'leader-failed': (drawer, record) => {
    const fault = drawer.facts.faultRecordBehind(record);
    if (fault !== undefined) drawer.fold(fault, record);
    if (isClusterActor(record.actor)) return drawer.local(drawer.at(record.actor, record), record, `broker ${record.actor}, leader of partition ${record.partition}, FAILS${fault === undefined ? '' : ' (injected)'}`, { fault: true, style: '-x' });
    return drawer.local(drawer.broker(record, record.replica), record, `leader replica ${record.replica} FAILS${fault === undefined ? '' : ' (injected failover)'}`, { fault: true, style: '-x' });
  },
  'partition-offline': none,
  // A broker cluster (--nodes): the controller and the brokers' replication.
  'broker-fenced': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `no heartbeat from ${record.broker} for broker.session.timeout.ms: fenced${record.partitionsLed.length > 0 ? `, partitions ${record.partitionsLed.join(', ')} need a new leader` : ''}`, { fault: true }),
  'broker-unfenced': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `${record.broker} heartbeats again: unfenced`),
  'leader-chosen': (drawer, record) =>
    drawer.local(drawer.at(record.actor, record), record, record.broker === undefined ? `partition ${record.partition} offline: no in-sync replica alive (epoch ${record.epoch})` : `partition ${record.partition}: ${record.broker} leads in epoch ${record.epoch}${record.unclean ? ' (UNCLEAN: outside the ISR)' : ''}, ISR ${record.isr.join(', ')}`, { fault: record.unclean }),
  'isr-shrunk': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `partition ${record.partition}: ${record.broker} lagged ${trimNumber(record.lagMs)} ms, out of the ISR (now ${record.isr.join(', ')})`),
  'isr-expanded': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `partition ${record.partition}: ${record.broker} caught up, back in the ISR (now ${record.isr.join(', ')})`),
  'became-follower': none,
  'offset-reset': (drawer, record) =>
    drawer.local(
      drawer.at(record.actor, record),
      record,
      record.fromOffset === RESET_TO_LATEST
        ? `no committed offset on partition ${record.partition}: auto.offset.reset=latest starts at its end, offset ${record.resetTo}`
        : `offset ${record.fromOffset} out of range on partition ${record.partition}: reset to the leader's end, ${record.resetTo}`,
      { fault: true },
    ),
  'epoch-end-answered': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `OffsetsForLeaderEpoch: epoch ${record.lastEpoch} ends at offset ${record.endOffset} on the leader (log ends at ${record.logEnd})`),
  // The group coordinator.
  'rebalance-started': (drawer, record) => drawer.local(drawer.broker(record), record, `group ${record.group} rebalances: ${record.reason}`),
  rebalanced: (drawer, record) => {
    const shares = Object.entries(record.assignment).map(([member, partitions]) => `${member} gets ${partitions.length === 0 ? 'nothing' : partitions.join(', ')}`);
    return drawer.local(drawer.broker(record), record, `group ${record.group}, generation ${record.generation}: ${shares.join('; ')}`);
  },
  'member-expired': (drawer, record) => drawer.local(drawer.broker(record), record, `no heartbeat from ${record.member} for session.timeout.ms: removed from ${record.group}`),
  'member-left': (drawer, record) => drawer.local(drawer.broker(record), record, `${record.member} left ${record.group}`),
  'member-removed': (drawer, record) => drawer.local(drawer.broker(record), record, `${record.member} did not rejoin in time: removed from ${record.group}`),
  'commit-rejected': (drawer, record) => drawer.local(drawer.broker(record), record, `refuse ${record.member}'s commit of offset ${record.offset}: ${record.error}`),
  'leader-elected': (drawer, record) => drawer.local(drawer.broker(record, record.replica), record, `replica ${record.replica} elected leader, log ends at offset ${record.logEnd}`),
  'replica-restarted': (drawer, record) => drawer.local(drawer.broker(record, record.replica), record, `replica ${record.replica} restarts${record.inSync ? '' : ', out of sync'}`),
  'dlt-append': (drawer, record) => drawer.local(drawer.broker(record), record, `${record.msg} parked in ${record.topic} (offset ${record.offset})`),
  truncated: (drawer, record) => drawer.local(drawer.broker(record, record.replica), record, `replica ${record.replica} truncates ${record.msgs.join(', ')} from offset ${record.fromOffset}`),
  // Kafka transactions: the transactional producer's steps and the transaction coordinator's.
  'txn-init-sent': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `initTransactions (${record.replacement ? 'a new instance takes over' : `attempt ${record.attempt}`})`),
  'txn-initialized': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `producer id ${record.pid}, epoch ${record.epoch}: resume the input at offset ${record.inputOffset}`),
  'txn-begin': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `beginTransaction ${record.txn}: ${record.msgs.join(', ')}`),
  'end-txn-sent': (drawer, record) => drawer.arrow(drawer.at(record.actor, record), drawer.broker(record), '->>', record, `EndTxn ${record.marker} transaction ${record.txn} (attempt ${record.attempt}), input offset ${record.inputOffset}`),
  'end-txn-error': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `EndTxn for transaction ${record.txn} (attempt ${record.attempt}): ${record.error}, retry`),
  'txn-committed': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `transaction ${record.txn} committed: ${record.msgs.join(', ')}`),
  'txn-aborted': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `transaction ${record.txn} aborted (${record.reason}): ${record.msgs.join(', ')} rewound`, { fault: true }),
  'producer-fenced': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `epoch ${record.epoch} fenced on ${record.call}: ProducerFencedException, the zombie closes`, { fault: true }),
  'producer-id-initialized': (drawer, record) =>
    drawer.local(drawer.broker(record), record, `${record.transactionalId}: epoch ${record.epoch}${record.abortedOpen ? ', open transaction aborted' : ''}, input offset ${record.inputOffset}`),
  'end-txn-refused': (drawer, record) => drawer.local(drawer.broker(record), record, `refuse EndTxn from epoch ${record.epoch} (current ${record.currentEpoch}): ${record.error}`),
  'txn-coordinator-failed': (drawer, record) => drawer.local(drawer.broker(record), record, `transaction coordinator FAILS with transaction ${record.txn} prepared (${record.marker})`, { fault: true, style: '-x' }),
  'txn-coordinator-loaded': (drawer, record) => drawer.local(drawer.broker(record), record, `new transaction coordinator loaded the log: ${record.prepared} prepared to complete`),
  'txn-completed': (drawer, record) => drawer.local(drawer.broker(record), record, `${record.marker} transaction ${record.txn < 0 ? '(open)' : record.txn} on partitions ${record.partitions.join(', ') || 'none'}`),
  'txn-marker': (drawer, record) => drawer.local(drawer.broker(record), record, `${record.marker} marker on partition ${record.partition}: last stable offset ${record.lastStableOffset}`),
  // The Kafka consumer client.
  resumed: (drawer, record) => {
    const from: Participant = record.from === 'db' ? 'D' : drawer.broker(record);
    return drawer.arrow(from, drawer.at(record.actor, record), '-->>', record, `committed offset ${record.positions[drawer.partition] ?? '?'}: resume there`, { bound: true });
  },
  'stale-fetch-discarded': none,
  assigned: (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `joined ${record.group} (generation ${record.generation}): partitions ${record.partitions.length === 0 ? 'none' : record.partitions.join(', ')}`),
  revoked: (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `gives up partitions ${record.partitions.join(', ')} to rejoin ${record.group}`),
  'rejoin-needed': none,
  'left-group': (drawer, record) =>
    drawer.local(drawer.at(record.actor, record), record, `did not poll for max.poll.interval.ms: ${record.sentLeaveGroup ? `leaves ${record.group}` : `drops its generation (static member: no LeaveGroup, the session decides)`}`),
  'dead-lettered': (drawer, record) => {
    // The record is written when the broker's answer arrives; the publish left after the last failure (or a timeout).
    const sent = drawer.facts.previous(record, (candidate): candidate is TraceEvent => candidate.actor === record.actor && ((candidate.kind === 'processing-failed' && candidate.msg === record.msg) || (candidate.kind === 'timeout' && candidate.call === 'dead-letter' && candidate.msg === record.msg)));
    return drawer.arrow(drawer.at(record.actor, record), drawer.broker(record), '->>', record, `publish ${record.msg} to ${record.topic}`, sent === undefined ? { bound: true } : { sentBy: sent });
  },
  'commit-failed': (drawer, record) => {
    const rejected = drawer.facts.previous(record, is('commit-rejected', { partition: record.partition, offset: record.offset, attempt: record.attempt }));
    return drawer.arrow(drawer.broker(rejected ?? record), drawer.at(record.actor, record), '-->>', record, `commit of offset ${record.offset} refused: ${record.error}`, rejected === undefined ? { bound: true } : { sentBy: rejected });
  },
  // A fetch response is traced when it arrives: the diagram can only say it was sent by then.
  fetched: (drawer, record) => drawer.arrow(drawer.fetchedFrom(record), drawer.at(record.actor, record), '->>', record, `deliver ${record.msgs.join(', ')} (fetch from offset ${record.fromOffset})`, { bound: true }),
  'commit-sent': (drawer, record) => drawer.commit(record),
  'auto-commit-sent': (drawer, record) => drawer.commit(record),
  // The RabbitMQ publisher, in AMQP words.
  'basic-publish': (drawer, record) => drawer.arrow(drawer.at(record.actor, record), drawer.broker(record), '->>', record, `basic.publish ${record.msg} (attempt ${record.attempt}${record.persistent ? ', persistent' : ''}${record.mandatory ? ', mandatory' : ''})`),
  'publish-confirmed': (drawer, record) => drawer.arrow(drawer.broker(record), drawer.at(record.actor, record), '-->>', record, record.returned === true ? `basic.ack ${record.msg} after its basic.return (attempt ${record.attempt}): not enqueued` : `confirm ${record.msg} (basic.ack, attempt ${record.attempt})`, { bound: true }),
  'publish-nacked': (drawer, record) => drawer.arrow(drawer.broker(record), drawer.at(record.actor, record), '-->>', record, `basic.nack ${record.msg} (attempt ${record.attempt}): refused`, { bound: true }),
  'publish-returned': (drawer, record) => drawer.arrow(drawer.broker(record), drawer.at(record.actor, record), '-->>', record, `basic.return ${record.msg}: unroutable`, { bound: true }),
  'confirm-timeout': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `no confirm for ${record.msg} (attempt ${record.attempt}): timeout`),
  // The RabbitMQ broker.
  enqueued: (drawer, record) => drawer.local(drawer.broker(record), record, `enqueue ${record.msg} in queue ${record.queue} (${record.length} ready)`),
  unroutable: (drawer, record) => drawer.local(drawer.broker(record), record, `${record.msg} matches no binding: ${record.returned ? 'basic.return (mandatory)' : 'dropped silently'}`, { fault: !record.returned }),
  'publish-rejected': (drawer, record) => drawer.local(drawer.broker(record), record, `queue ${record.queue} full (x-overflow=reject-publish): refuse ${record.msg}`),
  requeued: (drawer, record) => drawer.local(drawer.broker(record), record, `requeue ${record.msg} in ${record.queue}${record.deliveryCount > 0 ? ` (x-delivery-count ${record.deliveryCount})` : ''}`),
  'queue-dead-letter': (drawer, record) =>
    drawer.local(drawer.broker(record), record, `${record.msg} ${{ rejected: 'rejected', expired: 'expired (TTL)', delivery_limit: 'over x-delivery-limit', maxlen: 'dropped from the head (x-max-length)' }[record.reason]}: ${record.dlx ? 'dead-lettered to the DLX' : 'dropped, no dead-letter exchange'}`, { fault: !record.dlx }),
  'delivery-ack-timeout': (drawer, record) =>
    drawer.arrow(drawer.broker(record), drawer.at(record.consumer, record), '-x', record, `${record.msg} unacked past consumer_timeout ${trimNumber(record.timeoutMs)} ms: ${record.cancelled ? 'basic.cancel' : 'channel.close PRECONDITION_FAILED'}`),
  'dead-letter-lost': (drawer, record) => drawer.local(drawer.broker(record), record, `dead-letter queue cannot take ${record.msg}: lost (dead-letter-strategy=at-most-once)`, { fault: true }),
  'dead-letter-retained': (drawer, record) => drawer.local(drawer.broker(record), record, `dead-letter queue cannot take ${record.msg}: kept in ${record.queue} until t=${trimNumber(record.untilUs / 1000)} ms (at-least-once)`),
  'dead-letter-forwarded': (drawer, record) => drawer.local(drawer.broker(record), record, `${record.msg} reaches the dead-letter queue: parked`),
  'channel-closed': (drawer, record) => drawer.local(drawer.broker(record), record, `channel ${record.channel} of ${record.consumer} closed${record.requeued.length === 0 ? '' : `: requeue ${record.requeued.join(', ')} (redelivered)`}`),
  'consumer-activated': (drawer, record) => drawer.local(drawer.broker(record), record, `${record.consumer} is the single active consumer of queue ${record.queue}`),
  'node-restarted': (drawer, record) => drawer.local(drawer.broker(record), record, `node restarted${record.lost.length === 0 ? '' : `: lost ${record.lost.join(', ')}`}${record.queuesLost.length === 0 ? '' : `; queue ${record.queuesLost.join(', ')} gone`}`, { fault: record.lost.length > 0 }),
  'quorum-member-down': (drawer, record) =>
    drawer.local(drawer.broker(record), record, `quorum ${record.leader ? 'leader' : 'member'} on node ${record.node} down: ${record.up} member${record.up === 1 ? '' : 's'} up, ${record.majority ? 'a majority' : 'no majority: the queue stalls'}`, { fault: !record.majority }),
  'quorum-leader-elected': (drawer, record) => drawer.local(drawer.broker(record), record, `new quorum leader on node ${record.node}${record.lost.length === 0 ? '' : `: lost ${record.lost.join(', ')} (not on a majority)`}`, { fault: record.lost.length > 0 }),
  delayed: (drawer, record) => drawer.local(drawer.broker(record), record, `hold ${record.msg} until t=${trimNumber(record.dueUs / 1000)} ms (${record.via === 'plugin' ? 'x-delay' : 'TTL wait queue'})`),
  // The RabbitMQ consumer client.
  'basic-consume': (drawer, record) => drawer.arrow(drawer.at(record.actor, record), drawer.broker(record), '->>', record, `basic.consume ${record.queue} (channel ${record.channel})`),
  'basic-deliver': (drawer, record) => drawer.arrow(drawer.broker(record), drawer.at(record.actor, record), '->>', record, `deliver ${record.msg} (basic.deliver${record.redelivered ? ', redelivered' : ''}${record.deliveryCount > 0 ? `, x-delivery-count ${record.deliveryCount}` : ''})`, { bound: true }),
  'basic-ack': (drawer, record) => drawer.arrow(drawer.at(record.actor, record), drawer.broker(record), '->>', record, `basic.ack ${record.msg}`),
  'basic-nack': (drawer, record) => drawer.arrow(drawer.at(record.actor, record), drawer.broker(record), '->>', record, `${record.requeue && record.method !== 'reject' ? 'basic.nack' : 'basic.reject'} ${record.msg} requeue=${record.requeue}`),
  'connection-lost': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `${record.reason === 'ack-timeout' ? 'ended by the broker (consumer_timeout)' : `connection lost (${record.reason === 'heartbeat' ? 'missed heartbeats' : 'closed'})`}: open a new channel`, { fault: true }),
  'autoack-lost': (drawer, record) => drawer.local(drawer.at(record.actor, record), record, `${record.msg} failed under autoAck: nothing to requeue, lost`, { fault: true }),
};

/** Kinds of consumer-side records that stand for a DB write of a delivered record: each is drawn after its delivery. */
const WRITE_KINDS: ReadonlySet<TraceKind> = new Set<TraceKind>(['deliver', 'db-write', 'db-commit', 'dedup-skip', 'db-given-up']);

interface ArrowOptions {
  /** The record at whose moment the message left (default: the line's own record). */
  sentBy?: TraceEvent;
  /** A send moment the trace has no record of (derived). */
  sentAt?: SentAt;
  /** The trace records only the arrival: label "by t=" (sent by then). */
  bound?: boolean;
  fault?: boolean;
  /** The step key, when the line is not its record's own step. */
  key?: string;
}

class Drawer {
  /** Records drawn: the story's, and the context added around them. */
  private readonly drawn: Set<TraceEvent>;
  /** Records drawn inside another record's line (a fault inside its crash, a stored commit inside its send). */
  private readonly folded = new Map<TraceEvent, TraceEvent>();
  /** Display names of the producer and member participants drawn. */
  private readonly names = new Map<Participant, string>();
  private readonly checked = new Set<TraceEvent>();
  private readonly replicas: boolean;
  readonly partition: number;
  private readonly leaderChanges: { index: number; leader: number }[] = [];
  private order = 0;
  private boundUsed = false;

  constructor(
    readonly facts: TraceFacts,
    private readonly story: DiagramStory,
  ) {
    const records = story.records;
    this.drawn = new Set(records);
    // A crash or a leader failure is drawn once, with the injected fault that caused it folded into its line.
    for (const record of records) {
      if (record.kind === 'crash' || record.kind === 'leader-failed') {
        const fault = facts.faultRecordBehind(record);
        if (fault !== undefined) this.folded.set(fault, record);
      }
    }
    this.partition = facts.message(story.msgs[0] ?? '')?.partition ?? 0;
    // Replicas matter when the story has a failover in it; otherwise one "Broker" reads better.
    this.replicas = records.some((record) => record.kind === 'leader-failed' || record.kind === 'leader-elected' || record.kind === 'truncated');
    if (this.replicas) {
      facts.records.forEach((record, index) => {
        if (record.kind === 'leader-failed' && record.partition === this.partition) this.leaderChanges.push({ index, leader: -1 });
        if (record.kind === 'leader-elected' && record.partition === this.partition) this.leaderChanges.push({ index, leader: record.replica });
      });
    }
    this.addContext(records);
  }

  /**
   * What a reader needs around the cited records: the delivery behind each write (so no write appears from
   * nowhere), the dedup mark after a commit when the group marks in a separate transaction (or its absence
   * after a crash), and a failed replica's restart before it acts again.
   */
  private addContext(records: readonly TraceEvent[]): void {
    const facts = this.facts;
    for (const record of records) {
      if (WRITE_KINDS.has(record.kind) && 'msg' in record && typeof record.msg === 'string') {
        const delivery = facts.deliveryOf(record.msg, this.consumerOf(record), record);
        if (delivery !== undefined) this.drawn.add(delivery);
      }
      if (record.kind === 'db-commit' && facts.settings.dedup === 'separate-transaction') {
        const nextDelivery = facts.next(record, is('deliver', { msg: record.msg }));
        const mark = facts.next(record, is('db-mark-seen', { msg: record.msg, group: record.group }), nextDelivery);
        if (mark !== undefined) this.drawn.add(mark);
      }
    }
    for (const record of records) {
      if (record.kind !== 'leader-failed' || !isClusterActor(record.actor)) continue;
      // A cluster's broker: its kernel restart, when it acts again in the diagram.
      const restart = facts.next(record, is('restart', { actor: record.actor }));
      if (restart !== undefined && [...this.drawn].some((other) => facts.indexOf(other) > facts.indexOf(restart) && other.actor === record.actor)) this.drawn.add(restart);
    }
    for (const record of records) {
      if (record.kind !== 'leader-failed' || isClusterActor(record.actor)) continue;
      const restart = facts.next(record, is('replica-restarted', { partition: record.partition, replica: record.replica }));
      if (restart === undefined) continue;
      const actsAgain = [...this.drawn].some((other) => facts.indexOf(other) > facts.indexOf(restart) && 'replica' in other && other.replica === record.replica && other.kind !== 'leader-failed');
      if (actsAgain) this.drawn.add(restart);
    }
  }

  /** The consumer instance behind a consumer-side or DB record about a delivered record. */
  private consumerOf(record: TraceEvent): string {
    if (roleOf(record.actor) === 'consumer') return record.actor;
    if (record.kind === 'db-commit') return this.facts.previous(record, is('db-write', { msg: record.msg, attempt: record.attempt }))?.actor ?? this.facts.topology.consumers[0];
    return this.facts.topology.consumers[0];
  }

  draw(): Diagram {
    const records = [...this.drawn].sort((a, b) => this.facts.indexOf(a) - this.facts.indexOf(b));
    const lines: Line[] = [];
    for (const record of records) {
      if (this.folded.has(record)) continue;
      const drawn = (RENDERERS[record.kind] as Renderer<TraceKind>)(this, record);
      if (drawn === undefined) continue;
      if ('from' in drawn) lines.push(drawn);
      else lines.push(...drawn);
    }
    lines.sort((a, b) => a.sent.t - b.sent.t || a.sent.anchor - b.sent.anchor || a.order - b.order);
    const shown = lines.length > MAX_DIAGRAM_LINES ? lines.slice(0, MAX_DIAGRAM_LINES - 1) : lines;
    const stepOfKey = new Map<string, number>();
    shown.forEach((line, index) => {
      for (const key of line.keys) if (!stepOfKey.has(key)) stepOfKey.set(key, index + 1);
    });
    for (const [record, into] of this.folded) {
      let owner = into;
      while (this.folded.has(owner)) owner = this.folded.get(owner) as TraceEvent;
      const step = stepOfKey.get(this.key(owner));
      if (step !== undefined) stepOfKey.set(this.key(record), step);
    }

    const used = new Set<Participant>(shown.flatMap((line) => [line.from, line.to]));
    if (used.size === 0) used.add('B');
    // Producers, the broker (or its replicas), the group members, the DB: left to right as messages flow.
    const order: Participant[] = [...this.ids('P', used), ...this.replicaIds(used), 'B', CONTROLLER, ...this.ids('C', used), 'D'].filter((id) => used.has(id));
    const span = order.length === 1 ? order[0] : `${order[0]},${order[order.length - 1]}`;
    const note = (text: string): string => `  Note over ${span}: ${escapeMermaidLabel(text)}`;
    const statements = shown.map((line) => `${line.from}${line.style}${line.to}: ${line.label}`);
    const body: string[] = [];
    shown.forEach((line, index) => {
      if (line.fault) body.push(`  rect ${FAULT_FILL}`, `    ${statements[index]}`, '  end');
      else body.push(`  ${statements[index]}`);
    });
    const convention = `times are virtual. t= is when each message was sent${this.boundUsed ? '. by t= marks a reply the trace records only on arrival: it was sent by then' : ''}`;
    const out = ['sequenceDiagram', ...order.map((id) => `  participant ${id} as ${escapeMermaidLabel(this.participantName(id))}`), '  autonumber', note(convention), ...body];
    if (lines.length > shown.length) out.push(note(`... ${lines.length - shown.length} more steps: see the full trace (--trace)`));
    const outcome = this.outcome();
    if (outcome !== undefined) out.push(note(`outcome: ${outcome}`));
    return { text: out.join('\n'), stepOf: (key) => stepOfKey.get(key), steps: statements };
  }

  /** The story's outcome in a few words, for the closing note. */
  private outcome(): string | undefined {
    const { invariant, msg = '', msgs } = this.story;
    const facts = this.facts;
    switch (invariant) {
      case 'duplicates': {
        // The group whose effects the story is about: the one of the effects it cites.
        const group = this.story.records.find((record): record is EventOf<'db-commit' | 'db-op'> => record.kind === 'db-commit' || record.kind === 'db-op')?.group;
        // Effects, as the checker counts them: the built-in processing's commits, or a handler's handlings with an effect.
        return `${msg} applied ${timesWord(countEffects(facts.effects, (effects, index) => effects.msgIdAt(index) === msg && (group === undefined || effects.groupAt(index) === group)))}`;
      }
      case 'loss':
        return `${msg} lost: ${facts.run.brokerAcked.includes(msg) ? 'acknowledged, ' : ''}never applied`;
      case 'order':
        return msgs.length > 1 ? `${msgs[0]} applied after ${msgs[1]}, which was handed over later` : `${msg} applied out of order`;
      case 'liveness':
        return 'the run never settled';
      case 'parked':
        return `${msg} parked in ${deadLetterWords(facts.run.config)}, never applied`;
      default:
        return undefined;
    }
  }

  key(record: TraceEvent): string {
    return stepKey(this.facts, record);
  }

  /** Draw `record` inside `into`'s line: a story citing it points at that line. */
  fold(record: TraceEvent, into: TraceEvent): void {
    this.folded.set(record, into);
  }

  private replicaIds(used: Set<Participant>): Participant[] {
    return [...used].filter((id) => /^B\d+$/.test(id)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  }

  /** The producer (P, P2, ...) or member (C, C1_2, ...) participants used, in instance order. */
  private ids(prefix: 'P' | 'C', used: Set<Participant>): Participant[] {
    const all = (prefix === 'P' ? this.facts.topology.producers : this.facts.topology.consumers).map((actor) => this.at(actor, undefined));
    return all.filter((id) => used.has(id));
  }

  participantName(id: Participant): string {
    const named = this.names.get(id);
    if (named !== undefined) return named;
    if (id === 'D') return 'DB';
    const partitions = this.facts.config.workload.partitions;
    const which = partitions > 1 ? ` (partition ${this.partition})` : '';
    if (id === 'B') return this.replicas ? `Broker, no leader${which}` : 'Broker';
    return `Broker replica ${id.slice(1)}${which}`;
  }

  /**
   * The participant of an actor: one per producer and per group member (named by role alone when the world has one
   * of them, as "Producer" and "Consumer"), the broker (or the replica that handled `record`), the DB.
   */
  at(actor: string, record: TraceEvent | undefined): Participant {
    if (isClusterActor(actor)) return this.named(actor, actor === CONTROLLER ? 'Controller' : `Broker ${actor}`);
    const role = roleOf(actor);
    if (role === 'broker') return this.broker(record ?? this.story.records[0]);
    if (role === 'db') return 'D';
    if (role === 'producer') return this.named(this.facts.topology.producers.length === 1 ? 'P' : `P${actor.slice(1)}`, this.facts.topology.producers.length === 1 ? 'Producer' : `Producer ${actor}`);
    if (role === 'consumer') {
      const single = this.facts.topology.consumers.length === 1;
      return this.named(single ? 'C' : `C${actor.replace(/^g(\d+)\/c(\d+)$/, '$1_$2')}`, single ? 'Consumer' : `Consumer ${actor}`);
    }
    return 'P';
  }

  private named(id: Participant, name: string): Participant {
    this.names.set(id, name);
    return id;
  }

  /** The member whose write a DB record answers: the one that sent that attempt's write (or check, or mark). */
  writerOf(record: EventOf<'db-commit' | 'db-mark-seen' | 'db-given-up'>): Participant {
    const kinds: readonly string[] = ['db-write', 'processed', 'dead-lettered', 'skipped'];
    const write = this.facts.previous(record, (candidate): candidate is EventOf<'db-write' | 'processed' | 'dead-lettered' | 'skipped'> => kinds.includes(candidate.kind) && (candidate as { msg?: string }).msg === record.msg && groupOf(candidate.actor) === record.group);
    return this.at(write?.actor ?? this.facts.topology.consumers[0], record);
  }

  /** The commit (or auto-commit) a stored offset answers. */
  commitSentFor(record: EventOf<'offset-committed'>): EventOf<'commit-sent' | 'auto-commit-sent'> | undefined {
    return this.facts.previous(record, (candidate): candidate is EventOf<'commit-sent' | 'auto-commit-sent'> => (candidate.kind === 'commit-sent' || candidate.kind === 'auto-commit-sent') && candidate.partition === record.partition && candidate.offset === record.offset && groupOf(candidate.actor) === record.group);
  }

  /** The member whose commit the broker stored. */
  committerOf(record: EventOf<'offset-committed'>): Participant {
    return this.at(this.commitSentFor(record)?.actor ?? this.facts.topology.consumers[0], record);
  }

  /** The broker participant for a record: the replica that handled it when replicas are drawn ('B' while none leads). */
  broker(record: TraceEvent, replica?: number): Participant {
    // A broker cluster's records name their broker (or the controller, which hosts the coordinators).
    if (this.facts.config.family === 'kafka' && (this.facts.settings as { nodes?: number }).nodes !== undefined && ((this.facts.settings as { nodes?: number }).nodes ?? 0) > 0) return this.at(isClusterActor(record.actor) ? record.actor : CONTROLLER, record);
    if (!this.replicas) return 'B';
    if (replica !== undefined) return `B${replica}`;
    const leader = this.leaderAt(record);
    return leader < 0 ? 'B' : `B${leader}`;
  }

  /**
   * Who served a fetch: in a broker cluster the partition's leader then (the last leader-chosen before it, else the
   * topic's first replica, B(p mod N + 1)); the consumer's records name only themselves. Elsewhere the broker.
   */
  fetchedFrom(record: EventOf<'fetched'>): Participant {
    const nodes = this.facts.config.family === 'kafka' ? ((this.facts.settings as { nodes?: number }).nodes ?? 0) : 0;
    if (nodes === 0) return this.broker(record);
    const chosen = this.facts.previous(record, is('leader-chosen', { partition: record.partition }));
    const leader = chosen === undefined ? `B${(record.partition % nodes) + 1}` : chosen.broker;
    return this.at(leader ?? CONTROLLER, record);
  }

  /** The partition's leader when `record` happened (-1 between a failure and the next election). */
  private leaderAt(record: TraceEvent): number {
    const index = this.facts.indexOf(record);
    let leader = 0;
    for (const change of this.leaderChanges) {
      if (change.index > index) break;
      leader = change.leader;
    }
    return leader;
  }

  private citedFault<K extends FaultKind>(kind: K, fields: Partial<Extract<Fault, { kind: K }>>): TraceEvent | undefined {
    const fault = this.facts.faultRecord(kind, fields);
    return fault !== undefined && this.drawn.has(fault) ? fault : undefined;
  }

  private citedDropAfter(record: TraceEvent): TraceEvent | undefined {
    const index = this.facts.indexOf(record);
    const next = this.facts.records[index + 1];
    return next !== undefined && next.kind === 'partition-drop' && next.t === record.t && this.drawn.has(next) ? next : undefined;
  }

  arrow(from: Participant, to: Participant, style: Style, record: TraceEvent, text: string, options: ArrowOptions = {}): Line {
    const by = options.sentBy ?? record;
    const sent = options.sentAt ?? { t: by.t, anchor: this.facts.indexOf(by) };
    if (options.bound === true) this.boundUsed = true;
    const time = `${options.bound === true ? 'by ' : ''}t=${trimNumber(sent.t / 1000)} ms`;
    return { from, to, style, label: escapeMermaidLabel(`${time}: ${text}`), sent, order: this.order++, keys: [options.key ?? this.key(record)], fault: options.fault ?? false };
  }

  /** A participant's own step (an append, a crash, a timeout): a message to itself, so it is numbered too. */
  local(participant: Participant, record: TraceEvent, text: string, options: { fault?: boolean; style?: Style } = {}): Line {
    return this.arrow(participant, participant, options.style ?? '->>', record, text, { fault: options.fault });
  }

  send(record: EventOf<'send'>): Line {
    const { msg, attempt } = record;
    const append = this.facts.aboutKind(msg, 'append', { attempt })[0];
    const target = this.broker(record, append?.replica);
    const lost = this.citedFault('request-lost', { message: msg, attempt });
    const drop = this.citedDropAfter(record);
    const delayed = this.citedFault('request-delayed', { message: msg, attempt });
    for (const folded of [lost, drop, delayed]) if (folded !== undefined) this.fold(folded, record);
    const producer = this.at(record.actor, record);
    if (lost !== undefined) return this.arrow(producer, target, '-x', record, `produce ${msg} (attempt ${attempt}) LOST`, { fault: true });
    if (drop !== undefined) return this.arrow(producer, target, '-x', record, `produce ${msg} (attempt ${attempt}) dropped: link cut`, { fault: true });
    const delayFault = delayed?.kind === 'fault' && delayed.fault.kind === 'request-delayed' ? delayed.fault : undefined;
    const held = delayFault === undefined ? '' : `, held up ${trimNumber(delayFault.delayMs)} ms`;
    return this.arrow(producer, target, '->>', record, `produce ${msg} (attempt ${attempt}${held})`, { fault: delayFault !== undefined });
  }

  /**
   * The broker's ack: with acks=1 the leader answers right after its own append, so it left then; otherwise the
   * trace records only its arrival.
   */
  acked(record: EventOf<'acked'>): Line {
    const append = this.facts.aboutKind(record.msg, 'append', { attempt: record.attempt })[0];
    const from = append !== undefined && isClusterActor(append.actor) ? this.at(append.actor, append) : this.broker(record, append?.replica);
    const text = `ack ${record.msg} (attempt ${record.attempt}, offset ${record.offset})`;
    if (append !== undefined && this.facts.settings.acks === 1) return this.arrow(from, this.at(record.actor, record), '-->>', record, `${text}, received at t=${trimNumber(record.t / 1000)} ms`, { sentBy: append });
    return this.arrow(from, this.at(record.actor, record), '-->>', record, text, { bound: true });
  }

  dbWrite(record: EventOf<'db-write'>): Drawn {
    const member = this.at(record.actor, record);
    const drop = this.citedDropAfter(record);
    if (drop !== undefined) {
      this.fold(drop, record);
      return this.withCheck(record, this.arrow(member, 'D', '-x', record, `write ${record.msg} (attempt ${record.attempt}) dropped: link cut`, { fault: true }));
    }
    const commit = this.facts.aboutKind(record.msg, 'db-commit', { attempt: record.attempt })[0];
    // The commit line says it all when both are drawn.
    if (commit !== undefined && this.drawn.has(commit)) {
      this.fold(record, commit);
      return undefined;
    }
    return this.withCheck(record, this.arrow(member, 'D', '->>', record, `write ${record.msg} (attempt ${record.attempt})`));
  }

  /** A committed effect, drawn when its write left. */
  dbCommit(record: EventOf<'db-commit'>): Drawn {
    // Each group applies every message once; count this group's effects only (another group's are not duplicates).
    const effect = this.facts.aboutKind(record.msg, 'db-commit', { group: record.group }).indexOf(record) + 1;
    const write = this.facts.previous(record, is('db-write', { msg: record.msg, attempt: record.attempt }, (candidate) => groupOf(candidate.actor) === record.group));
    // No attempt number here: with a separate dedup transaction the check and the mark count as attempts too.
    const text = `write ${record.msg}: committed at t=${trimNumber(record.t / 1000)} ms, ${ordinal(effect)} effect of ${record.msg}`;
    if (write === undefined) return this.arrow(this.writerOf(record), 'D', '->>', record, text, { bound: true });
    this.fold(write, record);
    return this.withCheck(write, this.arrow(this.at(write.actor, write), 'D', '->>', record, text, { sentBy: write }));
  }

  /**
   * The dedup check before the first write of a delivery, when the group checks in a separate transaction. The
   * trace has no record of the check: it left when processing ended (processingMs after the delivery) or when
   * an unanswered check was retried, and its answer was "not seen" (the write followed).
   */
  private withCheck(write: EventOf<'db-write'>, line: Line): Drawn {
    if (this.facts.settings.dedup !== 'separate-transaction' || this.checked.has(write)) return line;
    this.checked.add(write);
    const sent = this.checkSent(write.actor, write.msg, write);
    if (sent === undefined) return line;
    const earlierWrite = this.facts.previous(write, is('db-write', { msg: write.msg }, (candidate) => candidate.actor === write.actor), sent.deliver);
    if (earlierWrite !== undefined) return line;
    const check = this.arrow(this.at(write.actor, write), 'D', '->>', write, `dedup check ${write.msg} (attempt ${write.attempt - 1}): not seen yet`, { sentAt: sent.at, key: this.key(write) + ':check' });
    return [check, line];
  }

  private checkSent(actor: string, msg: string, before: TraceEvent): { at: SentAt; deliver: TraceEvent } | undefined {
    const deliver = this.facts.previous(before, is('deliver', { msg }, (candidate) => candidate.actor === actor));
    if (deliver === undefined) return undefined;
    const retried = this.facts.previous(before, is('timeout', { call: 'db-check' }, (candidate) => candidate.actor === actor && 'msg' in candidate && candidate.msg === msg), deliver);
    if (retried !== undefined) return { at: { t: retried.t, anchor: this.facts.indexOf(retried) }, deliver };
    return { at: { t: deliver.t + msToUs(this.facts.settings.processingMs), anchor: this.facts.indexOf(deliver) }, deliver };
  }

  /** The dedup check that found the id: the record is the answer's arrival, the check left before. */
  dedupSkip(record: EventOf<'dedup-skip'>): Line {
    const sent = this.checkSent(record.actor, record.msg, record);
    return this.arrow(this.at(record.actor, record), 'D', '->>', record, `dedup check ${record.msg}: already seen, skip it`, sent === undefined ? { bound: true } : { sentAt: sent.at });
  }

  /** The dedup mark after an effect: it left when the effect's answer arrived (or when an unanswered mark was retried). */
  mark(record: EventOf<'db-mark-seen'>): Line {
    const sent = this.facts.previous(record, (candidate): candidate is TraceEvent => groupOf(candidate.actor) === record.group && ((candidate.kind === 'processed' && candidate.msg === record.msg) || (candidate.kind === 'timeout' && candidate.call === 'db-mark' && candidate.msg === record.msg)));
    return this.arrow(this.writerOf(record), 'D', '->>', record, `mark ${record.msg} as seen (attempt ${record.attempt})`, sent === undefined ? { bound: true } : { sentBy: sent });
  }

  commit(record: EventOf<'commit-sent' | 'auto-commit-sent'>): Line {
    const { partition, offset, attempt } = record;
    const lost = this.citedFault('commit-lost', { partition, offset, attempt });
    if (lost !== undefined) this.fold(lost, record);
    const what = `${record.kind === 'auto-commit-sent' ? 'auto-commit' : 'commit'} offset ${offset}`;
    const member = this.at(record.actor, record);
    if (lost !== undefined) return this.arrow(member, this.broker(record), '-x', record, `${what} LOST`, { fault: true });
    const stored = this.facts.next(record, is('offset-committed', { partition, offset, attempt }));
    if (stored !== undefined && this.drawn.has(stored)) {
      this.fold(stored, record);
      return this.arrow(member, this.broker(stored), '->>', record, `${what} (stored)`);
    }
    return this.arrow(member, this.broker(record), '->>', record, what);
  }

  crash(record: EventOf<'crash'>): Line {
    const fault = this.facts.faultBehind(record);
    const faultRecord = this.facts.faultRecordBehind(record);
    if (faultRecord !== undefined) this.fold(faultRecord, record);
    const who = this.at(record.actor, record);
    return this.local(who, record, `CRASH${fault === undefined ? '' : ` ${crashMoment(fault, this.facts.config.family)}`}`, { fault: true, style: '-x' });
  }

  /** An injected fault on a line of its own, as its spec draws it (roles become participants here). */
  fault(record: EventOf<'fault'>): Line | undefined {
    const fault = record.fault;
    const drawing = specOf(fault.kind).drawing(fault, this.facts.config.family);
    if (drawing === undefined) return undefined;
    const participant = (role: DiagramRole): Participant => this.faultParticipant(record, role);
    if ('note' in drawing) return this.local(participant(drawing.note), record, drawing.text, { fault: true, style: drawing.text.startsWith('CRASH') ? '-x' : '->>' });
    return this.arrow(participant(drawing.arrow.from), participant(drawing.arrow.to), drawing.arrow.reply ? '--x' : '-x', record, drawing.text, { fault: true });
  }

  /** Who a fault's drawing means by a role: the instance it strikes, the message's producer, the broker, the DB. */
  private faultParticipant(record: EventOf<'fault'>, role: DiagramRole): Participant {
    const fault = record.fault;
    if (role === 'broker') return this.faultBroker(record);
    if (role === 'db') return 'D';
    const instance = specOf(fault.kind).instance?.(fault);
    if (role === 'consumer') return this.at(instance?.kind === 'consumer' ? instance.name : this.facts.topology.consumers[0], record);
    return this.at('message' in fault ? this.facts.producerOf(fault.message) : this.facts.topology.producers[0], record);
  }

  /** The replica a fault on a produce answer hits: the one that appended that attempt. */
  private faultBroker(record: EventOf<'fault'>): Participant {
    const fault = record.fault;
    if (fault.kind === 'ack-lost') return this.broker(record, this.facts.aboutKind(fault.message, 'append', { attempt: fault.attempt })[0]?.replica);
    return this.broker(record);
  }

  linkPair(link: string): [Participant, Participant] {
    const [a, b] = link.split('<->');
    return [this.at(a, this.story.records[0]), this.at(b, this.story.records[0])];
  }
}
