/**
 * Read-only questions about one run's trace, asked by the stories: records about a message, the next or
 * previous record matching a test, the fault behind a crash. Records are the typed TraceEvent union, and the
 * tests are type guards, so a story reads `elected.logEnd`, never a field looked up by name. Indexes are built
 * once per run so a report of a large run stays linear in the trace size.
 */
import type { DeliverySettings, SimulationConfig } from '../models/config.js';
import type { SimulationResult } from '../models/engine.js';
import type { EventOf, FaultEvent, TraceEvent, TraceKind } from '../models/events.js';
import type { Fault, FaultKind } from '../models/faults/catalog.js';
import { effectsOf, effectsWhere } from '../models/db/effect-log.js';
import type { Effects } from '../models/db/effect-log.js';
import { specOf } from '../models/faults/catalog.js';
import { buildTopology, groupOf } from '../models/topology.js';
import type { Topology } from '../models/topology.js';
import type { Workload, WorkloadIndex, WorkloadMessage } from '../models/workload.js';
import { workloadIndex, workloadOf } from '../models/workload.js';
import { partitionPoint } from '../sim/bisect.js';
import { MessagePositions } from './message-positions.js';

/** A test on records that narrows the record's type when it passes. */
export type RecordTest<E extends TraceEvent = TraceEvent> = (record: TraceEvent) => record is E;

/**
 * What every record passing a test has, when the test was built by `is`: its kind, and the message it names when the
 * test asks for one. A search then visits that message's records, or that kind's, not the whole trace.
 */
const TEST_SCOPES = new WeakMap<RecordTest<TraceEvent>, { readonly kind: TraceKind; readonly msg: string | undefined }>();

/** The part an actor plays, read off its id: what a story means by "the producer" or "the consumer". */
export type Role = 'producer' | 'broker' | 'consumer' | 'db';

export function roleOf(actor: string): Role | undefined {
  if (actor === 'producer' || /^p\d+$/.test(actor)) return 'producer';
  if (actor === 'consumer' || /^g\d+\/c\d+$/.test(actor)) return 'consumer';
  if (actor === 'broker' || /^b\d+$/.test(actor)) return 'broker';
  if (actor === 'db') return 'db';
  return undefined;
}

/** What the stories need of a run: its config, workload, trace and final DB effects. */
export type RunFacts = Pick<SimulationResult, 'config' | 'workload' | 'trace' | 'effects' | 'outcome' | 'brokerAcked'> & {
  /** The effects where a run keeps them (read in place of `effects`, which builds an object per effect). */
  readonly appliedEffects?: Effects;
  /** The messages where a run keeps them (read in place of `workload`, which builds an object per message). */
  readonly messages?: Workload;
  /** The run's statistics: with them, the facts know whether `trace` holds every record or only the first ones. */
  readonly stats?: Pick<SimulationResult['stats'], 'traceRecords'>;
  /** The faults injected: what a story of a message beyond the kept trace can still name. */
  readonly injected?: SimulationResult['injected'];
};

/** An injected fault's record, with the fault narrowed to one kind. */
export type FaultRecordOf<K extends FaultKind> = FaultEvent & { readonly fault: Extract<Fault, { kind: K }> };

/**
 * Whether a record is about a consumer group: its own members' records, records naming it (DB, coordinator),
 * faults striking its members, links of its members; and everything every group shares (producers, the log).
 */
export function belongsTo(record: TraceEvent, group: string): boolean {
  if (roleOf(record.actor) === 'consumer') return groupOf(record.actor) === group;
  if ('group' in record && typeof record.group === 'string') return record.group === group;
  // A RabbitMQ queue is its group's (queue g2 feeds group g2): its records are that group's story alone.
  if ('queue' in record && typeof record.queue === 'string') return record.queue === group;
  if (record.kind === 'fault') {
    const instance = specOf(record.fault.kind).instance?.(record.fault);
    if (instance?.kind === 'consumer') return groupOf(instance.name) === group;
    if (instance?.kind === 'group') return instance.name === group;
    return true;
  }
  const ends = record.kind === 'partition-drop' || record.kind === 'lost-to-crash' ? [record.from, record.to] : record.kind === 'partition-start' || record.kind === 'partition-end' ? record.link.split('<->') : [];
  for (const end of ends) if (roleOf(end) === 'consumer') return groupOf(end) === group;
  return true;
}

