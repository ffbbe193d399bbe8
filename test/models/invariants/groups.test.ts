/**
 * checkGroups on hand-written inputs: loss, duplicates and order judged per consumer group on that group's own
 * effects, summed over the groups with the worst status; parked records are neither applied nor lost; with one
 * group everything reads exactly as before groups existed.
 */
import { describe, expect, it } from 'vitest';
import type { AppliedEffect } from '../../../models/db/database.js';
import type { TraceEvent } from '../../../models/events.js';
import { MAX_WITNESSES, checkDuplicates, checkGroups, checkInvariants, checkLoss, checkOrder } from '../../../models/invariants/index.js';
import type { CheckInput, Verdicts } from '../../../models/invariants/index.js';
import { PROMISES } from '../../../models/modes.js';
import type { InvariantName } from '../../../models/modes.js';
import type { ParkedRecord } from '../../../models/observations.js';
import type { WorkloadMessage } from '../../../models/workload.js';
import { workloadOnKeys } from '../../helpers/model-run.js';

const AT_LEAST_ONCE = PROMISES['at-least-once'];
const EXACTLY_ONCE = PROMISES['exactly-once'];

const workload = workloadOnKeys;

/** The effects one group applied, in commit order. */
function applied(group: string, ids: string[], messages: WorkloadMessage[], startUs = 10_000): AppliedEffect[] {
  return ids.map((id, position) => {
    const message = messages.find((candidate) => candidate.id === id);
    return { msgId: id, key: message?.key ?? 'k?', partition: 0, offset: position, t: startUs + position, group, consumer: `${group}/c1` };
  });
}

function input(partial: Partial<CheckInput> & { workload: WorkloadMessage[] }): CheckInput {
  return { effects: [], brokerAcked: new Set(), outcome: { kind: 'quiescent' }, trace: [], ...partial };
}

const parked = (group: string, ...ids: string[]): ParkedRecord[] => ids.map((msgId, index) => ({ msgId, group, t: 20_000 + index }));

const counts = (verdicts: Verdicts): Record<InvariantName, number> => ({ loss: verdicts.loss.count, duplicates: verdicts.duplicates.count, order: verdicts.order.count, liveness: verdicts.liveness.count });

const trace: TraceEvent[] = [
  { t: 0, actor: 'p1', kind: 'handover', msg: 'm1', key: 'k0', partition: 0 },
  { t: 1000, actor: 'p1', kind: 'handover', msg: 'm2', key: 'k0', partition: 0 },
  { t: 2000, actor: 'p1', kind: 'handover', msg: 'm3', key: 'k1', partition: 0 },
  { t: 9000, actor: 'g2/c1', kind: 'deliver', msg: 'm2', partition: 0, offset: 1, delivery: 1 },
  { t: 9500, actor: 'g2/c1', kind: 'processing-failed', msg: 'm2', delivery: 1 },
  { t: 9600, actor: 'g2/c1', kind: 'skipped', msg: 'm2', delivery: 1 },
];

