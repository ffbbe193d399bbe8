/**
 * Invariant checkers: pure functions of the workload, the final DB effects, the producer's
 * acknowledgements, the run outcome and the trace. They know nothing of how the run was produced, so they
 * are tested on hand-written inputs. Each returns a count and witnesses (message ids + the trace records
 * that explain them); `judge` turns that into holds / broken, as expected / VIOLATED for a mode.
 */
import type { TraceRecord } from '../sim/trace.js';
import type { RunOutcome } from '../sim/world.js';
import type { AppliedEffect } from './db.js';
import type { InvariantName } from './modes.js';
import type { WorkloadMessage } from './workload.js';

export type InvariantStatus = 'holds' | 'broken, as expected' | 'VIOLATED';

export interface Witness {
  /** The message the witness is about (for order: the one applied too late). */
  msg: string;
  /** One line in domain words. */
  summary: string;
  /** Trace records about the message(s) involved, in trace order. */
  records: TraceRecord[];
}

export interface InvariantResult {
  name: InvariantName;
  promised: boolean;
  holds: boolean;
  count: number;
  status: InvariantStatus;
  witnesses: Witness[];
  /** Loss only: lost messages the broker had acknowledged to the producer. */
  acknowledgedCount?: number;
}

export interface CheckInput {
  workload: readonly WorkloadMessage[];
  effects: readonly AppliedEffect[];
  /** Ids of messages the broker acknowledged to the producer (acks >= 1). */
  brokerAcked: ReadonlySet<string>;
  outcome: RunOutcome;
  trace: readonly TraceRecord[];
}

/** Witnesses listed per invariant at the most (the count is always complete). */
export const MAX_WITNESSES = 5;
const MAX_RECORDS_PER_WITNESS = 40;

export function judge(promised: boolean, count: number): InvariantStatus {
  if (count === 0) return 'holds';
  return promised ? 'VIOLATED' : 'broken, as expected';
}

/** Trace positions of the records that mention each message id (its `msg`, or its `msgs` list), the first few per id. */
interface TraceIndex {
  length: number;
  positions: Map<string, number[]>;
}

/**
 * Built once per trace and shared by the checkers: scanning a long trace once per witness (records have
 * dozens of shapes, so every `msg` read is a slow megamorphic load) was a fifth of a 1,000-message run.
 * Keyed weakly by the trace array; a trace that grew since is re-indexed.
 */
const traceIndexes = new WeakMap<readonly TraceRecord[], TraceIndex>();

function traceIndex(trace: readonly TraceRecord[]): TraceIndex {
  const cached = traceIndexes.get(trace);
  if (cached !== undefined && cached.length === trace.length) return cached;
  const positions = new Map<string, number[]>();
  const note = (id: unknown, position: number): void => {
    if (typeof id !== 'string') return;
    let list = positions.get(id);
    if (list === undefined) positions.set(id, (list = []));
    // Only the first MAX_RECORDS_PER_WITNESS are ever shown; a record listing an id twice counts once.
    if (list.length < MAX_RECORDS_PER_WITNESS && list[list.length - 1] !== position) list.push(position);
  };
  for (let position = 0; position < trace.length; position++) {
    const record = trace[position];
    if (record.msg !== undefined) note(record.msg, position);
    const msgs = record.msgs;
    if (Array.isArray(msgs)) for (const id of msgs as unknown[]) note(id, position);
  }
  const index = { length: trace.length, positions };
  traceIndexes.set(trace, index);
  return index;
}