export class TraceFacts {
  readonly records: readonly TraceEvent[];
  readonly config: SimulationConfig;
  readonly settings: DeliverySettings;
  readonly topology: Topology;
  /**
   * Set when the run kept only the first part of its trace (a long run keeps TRACE_KEPT_MAX records): how many
   * records it kept and the time of the last one. What happened after that is not in these facts.
   */
  readonly cut: { readonly kept: number; readonly untilUs: number } | undefined;
  /** The DB effects of the group these facts are about (every effect with one group). */
  readonly effects: Effects;
  /**
   * Record -> position, only for a trace whose times go backwards somewhere (see indexOf): a map of a million
   * records was a tenth of a long `--json` run, and every trace the kernel writes is in time order.
   */
  private position: Map<TraceEvent, number> | undefined;
  /** Per message, the positions of the records naming it (see `about`), built in the pass that finds the kinds'. */
  private readonly mentions: MessagePositions;
  /** The records `about` listed, per message asked about. */
  private readonly byMsg = new Map<string, readonly TraceEvent[]>();
  /**
   * The workload's id index, built on the first look-up (shared with the checkers: no map of ids is built for a
   * generated workload; a map of a million ids, and the pairs it was built from, were a tenth of a long run's peak).
   */
  private workloadIds?: WorkloadIndex;
  /** The run's messages, read where it keeps them. */
  private readonly messages: Workload;
  private readonly scopes = new Map<string, TraceFacts>();
  private runPositions?: Map<TraceEvent, number>;
  /** The fault records by fault kind, in trace order: faultRecord searches these, not the whole trace. */
  private readonly faults = new Map<FaultKind, FaultEvent[]>();
  private readonly faultsByMessage = new Map<FaultKind, Map<string, FaultEvent[]>>();
  /**
   * Per record kind, the positions of its records: a story's search for the next leader election visits the
   * elections, not a million records. Built for every kind in the one pass over the records (a pass per kind searched,
   * a dozen of them, was a quarter of the time a long run's stories took).
   */
  private readonly kindPositions = new Map<TraceKind, number[]>();
  /** Per message, the positions of the records about it, listed on the first search naming it. */
  private readonly msgPositions = new Map<string, number[]>();

  /** With `group`, the facts of that consumer group only (what the others did is left out). */
  constructor(
    readonly run: RunFacts,
    readonly group?: string,
  ) {
    this.config = run.config;
    this.messages = run.messages ?? workloadOf(run.workload);
    this.settings = run.config.settings;
    this.topology = buildTopology(run.config.topology);
    const scoped = group !== undefined && this.topology.groups.length > 1;
    const trace = run.trace;
    this.cut = run.stats !== undefined && run.stats.traceRecords > trace.length ? { kept: trace.length, untilUs: trace.at(-1)?.t ?? 0 } : undefined;
    this.records = scoped ? trace.filter((record) => belongsTo(record, group)) : trace;
    const effects = run.appliedEffects ?? effectsOf(run.effects);
    this.effects = scoped ? effectsWhere(effects, (all, index) => all.groupAt(index) === group) : effects;
    const records = this.records;
    const mentions = (this.mentions = new MessagePositions(this.messages.length, records.length));
    const kindPositions = this.kindPositions;
    let ordered = true;
    let previousT = Number.NEGATIVE_INFINITY;
    for (let index = 0; index < records.length; index++) {
      const record = records[index];
      if (!(record.t >= previousT)) ordered = false;
      previousT = record.t;
      const kind = record.kind;
      let positions = kindPositions.get(kind);
      if (positions === undefined) kindPositions.set(kind, (positions = []));
      positions.push(index);
      if (kind === 'fault') this.noteFault(record);
      const msg = (record as { readonly msg?: unknown }).msg;
      // The common record names one message or none: indexed without building its list of ids.
      if ('msgs' in record || kind === 'leader-failed') for (const id of mentionedMessages(record)) mentions.add(id, index);
      else if (typeof msg === 'string' && msg !== '') mentions.add(msg, index);
    }
    if (!ordered) {
      const position = new Map<TraceEvent, number>();
      records.forEach((record, index) => position.set(record, index));
      this.position = position;
    }
  }

