/**
 * A partition's transaction bookkeeping, as a Kafka broker keeps it per log: the first offset of each producer's
 * open transaction (what holds the last stable offset back) and the aborted transaction index (producer id and
 * offset range of every aborted transaction), which read_committed fetches hand to the client so it can drop
 * those records. The control markers themselves are not log records here (in Kafka they take an offset each):
 * offsets stay the workload's, and a marker cannot be truncated away by a leader failover.
 */
import { partitionPoint } from '../../../sim/bisect.js';
import type { KafkaMessage, LogRecord, TxnMarker } from '../protocol.js';

interface AbortedRange {
  readonly firstOffset: number;
  readonly lastOffset: number;
}

export class TransactionIndex {
  /** Producer id -> first offset of its open transaction in this partition. */
  private readonly open = new Map<number, number>();
  /**
   * Producer id -> its aborted ranges in the order written. A producer's next transaction starts after its last
   * marker, so they come in offset order without overlap and a record's range is found by binary search (a scan of
   * every aborted range per record made judging a long transactional run quadratic); should a range ever come out
   * of order, that producer's ranges are scanned.
   */
  private readonly aborted = new Map<number, AbortedRange[]>();
  private readonly scanned = new Set<number>();
  /** Producer id -> the log end when its last marker was written here: its records from there are undecided. */
  private readonly decidedEnd = new Map<number, number>();

  /** A transactional record was appended at `offset`: the producer's transaction is open here from its first one. */
  appended(pid: number, offset: number): void {
    if (!this.open.has(pid)) this.open.set(pid, offset);
  }

  /** The coordinator's marker for `pid`'s transaction; `logEnd` is the leader's log length when it is written. */
  mark(pid: number, marker: TxnMarker, logEnd: number): void {
    this.decidedEnd.set(pid, logEnd);
    const first = this.open.get(pid);
    if (first === undefined) return;
    this.open.delete(pid);
    if (marker !== 'ABORT') return;
    let ranges = this.aborted.get(pid);
    if (ranges === undefined) this.aborted.set(pid, (ranges = []));
    const previous = ranges.at(-1);
    if (previous !== undefined && first <= previous.lastOffset) this.scanned.add(pid);
    ranges.push({ firstOffset: first, lastOffset: logEnd - 1 });
  }

  /**
   * A new leader's log ends at `logEnd`: what lay beyond is gone from the partition, and offsets from there are
   * written again. An aborted range is cut back to it (in Kafka the abort marker, a record past those, went with them,
   * and the coordinator wrote it again at the new leader's end), and an open transaction whose records are all gone
   * opens again at its next record (its retry). Without this, the next transaction's records at those offsets read
   * as aborted.
   */
  truncated(logEnd: number): void {
    for (const [pid, first] of this.open) if (first >= logEnd) this.open.delete(pid);
    for (const [pid, ranges] of this.aborted) {
      if (ranges.every((range) => range.lastOffset < logEnd)) continue;
      const cut = ranges.filter((range) => range.firstOffset < logEnd).map((range) => (range.lastOffset < logEnd ? range : { firstOffset: range.firstOffset, lastOffset: logEnd - 1 }));
      if (cut.length === 0) this.aborted.delete(pid);
      else this.aborted.set(pid, cut);
    }
  }

  /**
   * A new leader's log (a broker cluster's): its transactional records past their producer's last marker are an open
   * transaction, as a Kafka leader rebuilds its producer state from its log. A deposed leader's appends, which this
   * index did not take, reach the new leader when it copied them before it heard of its election. Reads the log
   * from the earliest last marker only, not from its start.
   */
  reopen(log: readonly Pick<LogRecord, 'offset' | 'pid' | 'epoch'>[]): void {
    let from = log.length;
    for (const end of this.decidedEnd.values()) from = Math.min(from, end);
    if (this.decidedEnd.size === 0) from = 0;
    for (let offset = from; offset < log.length; offset++) {
      const record = log[offset];
      if (record.epoch === undefined || record.offset < (this.decidedEnd.get(record.pid) ?? 0)) continue;
      const first = this.open.get(record.pid);
      if (first === undefined || record.offset < first) this.open.set(record.pid, record.offset);
    }
  }

