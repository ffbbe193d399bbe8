/**
 * Consumer lag: the most messages handed over and not yet processed at one time, and the longest a processed
 * message waited. Hand-written timelines with the figures worked out by hand, then a check that a run reports
 * what its own trace implies.
 */
import { describe, expect, it } from 'vitest';
import type { AppliedEffect } from '../../models/db/database.js';
import { simulate } from '../../models/engine.js';
import type { SimulationResult } from '../../models/engine.js';
import { lagByGroup, lagOf, worstLag } from '../../models/lag.js';
import type { ParkedRecord } from '../../models/observations.js';
import type { WorkloadMessage } from '../../models/workload.js';

/** n messages on key k0, partition 0 (their hand-over times come separately, as the engine passes them). */
function messages(n: number): WorkloadMessage[] {
  return Array.from({ length: n }, (_, index) => ({ id: `m${index + 1}`, index, key: 'k0', partition: 0, producer: 'p1', orderKey: 'k0', keySeq: index, handoverUs: 0 }));
}

function effect(msgId: string, t: number, group = 'g1'): AppliedEffect {
  return { msgId, key: 'k0', partition: 0, offset: 0, t, group, consumer: `${group}/c1` };
}

function parked(msgId: string, t: number, group = 'g1'): ParkedRecord {
  return { msgId, group, t };
}

describe('lagOf', () => {
  it('counts the messages waiting at each moment and the longest wait', () => {
    // m1 0..500, m2 1000..4000, m3 2000..2500: m2 and m3 both wait over 2000..2500.
    const lag = lagOf(messages(3), [0, 1000, 2000], [effect('m1', 500), effect('m3', 2500), effect('m2', 4000)]);
    expect(lag).toEqual({ maxRecords: 2, maxMs: 3 });
  });

  it('nothing handed over: no lag', () => {
    expect(lagOf([], [], [])).toEqual({ maxRecords: 0, maxMs: 0 });
  });

  it('a burst: everything handed over at once is waiting at once', () => {
    // Four at t=0, processed 1 ms apart from t=1 ms.
    const lag = lagOf(messages(4), [0, 0, 0, 0], [effect('m1', 1000), effect('m2', 2000), effect('m3', 3000), effect('m4', 4000)]);
    expect(lag).toEqual({ maxRecords: 4, maxMs: 4 });
  });

  it('a message processed the instant it is handed over still counts as waiting for that instant', () => {
    expect(lagOf(messages(1), [1000], [effect('m1', 1000)])).toEqual({ maxRecords: 1, maxMs: 0 });
    // Two handed over and processed at the same instant: hand-overs come first.
    expect(lagOf(messages(2), [1000, 1000], [effect('m1', 1000), effect('m2', 1000)])).toEqual({ maxRecords: 2, maxMs: 0 });
  });

  it('a wait is measured to the first processing; a re-application does not lengthen it', () => {
    // m1 applied at 1.5 ms and again (a duplicate) at 9 ms; m2 waits 0.25 ms.
    const lag = lagOf(messages(2), [0, 5000], [effect('m1', 1500), effect('m2', 5250), effect('m1', 9000)]);
    expect(lag).toEqual({ maxRecords: 1, maxMs: 1.5 });
    // The effects' order does not matter: the earliest counts.
    expect(lagOf(messages(2), [0, 5000], [effect('m1', 9000), effect('m2', 5250), effect('m1', 1500)])).toEqual(lag);
  });

  it('keeps microsecond precision in maxMs', () => {
    expect(lagOf(messages(1), [100], [effect('m1', 1334)]).maxMs).toBe(1.234);
  });

  it('parking a record counts as processing it', () => {
    // m2 is parked at 1.9 ms instead of applied; without the parking it would wait forever.
    const handed = [0, 1000, 2000];
    const effects = [effect('m1', 500), effect('m3', 2100)];
    expect(lagOf(messages(3), handed, effects, [parked('m2', 1900)])).toEqual({ maxRecords: 1, maxMs: 0.9 });
    expect(lagOf(messages(3), handed, effects)).toEqual({ maxRecords: 2, maxMs: 0.5 });
    // Parked, and applied too (a redelivery): whichever came first ends the wait.
    expect(lagOf(messages(3), handed, [...effects, effect('m2', 7000)], [parked('m2', 1900)])).toEqual({ maxRecords: 1, maxMs: 0.9 });
    expect(lagOf(messages(3), handed, [...effects, effect('m2', 1100)], [parked('m2', 1900)])).toEqual({ maxRecords: 1, maxMs: 0.5 });
  });

  it('a message never processed keeps counting as waiting, but has no wait time', () => {
    // m1 (t=0) is never processed; m2 and m3 are processed 0.1 ms after their hand-overs, far apart.
    const handed = [0, 5000, 10_000];
    const effects = [effect('m2', 5100), effect('m3', 10_100)];
    expect(lagOf(messages(3), handed, effects)).toEqual({ maxRecords: 2, maxMs: 0.1 });
    // Had m1 been processed at once, nothing would ever have waited alongside another.
    expect(lagOf(messages(3), handed, [effect('m1', 100), ...effects])).toEqual({ maxRecords: 1, maxMs: 0.1 });
    // Several never processed pile up, and wait until the end of the run (10 ms here).
    expect(lagOf(messages(4), [0, 1000, 2000, 3000], [], [], 10_000)).toEqual({ maxRecords: 4, maxMs: 10 });
  });

  it('a message never processed waits until the end of the run, longer than any processed one', () => {
    const handed = [0, 1000, 2000];
    const effects = [effect('m1', 1500), effect('m3', 2500)];
    expect(lagOf(messages(3), handed, effects, [], 9000)).toEqual({ maxRecords: 2, maxMs: 8 });
    // Without an end time (0), only processed messages' waits count.
    expect(lagOf(messages(3), handed, effects)).toEqual({ maxRecords: 2, maxMs: 1.5 });
  });

  it('ignores messages never handed over, and effects of ids outside the workload', () => {
    // m2 was never handed over (-1): its effect neither counts as waiting nor as a wait.
    expect(lagOf(messages(2), [0, -1], [effect('m1', 2000), effect('m2', 9000), effect('m99', 1)])).toEqual({ maxRecords: 1, maxMs: 2 });
  });
});