  private noteFault(record: FaultEvent): void {
    let list = this.faults.get(record.fault.kind);
    if (list === undefined) this.faults.set(record.fault.kind, (list = []));
    list.push(record);
  }

  /** The facts of one consumer group (these facts themselves when the run has one group, or they are that group's). */
  scoped(group: string | undefined): TraceFacts {
    if (group === undefined || group === this.group || this.topology.groups.length === 1) return this;
    let facts = this.scopes.get(group);
    if (facts === undefined) this.scopes.set(group, (facts = new TraceFacts(this.run, group)));
    return facts;
  }

  /** The workload message with this id (the last one, should a hand-built workload repeat it). */
  message(id: string): WorkloadMessage | undefined {
    const index = (this.workloadIds ??= workloadIndex(this.messages));
    const position = index.positionOf(id);
    return position < 0 ? undefined : this.messages.at(index.last[position]);
  }

  /** The producer instance that sends a message (the first one when the message is unknown). */
  producerOf(msg: string): string {
    return this.message(msg)?.producer ?? this.topology.producers[0];
  }

  /**
   * An actor as the stories name it: by its role alone ("producer", "consumer") when the world has one of that
   * role, by its instance id ("g1/c2") when it has several.
   */
  name(actor: string): string {
    const role = roleOf(actor);
    if (role === 'producer') return this.topology.producers.length === 1 ? 'producer' : actor;
    if (role === 'consumer') return this.topology.consumers.length === 1 ? 'consumer' : actor;
    return actor;
  }

  /** "the consumer" or "consumer g1/c2", to start a clause about an actor. */
  who(actor: string): string {
    const name = this.name(actor);
    const role = roleOf(actor);
    return name === role || role === undefined ? `the ${name}` : `${role} ${name}`;
  }

  /** A link as the stories name it: "producer-broker", or "p2-broker" when there are several producers. */
  linkName(link: string): string {
    return link
      .split('<->')
      .map((end) => this.name(end))
      .join('-');
  }

  /** Records naming the message (its `msg`, or a `msgs` list that contains it), in trace order. */
  about(id: string): readonly TraceEvent[] {
    let about = this.byMsg.get(id);
    if (about === undefined) this.byMsg.set(id, (about = this.messagePositions(id).map((position) => this.records[position])));
    return about;
  }

  /** The positions of the records naming a message, ascending. */
  private messagePositions(id: string): number[] {
    let positions = this.msgPositions.get(id);
    if (positions === undefined) this.msgPositions.set(id, (positions = this.mentions.positions(id)));
    return positions;
  }

  /** Records of one kind about a message, optionally narrowed by more field values. */
  aboutKind<K extends TraceKind>(id: string, kind: K, fields: Partial<EventOf<K>> = {}): EventOf<K>[] {
    const test = is(kind, fields);
    return this.about(id).filter(test);
  }

  /**
   * A record's position (-1 if it is not one of these records; the last one if it occurs twice). Records are in
   * time order, so a binary search on `t` finds the run of records at its instant, scanned from its end.
   */
  indexOf(record: TraceEvent): number {
    if (this.position !== undefined) return this.position.get(record) ?? -1;
    const records = this.records;
    const t = record.t;
    // The first index whose time is later than the record's.
    const low = partitionPoint(0, records.length, (index) => records[index].t <= t);
    for (let index = low - 1; index >= 0 && records[index].t === t; index--) if (records[index] === record) return index;
    return -1;
  }

