/**
 * Read-only questions about one run's trace, asked by the stories: records about a message, the next or
 * previous record matching a test, field access with types. Indexes are built once per run so a report of
 * a large run stays linear in the trace size.
 */
import type { DeliverySettings, SimulationConfig } from '../models/config.js';
import type { Fault } from '../models/faults.js';
import type { SimulationResult } from '../models/simulation.js';
import type { WorkloadMessage } from '../models/workload.js';
import type { TraceRecord } from '../sim/trace.js';

export type RecordTest = (record: TraceRecord) => boolean;

/** What the stories need of a run: its config, workload, trace and final DB effects. */
export type RunFacts = Pick<SimulationResult, 'config' | 'workload' | 'trace' | 'effects' | 'outcome' | 'brokerAcked'>;

export class TraceFacts {
  readonly records: readonly TraceRecord[];
  readonly config: SimulationConfig;
  readonly settings: DeliverySettings;
  private readonly position = new Map<TraceRecord, number>();
  private readonly byMsg = new Map<string, TraceRecord[]>();
  private readonly messages: Map<string, WorkloadMessage>;

  constructor(readonly run: RunFacts) {
    this.records = run.trace;
    this.config = run.config;
    this.settings = run.config.settings;
    this.messages = new Map(run.workload.map((message) => [message.id, message]));
    run.trace.forEach((record, index) => {
      this.position.set(record, index);
      for (const id of mentionedMessages(record)) {
        let list = this.byMsg.get(id);
        if (list === undefined) this.byMsg.set(id, (list = []));
        list.push(record);
      }
    });
  }

  message(id: string): WorkloadMessage | undefined {
    return this.messages.get(id);
  }

  /** Records naming the message (its `msg`, or a `msgs` list that contains it), in trace order. */
  about(id: string): readonly TraceRecord[] {
    return this.byMsg.get(id) ?? [];
  }

  /** Records of one kind about a message, optionally narrowed by more field values. */
  aboutKind(id: string, kind: string, fields: Record<string, unknown> = {}): TraceRecord[] {
    return this.about(id).filter((record) => record.kind === kind && matches(record, fields));
  }

  indexOf(record: TraceRecord): number {
    return this.position.get(record) ?? -1;
  }

  /** The first record after `from` (exclusive; the start when undefined) that passes the test, before `until`. */
  next(from: TraceRecord | undefined, test: RecordTest, until?: TraceRecord): TraceRecord | undefined {
    const end = until === undefined ? this.records.length : this.indexOf(until);
    for (let index = from === undefined ? 0 : this.indexOf(from) + 1; index < end; index++) {
      if (test(this.records[index])) return this.records[index];
    }
    return undefined;
  }

  /** The last record before `before` (exclusive; the end when undefined) that passes the test, after `since`. */
  previous(before: TraceRecord | undefined, test: RecordTest, since?: TraceRecord): TraceRecord | undefined {
    const start = since === undefined ? -1 : this.indexOf(since);
    for (let index = (before === undefined ? this.records.length : this.indexOf(before)) - 1; index > start; index--) {
      if (test(this.records[index])) return this.records[index];
    }
    return undefined;
  }

  /** Every record strictly between two records that passes the test. */
  between(from: TraceRecord | undefined, until: TraceRecord | undefined, test: RecordTest): TraceRecord[] {
    const start = from === undefined ? 0 : this.indexOf(from) + 1;
    const end = until === undefined ? this.records.length : this.indexOf(until);
    const found: TraceRecord[] = [];
    for (let index = start; index < end; index++) if (test(this.records[index])) found.push(this.records[index]);
    return found;
  }

  /** The injected fault recorded right before a crash (the injector traces the fault, then the world the crash). */
  faultBehind(crash: TraceRecord): Fault | undefined {
    const record = this.faultRecordBehind(crash);
    return record === undefined ? undefined : (record.fault as Fault);
  }

  faultRecordBehind(crash: TraceRecord): TraceRecord | undefined {
    const index = this.indexOf(crash);
    for (let back = index - 1; back >= 0 && this.records[back].t === crash.t; back--) {
      if (this.records[back].kind === 'fault') return this.records[back];
    }
    return undefined;
  }

  /** The fault record of this kind naming these fields (e.g. ack-lost for m3, attempt 1). */
  faultRecord(kind: Fault['kind'], fields: Record<string, unknown>): TraceRecord | undefined {
    return this.records.find((record) => record.kind === 'fault' && (record.fault as Fault).kind === kind && matches(record.fault as Record<string, unknown>, fields));
  }

  /** The record that immediately follows `record` at the same virtual time and passes the test. */
  sameInstantAfter(record: TraceRecord, test: RecordTest): TraceRecord | undefined {
    for (let index = this.indexOf(record) + 1; index < this.records.length && this.records[index].t === record.t; index++) {
      if (test(this.records[index])) return this.records[index];
    }
    return undefined;
  }
}

export function matches(record: Record<string, unknown>, fields: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(fields)) if (record[key] !== value) return false;
  return true;
}

export function mentionedMessages(record: TraceRecord): string[] {
  const ids: string[] = [];
  if (typeof record.msg === 'string' && record.msg !== '') ids.push(record.msg);
  for (const list of [record.msgs, record.unansweredMsgs]) {
    if (Array.isArray(list)) for (const id of list) if (typeof id === 'string' && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** Typed field access on the loosely typed trace records. */
export function numberField(record: TraceRecord | undefined, name: string): number | undefined {
  const value = record?.[name];
  return typeof value === 'number' ? value : undefined;
}

export function stringField(record: TraceRecord | undefined, name: string): string | undefined {
  const value = record?.[name];
  return typeof value === 'string' ? value : undefined;
}

export function listField(record: TraceRecord | undefined, name: string): string[] {
  const value = record?.[name];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function is(kind: string, actor?: string, fields: Record<string, unknown> = {}): RecordTest {
  return (record) => record.kind === kind && (actor === undefined || record.actor === actor) && matches(record, fields);
}
