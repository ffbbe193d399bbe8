import { describe, expect, it } from 'vitest';
import { IndexTimes } from '../../models/index-times.js';
import { HandoverLedger, handoverObservations } from '../../models/observations.js';
import type { WorkloadMessage } from '../../models/workload.js';

describe('IndexTimes', () => {
  it('holds a time per index, -1 where none was set, growing past its first capacity', () => {
    const times = new IndexTimes();
    expect(times.get(3)).toBe(-1);
    times.set(3, 0);
    // Past 2^31 µs, where a plain array boxes its numbers; and far past the initial capacity.
    times.set(5000, 3_000_000_000.5);
    expect([times.get(3), times.get(4), times.get(5000), times.get(4999), times.get(100_000)]).toEqual([0, -1, 3_000_000_000.5, -1, -1]);
  });

  it('copies only the times that were set, and nothing past the target', () => {
    const times = new IndexTimes();
    times.set(1, 10);
    times.set(40, 20);
    const target = [7, 7, 7, 7];
    times.copyInto(target);
    expect(target).toEqual([7, 10, 7, 7]);
  });

  it('refuses an index that is not a workload position', () => {
    expect(() => new IndexTimes().set(-1, 0)).toThrow(RangeError);
  });
});

describe('handoverObservations', () => {
  const workload = ['m1', 'm2', 'm3'].map((id, index): WorkloadMessage => ({ id, index, key: 'k0', partition: 0, producer: `p${index % 2 === 0 ? 1 : 2}`, orderKey: 'k0', keySeq: index, handoverUs: 0 }));
  const ledger = (handed: Record<number, number>, acked: readonly string[]): HandoverLedger => {
    const made = new HandoverLedger();
    for (const [index, time] of Object.entries(handed)) made.handedOver(workload[Number(index)], time);
    for (const message of workload) if (acked.includes(message.id)) made.acknowledge(message);
    return made;
  };

  it('merges every producer’s hand-over times by workload index, -1 for a message none handed over', () => {
    const { handedAtUs } = handoverObservations(workload, [ledger({ 0: 5 }, []), ledger({ 1: 9 }, [])]);
    expect(handedAtUs).toEqual([5, 9, -1]);
  });

  it('answers by id whether any producer had the message acknowledged, and no for an unknown id', () => {
    const { acknowledged } = handoverObservations(workload, [ledger({}, ['m1']), ledger({}, ['m3'])]);
    expect(['m1', 'm2', 'm3', 'm4', 'x'].map((id) => acknowledged.has(id))).toEqual([true, false, true, false, false]);
  });
});