  /**
   * A record's position in the whole run's trace, the same for every group's facts: what a story's step
   * citation and a diagram's step agree on, whichever facts each was built from.
   */
  runIndex(record: TraceEvent): number {
    if (this.records === this.run.trace) return this.indexOf(record);
    this.runPositions ??= new Map(this.run.trace.map((candidate, index) => [candidate, index]));
    return this.runPositions.get(record) ?? -1;
  }

  /** The first record after `from` (exclusive; the start when undefined) that passes the test, before `until`. */
  next<E extends TraceEvent>(from: TraceEvent | undefined, test: RecordTest<E>, until?: TraceEvent): E | undefined {
    for (const record of this.passing(from, until, test)) return record;
    return undefined;
  }

  /** The last record before `before` (exclusive; the end when undefined) that passes the test, after `since`. */
  previous<E extends TraceEvent>(before: TraceEvent | undefined, test: RecordTest<E>, since?: TraceEvent): E | undefined {
    const start = since === undefined ? -1 : this.indexOf(since);
    const end = before === undefined ? this.records.length : this.indexOf(before);
    const positions = this.candidates(test);
    if (positions === undefined) {
      for (let index = end - 1; index > start; index--) {
        const record = this.records[index];
        if (test(record)) return record;
      }
      return undefined;
    }
    for (let at = firstAtOrAfter(positions, end) - 1; at >= 0 && positions[at] > start; at--) {
      const record = this.records[positions[at]];
      if (test(record)) return record;
    }
    return undefined;
  }

  /** Every record strictly between two records that passes the test. */
  between<E extends TraceEvent>(from: TraceEvent | undefined, until: TraceEvent | undefined, test: RecordTest<E>): E[] {
    return [...this.passing(from, until, test)];
  }

  /** The records strictly between two records (the whole trace's ends when undefined) that pass the test, in order. */
  private *passing<E extends TraceEvent>(from: TraceEvent | undefined, until: TraceEvent | undefined, test: RecordTest<E>): Generator<E> {
    const start = from === undefined ? 0 : this.indexOf(from) + 1;
    const end = until === undefined ? this.records.length : this.indexOf(until);
    const positions = this.candidates(test);
    if (positions === undefined) {
      for (let index = start; index < end; index++) {
        const record = this.records[index];
        if (test(record)) yield record;
      }
      return;
    }
    for (let at = firstAtOrAfter(positions, start); at < positions.length && positions[at] < end; at++) {
      const record = this.records[positions[at]];
      if (test(record)) yield record;
    }
  }

  /**
   * The positions of the only records a test can pass, ascending (for a test built by `is`: its message's records,
   * or its kind's), or undefined: every record.
   */
  private candidates(test: RecordTest<TraceEvent>): readonly number[] | undefined {
    const scope = TEST_SCOPES.get(test);
    if (scope === undefined) return undefined;
    if (scope.msg !== undefined) return this.messagePositions(scope.msg);
    return this.kindPositions.get(scope.kind) ?? [];
  }

  /**
   * The delivery that handed `msg` to a consumer instance for the processing `before` belongs to: the transport
   * record of the message reaching the consumer (in the Kafka family, the fetch response that carried it), the
   * last one before that processing began. Stories and diagrams ask this family-neutral question so a write
   * never appears without the delivery that led to it.
   */
  deliveryOf(msg: string, consumer: string, before: TraceEvent): EventOf<'fetched'> | undefined {
    const start = before.kind === 'deliver' ? before : this.previous(before, is('deliver', { msg }, (record) => record.actor === consumer));
    if (start === undefined) return undefined;
    return this.previous(start, is('fetched', {}, (record) => record.actor === consumer && record.msgs.includes(msg)));
  }

  /** The injected fault recorded right before a crash (the injector traces the fault, then the world the crash). */
  faultBehind(crash: TraceEvent): Fault | undefined {
    return this.faultRecordBehind(crash)?.fault;
  }

  faultRecordBehind(crash: TraceEvent): FaultEvent | undefined {
    const index = this.indexOf(crash);
    for (let back = index - 1; back >= 0 && this.records[back].t === crash.t; back--) {
      const record = this.records[back];
      if (record.kind === 'fault') return record;
    }
    return undefined;
  }

