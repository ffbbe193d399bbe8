import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrayLog, findLastIn, lastSeqOf, logDuplicatesOf, recordOf } from '../../../models/kafka/broker/partition-log.js';
import { PartitionRecords, ReplicaLog } from '../../../models/kafka/broker/replica-log.js';
import type { KafkaMessage, LogRecord } from '../../../models/kafka/protocol.js';
import { SEED_TAG, fcParams } from '../../properties/fc-config.js';

type Produce = Extract<KafkaMessage, { type: 'produce' }>;

const PARTITION = 2;

/** A produce request for message `index`, idempotent (pid, seq) or not, transactional (epoch) or not. */
function produce(index: number, attempt: number, pid: number, seq: number, epoch: number | undefined): Produce {
  return { type: 'produce', msgId: `m${index + 1}`, index, key: `k${index % 3}`, partition: PARTITION, attempt, waitForAck: true, pid, seq, ...(epoch === undefined ? {} : { epoch }) };
}

/**
 * Three replicas as the one-actor broker drives them: the leader appends, followers catch up, a truncation cuts a
 * follower back. Each step is done to the columnar logs and to arrays of records (what the logs were before), and
 * both must read the same.
 */
type Step = { op: 'append'; pid: number; epoch: number | undefined } | { op: 'catch-up'; replica: number } | { op: 'truncate'; replica: number; keep: number } | { op: 'lead'; replica: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('append' as const), pid: fc.integer({ min: -1, max: 2 }), epoch: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('catch-up' as const), replica: fc.nat({ max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), replica: fc.nat({ max: 2 }), keep: fc.nat({ max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('lead' as const), replica: fc.nat({ max: 2 }) }) },
);

function replay(steps: readonly Step[]): { logs: ReplicaLog[]; arrays: LogRecord[][]; cuts: [string[], string[]][] } {
  const records = new PartitionRecords(PARTITION);
  const logs = [0, 1, 2].map(() => new ReplicaLog(records));
  const arrays: LogRecord[][] = [[], [], []];
  const cuts: [string[], string[]][] = [];
  let leader = 0;
  let index = 0;
  for (const step of steps) {
    if (step.op === 'append') {
      const request = produce(index, 1 + (index % 4), step.pid, step.pid < 0 ? -1 : index, step.epoch);
      index++;
      const offset = logs[leader].length;
      logs[leader].push(records.add(request, offset));
      arrays[leader].push(recordOf(request, offset));
    } else if (step.op === 'catch-up' && step.replica !== leader) {
      logs[step.replica].catchUpWith(logs[leader]);
      for (let offset = arrays[step.replica].length; offset < arrays[leader].length; offset++) arrays[step.replica].push(arrays[leader][offset]);
    } else if (step.op === 'truncate' && step.replica !== leader) {
      const keep = Math.min(step.keep, arrays[step.replica].length);
      cuts.push([logs[step.replica].truncate(keep), arrays[step.replica].slice(keep).map((record) => record.msgId)]);
      arrays[step.replica].length = keep;
    } else if (step.op === 'lead') leader = step.replica;
  }
  return { logs, arrays, cuts };
}

function expectSameLogs(logs: readonly ReplicaLog[], arrays: readonly LogRecord[][]): void {
  logs.forEach((log, replica) => {
    const array = arrays[replica];
    expect(log.length).toBe(array.length);
    expect(log.slice(0, log.length)).toEqual(array);
    for (let offset = 0; offset < array.length; offset++) expect(log.at(offset)).toEqual(array[offset]);
    expect(log.at(array.length)).toBeUndefined();
    expect(log.at(-1)).toBeUndefined();
    // Array.prototype.slice's clamping, which a fetch past the end or a read_committed fetch relies on.
    for (const [start, end] of [
      [2, 5],
      [array.length - 1, array.length + 10],
      [array.length + 3, array.length + 1],
      [5, 2],
      [-2, array.length],
    ])
      expect(log.slice(start, end)).toEqual(array.slice(start, end));
    // Two logs hold the same record at an offset exactly when the arrays hold the same object there.
    for (const other of [0, 1, 2]) {
      const common = Math.min(array.length, arrays[other].length);
      for (let offset = 0; offset < common; offset++) expect(log.sameAt(offset, logs[other])).toBe(array[offset] === arrays[other][offset]);
    }
  });
}

describe('ReplicaLog', () => {
  it(`reads as the arrays of records it replaced, through appends, catch-ups, truncations and new leaders ${SEED_TAG}`, () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 120 }), (steps) => {
        const { logs, arrays, cuts } = replay(steps);
        expectSameLogs(logs, arrays);
        for (const [cut, expected] of cuts) expect(cut).toEqual(expected);
        // The searches read a log of record numbers exactly as they read an array of records.
        for (let replica = 0; replica < 3; replica++) {
          for (const pid of [0, 1, 2]) for (const seq of [0, 3, 7, 50]) expect(findLastIn(logs[replica], pid, seq)).toBe(findLastIn(arrayLog(arrays[replica]), pid, seq));
          const current = (pid: number, epoch: number | undefined): boolean => epoch === undefined || epoch !== pid;
          const scanned = lastSeqOf(arrayLog(arrays[replica]), new Set([0, 1, 2]), current);
          expect(lastSeqOf(logs[replica], new Set([0, 1, 2]), current)).toEqual(scanned);
          // The election's per-producer-id search finds what the scan from the log's end finds.
          const sorted = (map: Map<number, number>): number[][] => [...map].sort((a, b) => a[0] - b[0]);
          expect(sorted(logs[replica].lastSeqs(new Set([0, 1, 2]), current))).toEqual(sorted(scanned));
          expect(sorted(logs[replica].lastSeqs(new Set([0, 1, 2]), () => true))).toEqual(sorted(lastSeqOf(arrayLog(arrays[replica]), new Set([0, 1, 2]), () => true)));
        }
        expect(logDuplicatesOf(logs)).toEqual(logDuplicatesOf(arrays.map(arrayLog)));
      }),
      fcParams(),
    );
  });

  it('keeps its records past the point where its columns become typed arrays, and across their growth', () => {
    const steps: Step[] = [];
    for (let index = 0; index < 20_000; index++) {
      steps.push({ op: 'append', pid: index % 5 === 0 ? -1 : index % 3, epoch: index % 7 === 0 ? index % 4 : undefined });
      if (index % 1000 === 999) steps.push({ op: 'catch-up', replica: 1 });
      if (index === 15_000) steps.push({ op: 'truncate', replica: 1, keep: 9_000 }, { op: 'catch-up', replica: 2 });
    }
    const { logs, arrays } = replay(steps);
    expect(logs[0].length).toBe(20_000);
    expect(logs[2].length).toBe(15_001);
    expectSameLogs(logs, arrays);
  });
});
