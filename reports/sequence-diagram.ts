/**
 * A mermaid `sequenceDiagram` of one story: only the records the story cites (the messages involved, the
 * faults, crashes, restarts, commits), one line each, with the virtual time in every label. Lost messages are
 * failed arrows (`-x`); crashes, restarts, appends and truncations are notes. When a leader failover is part
 * of the story the broker is drawn as its replicas, so the reader sees which replica had the record.
 */
import type { Fault } from '../models/faults.js';
import type { TraceRecord } from '../sim/trace.js';
import { crashMoment } from './fault-words.js';
import { ordinal, trimNumber } from './format.js';
import { escapeMermaidLabel } from './mermaid-escape.js';
import type { Story } from './story-types.js';
import { listField, numberField, stringField } from './trace-facts.js';
import type { TraceFacts } from './trace-facts.js';

/** Lines past this are summarised in one note: a diagram is read at a glance, the trace has the rest. */
export const MAX_DIAGRAM_LINES = 40;

type Participant = 'P' | 'B' | 'C' | 'D' | `B${number}`;

interface Line {
  /** Participants the line touches (declared in a fixed order at the top). */
  uses: Participant[];
  text: string;
}

const NAMES: Record<'P' | 'B' | 'C' | 'D', string> = { P: 'Producer', B: 'Broker', C: 'Consumer', D: 'DB' };
const ACTOR_PARTICIPANT: Record<string, Participant> = { producer: 'P', broker: 'B', consumer: 'C', db: 'D' };

const label = (record: TraceRecord, text: string): string => escapeMermaidLabel(`t=${trimNumber(record.t / 1000)} ms: ${text}`);

export function sequenceDiagram(facts: TraceFacts, story: Pick<Story, 'records' | 'msgs'>): string {
  const drawer = new Drawer(facts, story.records, story.msgs);
  return drawer.draw();
}

class Drawer {
  private readonly cited: Set<TraceRecord>;
  private readonly consumed = new Set<TraceRecord>();
  private readonly replicas: boolean;
  private readonly partition: number;
  private readonly leaderChanges: { index: number; leader: number }[] = [];

  constructor(
    private readonly facts: TraceFacts,
    private readonly records: readonly TraceRecord[],
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
    this.replicas = records.some((record) => ['leader-failed', 'leader-elected', 'truncated'].includes(record.kind));
    if (this.replicas) {
      facts.records.forEach((record, index) => {
        if (record.partition !== this.partition) return;
        if (record.kind === 'leader-failed') this.leaderChanges.push({ index, leader: -1 });
        if (record.kind === 'leader-elected') this.leaderChanges.push({ index, leader: numberField(record, 'replica') ?? 0 });
      });
    }
  }

  draw(): string {
    const lines: Line[] = [];
    for (const record of this.records) {
      if (this.consumed.has(record)) continue;
      const line = this.line(record);
      if (line !== undefined) lines.push(line);
    }
    let shown = lines;
    if (lines.length > MAX_DIAGRAM_LINES) {
      shown = lines.slice(0, MAX_DIAGRAM_LINES - 1);
      const rest = lines.length - shown.length;
      shown.push({ uses: ['P'], text: `Note over ${this.first(lines)}: ${escapeMermaidLabel(`... ${rest} more steps: see the full trace (--trace)`)}` });
    }
    const used = new Set<Participant>(shown.flatMap((line) => line.uses));
    const order: Participant[] = ['P', ...this.replicaIds(used), 'B', 'C', 'D'];
    const header = order.filter((id) => used.has(id)).map((id) => `  participant ${id} as ${escapeMermaidLabel(this.participantName(id))}`);
    return ['sequenceDiagram', ...header, ...shown.map((line) => `  ${line.text}`)].join('\n');
  }

  private first(lines: Line[]): Participant {
    return lines[0]?.uses[0] ?? 'P';
  }

