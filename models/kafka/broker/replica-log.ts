/**
 * A partition's records in columns, and each replica's log as the numbers of the records it holds.
 *
 * A log record as an object took about 100 bytes, and each of the three replicas' logs 8 more a record for its
 * pointer: at a million messages, a quarter of a run's memory. Here a record is a row of typed columns plus its
 * message id's and key's numbers (see NameColumn), 32 bytes, and a replica holds 4 bytes a record.
 * Replicas still share records: a follower copies the leader's record numbers, and two logs hold the same record at
 * an offset when they hold the same number there (what truncation compares). A record is built as an object only
 * when one leaves the broker (a fetch answer) or is asked for.
 */
import type { KafkaMessage, LogRecord } from '../protocol.js';
import type { LogView } from './partition-log.js';
import { TYPED_FROM, TYPED_FROM_ROWS, typedWithRoom } from '../../columns.js';
import { keyColumn, messageIdColumn } from '../../name-column.js';

type Produce = Extract<KafkaMessage, { type: 'produce' }>;

const NONE: readonly number[] = [];

/** Int32 fields a record has in `rows`: offset, workload index, producer id, sequence number, attempt, epoch, message id, key. */
const FIELDS = 8;
const OFFSET = 0;
const INDEX = 1;
const PID = 2;
const SEQ = 3;
const ATTEMPT = 4;
/** A transactional producer's epoch, or -1 when the record has none (epochs start at 0). */
const EPOCH = 5;
const MSG = 6;
const KEY = 7;

/** Every record ever appended to one partition (by any leader), numbered from 0 in append order. */
export class PartitionRecords {
  /** FIELDS numbers a record, record after record: a plain array while short, an Int32Array that doubles once long. */
  private rows: number[] | Int32Array = [];
  private readonly msgIds = messageIdColumn();
  private readonly keys = keyColumn();
  /** Per producer id: the numbers of its sequenced records (idempotent producers'), in append order. */
  private readonly sequenced = new Map<number, number[]>();
  private count = 0;

  constructor(readonly partition: number) {}

  /** The record a produce request appends at `offset`; returns its number. */
  add(request: Produce, offset: number): number {
    const number = this.count++;
    const at = number * FIELDS;
    const epoch = request.epoch ?? -1;
    const msgNumber = this.msgIds.encode(number, request.msgId);
    const keyNumber = this.keys.encode(number, request.key);
    const rows = this.rows;
    // In the order OFFSET, INDEX, PID, SEQ, ATTEMPT, EPOCH, MSG, KEY.
    if (Array.isArray(rows) && number < TYPED_FROM_ROWS) rows.push(offset, request.index, request.pid, request.seq, request.attempt, epoch, msgNumber, keyNumber);
    else {
      const typed = (this.rows = typedWithRoom(rows, at + FIELDS, Int32Array));
      typed[at + OFFSET] = offset;
      typed[at + INDEX] = request.index;
      typed[at + PID] = request.pid;
      typed[at + SEQ] = request.seq;
      typed[at + ATTEMPT] = request.attempt;
      typed[at + EPOCH] = epoch;
      typed[at + MSG] = msgNumber;
      typed[at + KEY] = keyNumber;
    }
    if (request.seq >= 0) {
      const numbers = this.sequenced.get(request.pid);
      if (numbers === undefined) this.sequenced.set(request.pid, [number]);
      else numbers.push(number);
    }
    return number;
  }

  /** The record as an object, in the key order a produce request's record always had (`epoch` only when it has one). */
  record(number: number): LogRecord {
    const rows = this.rows;
    const at = number * FIELDS;
    const epoch = rows[at + EPOCH];
    const msgId = this.msgIdOf(number);
    const key = this.keys.decode(number, rows[at + KEY]);
    if (epoch < 0) return { offset: rows[at + OFFSET], partition: this.partition, msgId, index: rows[at + INDEX], key, pid: rows[at + PID], seq: rows[at + SEQ], attempt: rows[at + ATTEMPT] };
    return { offset: rows[at + OFFSET], partition: this.partition, msgId, index: rows[at + INDEX], key, pid: rows[at + PID], seq: rows[at + SEQ], attempt: rows[at + ATTEMPT], epoch };
  }

  /** The numbers of this producer id's sequenced records, in append order. */
  sequencedBy(pid: number): readonly number[] {
    return this.sequenced.get(pid) ?? NONE;
  }

  offsetOf(number: number): number {
    return this.rows[number * FIELDS + OFFSET];
  }

  indexOf(number: number): number {
    return this.rows[number * FIELDS + INDEX];
  }

  msgIdOf(number: number): string {
    return this.msgIds.decode(number, this.rows[number * FIELDS + MSG]);
  }

  pidOf(number: number): number {
    return this.rows[number * FIELDS + PID];
  }

  seqOf(number: number): number {
    return this.rows[number * FIELDS + SEQ];
  }

  epochOf(number: number): number | undefined {
    const epoch = this.rows[number * FIELDS + EPOCH];
    return epoch >= 0 ? epoch : undefined;
  }
}

/** One replica's log of a partition: at each offset, the number of the record it holds there. */
export class ReplicaLog implements LogView {
  /** A plain array while short, an Int32Array once long (see TYPED_FROM); past `size`, numbers a truncation cut. */
  private numbers: number[] | Int32Array = [];
  private size = 0;

