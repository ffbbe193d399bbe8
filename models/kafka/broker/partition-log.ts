/**
 * The partition-log logic every Kafka broker shape shares (the one-actor broker and a cluster's brokers): the record
 * an append writes, the idempotent producer's sequence check, rebuilding the last sequence numbers after an
 * election, and finding records a log holds more than once.
 */
import type { LogCopies } from '../../observations.js';
import type { KafkaMessage, LogRecord } from '../protocol.js';

type Produce = Extract<KafkaMessage, { type: 'produce' }>;

/**
 * What the idempotent producer's sequence number says about a produce request (Kafka's ProducerStateManager):
 * `append` (the next one), `duplicate` (a retry of something in the log) or `out-of-order` (a gap).
 */
export type SequenceVerdict = 'append' | 'duplicate' | 'out-of-order';

export function sequenceVerdict(lastSeq: ReadonlyMap<number, number>, pid: number, seq: number): SequenceVerdict {
  const last = lastSeq.get(pid) ?? -1;
  if (seq <= last) return 'duplicate';
  return seq > last + 1 ? 'out-of-order' : 'append';
}

/** The record a produce request appends at `offset` (built whole, in one key order: a trace prints it). */
export function recordOf(request: Produce, offset: number): LogRecord {
  if (request.epoch === undefined) return { offset, partition: request.partition, msgId: request.msgId, index: request.index, key: request.key, pid: request.pid, seq: request.seq, attempt: request.attempt };
  return { offset, partition: request.partition, msgId: request.msgId, index: request.index, key: request.key, pid: request.pid, seq: request.seq, attempt: request.attempt, epoch: request.epoch };
}

/**
 * What the functions below read of a log, offset by offset: the one-actor broker's logs of record numbers
 * (replica-log.ts) and a cluster replica's array of records (`arrayLog`) alike.
 */
export interface LogView {
  readonly length: number;
  offsetAt(offset: number): number;
  indexAt(offset: number): number;
  msgIdAt(offset: number): string;
  pidAt(offset: number): number;
  seqAt(offset: number): number;
  epochAt(offset: number): number | undefined;
}

/**
 * An array of records seen as a LogView. (A class, not an object literal with a getter: a literal's getter lives in
 * an accessor pair in the old generation, which kept each log it was made for from the young-generation GC; see
 * models/lazy-fields.ts.)
 */
class ArrayLog implements LogView {
  constructor(private readonly log: readonly LogRecord[]) {}

  get length(): number {
    return this.log.length;
  }

  offsetAt(offset: number): number {
    return this.log[offset].offset;
  }

  indexAt(offset: number): number {
    return this.log[offset].index;
  }

  msgIdAt(offset: number): string {
    return this.log[offset].msgId;
  }

  pidAt(offset: number): number {
    return this.log[offset].pid;
  }

  seqAt(offset: number): number {
    return this.log[offset].seq;
  }

  epochAt(offset: number): number | undefined {
    return this.log[offset].epoch;
  }
}

export function arrayLog(log: readonly LogRecord[]): LogView {
  return new ArrayLog(log);
}

/** The offset of the record of (pid, seq) in a log: each is appended once, and a retry is usually of something recent. */
export function findLastIn(log: LogView, pid: number, seq: number): number | undefined {
  for (let at = log.length - 1; at >= 0; at--) if (log.pidAt(at) === pid && log.seqAt(at) === seq) return log.offsetAt(at);
  return undefined;
}

/**
 * The last sequence number per producer id in a log, read from its end until every producer id is found: without
 * idempotence (no ids) nothing is read, so an election costs what it changes, not the length of the log.
 * `current(pid, epoch)`: whether a record of that producer id and epoch counts.
 */
export function lastSeqOf(log: LogView, pids: ReadonlySet<number>, current: (pid: number, epoch: number | undefined) => boolean): Map<number, number> {
  const lastSeq = new Map<number, number>();
  for (let at = log.length - 1; at >= 0 && lastSeq.size < pids.size; at--) {
    const pid = log.pidAt(at);
    const seq = log.seqAt(at);
    if (seq >= 0 && !lastSeq.has(pid) && current(pid, log.epochAt(at))) lastSeq.set(pid, seq);
  }
  return lastSeq;
}

/** Messages the partition logs hold more than once (one pass over them after the run), in workload order. */
export function logDuplicatesOf(logs: readonly LogView[]): LogCopies[] {
  // Count first: most runs duplicate nothing, and a list per record would be a million arrays at 1,000,000 messages.
  // In an array sized by the largest index (one pass to find it; an index is a workload position, >= 0) and filled,
  // not one grown by index: the logs hold the indexes out of order, so that array grew with holes at every step.
  // (Not a typed array: its buffer outside the heap cost a short run more than the counting.)
  let size = 0;
  for (const log of logs) for (let at = 0; at < log.length; at++) if (log.indexAt(at) >= size) size = log.indexAt(at) + 1;
  const counts = new Array<number>(size).fill(0);
  let duplicated = false;
  for (const log of logs) for (let at = 0; at < log.length; at++) if (++counts[log.indexAt(at)] > 1) duplicated = true;
  if (!duplicated) return [];
  const byIndex = new Map<number, { msgId: string; partition: number; offsets: number[] }>();
  logs.forEach((log, partition) => {
    for (let at = 0; at < log.length; at++) {
      const index = log.indexAt(at);
      if (counts[index] < 2) continue;
      let entry = byIndex.get(index);
      if (entry === undefined) byIndex.set(index, (entry = { msgId: log.msgIdAt(at), partition, offsets: [] }));
      entry.partition = partition;
      entry.offsets.push(log.offsetAt(at));
    }
  });
  return [...byIndex.keys()].sort((a, b) => a - b).map((index) => byIndex.get(index) as LogCopies);
}
