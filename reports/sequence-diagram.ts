/**
 * A mermaid `sequenceDiagram` of one story: only the records the story cites (the messages involved, the
 * faults, crashes, restarts, commits), one line each, with the virtual time in every label. Lost messages are
 * failed arrows (`-x`); crashes, restarts, appends and truncations are notes. When a leader failover is part
 * of the story the broker is drawn as its replicas, so the reader sees which replica had the record.
 *
 * Each trace kind has its own renderer in one table keyed by kind, so the compiler checks that every kind is
 * drawn (or deliberately left out).
 */
import type { EventOf, TraceEvent, TraceKind } from '../models/events.js';
import { specOf } from '../models/faults/catalog.js';
import type { Fault, FaultKind } from '../models/faults/catalog.js';
import type { DiagramRole } from '../models/faults/spec.js';
import { crashMoment } from './fault-words.js';
import { ordinal, trimNumber } from './format.js';
import { escapeMermaidLabel } from './mermaid-escape.js';
import type { Story } from './story-types.js';
import { groupOf } from '../models/topology.js';
import { is, roleOf } from './trace-facts.js';
import type { TraceFacts } from './trace-facts.js';

/** Lines past this are summarised in one note: a diagram is read at a glance, the trace has the rest. */
export const MAX_DIAGRAM_LINES = 40;

/** A mermaid participant id: P or P2 (producers), B or B0.. (the broker or its replicas), C or C1_2 (members), D. */
type Participant = string;

interface Line {
  /** Participants the line touches (declared in a fixed order at the top). */
  uses: Participant[];
  text: string;
}


const label = (record: TraceEvent, text: string): string => escapeMermaidLabel(`t=${trimNumber(record.t / 1000)} ms: ${text}`);

export function sequenceDiagram(facts: TraceFacts, story: Pick<Story, 'records' | 'msgs'>): string {
  const drawer = new Drawer(facts, story.records, story.msgs);
  return drawer.draw();
}