/** The first MAX_RECORDS_PER_WITNESS records, in trace order, whose `msg` or `msgs` names one of `ids`. */
function recordsAbout(trace: readonly TraceRecord[], ids: readonly string[]): TraceRecord[] {
  const { positions } = traceIndex(trace);
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
function witness(msg: string, summary: string, trace: readonly TraceRecord[], ids: readonly string[]): Witness {
  let records: TraceRecord[] | undefined;
  return {
    msg,
    summary,
    get records(): TraceRecord[] {
      return (records ??= recordsAbout(trace, ids));
    },
    set records(value: TraceRecord[]) {
      records = value;
    },
  };
}

function result(name: InvariantName, promised: boolean, count: number, witnesses: Witness[], extra: Partial<InvariantResult> = {}): InvariantResult {
  return { name, promised, holds: count === 0, count, status: judge(promised, count), witnesses, ...extra };
}

/**
 * Which workload messages the effects applied, computed in one pass and shared by the loss, duplicates and
 * order checkers (each used to build its own sets and maps of message ids, a large share of the checking).
 */
interface Applications {
  /** Per workload position: the first position holding the same id (ids are unique in practice; this keeps repeats exact). */
  canon: Int32Array;
  /** Per canonical position: the last position holding that id (the message a lookup by id finds). */
  last: Int32Array;
  /** Per canonical position: how many effects applied that id. */
  counts: Int32Array;
  /** Per effect: the canonical position of its message id, -1 when no workload message has that id. */
  effectPositions: Int32Array;
}

function applications(input: CheckInput): Applications {
  const { workload, effects } = input;
  const positionOfId = new Map<string, number>();
  const canon = new Int32Array(workload.length);
  const last = new Int32Array(workload.length);
  for (let position = 0; position < workload.length; position++) {
    const id = workload[position].id;
    const first = positionOfId.get(id);
    if (first === undefined) positionOfId.set(id, position);
    canon[position] = first ?? position;
    last[canon[position]] = position;
  }
  const counts = new Int32Array(workload.length);
  const effectPositions = new Int32Array(effects.length);
  for (let index = 0; index < effects.length; index++) {
    const position = positionOfId.get(effects[index].msgId) ?? -1;
    effectPositions[index] = position;
    if (position >= 0) counts[position]++;
  }
  return { canon, last, counts, effectPositions };
}

export function checkLoss(input: CheckInput, promised: boolean): InvariantResult {
  return lossOf(input, promised, applications(input));
}

function lossOf(input: CheckInput, promised: boolean, applied: Applications): InvariantResult {
  const lost = input.workload.filter((_message, position) => applied.counts[applied.canon[position]] === 0);
  const acknowledged = lost.filter((message) => input.brokerAcked.has(message.id));
  const witnesses = lost
    .slice(0, MAX_WITNESSES)
    .map((message) =>
      witness(message.id, `${message.id} (key ${message.key}) was handed to the producer but never applied to the DB${input.brokerAcked.has(message.id) ? ', although the broker had acknowledged it' : ''}`, input.trace, [message.id]),
    );
  return result('loss', promised, lost.length, witnesses, { acknowledgedCount: acknowledged.length });
}

export function checkDuplicates(input: CheckInput, promised: boolean): InvariantResult {
  return duplicatesOf(input, promised, applications(input));
}

function duplicatesOf(input: CheckInput, promised: boolean, applied: Applications): InvariantResult {
  const countAt = (position: number): number => applied.counts[applied.canon[position]];
  const duplicated: number[] = [];
  for (let position = 0; position < input.workload.length; position++) if (countAt(position) > 1) duplicated.push(position);
  const witnesses = duplicated.slice(0, MAX_WITNESSES).map((position) => {
    const message = input.workload[position];
    return witness(message.id, `${message.id} (key ${message.key}) was applied to the DB ${countAt(position)} times`, input.trace, [message.id]);
  });
  return result('duplicates', promised, duplicated.length, witnesses);
}

export function checkOrder(input: CheckInput, promised: boolean): InvariantResult {
  return orderOf(input, promised, applications(input));
}

function orderOf(input: CheckInput, promised: boolean, applied: Applications): InvariantResult {
  const firstApplied = new Uint8Array(input.workload.length);
  const latestPerKey = new Map<string, WorkloadMessage>();
  const witnesses: Witness[] = [];
  let count = 0;
  for (let index = 0; index < applied.effectPositions.length; index++) {
    const position = applied.effectPositions[index];
    if (position < 0) continue; // an effect of no workload message
    if (firstApplied[position] === 1) continue; // re-applications are the duplicates checker's business
    firstApplied[position] = 1;
    const message = input.workload[applied.last[position]];
    const latest = latestPerKey.get(message.key);
    if (latest !== undefined && latest.keySeq > message.keySeq) {
      count++;
      if (witnesses.length < MAX_WITNESSES) {
        witnesses.push(witness(message.id, `${message.id} was applied after ${latest.id}, but the producer sent ${message.id} first (key ${message.key})`, input.trace, [message.id, latest.id]));
      }
    } else {
      latestPerKey.set(message.key, message);
    }
  }
  return result('order', promised, count, witnesses);
}

export function checkLiveness(input: CheckInput, promised: boolean): InvariantResult {
  if (input.outcome.kind === 'quiescent') return result('liveness', promised, 0, []);
  if (input.outcome.kind === 'stalled') {
    return result('liveness', promised, 1, [{ msg: '', summary: 'the run stalled after healing: no event was left to run, yet the system had not settled (something waits for an answer that cannot come)', records: input.trace.slice(-5) }]);
  }
  const limit = input.outcome.limit === 'events' ? `${input.outcome.value} events` : `${input.outcome.value / 1000} ms of virtual time`;
  return result('liveness', promised, 1, [{ msg: '', summary: `the run did not settle after healing: it hit the limit of ${limit}`, records: input.trace.slice(-5) }]);
}

export function checkInvariants(input: CheckInput, promises: Record<InvariantName, boolean>): Record<InvariantName, InvariantResult> {
  const applied = applications(input);
  return {
    loss: lossOf(input, promises.loss, applied),
    duplicates: duplicatesOf(input, promises.duplicates, applied),
    order: orderOf(input, promises.order, applied),
    liveness: checkLiveness(input, promises.liveness),
  };
}
