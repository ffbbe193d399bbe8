/**
 * The checkers on hand-written inputs, independent of the simulator (as Jepsen/Maelstrom test theirs):
 * every expected count, status and witness here is worked out by hand from the input.
 */
import { describe, expect, it } from 'vitest';
import type { AppliedEffect } from '../../../models/db/database.js';
import { MAX_WITNESSES, checkDuplicates, checkInvariants, checkLiveness, checkLoss, checkOrder, judge } from '../../../models/invariants/index.js';
import type { CheckInput } from '../../../models/invariants/index.js';
import type { WorkloadMessage } from '../../../models/workload.js';
import type { TraceEvent } from '../../../models/events.js';
import { workloadOnKeys } from '../../helpers/model-run.js';

const workload = workloadOnKeys;

function effects(ids: string[], messages: WorkloadMessage[]): AppliedEffect[] {
  return ids.map((id, position) => {
    const message = messages.find((candidate) => candidate.id === id);
    return { msgId: id, key: message?.key ?? 'k?', partition: 0, offset: position, t: 10_000 + position, group: 'g1', consumer: 'g1/c1' };
  });
}

function input(partial: Partial<CheckInput> & { workload: WorkloadMessage[] }): CheckInput {
  return { effects: [], brokerAcked: new Set(), outcome: { kind: 'quiescent' }, trace: [], ...partial };
}

const trace: TraceEvent[] = [
  { t: 0, actor: 'producer', kind: 'handover', msg: 'm1', key: 'k0', partition: 0 },
  { t: 0, actor: 'producer', kind: 'send', msg: 'm1', attempt: 1, partition: 0 },
  { t: 1000, actor: 'producer', kind: 'handover', msg: 'm2', key: 'k0', partition: 0 },
  { t: 1000, actor: 'producer', kind: 'send', msg: 'm2', attempt: 1, partition: 0 },
  { t: 1500, actor: 'faults', kind: 'fault', msg: 'm2', fault: { kind: 'request-lost', message: 'm2', attempt: 1 } },
  { t: 1600, actor: 'broker', kind: 'append', msg: 'm1', attempt: 1, partition: 0, offset: 0, replica: 0 },
  { t: 1700, actor: 'producer', kind: 'acked', msg: 'm1', attempt: 1, offset: 0 },
  { t: 2000, actor: 'consumer', kind: 'fetched', partition: 0, fromOffset: 0, msgs: ['m1', 'm3'], position: 2 },
  { t: 2100, actor: 'broker', kind: 'truncated', partition: 0, replica: 1, fromOffset: 1, msgs: ['m3'] },
  { t: 2200, actor: 'db', kind: 'db-commit', msg: 'm1', attempt: 1, partition: 0, offset: 0, group: 'g1' },
  { t: 2300, actor: 'world', kind: 'heal' },
];

describe('judge', () => {
  it('holds when nothing broke, whether promised or not', () => {
    expect(judge(true, 0)).toBe('holds');
    expect(judge(false, 0)).toBe('holds');
  });
  it('a broken promise is VIOLATED; a broken non-promise is expected', () => {
    expect(judge(true, 1)).toBe('VIOLATED');
    expect(judge(false, 7)).toBe('broken, as expected');
  });
});