describe('per group: each group is judged on its own effects', () => {
  // m1 k0, m2 k0, m3 k1, m4 k1.
  const messages = workload(['k0', 'k0', 'k1', 'k1']);

  it('a message applied by g1 only is lost in g2 (and only there)', () => {
    const result = checkGroups(input({ workload: messages, groups: ['g1', 'g2'], effects: [...applied('g1', ['m1', 'm2', 'm3', 'm4'], messages), ...applied('g2', ['m1', 'm3', 'm4'], messages)], trace }), AT_LEAST_ONCE);
    expect(result.groups.g1.loss).toMatchObject({ count: 0, status: 'holds', witnesses: [] });
    expect(result.groups.g2.loss).toMatchObject({ count: 1, status: 'VIOLATED' });
    const witness = result.groups.g2.loss.witnesses[0];
    expect(witness.msg).toBe('m2');
    expect(witness.group).toBe('g2');
    expect(witness.summary).toBe('m2 (key k0) was handed to the producer but never applied to the DB in group g2');
    // Its records are the trace's records about m2, whichever group they come from.
    expect(witness.records).toEqual([trace[1], trace[3], trace[4], trace[5]]);
    expect(result.invariants.loss).toMatchObject({ name: 'loss', promised: true, holds: false, count: 1, status: 'VIOLATED' });
    expect(result.invariants.loss.witnesses.map((item) => [item.msg, item.group])).toEqual([['m2', 'g2']]);
  });

  it('counts are summed over groups: the same message lost in both groups counts twice', () => {
    const result = checkGroups(
      input({ workload: messages, groups: ['g1', 'g2'], brokerAcked: new Set(['m2', 'm4']), effects: [...applied('g1', ['m1', 'm3', 'm4'], messages), ...applied('g2', ['m1', 'm3'], messages)] }),
      AT_LEAST_ONCE,
    );
    expect(result.groups.g1.loss).toMatchObject({ count: 1, acknowledgedCount: 1 });
    expect(result.groups.g2.loss).toMatchObject({ count: 2, acknowledgedCount: 2 });
    expect(result.invariants.loss).toMatchObject({ count: 3, acknowledgedCount: 3, status: 'VIOLATED' });
    // Witnesses in group order: g1's, then g2's.
    expect(result.invariants.loss.witnesses.map((item) => `${item.group}:${item.msg}`)).toEqual(['g1:m2', 'g2:m2', 'g2:m4']);
    expect(result.invariants.loss.witnesses[0].summary).toBe('m2 (key k0) was handed to the producer but never applied to the DB in group g1, although the broker had acknowledged it');
  });

  it('duplicates: a message applied once by each group is no duplicate; twice within one group is', () => {
    const result = checkGroups(
      input({ workload: messages, groups: ['g1', 'g2'], effects: [...applied('g1', ['m1', 'm2', 'm3', 'm4'], messages), ...applied('g2', ['m1', 'm2', 'm3', 'm3', 'm4'], messages)] }),
      EXACTLY_ONCE,
    );
    expect(result.groups.g1.duplicates.count).toBe(0);
    expect(result.groups.g2.duplicates).toMatchObject({ count: 1, status: 'VIOLATED' });
    expect(result.groups.g2.duplicates.witnesses[0]).toMatchObject({ msg: 'm3', group: 'g2', summary: 'm3 (key k1) was applied to the DB 2 times in group g2' });
    expect(result.invariants.duplicates).toMatchObject({ count: 1, status: 'VIOLATED' });
    // Across groups nothing is double-counted: every message was applied by both.
    expect(counts(result.invariants)).toEqual({ loss: 0, duplicates: 1, order: 0, liveness: 0 });
  });

  it('order: one group applying a key out of order does not taint the other', () => {
    const result = checkGroups(
      input({ workload: messages, groups: ['g1', 'g2'], effects: [...applied('g1', ['m1', 'm2', 'm3', 'm4'], messages), ...applied('g2', ['m2', 'm1', 'm3', 'm4'], messages)] }),
      EXACTLY_ONCE,
    );
    expect(result.groups.g1.order.count).toBe(0);
    expect(result.groups.g2.order.count).toBe(1);
    expect(result.groups.g2.order.witnesses[0]).toMatchObject({ msg: 'm1', group: 'g2', summary: 'm1 was applied after m2 in group g2, but the producer sent m1 first (key k0)' });
    expect(result.invariants.order).toMatchObject({ count: 1, status: 'VIOLATED' });
  });

  it('interleaved effects of two groups are split by group before judging order', () => {
    // In commit order the two groups interleave; each group, on its own, applied k0 in order.
    const g1 = applied('g1', ['m1', 'm2'], messages, 10_000);
    const g2 = applied('g2', ['m1', 'm2'], messages, 10_000);
    const effects = [g1[0], g2[0], g1[1], g2[1], ...applied('g1', ['m3', 'm4'], messages, 20_000), ...applied('g2', ['m3', 'm4'], messages, 20_000)];
    const result = checkGroups(input({ workload: messages, groups: ['g1', 'g2'], effects }), EXACTLY_ONCE);
    expect(counts(result.invariants)).toEqual({ loss: 0, duplicates: 0, order: 0, liveness: 0 });
  });

  it('three groups, each breaking something else: each result is its own, the sum is the run', () => {
    const result = checkGroups(
      input({
        workload: messages,
        groups: ['g1', 'g2', 'g3'],
        effects: [...applied('g1', ['m1', 'm2', 'm3'], messages), ...applied('g2', ['m1', 'm1', 'm2', 'm3', 'm4'], messages), ...applied('g3', ['m2', 'm1', 'm3', 'm4'], messages)],
      }),
      EXACTLY_ONCE,
    );
    expect(counts(result.groups.g1)).toEqual({ loss: 1, duplicates: 0, order: 0, liveness: 0 });
    expect(counts(result.groups.g2)).toEqual({ loss: 0, duplicates: 1, order: 0, liveness: 0 });
    expect(counts(result.groups.g3)).toEqual({ loss: 0, duplicates: 0, order: 1, liveness: 0 });
    expect(counts(result.invariants)).toEqual({ loss: 1, duplicates: 1, order: 1, liveness: 0 });
    expect(Object.keys(result.groups)).toEqual(['g1', 'g2', 'g3']);
    expect(result.invariants.loss.witnesses[0].group).toBe('g1');
    expect(result.invariants.duplicates.witnesses[0].group).toBe('g2');
    expect(result.invariants.order.witnesses[0].group).toBe('g3');
  });

  it('a group that applied nothing loses every message; the merged witnesses are capped, the count is not', () => {
    const many = workload(['k0', 'k1', 'k0', 'k1', 'k0', 'k1', 'k0']);
    const result = checkGroups(input({ workload: many, groups: ['g1', 'g2'], effects: applied('g1', ['m1', 'm2', 'm3'], many) }), AT_LEAST_ONCE);
    expect(result.groups.g1.loss.count).toBe(4);
    expect(result.groups.g2.loss.count).toBe(7);
    expect(result.groups.g2.loss.witnesses).toHaveLength(MAX_WITNESSES);
    expect(result.invariants.loss.count).toBe(11);
    expect(result.invariants.loss.witnesses).toHaveLength(MAX_WITNESSES);
    // g1's witnesses come first.
    expect(result.invariants.loss.witnesses.map((item) => `${item.group}:${item.msg}`)).toEqual(['g1:m4', 'g1:m5', 'g1:m6', 'g1:m7', 'g2:m1']);
  });
});