type Renderer<K extends TraceKind> = (drawer: Drawer, record: EventOf<K>) => Line | undefined;

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
  restart: (drawer, record) => drawer.note(drawer.at(record.actor, record), record, 'restart'),
  heal: none,
  'partition-start': (drawer, record) => drawer.note(drawer.linkPair(record.link), record, `link cut until t=${trimNumber(record.untilUs / 1000)} ms`),
  'partition-end': (drawer, record) => drawer.note(drawer.linkPair(record.link), record, 'link repaired'),
  'partition-drop': (drawer, record) => {
    return drawer.arrow(drawer.at(record.from, record), drawer.at(record.to, record), '-x', record, `${record.type} dropped: link cut`);
  },
  'lost-to-crash': none,
  'limit-hit': none,
  stalled: none,
  // Injected faults, drawn as their spec says (a crash or a lost message drawn on its own line folds its fault in).
  fault: (drawer, record) => drawer.fault(record),
  // The consumer application and the DB.
  deliver: (drawer, record) => drawer.note(drawer.at(record.actor, record), record, `process ${record.msg} (delivery ${record.delivery})`),
  'db-write': (drawer, record) => drawer.dbWrite(record),
  'dedup-skip': (drawer, record) => drawer.note(drawer.at(record.actor, record), record, `${record.msg} already seen: skip`),
  processed: none,
  'db-gave-up': (drawer, record) => drawer.note(drawer.at(record.actor, record), record, `give up on ${record.msg} (dbRetries=${record.dbRetries})`),
  timeout: (drawer, record) => {
    const msg = 'msg' in record ? record.msg : '';
    return drawer.note(drawer.at(record.actor, record), record, `no answer to ${record.call}${msg === '' ? '' : ` for ${msg}`} (attempt ${record.attempt}): timeout, retry`);
  },
  'db-commit': (drawer, record) => {
    const effect = drawer.facts.aboutKind(record.msg, 'db-commit').indexOf(record) + 1;
    // No attempt number here: with a separate dedup transaction the check and the mark count as attempts too.
    return drawer.arrow(drawer.writerOf(record), 'D', '->>', record, `write ${record.msg}: committed, ${ordinal(effect)} effect of ${record.msg}`);
  },
  'db-duplicate-skipped': none,
  'db-already-applied': none,
  'db-given-up': (drawer, record) => drawer.arrow(drawer.writerOf(record), 'D', '->>', record, givenUpLabel(record)),
  'db-mark-seen': (drawer, record) => drawer.arrow(drawer.writerOf(record), 'D', '->>', record, `mark ${record.msg} as seen`),
  'processing-failed': (drawer, record) => drawer.note(drawer.at(record.actor, record), record, `business logic throws on ${record.msg} (delivery ${record.delivery})`),
  'processing-retry': (drawer, record) => drawer.note(drawer.at(record.actor, record), record, `redeliver ${record.msg} in ${trimNumber(record.backoffMs)} ms`),
  skipped: (drawer, record) => drawer.note(drawer.at(record.actor, record), record, `give up on ${record.msg} after ${record.delivery} deliveries: skip it`),
  // The Kafka producer.
  'session-start': none,
  'outbox-resend': (drawer, record) => drawer.note(drawer.at(record.actor, record), record, `re-send the outbox: ${record.msgs.join(', ')}`),
  'buffer-lost': (drawer, record) => drawer.note(drawer.at(record.actor, record), record, `in-memory buffer lost: ${record.msgs.join(', ')}`),
  handover: (drawer, record) => drawer.note(drawer.at(record.actor, record), record, `handed ${record.msg} by the application`),
  send: (drawer, record) => drawer.send(record),
  'late-response-ignored': none,
  'produce-error': (drawer, record) => {
    // The answer comes from the replica that refused, even when it arrives after an election.
    const refused = drawer.facts.aboutKind(record.msg, 'produce-refused', { attempt: record.attempt })[0];
    return drawer.arrow(drawer.broker(refused ?? record), drawer.at(record.actor, record), '-->>', record, `error for ${record.msg} (attempt ${record.attempt}): ${record.error}`);
  },
  acked: (drawer, record) => {
    const append = drawer.facts.aboutKind(record.msg, 'append', { attempt: record.attempt })[0];
    return drawer.arrow(drawer.broker(record, append?.replica), drawer.at(record.actor, record), '-->>', record, `ack ${record.msg} (attempt ${record.attempt}, offset ${record.offset})`);
  },
  'request-timeout': (drawer, record) => drawer.note(drawer.at(record.actor, record), record, `no answer for ${record.msg} (attempt ${record.attempt}): timeout`),
  'gave-up': (drawer, record) => drawer.note(drawer.at(record.actor, record), record, `give up on ${record.msg} after ${record.attempts} attempt(s)`),
  'retry-scheduled': (drawer, record) => drawer.note(drawer.at(record.actor, record), record, `retry ${record.msg} in ${trimNumber(record.backoffMs)} ms`),
  // The Kafka broker.
  append: (drawer, record) => drawer.note(drawer.broker(record, record.replica), record, `append ${record.msg} at offset ${record.offset}`),
  'produce-refused': (drawer, record) => drawer.note(drawer.broker(record), record, `refuse ${record.msg}: ${record.error}`),
  'duplicate-dropped': (drawer, record) => drawer.note(drawer.broker(record), record, `${record.msg} (attempt ${record.attempt}) is a retry: not appended again`),
  'offset-committed': (drawer, record) => drawer.arrow(drawer.committerOf(record), drawer.broker(record), '->>', record, `commit offset ${record.offset} (stored)`),
  'isr-joined': none,
  'leader-failed': (drawer, record) => {
    const fault = drawer.facts.faultRecordBehind(record);
    if (fault !== undefined) drawer.consume(fault);
    return drawer.note(drawer.broker(record, record.replica), record, `leader replica ${record.replica} FAILS${fault === undefined ? '' : ' (injected failover)'}`);
  },
  'partition-offline': none,
  // The group coordinator.
  'rebalance-started': (drawer, record) => drawer.note(drawer.broker(record), record, `group ${record.group} rebalances: ${record.reason}`),
  rebalanced: (drawer, record) => {
    const shares = Object.entries(record.assignment).map(([member, partitions]) => `${member} gets ${partitions.length === 0 ? 'nothing' : partitions.join(', ')}`);
    return drawer.note(drawer.broker(record), record, `group ${record.group}, generation ${record.generation}: ${shares.join('; ')}`);
  },
  'member-expired': (drawer, record) => drawer.note(drawer.broker(record), record, `no heartbeat from ${record.member} for session.timeout.ms: removed from ${record.group}`),
  'member-left': (drawer, record) => drawer.note(drawer.broker(record), record, `${record.member} left ${record.group}`),
  'member-removed': (drawer, record) => drawer.note(drawer.broker(record), record, `${record.member} did not rejoin in time: removed from ${record.group}`),
  'commit-rejected': (drawer, record) => drawer.note(drawer.broker(record), record, `refuse ${record.member}'s commit of offset ${record.offset}: ${record.error}`),
  'leader-elected': (drawer, record) => drawer.note(drawer.broker(record, record.replica), record, `replica ${record.replica} elected leader, log ends at offset ${record.logEnd}`),
  'replica-restarted': none,
  'dlt-append': (drawer, record) => drawer.note(drawer.broker(record), record, `${record.msg} parked in ${record.topic} (offset ${record.offset})`),
  truncated: (drawer, record) => drawer.note(drawer.broker(record, record.replica), record, `replica ${record.replica} truncates ${record.msgs.join(', ')} from offset ${record.fromOffset}`),
  // The Kafka consumer client.
  resumed: (drawer, record) => {
    const from: Participant = record.from === 'db' ? 'D' : drawer.broker(record);
    return drawer.arrow(from, drawer.at(record.actor, record), '-->>', record, `committed offset ${record.positions[drawer.partition] ?? '?'}: resume there`);
  },
  'stale-fetch-discarded': none,
  assigned: (drawer, record) => drawer.note(drawer.at(record.actor, record), record, `joined ${record.group} (generation ${record.generation}): partitions ${record.partitions.length === 0 ? 'none' : record.partitions.join(', ')}`),
  revoked: (drawer, record) => drawer.note(drawer.at(record.actor, record), record, `gives up partitions ${record.partitions.join(', ')} to rejoin ${record.group}`),
  'rejoin-needed': none,
  'left-group': (drawer, record) =>
    drawer.note(drawer.at(record.actor, record), record, `did not poll for max.poll.interval.ms: ${record.sentLeaveGroup ? `leaves ${record.group}` : `drops its generation (static member: no LeaveGroup, the session decides)`}`),
  'dead-lettered': (drawer, record) => drawer.arrow(drawer.at(record.actor, record), drawer.broker(record), '->>', record, `publish ${record.msg} to ${record.topic}`),
  'commit-failed': (drawer, record) => drawer.arrow(drawer.broker(record), drawer.at(record.actor, record), '-->>', record, `commit of offset ${record.offset} refused: ${record.error}`),
  fetched: (drawer, record) => drawer.arrow(drawer.broker(record), drawer.at(record.actor, record), '->>', record, `fetch from offset ${record.fromOffset}: ${record.msgs.join(', ')}`),
  'commit-sent': (drawer, record) => drawer.commit(record),
  'auto-commit-sent': (drawer, record) => drawer.commit(record),
};