  private replicaIds(used: Set<Participant>): Participant[] {
    return [...used].filter((id) => /^B\d+$/.test(id)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  }

  private participantName(id: Participant): string {
    if (id in NAMES) return NAMES[id as keyof typeof NAMES];
    const partitions = this.facts.config.workload.partitions;
    return `Broker replica ${id.slice(1)}${partitions > 1 ? ` (partition ${this.partition})` : ''}`;
  }

  /** The broker participant for a record: the replica that handled it when replicas are drawn. */
  private broker(record: TraceRecord, replica?: number): Participant {
    if (!this.replicas) return 'B';
    if (replica !== undefined) return `B${replica}`;
    return `B${this.leaderAt(record)}`;
  }

  /** The partition's leader when `record` happened (the last one before, while it has none). */
  private leaderAt(record: TraceRecord): number {
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

  private citedFault(kind: Fault['kind'], fields: Record<string, unknown>): TraceRecord | undefined {
    const fault = this.facts.faultRecord(kind, fields);
    return fault !== undefined && this.cited.has(fault) ? fault : undefined;
  }

  private citedDropAfter(record: TraceRecord): TraceRecord | undefined {
    const index = this.facts.indexOf(record);
    const next = this.facts.records[index + 1];
    return next !== undefined && next.kind === 'partition-drop' && next.t === record.t && this.cited.has(next) ? next : undefined;
  }

  private arrow(from: Participant, to: Participant, style: '->>' | '-->>' | '-x' | '--x', record: TraceRecord, text: string): Line {
    return { uses: [from, to], text: `${from}${style}${to}: ${label(record, text)}` };
  }

  private note(over: Participant | [Participant, Participant], record: TraceRecord, text: string): Line {
    const list = Array.isArray(over) ? over : [over];
    return { uses: list, text: `Note over ${list.join(',')}: ${label(record, text)}` };
  }

  private line(record: TraceRecord): Line | undefined {
    const msg = record.msg ?? '';
    const attempt = numberField(record, 'attempt');
    switch (record.kind) {
      case 'handover':
        return this.note('P', record, `handed ${msg} by the application`);
      case 'send': {
        const append = this.facts.aboutKind(msg, 'append', { attempt })[0];
        const target = this.broker(record, numberField(append, 'replica'));
        const lost = this.citedFault('request-lost', { message: msg, attempt });
        const drop = this.citedDropAfter(record);
        const delayed = this.citedFault('request-delayed', { message: msg, attempt });
        if (lost !== undefined) this.consumed.add(lost);
        if (drop !== undefined) this.consumed.add(drop);
        if (delayed !== undefined) this.consumed.add(delayed);
        if (lost !== undefined) return this.arrow('P', target, '-x', record, `produce ${msg} (attempt ${attempt}) LOST`);
        if (drop !== undefined) return this.arrow('P', target, '-x', record, `produce ${msg} (attempt ${attempt}) dropped: link cut`);
        const held = delayed === undefined ? '' : `, held up ${trimNumber((delayed.fault as { delayMs: number }).delayMs)} ms`;
        return this.arrow('P', target, '->>', record, `produce ${msg} (attempt ${attempt}${held})`);
      }
      case 'append':
        return this.note(this.broker(record, numberField(record, 'replica')), record, `append ${msg} at offset ${numberField(record, 'offset')}`);
      case 'acked': {
        const append = this.facts.aboutKind(msg, 'append', { attempt })[0];
        return this.arrow(this.broker(record, numberField(append, 'replica')), 'P', '-->>', record, `ack ${msg} (attempt ${attempt}, offset ${numberField(record, 'offset')})`);
      }
      case 'produce-refused':
        return this.note(this.broker(record), record, `refuse ${msg}: ${stringField(record, 'error')}`);
      case 'produce-error': {
        // The answer comes from the replica that refused, even when it arrives after an election.
        const refused = this.facts.aboutKind(msg, 'produce-refused', { attempt })[0];
        return this.arrow(this.broker(refused ?? record), 'P', '-->>', record, `error for ${msg} (attempt ${attempt}): ${stringField(record, 'error')}`);
      }
      case 'request-timeout':
        return this.note('P', record, `no answer for ${msg} (attempt ${attempt}): timeout`);
      case 'retry-scheduled':
        return this.note('P', record, `retry ${msg} in ${trimNumber(numberField(record, 'backoffMs') ?? 0)} ms`);
      case 'gave-up':
        return this.note('P', record, `give up on ${msg} after ${numberField(record, 'attempts')} attempt(s)`);
      case 'outbox-resend':
        return this.note('P', record, `re-send the outbox: ${listField(record, 'msgs').join(', ')}`);
      case 'buffer-lost':
        return this.note('P', record, `in-memory buffer lost: ${listField(record, 'msgs').join(', ')}`);
      case 'duplicate-dropped':
        return this.note(this.broker(record), record, `${msg} (attempt ${attempt}) is a retry: not appended again`);
      case 'crash':
        return this.crash(record);
      case 'restart':
        return this.note(ACTOR_PARTICIPANT[record.actor] ?? 'P', record, 'restart');
      case 'leader-failed': {
        const fault = this.facts.faultRecordBehind(record);
        if (fault !== undefined) this.consumed.add(fault);
        return this.note(this.broker(record, numberField(record, 'replica')), record, `leader replica ${numberField(record, 'replica')} FAILS${fault === undefined ? '' : ' (injected failover)'}`);
      }
      case 'leader-elected':
        return this.note(this.broker(record, numberField(record, 'replica')), record, `replica ${numberField(record, 'replica')} elected leader, log ends at offset ${numberField(record, 'logEnd')}`);
      case 'truncated':
        return this.note(this.broker(record, numberField(record, 'replica')), record, `replica ${numberField(record, 'replica')} truncates ${listField(record, 'msgs').join(', ')} from offset ${numberField(record, 'fromOffset')}`);
      case 'fetched': {
        const msgs = listField(record, 'msgs');
        return this.arrow(this.broker(record), 'C', '->>', record, `fetch from offset ${numberField(record, 'fromOffset')}: ${msgs.join(', ')}`);
      }
      case 'deliver':
        return this.note('C', record, `process ${msg} (delivery ${numberField(record, 'delivery')})`);
      case 'db-write': {
        const drop = this.citedDropAfter(record);
        if (drop !== undefined) {
          this.consumed.add(drop);
          return this.arrow('C', 'D', '-x', record, `write ${msg} (attempt ${attempt}) dropped: link cut`);
        }
        const commit = this.facts.aboutKind(msg, 'db-commit', { attempt })[0];
        // The commit line says it all when both are cited.
        if (commit !== undefined && this.cited.has(commit)) return undefined;
        return this.arrow('C', 'D', '->>', record, `write ${msg} (attempt ${attempt})`);
      }
      case 'db-commit': {
        const effect = this.facts.aboutKind(msg, 'db-commit').indexOf(record) + 1;
        // No attempt number here: with a separate dedup transaction the check and the mark count as attempts too.
        return this.arrow('C', 'D', '->>', record, `write ${msg}: committed, ${ordinal(effect)} effect of ${msg}`);
      }
      case 'db-mark-seen':
        return this.arrow('C', 'D', '->>', record, `mark ${msg} as seen`);
      case 'dedup-skip':
        return this.note('C', record, `${msg} already seen: skip`);
      case 'timeout':
        return this.note('C', record, `no answer to ${stringField(record, 'call') ?? 'a call'}${msg === '' ? '' : ` for ${msg}`} (attempt ${attempt}): timeout, retry`);
      case 'db-gave-up':
        return this.note('C', record, `give up on ${msg} (dbRetries=${numberField(record, 'dbRetries')})`);
      case 'commit-sent':
      case 'auto-commit-sent': {
        const partition = numberField(record, 'partition');
        const offset = numberField(record, 'offset');
        const lost = this.citedFault('commit-lost', { partition, offset, attempt });
        if (lost !== undefined) this.consumed.add(lost);
        const what = `${record.kind === 'auto-commit-sent' ? 'auto-commit' : 'commit'} offset ${offset}`;
        if (lost !== undefined) return this.arrow('C', this.broker(record), '-x', record, `${what} LOST`);
        const stored = this.facts.next(record, (candidate) => candidate.kind === 'offset-committed' && candidate.partition === partition && candidate.offset === offset && candidate.attempt === attempt);
        if (stored !== undefined && this.cited.has(stored)) {
          this.consumed.add(stored);
          return this.arrow('C', this.broker(stored), '->>', stored, `${what} (stored)`);
        }
        return this.arrow('C', this.broker(record), '->>', record, what);
      }
      case 'offset-committed':
        return this.arrow('C', this.broker(record), '->>', record, `commit offset ${numberField(record, 'offset')} (stored)`);
      case 'resumed': {
        const positions = Array.isArray(record.positions) ? (record.positions as number[]) : [];
        const from: Participant = record.from === 'db' ? 'D' : this.broker(record);
        return this.arrow(from, 'C', '-->>', record, `committed offset ${positions[this.partition] ?? '?'}: resume there`);
      }
      case 'partition-start': {
        const pair = this.linkPair(stringField(record, 'link') ?? '');
        return this.note(pair, record, `link cut until t=${trimNumber((numberField(record, 'untilUs') ?? record.t) / 1000)} ms`);
      }
      case 'partition-end':
        return this.note(this.linkPair(stringField(record, 'link') ?? ''), record, 'link repaired');
      case 'partition-drop': {
        const from = ACTOR_PARTICIPANT[stringField(record, 'from') ?? ''] ?? 'P';
        const to = ACTOR_PARTICIPANT[stringField(record, 'to') ?? ''] ?? 'B';
        const type = stringField(record, 'type') ?? 'message';
        return this.arrow(from === 'B' ? this.broker(record) : from, to === 'B' ? this.broker(record) : to, '-x', record, `${type} dropped: link cut`);
      }
      case 'fault':
        return this.fault(record);
      default:
        return undefined;
    }
  }

  private crash(record: TraceRecord): Line {
    const fault = this.facts.faultBehind(record);
    const faultRecord = this.facts.faultRecordBehind(record);
    if (faultRecord !== undefined) this.consumed.add(faultRecord);
    const who = ACTOR_PARTICIPANT[record.actor] ?? 'C';
    return this.note(who, record, `CRASH${fault === undefined ? '' : ` ${crashMoment(fault)}`}`);
  }

  private fault(record: TraceRecord): Line | undefined {
    const fault = record.fault as Fault;
    switch (fault.kind) {
      case 'ack-lost': {
        const append = this.facts.aboutKind(fault.message, 'append', { attempt: fault.attempt })[0];
        return this.arrow(this.broker(record, numberField(append, 'replica')), 'P', '--x', record, `ack for ${fault.message} (attempt ${fault.attempt}) LOST`);
      }
      case 'db-reply-lost':
        return this.arrow('D', 'C', '--x', record, `reply for ${fault.message} (attempt ${fault.attempt}) LOST`);
      case 'request-lost':
        return this.arrow('P', this.broker(record), '-x', record, `produce ${fault.message} (attempt ${fault.attempt}) LOST`);
      case 'commit-lost':
        return this.arrow('C', this.broker(record), '-x', record, `commit offset ${fault.offset} LOST`);
      case 'fetch-lost':
        return this.arrow(this.broker(record), 'C', '--x', record, `fetch response from offset ${fault.fromOffset} LOST`);
      case 'fetch-duplicated':
        return this.note('C', record, `fetch response from offset ${fault.fromOffset} arrives twice`);
      case 'request-delayed':
        return this.note('P', record, `produce ${fault.message} (attempt ${fault.attempt}) held up ${trimNumber(fault.delayMs)} ms`);
      case 'leader-failover':
        return this.note(this.broker(record), record, `leader of ${fault.message}'s partition fails (injected)`);
      case 'consumer-crash':
      case 'producer-crash':
        return this.note(fault.kind === 'consumer-crash' ? 'C' : 'P', record, `CRASH ${crashMoment(fault)}`);
      case 'partition':
        return undefined;
    }
  }

  private linkPair(link: string): [Participant, Participant] {
    const [a, b] = link.split('<->');
    const first = ACTOR_PARTICIPANT[a] ?? 'P';
    const second = ACTOR_PARTICIPANT[b] ?? 'B';
    return [first === 'B' ? this.broker(this.records[0]) : first, second === 'B' ? this.broker(this.records[0]) : second];
  }
}