describe('merge: the run takes the worst status', () => {
  const messages = workload(['k0', 'k1', 'k0']);

  it('one group holding and one breaking a promise: VIOLATED', () => {
    const result = checkGroups(input({ workload: messages, groups: ['g1', 'g2'], effects: [...applied('g1', ['m1', 'm2', 'm3'], messages), ...applied('g2', ['m1', 'm2'], messages)] }), AT_LEAST_ONCE);
    expect(result.groups.g1.loss.status).toBe('holds');
    expect(result.groups.g2.loss.status).toBe('VIOLATED');
    expect(result.invariants.loss).toMatchObject({ holds: false, status: 'VIOLATED' });
  });

  it('one group holding and one breaking an unpromised invariant: broken, as expected', () => {
    const result = checkGroups(input({ workload: messages, groups: ['g1', 'g2'], effects: [...applied('g1', ['m1', 'm2', 'm3'], messages), ...applied('g2', ['m1', 'm2', 'm2', 'm3'], messages)] }), AT_LEAST_ONCE);
    expect(result.groups.g1.duplicates.status).toBe('holds');
    expect(result.groups.g2.duplicates.status).toBe('broken, as expected');
    expect(result.invariants.duplicates).toMatchObject({ promised: false, holds: false, count: 1, status: 'broken, as expected' });
  });

  it('every group holding: holds', () => {
    const result = checkGroups(input({ workload: messages, groups: ['g1', 'g2'], effects: [...applied('g1', ['m1', 'm2', 'm3'], messages), ...applied('g2', ['m1', 'm2', 'm3'], messages)] }), EXACTLY_ONCE);
    for (const name of ['loss', 'duplicates', 'order', 'liveness'] as const) expect(result.invariants[name]).toMatchObject({ holds: true, count: 0, status: 'holds', witnesses: [] });
  });

  it("liveness is the run's own: judged once, not summed over groups, and shared by every group", () => {
    const result = checkGroups(input({ workload: messages, groups: ['g1', 'g2', 'g3'], outcome: { kind: 'stalled', idleSinceUs: 62_000 } }), AT_LEAST_ONCE);
    expect(result.invariants.liveness).toMatchObject({ count: 1, status: 'VIOLATED' });
    expect(result.invariants.liveness.witnesses[0].summary).toContain('nothing moved forward after t=62 ms');
    for (const group of ['g1', 'g2', 'g3']) expect(result.groups[group].liveness.count).toBe(1);
  });
});