describe('checkLoss', () => {
  it('a message never handed over (a limit stopped the run first) is not produced, not lost', () => {
    const messages = workload(['k0', 'k0', 'k1', 'k1']);
    // The run stalled: m2 was handed over and never applied (lost); m3 and m4 were never handed over.
    const result = checkLoss(input({ workload: messages, effects: effects(['m1'], messages), handedAtUs: [0, 1000, -1, -1], outcome: { kind: 'stalled' } }), true);
    expect(result.count).toBe(1);
    expect(result.witnesses.map((witness) => witness.msg)).toEqual(['m2']);
    expect(result.notProducedCount).toBe(2);
    expect(result.inFlightAtLimitCount).toBeUndefined();
    // Every message handed over: nothing to report as not produced.
    expect(checkLoss(input({ workload: messages, effects: effects(['m1'], messages), handedAtUs: [0, 1, 2, 3] }), true).notProducedCount).toBeUndefined();
  });

  it('a message handed over but not yet applied when a limit stopped the run is in flight, not lost', () => {
    const messages = workload(['k0', 'k0', 'k1', 'k1']);
    const limited = checkLoss(input({ workload: messages, effects: effects(['m1'], messages), handedAtUs: [0, 1000, 1200, -1], brokerAcked: new Set(['m2']), outcome: { kind: 'limit', limit: 'virtual-time', value: 1500 } }), true);
    expect(limited.count).toBe(0);
    expect(limited.status).toBe('holds');
    expect(limited.witnesses).toEqual([]);
    expect(limited.acknowledgedCount).toBe(0);
    expect(limited.inFlightAtLimitCount).toBe(2);
    expect(limited.notProducedCount).toBe(1);
    // The same run settled instead: m2 and m3 are lost, and m2 had been acknowledged.
    const settled = checkLoss(input({ workload: messages, effects: effects(['m1'], messages), handedAtUs: [0, 1000, 1200, -1], brokerAcked: new Set(['m2']) }), true);
    expect([settled.count, settled.acknowledgedCount, settled.inFlightAtLimitCount]).toEqual([2, 1, undefined]);
  });

  it('witness records of a trace not kept are read from it only when asked for', () => {
    const messages = workload(['k0', 'k0']);
    let asked = 0;
    const lazy = { tail: trace.slice(-5), records: () => (asked++, trace) };
    const result = checkLoss(input({ workload: messages, effects: effects(['m1'], messages), trace: lazy }), true);
    expect(asked).toBe(0);
    expect(result.witnesses[0].records.map((record) => record.kind)).toEqual(['handover', 'send', 'fault']);
    expect(asked).toBe(1);
    expect(checkLiveness(input({ workload: messages, trace: lazy, outcome: { kind: 'stalled' } }), true).witnesses[0].records).toEqual(trace.slice(-5));
  });

  it('holds when every handed-over message was applied, duplicates included', () => {
    const messages = workload(['k0', 'k1', 'k0']);
    const result = checkLoss(input({ workload: messages, effects: effects(['m3', 'm1', 'm2', 'm1'], messages) }), true);
    expect(result).toMatchObject({ name: 'loss', promised: true, holds: true, count: 0, status: 'holds', witnesses: [], acknowledgedCount: 0 });
  });

  it('counts messages never applied, with witnesses naming them and their trace records', () => {
    const messages = workload(['k0', 'k0', 'k1']);
    const result = checkLoss(input({ workload: messages, effects: effects(['m1'], messages), trace }), true);
    expect(result.count).toBe(2);
    expect(result.holds).toBe(false);
    expect(result.status).toBe('VIOLATED');
    expect(result.acknowledgedCount).toBe(0);
    expect(result.witnesses.map((witness) => witness.msg)).toEqual(['m2', 'm3']);
    expect(result.witnesses[0].summary).toBe('m2 (key k0) was handed to the producer but never applied to the DB');
    // m2's records: its own `msg` records, in trace order.
    expect(result.witnesses[0].records).toEqual([trace[2], trace[3], trace[4]]);
    // m3 only appears inside `msgs` lists.
    expect(result.witnesses[1].records).toEqual([trace[7], trace[8]]);
  });

  it('tells acknowledged loss apart: the broker had said "stored"', () => {
    const messages = workload(['k0', 'k0', 'k1']);
    const result = checkLoss(input({ workload: messages, effects: effects(['m2'], messages), brokerAcked: new Set(['m1', 'm2']) }), false);
    expect(result.count).toBe(2);
    expect(result.acknowledgedCount).toBe(1);
    expect(result.status).toBe('broken, as expected');
    expect(result.witnesses[0].summary).toBe('m1 (key k0) was handed to the producer but never applied to the DB, although the broker had acknowledged it');
    expect(result.witnesses[1].summary).not.toContain('acknowledged');
  });

  it('keeps the count complete but lists at most MAX_WITNESSES witnesses', () => {
    const messages = workload(Array.from({ length: 12 }, () => 'k0'));
    const result = checkLoss(input({ workload: messages }), true);
    expect(result.count).toBe(12);
    expect(result.witnesses).toHaveLength(MAX_WITNESSES);
    expect(result.witnesses.map((witness) => witness.msg)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  });
});

describe('checkDuplicates', () => {
  it('holds when each message was applied at most once (a loss is not a duplicate)', () => {
    const messages = workload(['k0', 'k1', 'k0']);
    expect(checkDuplicates(input({ workload: messages, effects: effects(['m1', 'm3'], messages) }), true)).toMatchObject({ count: 0, holds: true, status: 'holds' });
  });

  it('counts each message applied more than once, once, and says how many times', () => {
    const messages = workload(['k0', 'k1', 'k0']);
    const result = checkDuplicates(input({ workload: messages, effects: effects(['m1', 'm2', 'm1', 'm3', 'm1', 'm2'], messages), trace }), true);
    expect(result.count).toBe(2);
    expect(result.status).toBe('VIOLATED');
    expect(result.witnesses.map((witness) => witness.summary)).toEqual(['m1 (key k0) was applied to the DB 3 times', 'm2 (key k1) was applied to the DB 2 times']);
    expect(result.witnesses[0].records).toEqual([trace[0], trace[1], trace[5], trace[6], trace[7], trace[9]]);
  });

  it('is "broken, as expected" when the mode does not promise it', () => {
    const messages = workload(['k0']);
    expect(checkDuplicates(input({ workload: messages, effects: effects(['m1', 'm1'], messages) }), false).status).toBe('broken, as expected');
  });
});

describe('checkOrder', () => {
  it('holds when each key is applied in send order, keys interleaved freely', () => {
    const messages = workload(['k0', 'k1', 'k0', 'k1']);
    const result = checkOrder(input({ workload: messages, effects: effects(['m2', 'm1', 'm4', 'm3'], messages) }), true);
    expect(result).toMatchObject({ count: 0, holds: true, witnesses: [] });
  });

  it('counts a message applied after a later one of the same key', () => {
    const messages = workload(['k0', 'k0', 'k0']);
    const result = checkOrder(input({ workload: messages, effects: effects(['m2', 'm1', 'm3'], messages), trace }), true);
    expect(result.count).toBe(1);
    expect(result.status).toBe('VIOLATED');
    expect(result.witnesses).toHaveLength(1);
    expect(result.witnesses[0].msg).toBe('m1');
    expect(result.witnesses[0].summary).toBe('m1 was applied after m2, but the producer sent m1 first (key k0)');
    // The records of both messages, merged in trace order.
    expect(result.witnesses[0].records).toEqual([trace[0], trace[1], trace[2], trace[3], trace[4], trace[5], trace[6], trace[7], trace[9]]);
  });

  it('judges only first applications: a re-application of an earlier message is a duplicate, not a reorder', () => {
    const messages = workload(['k0', 'k0']);
    const result = checkOrder(input({ workload: messages, effects: effects(['m1', 'm2', 'm1'], messages) }), true);
    expect(result.count).toBe(0);
  });

  it('compares against the latest in-order message: every message overtaken by m3 counts', () => {
    const messages = workload(['k0', 'k0', 'k0', 'k0']);
    const result = checkOrder(input({ workload: messages, effects: effects(['m3', 'm1', 'm2', 'm4'], messages) }), false);
    expect(result.count).toBe(2);
    expect(result.status).toBe('broken, as expected');
    expect(result.witnesses.map((witness) => witness.summary)).toEqual([
      'm1 was applied after m3, but the producer sent m1 first (key k0)',
      'm2 was applied after m3, but the producer sent m2 first (key k0)',
    ]);
  });

  it('ignores effects of messages that are not in the workload, and lost messages', () => {
    const messages = workload(['k0', 'k0', 'k0']);
    const result = checkOrder(input({ workload: messages, effects: effects(['m1', 'mX', 'm3'], messages) }), true);
    expect(result.count).toBe(0);
  });
});

describe('checkLiveness', () => {
  it('holds when the run settled after healing', () => {
    expect(checkLiveness(input({ workload: [] }), true)).toMatchObject({ name: 'liveness', count: 0, holds: true, status: 'holds' });
  });

  it('breaks when the run hit the event limit, with the last records as witness', () => {
    const result = checkLiveness(input({ workload: [], outcome: { kind: 'limit', limit: 'events', value: 5000 }, trace }), true);
    expect(result.count).toBe(1);
    expect(result.status).toBe('VIOLATED');
    expect(result.witnesses[0].summary).toBe('the run did not settle after healing: it hit the limit of 5000 events (limits.maxEvents, --max-events raises it)');
    expect(result.witnesses[0].records).toEqual(trace.slice(-5));
  });

  it('breaks when the run stalled (nothing left to run, not settled)', () => {
    const result = checkLiveness(input({ workload: [], outcome: { kind: 'stalled' }, trace }), false);
    expect(result).toMatchObject({ count: 1, holds: false, status: 'broken, as expected' });
    expect(result.witnesses[0].summary).toMatch(/^the run stalled after healing/);
  });

  it('names a virtual-time limit in milliseconds', () => {
    const result = checkLiveness(input({ workload: [], outcome: { kind: 'limit', limit: 'virtual-time', value: 2_500_000 } }), true);
    expect(result.witnesses[0].summary).toBe('the run did not settle after healing: it hit the limit of 2500 ms of virtual time (limits.maxVirtualTimeMs, --max-virtual-time-ms raises it)');
  });
});

describe('witness records', () => {
  it('are capped at 40 per witness, earliest first', () => {
    const long: TraceEvent[] = Array.from({ length: 100 }, (_, index) => ({ t: index, actor: 'consumer', kind: 'deliver', msg: 'm1', partition: 0, offset: index, delivery: index + 1 }));
    const messages = workload(['k0']);
    const result = checkDuplicates(input({ workload: messages, effects: effects(['m1', 'm1'], messages), trace: long }), false);
    expect(result.witnesses[0].records).toHaveLength(40);
    expect(result.witnesses[0].records[0]).toBe(long[0]);
    expect(result.witnesses[0].records[39]).toBe(long[39]);
  });

  it('follow a trace that grew between two checks', () => {
    const messages = workload(['k0']);
    const grown: TraceEvent[] = [{ t: 0, actor: 'producer', kind: 'handover', msg: 'm1', key: 'k0', partition: 0 }];
    expect(checkLoss(input({ workload: messages, trace: grown }), true).witnesses[0].records).toHaveLength(1);
    grown.push({ t: 1, actor: 'producer', kind: 'send', msg: 'm1', attempt: 1, partition: 0 });
    expect(checkLoss(input({ workload: messages, trace: grown }), true).witnesses[0].records).toHaveLength(2);
  });
});

describe('checkInvariants', () => {
  it('applies each invariant\'s promise from the mode', () => {
    const messages = workload(['k0', 'k0', 'k0']);
    const results = checkInvariants(
      input({ workload: messages, effects: effects(['m2', 'm1', 'm2'], messages), outcome: { kind: 'stalled' } }),
      { loss: false, duplicates: true, order: false, liveness: true },
    );
    expect(results.loss).toMatchObject({ count: 1, status: 'broken, as expected' });
    expect(results.duplicates).toMatchObject({ count: 1, status: 'VIOLATED' });
    expect(results.order).toMatchObject({ count: 1, status: 'broken, as expected' });
    expect(results.liveness).toMatchObject({ count: 1, status: 'VIOLATED' });
  });
});
