/**
 * An election updates the partition's last sequence number per producer id only for the ids whose records differ
 * between the new leader's log and the log the map matched (models/kafka/broker/broker.ts). Here every election of
 * many faulty runs is checked against the whole recomputation: the two must always agree.
 */
import { describe, expect, it } from 'vitest';
import type { ModeName } from '../../../models/config.js';
import { simulate } from '../../../models/engine.js';
import { Broker } from '../../../models/kafka/broker/broker.js';
import type { PartitionState } from '../../../models/kafka/broker/broker.js';
import type { ReplicaLog } from '../../../models/kafka/broker/replica-log.js';

type Elect = (state: PartitionState, leaderLog: ReplicaLog) => Map<number, number>;

const sorted = (map: ReadonlyMap<number, number>): number[][] => [...map].sort((a, b) => a[0] - b[0]);

describe("an election's last sequence numbers", () => {
  it('agree with a whole recomputation from the new leader\'s log, at every election of faulty runs', () => {
    const prototype = Broker.prototype as unknown as { lastSeqAfterElection: Elect };
    const original = prototype.lastSeqAfterElection;
    let elections = 0;
    let changed = 0;
    const mismatches: string[] = [];
    prototype.lastSeqAfterElection = function (this: Broker, state, leaderLog) {
      const before = sorted(state.lastSeq);
      const updated = original.call(this, state, leaderLog);
      const whole = leaderLog.lastSeqs(state.pids, (pid, epoch) => epoch === undefined || epoch === this.transactions.epochOf(pid));
      elections++;
      if (JSON.stringify(sorted(updated)) !== JSON.stringify(before)) changed++;
      if (JSON.stringify(sorted(updated)) !== JSON.stringify(sorted(whole))) mismatches.push(`partition ${state.records.partition}: ${JSON.stringify(sorted(updated))} vs ${JSON.stringify(sorted(whole))}`);
      return updated;
    };
    try {
      for (const mode of ['exactly-once', 'at-least-once'] as ModeName[]) {
        for (let seed = 1; seed <= 60; seed++) simulate({ mode, seed, faults: 'chaos', workload: { messages: 80, partitions: 2 } });
      }
      for (let seed = 1; seed <= 20; seed++) simulate({ mode: 'exactly-once', seed, faults: 'chaos', workload: { messages: 60 }, settings: { transactions: true } });
    } finally {
      prototype.lastSeqAfterElection = original;
    }
    expect(mismatches).toEqual([]);
    // The check saw elections, and elections that moved a producer id's number (a truncated record of it).
    expect(elections).toBeGreaterThan(100);
    expect(changed).toBeGreaterThan(5);
  });
});