describe('parked records: neither applied nor lost', () => {
  const messages = workload(['k0', 'k1', 'k0', 'k1']);

  it('a parked message is not lost in its group', () => {
    const result = checkGroups(input({ workload: messages, effects: applied('g1', ['m1', 'm2', 'm4'], messages), parked: parked('g1', 'm3') }), AT_LEAST_ONCE);
    expect(result.invariants.loss).toMatchObject({ count: 0, status: 'holds' });
    expect(result.parked.count).toBe(1);
    expect(result.parked.witnesses).toHaveLength(1);
    expect(result.parked.witnesses[0]).toMatchObject({ msg: 'm3', group: 'g1', summary: 'm3 (key k0) was parked in the dead-letter topic: its processing kept failing' });
    expect(result.parkedByGroup).toEqual({ g1: result.parked });
  });

  it('a parked message is not applied either: without the parking it would be lost', () => {
    const without = checkGroups(input({ workload: messages, effects: applied('g1', ['m1', 'm2', 'm4'], messages) }), AT_LEAST_ONCE);
    expect(without.invariants.loss.count).toBe(1);
    expect(without.parked).toEqual({ count: 0, witnesses: [] });
  });

  it('parked in g2 does not cover g1: the message is still lost there', () => {
    const result = checkGroups(
      input({ workload: messages, groups: ['g1', 'g2'], effects: [...applied('g1', ['m1', 'm2', 'm4'], messages), ...applied('g2', ['m1', 'm2', 'm4'], messages)], parked: parked('g2', 'm3') }),
      AT_LEAST_ONCE,
    );
    expect(result.groups.g1.loss.count).toBe(1);
    expect(result.groups.g1.loss.witnesses[0]).toMatchObject({ msg: 'm3', group: 'g1' });
    expect(result.groups.g2.loss.count).toBe(0);
    expect(result.parkedByGroup.g1).toEqual({ count: 0, witnesses: [] });
    expect(result.parkedByGroup.g2.count).toBe(1);
    expect(result.parkedByGroup.g2.witnesses[0]).toMatchObject({ msg: 'm3', group: 'g2', summary: 'm3 (key k0) was parked in the dead-letter topic by group g2: its processing kept failing' });
    expect(result.parked.count).toBe(1);
    expect(result.invariants.loss.count).toBe(1);
  });

  it('parked by both groups counts once per group; parked again in the same group counts once', () => {
    const result = checkGroups(
      input({ workload: messages, groups: ['g1', 'g2'], effects: [...applied('g1', ['m1', 'm2', 'm4'], messages), ...applied('g2', ['m1', 'm2', 'm4'], messages)], parked: [...parked('g1', 'm3', 'm3'), ...parked('g2', 'm3')] }),
      AT_LEAST_ONCE,
    );
    expect(result.parkedByGroup.g1.count).toBe(1);
    expect(result.parkedByGroup.g2.count).toBe(1);
    expect(result.parked.count).toBe(2);
    expect(result.parked.witnesses.map((item) => item.group)).toEqual(['g1', 'g2']);
    expect(result.invariants.loss.count).toBe(0);
  });

  it('a parked id the workload does not have changes nothing', () => {
    const result = checkGroups(input({ workload: messages, effects: applied('g1', ['m1', 'm2', 'm3', 'm4'], messages), parked: parked('g1', 'm99') }), AT_LEAST_ONCE);
    expect(result.parked.count).toBe(0);
    expect(result.invariants.loss.count).toBe(0);
  });
});