describe('lagByGroup and worstLag', () => {
  const workload = messages(3);
  const handed = [0, 1000, 2000];

  it('judges each group on its own effects and parked records', () => {
    const effects = [
      // g1 processes everything promptly.
      effect('m1', 200, 'g1'),
      effect('m2', 1200, 'g1'),
      effect('m3', 2200, 'g1'),
      // g2 is slow: m1 and m2 at 6 ms; m3 parked at 2.5 ms.
      effect('m1', 6000, 'g2'),
      effect('m2', 6000, 'g2'),
    ];
    const lags = lagByGroup(workload, handed, effects, ['g1', 'g2'], [parked('m3', 2500, 'g2')]);
    expect(lags).toEqual({ g1: { maxRecords: 1, maxMs: 0.2 }, g2: { maxRecords: 3, maxMs: 6 } });
  });

  it("a group's parked records do not count for another group", () => {
    const effects = [effect('m1', 100, 'g1'), effect('m2', 1100, 'g1'), effect('m1', 100, 'g2'), effect('m2', 1100, 'g2'), effect('m3', 2100, 'g2')];
    const lags = lagByGroup(workload, handed, effects, ['g1', 'g2'], [parked('m3', 2100, 'g2')]);
    // g1 never processed m3: it is still waiting at the end; g2 is caught up.
    expect(lags.g1).toEqual({ maxRecords: 1, maxMs: 0.1 });
    expect(lagOf(workload, handed, effects.filter((item) => item.group === 'g1'))).toEqual(lags.g1);
    expect(lags.g2).toEqual({ maxRecords: 1, maxMs: 0.1 });
    // Take g2's effects away: the parking alone still takes m3 off g2's queue.
    expect(lagByGroup(workload, handed, effects.slice(0, 4), ['g1', 'g2'], [parked('m3', 2100, 'g2')]).g2).toEqual({ maxRecords: 1, maxMs: 0.1 });
  });

  it('worstLag takes the largest of each figure, possibly from different groups', () => {
    expect(worstLag({ g1: { maxRecords: 3, maxMs: 1 }, g2: { maxRecords: 1, maxMs: 5 } })).toEqual({ maxRecords: 3, maxMs: 5 });
    expect(worstLag({ g1: { maxRecords: 2, maxMs: 0.5 } })).toEqual({ maxRecords: 2, maxMs: 0.5 });
    expect(worstLag({})).toEqual({ maxRecords: 0, maxMs: 0 });
  });
});