class Drawer {
  private readonly cited: Set<TraceEvent>;
  /** Display names of the producer and member participants drawn. */
  private readonly names = new Map<Participant, string>();
  private readonly consumed = new Set<TraceEvent>();
  private readonly replicas: boolean;
  readonly partition: number;
  private readonly leaderChanges: { index: number; leader: number }[] = [];

  constructor(
    readonly facts: TraceFacts,
    private readonly records: readonly TraceEvent[],
    msgs: readonly string[],
  ) {
    this.cited = new Set(records);
    // A crash or a leader failure is drawn once, with the injected fault that caused it folded into its note.
    for (const record of records) {
      if (record.kind === 'crash' || record.kind === 'leader-failed') {
        const fault = facts.faultRecordBehind(record);
        if (fault !== undefined) this.consumed.add(fault);
      }
    }
    this.partition = facts.message(msgs[0] ?? '')?.partition ?? 0;
    // Replicas matter when the story has a failover in it; otherwise one "Broker" reads better.
    this.replicas = records.some((record) => record.kind === 'leader-failed' || record.kind === 'leader-elected' || record.kind === 'truncated');
    if (this.replicas) {
      facts.records.forEach((record, index) => {
        if (record.kind === 'leader-failed' && record.partition === this.partition) this.leaderChanges.push({ index, leader: -1 });
        if (record.kind === 'leader-elected' && record.partition === this.partition) this.leaderChanges.push({ index, leader: record.replica });
      });
    }
  }