describe('one group reads exactly as before groups existed', () => {
  const messages = workload(['k0', 'k0', 'k1', 'k1']);
  // m2 lost, m3 applied twice, m4 before m3 on k1.
  const effects = applied('g1', ['m1', 'm4', 'm3', 'm3'], messages);

  it('no groups given and groups: ["g1"] give the same verdicts as the single checkers, with no "in group"', () => {
    const plain = input({ workload: messages, effects, trace });
    const named = input({ workload: messages, effects, trace, groups: ['g1'] });
    for (const source of [plain, named]) {
      const result = checkGroups(source, EXACTLY_ONCE);
      expect(Object.keys(result.groups)).toEqual(['g1']);
      expect(result.groups.g1).toBe(result.invariants);
      expect(counts(result.invariants)).toEqual({ loss: 1, duplicates: 1, order: 1, liveness: 0 });
      for (const name of ['loss', 'duplicates', 'order'] as const) {
        for (const witness of result.invariants[name].witnesses) {
          expect(witness.summary).not.toContain('in group');
          expect(witness.group).toBe('g1');
        }
      }
      expect(result.invariants.loss.witnesses[0].summary).toBe('m2 (key k0) was handed to the producer but never applied to the DB');
      expect(result.invariants.duplicates.witnesses[0].summary).toBe('m3 (key k1) was applied to the DB 2 times');
      expect(result.invariants.order.witnesses[0].summary).toBe('m3 was applied after m4, but the producer sent m3 first (key k1)');
      // The same as each checker on its own, and as checkInvariants.
      const summaries = (items: { summary: string }[]): string[] => items.map((item) => item.summary);
      expect(summaries(result.invariants.loss.witnesses)).toEqual(summaries(checkLoss(source, true).witnesses));
      expect(summaries(result.invariants.duplicates.witnesses)).toEqual(summaries(checkDuplicates(source, true).witnesses));
      expect(summaries(result.invariants.order.witnesses)).toEqual(summaries(checkOrder(source, true).witnesses));
      expect(counts(checkInvariants(source, EXACTLY_ONCE))).toEqual(counts(result.invariants));
    }
  });

  it('with one group, every effect counts whatever group it is tagged with', () => {
    const tagged = applied('g1', ['m1', 'm2'], messages).concat(applied('g2', ['m3', 'm4'], messages));
    const result = checkGroups(input({ workload: messages, effects: tagged }), EXACTLY_ONCE);
    expect(result.invariants.loss.count).toBe(0);
  });

  it('effects carrying no group belong to g1 in a several-group world', () => {
    // Effects written before groups existed (no `group` field) are g1's.
    const legacy = applied('g1', ['m1', 'm2', 'm3', 'm4'], messages).map(({ group: _group, ...rest }) => rest as unknown as AppliedEffect);
    const result = checkGroups(input({ workload: messages, groups: ['g1', 'g2'], effects: [...legacy, ...applied('g2', ['m1', 'm2', 'm3', 'm4'], messages)] }), EXACTLY_ONCE);
    expect(counts(result.groups.g1)).toEqual({ loss: 0, duplicates: 0, order: 0, liveness: 0 });
    expect(counts(result.groups.g2)).toEqual({ loss: 0, duplicates: 0, order: 0, liveness: 0 });
  });
});