/** A group's lag recomputed from what the trace shows: hand-overs, DB commits and dead-letter appends. */
function lagFromTrace(result: SimulationResult, group: string): { maxRecords: number; maxMs: number } {
  const handed = new Array<number>(result.workload.length).fill(-1);
  const indexOf = new Map(result.workload.map((message) => [message.id, message.index]));
  const effects: AppliedEffect[] = [];
  const parkedRecords: ParkedRecord[] = [];
  for (const record of result.trace) {
    if (record.kind === 'handover') handed[indexOf.get(record.msg) ?? -1] = record.t;
    if (record.kind === 'db-commit' && record.group === group) effects.push({ msgId: record.msg, key: '', partition: record.partition, offset: record.offset, t: record.t, group, consumer: record.actor });
    if (record.kind === 'dlt-append' && record.group === group) parkedRecords.push({ msgId: record.msg, group, t: record.t });
  }
  return lagOf(result.workload, handed, effects, parkedRecords, result.stats.virtualTimeMs * 1000);
}

describe('a run reports the lag its trace implies', () => {
  it('a burst of every message: at the peak all of them wait', () => {
    const burst = simulate({ mode: 'at-least-once', seed: 2, faults: 'none', workload: { messages: 20, keys: 2, partitions: 2, burst: 20 } });
    expect(burst.stats.lag.maxRecords).toBe(20);
    expect(burst.groups.g1.lag).toEqual(lagFromTrace(burst, 'g1'));
    // The same messages spread out: the consumer keeps up, the queue stays short.
    const spread = simulate({ mode: 'at-least-once', seed: 2, faults: 'none', workload: { messages: 20, keys: 2, partitions: 2, produceIntervalMs: 5 } });
    expect(spread.stats.lag.maxRecords).toBeLessThan(5);
    expect(spread.stats.lag.maxMs).toBeLessThan(burst.stats.lag.maxMs);
    expect(spread.groups.g1.lag).toEqual(lagFromTrace(spread, 'g1'));
  });

  it('per group, and the worst over groups, with faults', () => {
    for (const seed of [1, 2, 3]) {
      const result = simulate({ mode: 'at-least-once', seed, faults: 'default', topology: { groups: 2, consumers: 2 } });
      expect(result.groups.g1.lag, `seed ${seed}`).toEqual(lagFromTrace(result, 'g1'));
      expect(result.groups.g2.lag, `seed ${seed}`).toEqual(lagFromTrace(result, 'g2'));
      expect(result.stats.lag).toEqual(worstLag({ g1: result.groups.g1.lag, g2: result.groups.g2.lag }));
    }
  });

  it('a partition blocked by a poison message retried forever: its messages wait until the run stalls', () => {
    const result = simulate({ mode: 'at-least-once', seed: 1, settings: { onError: 'retry' }, faults: { version: 1, faults: [{ kind: 'processing-error', message: 'm3', deliveries: 'always' }] }, workload: { messages: 6, keys: 2, partitions: 1 } });
    expect(result.outcome.kind).toBe('stalled');
    expect(result.groups.g1.lag).toEqual(lagFromTrace(result, 'g1'));
    const handover = result.trace.find((record) => record.kind === 'handover' && record.msg === 'm3');
    expect(result.stats.lag.maxMs).toBe(result.stats.virtualTimeMs - (handover?.t ?? 0) / 1000);
    expect(result.stats.lag.maxMs).toBeGreaterThan(1000);
  });

  it('a poison message parked in the dead-letter topic stops counting as waiting', () => {
    const result = simulate({ mode: 'at-least-once', seed: 1, faults: { version: 1, faults: [{ kind: 'processing-error', message: 'm3', deliveries: 'always' }] }, workload: { messages: 3, keys: 2, partitions: 1 } });
    expect(result.parked.count).toBe(1);
    expect(result.groups.g1.lag).toEqual(lagFromTrace(result, 'g1'));
    expect(result.invariants.loss.count).toBe(0);
    // m3, the last record, waited from its hand-over until it was parked, behind its redeliveries' backoffs: the
    // longest wait of the run.
    const handover = result.trace.find((record) => record.kind === 'handover' && record.msg === 'm3');
    const dlt = result.trace.find((record) => record.kind === 'dlt-append' && record.msg === 'm3');
    expect(handover).toBeDefined();
    expect(dlt).toBeDefined();
    expect(result.groups.g1.lag.maxMs).toBe(((dlt?.t ?? 0) - (handover?.t ?? 0)) / 1000);
    expect(result.effects.some((item) => item.msgId === 'm3')).toBe(false);
    // Judged on the effects alone, m3 would never have been processed: it would have no wait at all.
    const handed = result.workload.map((message) => message.handoverUs);
    expect(lagOf(result.workload, handed, result.effects).maxMs).toBeLessThan(result.groups.g1.lag.maxMs);
  });
});