  draw(): string {
    const lines: Line[] = [];
    for (const record of this.records) {
      if (this.consumed.has(record)) continue;
      const line = (RENDERERS[record.kind] as Renderer<TraceKind>)(this, record);
      if (line !== undefined) lines.push(line);
    }
    let shown = lines;
    if (lines.length > MAX_DIAGRAM_LINES) {
      shown = lines.slice(0, MAX_DIAGRAM_LINES - 1);
      const rest = lines.length - shown.length;
        const first = lines[0]?.uses[0] ?? 'P';
      shown.push({ uses: [first], text: `Note over ${first}: ${escapeMermaidLabel(`... ${rest} more steps: see the full trace (--trace)`)}` });
    }
    const used = new Set<Participant>(shown.flatMap((line) => line.uses));
    // Producers, the broker (or its replicas), the group members, the DB: left to right as messages flow.
    const order: Participant[] = [...this.ids('P', used), ...this.replicaIds(used), 'B', ...this.ids('C', used), 'D'];
    const header = order.filter((id) => used.has(id)).map((id) => `  participant ${id} as ${escapeMermaidLabel(this.participantName(id))}`);
    return ['sequenceDiagram', ...header, ...shown.map((line) => `  ${line.text}`)].join('\n');
  }

  consume(record: TraceEvent): void {
    this.consumed.add(record);
  }