  /** The fault record of this kind naming these fields (e.g. ack-lost for m3, attempt 1). */
  faultRecord<K extends FaultKind>(kind: K, fields: Partial<Extract<Fault, { kind: K }>>): FaultRecordOf<K> | undefined {
    const message = (fields as { readonly message?: unknown }).message;
    const candidates = typeof message === 'string' ? this.faultsAbout(kind).get(message) : this.faults.get(kind);
    const entries = Object.entries(fields);
    return candidates?.find((record): record is FaultRecordOf<K> => matchesEntries(record.fault, entries));
  }

  /**
   * One kind's fault records by the message they name, built on the first search for that kind: a story asks for
   * its message's fault, and scanning every fault of the kind (ten thousand ack losses in a long run) per question
   * was most of a long run's witness stories.
   */
  private faultsAbout(kind: FaultKind): Map<string, FaultEvent[]> {
    let index = this.faultsByMessage.get(kind);
    if (index === undefined) {
      index = new Map();
      for (const record of this.faults.get(kind) ?? []) {
        const message = (record.fault as { readonly message?: unknown }).message;
        if (typeof message !== 'string') continue;
        let list = index.get(message);
        if (list === undefined) index.set(message, (list = []));
        list.push(record);
      }
      this.faultsByMessage.set(kind, index);
    }
    return index;
  }

  /** The record that immediately follows `record` at the same virtual time and passes the test. */
  sameInstantAfter<E extends TraceEvent>(record: TraceEvent, test: RecordTest<E>): E | undefined {
    for (let index = this.indexOf(record) + 1; index < this.records.length && this.records[index].t === record.t; index++) {
      const candidate = this.records[index];
      if (test(candidate)) return candidate;
    }
    return undefined;
  }
}

export function matches(record: object, fields: object): boolean {
  return matchesEntries(record, Object.entries(fields));
}

function matchesEntries(record: object, entries: readonly (readonly [string, unknown])[]): boolean {
  for (const [key, value] of entries) if ((record as Record<string, unknown>)[key] !== value) return false;
  return true;
}

/** The message ids a record names: its `msg`, its `msgs` list, and the messages a failed leader left unanswered. */
export function mentionedMessages(record: TraceEvent): string[] {
  const ids: string[] = [];
  const msg = (record as { readonly msg?: unknown }).msg;
  if (typeof msg === 'string' && msg !== '') ids.push(msg);
  const lists = [('msgs' in record ? record.msgs : undefined), record.kind === 'leader-failed' ? record.unansweredMsgs : undefined];
  for (const list of lists) if (list !== undefined) for (const id of list) if (!ids.includes(id)) ids.push(id);
  return ids;
}

/**
 * A test for records of one kind whose fields equal `fields`, optionally by an actor of one role, and passing
 * `where` (given the narrowed record).
 */
export function is<K extends TraceKind>(kind: K, fields: Partial<EventOf<K>> = {}, where?: (record: EventOf<K>) => boolean, role?: Role): RecordTest<EventOf<K>> {
  // The fields' entries are listed once per test, not per record visited (a story's search visits thousands).
  const entries = Object.entries(fields);
  const test = (record: TraceEvent): record is EventOf<K> => record.kind === kind && matchesEntries(record, entries) && (role === undefined || roleOf(record.actor) === role) && (where === undefined || where(record as EventOf<K>));
  const msg = (fields as { readonly msg?: unknown }).msg;
  TEST_SCOPES.set(test, { kind, msg: typeof msg === 'string' ? msg : undefined });
  return test;
}

/** The first place in ascending `positions` holding a position >= `index` (positions.length when none does). */
function firstAtOrAfter(positions: readonly number[], index: number): number {
  return partitionPoint(0, positions.length, (at) => positions[at] < index);
}

/** A crash (or restart) of an actor playing `role`. */
export function crashOf(role: Role): RecordTest<EventOf<'crash'>> {
  return is('crash', {}, undefined, role);
}

export function restartOf(role: Role): RecordTest<EventOf<'restart'>> {
  return is('restart', {}, undefined, role);
}