  /** The last stable offset: below it every transaction is decided (at most the high watermark). */
  lastStableOffset(hw: number): number {
    let lso = hw;
    for (const first of this.open.values()) if (first < lso) lso = first;
    return lso;
  }

  hasOpen(): boolean {
    return this.open.size > 0;
  }

  isAborted(record: LogRecord): boolean {
    if (record.epoch === undefined) return false;
    const ranges = this.aborted.get(record.pid);
    if (ranges === undefined) return false;
    const offset = record.offset;
    if (this.scanned.has(record.pid)) return ranges.some((range) => offset >= range.firstOffset && offset <= range.lastOffset);
    const at = partitionPoint(0, ranges.length, (index) => ranges[index].firstOffset <= offset) - 1;
    return at >= 0 && offset <= ranges[at].lastOffset;
  }

  /** The offsets among `records` that aborted transactions wrote (undefined when none: the common case). */
  abortedAmong(records: readonly LogRecord[]): number[] | undefined {
    if (this.aborted.size === 0) return undefined;
    const offsets = records.filter((record) => this.isAborted(record)).map((record) => record.offset);
    return offsets.length > 0 ? offsets : undefined;
  }
}

/** What the functions below read of a leader's log: the one-actor broker's ReplicaLog and a cluster replica's array alike. */
interface RecordsView {
  readonly length: number;
  at(offset: number): LogRecord | undefined;
  slice(start: number, end: number): LogRecord[];
}

/**
 * The answer to a read_committed fetch from a leader's log: records below the last stable offset, with the offsets
 * aborted transactions wrote (Kafka sends the aborted transaction index; the client drops them).
 */
export function committedFetchResponse(fetch: Extract<KafkaMessage, { type: 'fetch' }>, log: RecordsView, index: TransactionIndex, hw: number): KafkaMessage {
  const end = Math.min(index.lastStableOffset(hw), fetch.fromOffset + fetch.maxRecords);
  const records = log.slice(fetch.fromOffset, Math.max(fetch.fromOffset, end));
  const aborted = index.abortedAmong(records);
  const base = { type: 'fetch-response' as const, partition: fetch.partition, fromOffset: fetch.fromOffset, attempt: fetch.attempt, records };
  return aborted === undefined ? base : { ...base, aborted };
}

/**
 * The answer to a fetch from RESET_TO_LATEST (auto.offset.reset=latest, no committed offset): OFFSET_OUT_OF_RANGE with
 * the partition's end, as ListOffsets gives it: the last stable offset for a read_committed reader (`index` given),
 * the high watermark otherwise.
 */
export function latestOffsetResponse(fetch: Extract<KafkaMessage, { type: 'fetch' }>, index: TransactionIndex | undefined, hw: number): KafkaMessage {
  return { type: 'fetch-out-of-range', partition: fetch.partition, fromOffset: fetch.fromOffset, attempt: fetch.attempt, resetTo: index === undefined ? hw : index.lastStableOffset(hw) };
}

/** Messages the committed records of the partitions' leader logs hold more than once (a transaction's output written twice); `index` of a partition, undefined without a leader. */
export function committedDuplicates(logs: readonly (RecordsView | undefined)[], index: (partition: number) => TransactionIndex): number {
  const seen = new Set<string>();
  const twice = new Set<string>();
  logs.forEach((log, partition) => {
    if (log === undefined) return;
    for (let offset = 0; offset < log.length; offset++) {
      const record = log.at(offset) as LogRecord;
      if (index(partition).isAborted(record)) continue;
      if (seen.has(record.msgId)) twice.add(record.msgId);
      seen.add(record.msgId);
    }
  });
  return twice.size;
}