  constructor(readonly records: PartitionRecords) {}

  get length(): number {
    return this.size;
  }

  /** Appends the record numbered `number`. */
  push(number: number): void {
    const numbers = this.numbers;
    if (Array.isArray(numbers) && this.size < TYPED_FROM) numbers[this.size++] = number;
    else (this.numbers = typedWithRoom(numbers, this.size + 1, Int32Array))[this.size++] = number;
  }

  /** Copies the records `leader` holds past this log's end (a follower catching up: the records are shared). */
  catchUpWith(leader: ReplicaLog): void {
    while (this.size < leader.size) this.push(leader.numbers[this.size]);
  }

  /** True when both logs hold the same record at `offset` (both must reach it). */
  sameAt(offset: number, other: ReplicaLog): boolean {
    return this.numbers[offset] === other.numbers[offset];
  }

  /**
   * How many first records this log shares with `other`. From the end: two logs share a prefix up to where they
   * diverged (the same record at an offset means the same records before it), so the work is what differs.
   */
  commonPrefix(other: ReplicaLog): number {
    let common = Math.min(this.size, other.size);
    while (common > 0 && !this.sameAt(common - 1, other)) common--;
    return common;
  }

  /** True when this log holds the record numbered `number` (at the offset it was appended at). */
  holds(number: number): boolean {
    const offset = this.records.offsetOf(number);
    return offset < this.size && this.numbers[offset] === number;
  }

  /**
   * What lastSeqOf (partition-log.ts) reads from this log, found per producer id instead of by a scan from the log's
   * end: the scan went back to the last record of the oldest producer id, so with producers restarting (a new id
   * each) every election read nearly the whole log, 44% of a 1,000,000-message exactly-once run. A log's record
   * numbers grow with the offset (a leader appends new numbers at its end, a follower copies a prefix of a leader's,
   * a truncation keeps a prefix), so an id's records in this log are in the order of their numbers: its latest number
   * this log holds, of a counted epoch, is its last record here. (The map is only looked up: its order is not lastSeqOf's.)
   */
  lastSeqs(pids: ReadonlySet<number>, current: (pid: number, epoch: number | undefined) => boolean): Map<number, number> {
    const lastSeq = new Map<number, number>();
    for (const pid of pids) {
      const seq = this.lastSeqOf(pid, current);
      if (seq !== undefined) lastSeq.set(pid, seq);
    }
    return lastSeq;
  }

  /** One producer id's entry of lastSeqs: the sequence number of its last counted record in this log, if any. */
  lastSeqOf(pid: number, current: (pid: number, epoch: number | undefined) => boolean): number | undefined {
    const numbers = this.records.sequencedBy(pid);
    for (let at = numbers.length - 1; at >= 0; at--) {
      const number = numbers[at];
      if (this.holds(number) && current(pid, this.records.epochOf(number))) return this.records.seqOf(number);
    }
    return undefined;
  }

  /** Adds to `pids` the producer id of every sequenced record from `offset` to the end. */
  sequencedPidsFrom(offset: number, pids: Set<number>): void {
    for (let at = offset; at < this.size; at++) {
      const number = this.numbers[at];
      if (this.records.seqOf(number) >= 0) pids.add(this.records.pidOf(number));
    }
  }

  /** The number of the record at the log's end, or -1 for an empty log. */
  lastNumber(): number {
    return this.size > 0 ? this.numbers[this.size - 1] : -1;
  }

  /** Cuts the log to its first `length` records; returns the message ids of the records cut, in log order. */
  truncate(length: number): string[] {
    const cut: string[] = [];
    for (let offset = length; offset < this.size; offset++) cut.push(this.msgIdAt(offset));
    this.size = Math.min(this.size, length);
    return cut;
  }

  /** The record at `offset` as an object, or undefined past the log's end. */
  at(offset: number): LogRecord | undefined {
    return offset >= 0 && offset < this.size ? this.records.record(this.numbers[offset]) : undefined;
  }

  /** The records from `start` up to `end` (excluded) as objects, clamped to the log as Array.prototype.slice clamps. */
  slice(start: number, end: number): LogRecord[] {
    const from = Math.max(0, Math.min(start < 0 ? this.size + start : start, this.size));
    const to = Math.max(0, Math.min(end < 0 ? this.size + end : end, this.size));
    const records: LogRecord[] = [];
    for (let offset = from; offset < to; offset++) records.push(this.records.record(this.numbers[offset]));
    return records;
  }

  offsetAt(offset: number): number {
    return this.records.offsetOf(this.numbers[offset]);
  }

  indexAt(offset: number): number {
    return this.records.indexOf(this.numbers[offset]);
  }

  msgIdAt(offset: number): string {
    return this.records.msgIdOf(this.numbers[offset]);
  }

  pidAt(offset: number): number {
    return this.records.pidOf(this.numbers[offset]);
  }

  seqAt(offset: number): number {
    return this.records.seqOf(this.numbers[offset]);
  }

  epochAt(offset: number): number | undefined {
    return this.records.epochOf(this.numbers[offset]);
  }
}
