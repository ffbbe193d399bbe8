/** What every checker reads: pure data of one run, so checkers are tested on hand-written inputs. */
import type { TraceRecord } from '../../sim/trace.js';
import type { RunOutcome } from '../../sim/world.js';
import type { AppliedEffect } from '../db/database.js';
import type { Effects } from '../db/effect-log.js';
import type { AcknowledgedIds, ParkedRecord } from '../observations.js';
import type { Workload, WorkloadMessage } from '../workload.js';

export interface CheckInput {
  /** The messages: objects, or a run's columns (a Workload) read as they are. */
  workload: readonly WorkloadMessage[] | Workload;
  /** The DB's effects in commit order: objects, or a run's columns (an EffectLog) read as they are. */
  effects: readonly AppliedEffect[] | Effects;
  /** Ids of messages the broker acknowledged to the producer (acks >= 1): a Set of ids, or any lookup. */
  brokerAcked: AcknowledgedIds;
  outcome: RunOutcome;
  /** The run's trace: its records, or a trace not kept whole (its last records now, all of them on first ask). */
  trace: readonly TraceRecord[] | LazyTrace;
  /** The consumer groups to judge, each on its own effects (default: one group, g1, taking every effect). */
  groups?: readonly string[];
  /**
   * When each workload message was handed over (virtual µs, by position; -1 if never). A message never handed over
   * (a limit stopped the run first) was not produced: it cannot be lost. Without it every message counts as handed.
   */
  handedAtUs?: ArrayLike<number>;
  /** Where the family parks a given-up record, for the witnesses (default: "the dead-letter topic"). */
  deadLetter?: string;
  /** Records parked in the dead-letter topic, per group: neither applied nor lost. */
  parked?: readonly ParkedRecord[];
  /** Workload positions the order check skips (delayed messages: due later on purpose). */
  unordered?: ReadonlySet<number>;
  /** What in the config keeps a run from settling (timeouts no answer can meet): the liveness witness names it. */
  unsettledBecause?: readonly string[];
}

/**
 * A trace that was not kept (a long run, a search): its last few records, and every record on demand (a re-run of
 * the same seed with the trace kept: runs are deterministic). Only a witness that is read asks for them.
 */
export interface LazyTrace {
  readonly tail: readonly TraceRecord[];
  records(): readonly TraceRecord[];
}

export function isLazyTrace(trace: CheckInput['trace']): trace is LazyTrace {
  return typeof (trace as Partial<LazyTrace>).records === 'function';
}

/** The records of a trace, asked for only when a witness's records are read. */
export function traceRecords(trace: CheckInput['trace']): readonly TraceRecord[] {
  return isLazyTrace(trace) ? trace.records() : trace;
}

/** The trace's last `count` records (count <= 5 for a trace not kept whole). */
export function traceTail(trace: CheckInput['trace'], count: number): TraceRecord[] {
  return (isLazyTrace(trace) ? trace.tail : trace).slice(-count);
}
