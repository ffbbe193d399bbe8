import { describe, expect, it } from 'vitest';
import { TransactionIndex } from '../../../models/kafka/broker/transaction-index.js';
import type { LogRecord } from '../../../models/kafka/protocol.js';

const record = (pid: number, offset: number, transactional = true): LogRecord => ({ offset, partition: 0, msgId: `m${offset}`, index: offset, key: 'k0', pid, seq: offset, attempt: 1, ...(transactional ? { epoch: 0 } : {}) });

/** Three producers' transactions over one log, each committed or aborted; `ranges` records what was aborted. */
function writeTransactions(index: TransactionIndex, plan: readonly { pid: number; from: number; to: number; abort: boolean }[]): { pid: number; first: number; last: number }[] {
  const ranges: { pid: number; first: number; last: number }[] = [];
  for (const { pid, from, to, abort } of plan) {
    for (let offset = from; offset <= to; offset++) index.appended(pid, offset);
    index.mark(pid, abort ? 'ABORT' : 'COMMIT', to + 1);
    if (abort) ranges.push({ pid, first: from, last: to });
  }
  return ranges;
}

describe('TransactionIndex', () => {
  it('finds the aborted records by binary search exactly as a scan of every aborted range does', () => {
    const index = new TransactionIndex();
    const plan = Array.from({ length: 300 }, (_, transaction) => ({ pid: transaction % 3, from: transaction * 4, to: transaction * 4 + 2, abort: transaction % 5 === 1 || transaction % 7 === 0 }));
    const ranges = writeTransactions(index, plan);
    for (let offset = 0; offset < 1210; offset++) {
      for (const pid of [0, 1, 2, 3]) {
        const scanned = ranges.some((range) => range.pid === pid && offset >= range.first && offset <= range.last);
        expect(index.isAborted(record(pid, offset)), `pid ${pid} offset ${offset}`).toBe(scanned);
      }
    }
    // A non-transactional record (no epoch) is never aborted.
    expect(index.isAborted(record(1, 4, false))).toBe(false);
    expect(index.abortedAmong([record(0, 0), record(2, 8), record(1, 4), record(1, 5)])).toEqual([0, 4, 5]);
  });

  it('still answers when a producer\'s aborted ranges come out of order (scanned, not searched)', () => {
    const index = new TransactionIndex();
    const ranges = writeTransactions(index, [
      { pid: 7, from: 50, to: 60, abort: true },
      { pid: 7, from: 10, to: 20, abort: true },
      { pid: 7, from: 30, to: 35, abort: false },
    ]);
    for (let offset = 0; offset < 70; offset++) {
      expect(index.isAborted(record(7, offset)), String(offset)).toBe(ranges.some((range) => offset >= range.first && offset <= range.last));
    }
  });
});

describe('TransactionIndex after a leader change', () => {
  it("cuts aborted ranges and open transactions back to the new leader's log end, so the offsets written again are not read as aborted", () => {
    const index = new TransactionIndex();
    // pid 1 aborts a transaction over offsets 2..5 on a leader whose tail (4, 5) no follower had copied.
    for (let offset = 2; offset <= 5; offset++) index.appended(1, offset);
    index.mark(1, 'ABORT', 6);
    // pid 2's open transaction started at offset 5: gone with that tail.
    index.appended(2, 5);
    expect(index.lastStableOffset(10)).toBe(5);
    index.truncated(4);
    expect([2, 3].map((offset) => index.isAborted(record(1, offset)))).toEqual([true, true]);
    // The new leader writes pid 1's next transaction at 4 and 5: committed records, not aborted ones.
    expect([4, 5].map((offset) => index.isAborted(record(1, offset)))).toEqual([false, false]);
    expect(index.lastStableOffset(10)).toBe(10);
    // pid 2's retry opens its transaction again where it lands.
    index.appended(2, 6);
    expect(index.lastStableOffset(10)).toBe(6);
    // A range wholly past the cut goes; one wholly before it stays.
    index.appended(3, 7);
    index.mark(3, 'ABORT', 8);
    index.truncated(7);
    expect(index.isAborted(record(3, 7))).toBe(false);
    expect(index.isAborted(record(1, 2))).toBe(true);
  });
});

describe('TransactionIndex.reopen, when a leader starts', () => {
  it("opens each producer's transaction at its first record past its last marker, as a Kafka leader rebuilds its producer state", () => {
    const index = new TransactionIndex();
    // pid 1 committed offsets 0..1 (its marker at log end 2); pid 2 has written nothing decided yet.
    index.appended(1, 0);
    index.appended(1, 1);
    index.mark(1, 'COMMIT', 2);
    // The new leader copied, before it heard of its election, pid 1's offset 3 and pid 2's offset 2 from a deposed
    // leader, whose appends this index did not take; offset 4 is not transactional.
    const log = [record(1, 0), record(1, 1), record(2, 2), record(1, 3), record(3, 4, false)];
    expect(index.lastStableOffset(5)).toBe(5);
    index.reopen(log);
    expect(index.lastStableOffset(5)).toBe(2);
    // Aborting pid 1's transaction covers its open record only, not its committed ones.
    index.mark(1, 'ABORT', 5);
    expect([0, 1, 3].map((offset) => index.isAborted(record(1, offset)))).toEqual([false, false, true]);
    expect(index.lastStableOffset(5)).toBe(2);
    index.mark(2, 'COMMIT', 5);
    expect(index.lastStableOffset(5)).toBe(5);
  });
});
