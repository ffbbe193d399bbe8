/**
 * What a checker returns: a count, a verdict against the mode's promise, and witnesses (message ids with the trace
 * records that explain them). Records are looked up lazily, through one index per trace shared by every checker.
 */
import type { TraceRecord } from '../../sim/trace.js';
import { traceRecords } from './input.js';
import type { CheckInput } from './input.js';
import type { InvariantName } from '../modes.js';
import { withLazyFields } from '../lazy-fields.js';

export type InvariantStatus = 'holds' | 'broken, as expected' | 'VIOLATED';

export interface Witness {
  /** The message the witness is about (for order: the one applied too late). */
  msg: string;
  /** One line in domain words. */
  summary: string;
  /** Trace records about the message(s) involved, in trace order. */
  records: TraceRecord[];
  /** The consumer group it is about (absent for the run as a whole: liveness). */
  group?: string;
}

/** Which group a checker judges, and how its witnesses say so (nothing when the run has one group). */
export interface Scope {
  readonly group: string;
  /** " in group g2", or "" with one group. */
  readonly where: string;
}

export const SINGLE_GROUP: Scope = { group: 'g1', where: '' };

export interface InvariantResult {
  name: InvariantName;
  promised: boolean;
  holds: boolean;
  count: number;
  status: InvariantStatus;
  witnesses: Witness[];
  /** Loss only: lost messages the broker had acknowledged to the producer. */
  acknowledgedCount?: number;
  /** Loss only, when some: messages never handed over (a limit stopped the run first), so neither applied nor lost. */
  notProducedCount?: number;
  /**
   * Loss only, when some: messages handed over but neither applied nor parked when a limit stopped the run. Not
   * counted as lost: the run ended before it could tell (they may still have been on their way); liveness reports it.
   */
  inFlightAtLimitCount?: number;
}

/** Witnesses listed per invariant at the most (the count is always complete). */
export const MAX_WITNESSES = 5;
const MAX_RECORDS_PER_WITNESS = 40;

export function judge(promised: boolean, count: number): InvariantStatus {
  if (count === 0) return 'holds';
  return promised ? 'VIOLATED' : 'broken, as expected';
}

export function result(name: InvariantName, promised: boolean, count: number, witnesses: Witness[], extra: Partial<InvariantResult> = {}): InvariantResult {
  return { name, promised, holds: count === 0, count, status: judge(promised, count), witnesses, ...extra };
}

/** Trace positions of the records that mention each of some message ids (its `msg`, or its `msgs` list), the first few per id. */
interface TraceIndex {
  length: number;
  /** The ids indexed: those the witnesses of the trace asked for, not every id (see traceIndex). */
  ids: ReadonlySet<string>;
  positions: Map<string, number[]>;
}

/**
 * Built once per trace and shared by the checkers: scanning a long trace once per witness (records have
 * dozens of shapes, so every `msg` read is a slow megamorphic load) was a fifth of a 1,000-message run.
 * Keyed weakly by the trace array; a trace that grew since, or an id not indexed yet, is re-indexed.
 */
const traceIndexes = new WeakMap<readonly TraceRecord[], TraceIndex>();

/**
 * The ids the witnesses of the last trace handed to `witness` will look up: indexed together, in one pass, at the
 * first lookup. Only the ids a witness names are indexed: a list per id of a million-record trace was a twentieth
 * of a 100,000-message `--json` run, for five witnesses per invariant. (The last trace only, not a WeakMap entry
 * per run: a search runs many and reads no witness.)
 */
let wantedTrace: CheckInput['trace'] | undefined;
let wantedIds: string[] = [];

/** Notes the ids of a new witness; returns the list of its trace's wanted ids (a list: most runs never look them up). */
function want(trace: CheckInput['trace'], ids: readonly string[]): readonly string[] {
  // Held until the next run's witnesses or the first lookup (see recordsAbout): never more than one run's trace.
  // (Not a WeakRef: that keeps its target alive to the end of the job, and a search's loop of runs is one job.)
  if (trace !== wantedTrace) {
    wantedTrace = trace;
    wantedIds = [];
  }
  for (const id of ids) wantedIds.push(id);
  return wantedIds;
}

function traceIndex(trace: readonly TraceRecord[], ids: readonly string[], wanted: readonly string[]): TraceIndex {
  const cached = traceIndexes.get(trace);
  if (cached !== undefined && cached.length === trace.length && ids.every((id) => cached.ids.has(id))) return cached;
  const indexed = new Set<string>([...(cached !== undefined && cached.length === trace.length ? cached.ids : []), ...wanted, ...ids]);
  const positions = new Map<string, number[]>();
  const note = (id: unknown, position: number): void => {
    if (typeof id !== 'string' || !indexed.has(id)) return;
    let list = positions.get(id);
    if (list === undefined) positions.set(id, (list = []));
    // Only the first MAX_RECORDS_PER_WITNESS are ever shown; a record listing an id twice counts once.
    if (list.length < MAX_RECORDS_PER_WITNESS && list[list.length - 1] !== position) list.push(position);
  };
  for (let position = 0; position < trace.length; position++) {
    const record = trace[position];
    if (record.msg !== undefined) note(record.msg, position);
    const msgs = (record as { msgs?: unknown }).msgs;
    if (Array.isArray(msgs)) for (const id of msgs as unknown[]) note(id, position);
  }
  const index = { length: trace.length, ids: indexed, positions };
  traceIndexes.set(trace, index);
  return index;
}

/** The first MAX_RECORDS_PER_WITNESS records, in trace order, whose `msg` or `msgs` names one of `ids`. */
function recordsAbout(trace: readonly TraceRecord[], ids: readonly string[], wanted: readonly string[]): TraceRecord[] {
  const { positions } = traceIndex(trace, ids, wanted);
  let merged: number[];
  if (ids.length === 1) {
    // The common case (loss, duplicates): the id's own list is already sorted and capped.
    merged = positions.get(ids[0]) ?? [];
  } else {
    const union = new Set<number>();
    for (const id of ids) for (const position of positions.get(id) ?? []) union.add(position);
    merged = [...union].sort((a, b) => a - b).slice(0, MAX_RECORDS_PER_WITNESS);
  }
  return merged.map((position) => trace[position]);
}

/**
 * A witness whose `records` are looked up on first read (then kept): indexing a 10,000-record trace cost more
 * than a sixth of a 1,000-message run, and most runs (searches, sweeps, benchmarks) never read a witness's
 * records. Reading them, spreading or serializing the witness gives exactly what an eager lookup gave.
 */
export function witness(msg: string, summary: string, trace: CheckInput['trace'], ids: readonly string[], group: string = SINGLE_GROUP.group): Witness {
  let records: TraceRecord[] | undefined;
  const wanted = want(trace, ids);
  const lookUp = (): TraceRecord[] => {
    if (wantedTrace === trace) wantedTrace = undefined;
    return (records ??= recordsAbout(traceRecords(trace), ids, wanted));
  };
  return withLazyFields<Witness>({ msg, summary, group, records: [] }, { records: lookUp });
}