  private replicaIds(used: Set<Participant>): Participant[] {
    return [...used].filter((id) => /^B\d+$/.test(id)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  }

  /** The producer (P, P2, ...) or member (C, C1_2, ...) participants used, in instance order. */
  private ids(prefix: 'P' | 'C', used: Set<Participant>): Participant[] {
    const all = (prefix === 'P' ? this.facts.topology.producers : this.facts.topology.consumers).map((actor) => this.at(actor, undefined));
    return all.filter((id) => used.has(id));
  }

  private participantName(id: Participant): string {
    const named = this.names.get(id);
    if (named !== undefined) return named;
    if (id === 'B') return 'Broker';
    if (id === 'D') return 'DB';
    const partitions = this.facts.config.workload.partitions;
    return `Broker replica ${id.slice(1)}${partitions > 1 ? ` (partition ${this.partition})` : ''}`;
  }

  /**
   * The participant of an actor: one per producer and per group member (named by role alone when the world has one
   * of them, as "Producer" and "Consumer"), the broker (or the replica that handled `record`), the DB.
   */
  at(actor: string, record: TraceEvent | undefined): Participant {
    const role = roleOf(actor);
    if (role === 'broker') return this.broker(record ?? this.records[0]);
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

  /** The member whose commit the broker stored. */
  committerOf(record: EventOf<'offset-committed'>): Participant {
    const sent = this.facts.previous(record, (candidate): candidate is EventOf<'commit-sent' | 'auto-commit-sent'> => (candidate.kind === 'commit-sent' || candidate.kind === 'auto-commit-sent') && candidate.partition === record.partition && candidate.offset === record.offset && groupOf(candidate.actor) === record.group);
    return this.at(sent?.actor ?? this.facts.topology.consumers[0], record);
  }

  /** The broker participant for a record: the replica that handled it when replicas are drawn. */
  broker(record: TraceEvent, replica?: number): Participant {
    if (!this.replicas) return 'B';
    if (replica !== undefined) return `B${replica}`;
    return `B${this.leaderAt(record)}`;
  }

  /** The partition's leader when `record` happened (the last one before, while it has none). */
  private leaderAt(record: TraceEvent): number {
    const index = this.facts.indexOf(record);
    let leader = 0;
    let last = 0;
    for (const change of this.leaderChanges) {
      if (change.index > index) break;
      if (change.leader >= 0) last = change.leader;
      leader = change.leader;
    }
    return leader >= 0 ? leader : last;
  }

  private citedFault<K extends FaultKind>(kind: K, fields: Partial<Extract<Fault, { kind: K }>>): TraceEvent | undefined {
    const fault = this.facts.faultRecord(kind, fields);
    return fault !== undefined && this.cited.has(fault) ? fault : undefined;
  }

  private citedDropAfter(record: TraceEvent): TraceEvent | undefined {
    const index = this.facts.indexOf(record);
    const next = this.facts.records[index + 1];
    return next !== undefined && next.kind === 'partition-drop' && next.t === record.t && this.cited.has(next) ? next : undefined;
  }

  arrow(from: Participant, to: Participant, style: '->>' | '-->>' | '-x' | '--x', record: TraceEvent, text: string): Line {
    return { uses: [from, to], text: `${from}${style}${to}: ${label(record, text)}` };
  }

  note(over: Participant | readonly [Participant, Participant], record: TraceEvent, text: string): Line {
    const list: Participant[] = typeof over === 'string' ? [over] : [...over];
    return { uses: list, text: `Note over ${list.join(',')}: ${label(record, text)}` };
  }

  send(record: EventOf<'send'>): Line {
    const { msg, attempt } = record;
    const append = this.facts.aboutKind(msg, 'append', { attempt })[0];
    const target = this.broker(record, append?.replica);
    const lost = this.citedFault('request-lost', { message: msg, attempt });
    const drop = this.citedDropAfter(record);
    const delayed = this.citedFault('request-delayed', { message: msg, attempt });
    for (const folded of [lost, drop, delayed]) if (folded !== undefined) this.consumed.add(folded);
    const producer = this.at(record.actor, record);
    if (lost !== undefined) return this.arrow(producer, target, '-x', record, `produce ${msg} (attempt ${attempt}) LOST`);
    if (drop !== undefined) return this.arrow(producer, target, '-x', record, `produce ${msg} (attempt ${attempt}) dropped: link cut`);
    const delayFault = delayed?.kind === 'fault' && delayed.fault.kind === 'request-delayed' ? delayed.fault : undefined;
    const held = delayFault === undefined ? '' : `, held up ${trimNumber(delayFault.delayMs)} ms`;
    return this.arrow(producer, target, '->>', record, `produce ${msg} (attempt ${attempt}${held})`);
  }

  dbWrite(record: EventOf<'db-write'>): Line | undefined {
    const drop = this.citedDropAfter(record);
    if (drop !== undefined) {
      this.consumed.add(drop);
      return this.arrow(this.at(record.actor, record), 'D', '-x', record, `write ${record.msg} (attempt ${record.attempt}) dropped: link cut`);
    }
    const commit = this.facts.aboutKind(record.msg, 'db-commit', { attempt: record.attempt })[0];
    // The commit line says it all when both are cited.
    if (commit !== undefined && this.cited.has(commit)) return undefined;
    return this.arrow(this.at(record.actor, record), 'D', '->>', record, `write ${record.msg} (attempt ${record.attempt})`);
  }

  commit(record: EventOf<'commit-sent' | 'auto-commit-sent'>): Line {
    const { partition, offset, attempt } = record;
    const lost = this.citedFault('commit-lost', { partition, offset, attempt });
    if (lost !== undefined) this.consumed.add(lost);
    const what = `${record.kind === 'auto-commit-sent' ? 'auto-commit' : 'commit'} offset ${offset}`;
    const member = this.at(record.actor, record);
    if (lost !== undefined) return this.arrow(member, this.broker(record), '-x', record, `${what} LOST`);
    const stored = this.facts.next(record, is('offset-committed', { partition, offset, attempt }));
    if (stored !== undefined && this.cited.has(stored)) {
      this.consumed.add(stored);
      return this.arrow(member, this.broker(stored), '->>', stored, `${what} (stored)`);
    }
    return this.arrow(member, this.broker(record), '->>', record, what);
  }

  crash(record: EventOf<'crash'>): Line {
    const fault = this.facts.faultBehind(record);
    const faultRecord = this.facts.faultRecordBehind(record);
    if (faultRecord !== undefined) this.consumed.add(faultRecord);
    const who = this.at(record.actor, record);
    return this.note(who, record, `CRASH${fault === undefined ? '' : ` ${crashMoment(fault)}`}`);
  }

  /** An injected fault on a line of its own, as its spec draws it (roles become participants here). */
  fault(record: EventOf<'fault'>): Line | undefined {
    const fault = record.fault;
    const drawing = specOf(fault.kind).drawing(fault);
    if (drawing === undefined) return undefined;
    const participant = (role: DiagramRole): Participant => this.faultParticipant(record, role);
    if ('note' in drawing) return this.note(participant(drawing.note), record, drawing.text);
    return this.arrow(participant(drawing.arrow.from), participant(drawing.arrow.to), drawing.arrow.reply ? '--x' : '-x', record, drawing.text);
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
    return [this.at(a, this.records[0]), this.at(b, this.records[0])];
  }
}
