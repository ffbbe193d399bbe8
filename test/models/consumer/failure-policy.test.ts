/**
 * The consumer's failure policy (models/consumer/application.ts) driven through whole runs: a message whose
 * business logic throws is redelivered with an exponential backoff, then skipped, dead-lettered or retried
 * forever as `onError` says; deliveries are counted per consumer group.
 */
import { describe, expect, it } from 'vitest';
import type { DeliverySettings, ModeName, TopologySettings } from '../../../models/config.js';
import { simulate } from '../../../models/engine.js';
import type { SimulationResult } from '../../../models/engine.js';
import type { Fault } from '../../../models/faults/catalog.js';
import type { Limits } from '../../../models/settings/common.js';
import { SMALL_WORKLOAD, appliedCount, recordsOf } from '../../helpers/model-run.js';

const POISON: Fault = { kind: 'processing-error', message: 'm3', deliveries: 'always' };

interface Run {
  seed?: number;
  settings?: Partial<DeliverySettings>;
  topology?: Partial<TopologySettings>;
  limits?: Partial<Limits>;
}

function run(mode: ModeName, faults: Fault[], options: Run = {}): SimulationResult {
  return simulate({ mode, seed: options.seed ?? 1, faults: { version: 1, faults }, settings: options.settings, workload: SMALL_WORKLOAD, topology: options.topology, limits: options.limits });
}

/** The deliveries of a message (optionally in one group's members), in trace order. */
function deliveries(result: SimulationResult, msg: string, group?: string): { t: number; delivery: number; actor: string }[] {
  return recordsOf(result, 'deliver', msg)
    .filter((record) => group === undefined || record.actor.startsWith(`${group}/`))
    .map((record) => ({ t: record.t, delivery: record.delivery, actor: record.actor }));
}

const backoffs = (result: SimulationResult, msg = 'm3'): number[] => recordsOf(result, 'processing-retry', msg).map((record) => record.backoffMs);

const gaps = (times: readonly number[]): number[] => times.slice(1).map((t, index) => t - times[index]);

describe('dead-letter (at-least-once preset): a poison message is parked after its retries', () => {
  for (const retries of [0, 3, 5]) {
    it(`processingRetries ${retries}: exactly ${retries + 1} deliveries, then the dead-letter topic`, () => {
      const result = run('at-least-once', [POISON], { settings: { processingRetries: retries } });
      const delivered = deliveries(result, 'm3');
      expect(delivered.map((item) => item.delivery)).toEqual(Array.from({ length: retries + 1 }, (_, index) => index + 1));
      expect(recordsOf(result, 'processing-failed', 'm3')).toHaveLength(retries + 1);
      expect(recordsOf(result, 'processing-retry', 'm3')).toHaveLength(retries);
      // Given up once: one 'dead-lettered' by the consumer, one 'dlt-append' by the broker, after the last delivery.
      const dead = recordsOf(result, 'dead-lettered', 'm3');
      const appended = recordsOf(result, 'dlt-append', 'm3');
      expect(dead).toHaveLength(1);
      expect(appended).toHaveLength(1);
      expect(appended[0]).toMatchObject({ actor: 'broker', group: 'g1' });
      expect(appended[0].t).toBeGreaterThan(delivered[delivered.length - 1].t);
      expect(recordsOf(result, 'skipped')).toEqual([]);
      // Parked: neither applied nor lost.
      expect(appliedCount(result, 'm3')).toBe(0);
      expect(result.parked.count).toBe(1);
      expect(result.parked.witnesses.map((witness) => witness.msg)).toEqual(['m3']);
      expect(result.groups.g1.parked.count).toBe(1);
      expect(result.invariants.loss).toMatchObject({ count: 0, status: 'holds' });
      expect(result.invariants.liveness.status).toBe('holds');
      expect(result.outcome).toEqual({ kind: 'quiescent' });
      expect(result.verdict).toBe('ok');
      // The partition moved on: every other message was applied.
      for (const message of result.workload.filter((item) => item.id !== 'm3')) expect(appliedCount(result, message.id)).toBeGreaterThanOrEqual(1);
    });
  }

  it('the recovered record\'s offset is committed once it is published (Spring\'s DefaultErrorHandler), before the next record', () => {
    const result = run('at-least-once', [POISON]);
    const dead = recordsOf(result, 'dead-lettered', 'm3')[0] as { t: number; partition: number; offset: number };
    const records = result.trace as { t: number; actor: string; kind: string; msg?: string; partition?: number; offset?: number }[];
    const after = records.slice(records.indexOf(dead as never) + 1).filter((record) => record.actor === 'g1/c1');
    // The consumer's next step is that commit, of the offset past m3; the next delivery waits for its answer.
    expect(after[0]).toMatchObject({ kind: 'commit-sent', partition: dead.partition, offset: dead.offset + 1 });
    const nextDelivery = after.find((record) => record.kind === 'deliver');
    const answer = records.find((record) => record.actor === 'broker' && record.kind === 'offset-committed' && record.partition === dead.partition && record.offset === dead.offset + 1);
    expect(nextDelivery).toBeDefined();
    expect(answer).toBeDefined();
    expect(answer?.t).toBeLessThanOrEqual(nextDelivery?.t ?? 0);
    // A crash right after the next record's DB commit then redelivers from past m3: it stays parked, never applied.
    const crashed = run('at-least-once', [POISON, { kind: 'consumer-crash', message: 'm4', delivery: 1, point: 'after-db-commit' }]);
    expect(deliveries(crashed, 'm3')).toHaveLength(4);
    expect(crashed.parked).toEqual(expect.objectContaining({ count: 1 }));
    expect(crashed.parked.alsoApplied).toBeUndefined();
  });

  it('the gaps between redeliveries grow: backoffs double from 1 ms up to the 10 ms cap', () => {
    const result = run('at-least-once', [POISON], { settings: { processingRetries: 5 } });
    expect(backoffs(result)).toEqual([1, 2, 4, 8, 10]);
    const times = deliveries(result, 'm3').map((item) => item.t);
    expect(times).toHaveLength(6);
    const between = gaps(times);
    // Each redelivery waits at least its backoff after the failure before it.
    const failures = recordsOf(result, 'processing-failed', 'm3').map((record) => record.t);
    backoffs(result).forEach((backoffMs, index) => expect(times[index + 1] - failures[index]).toBeGreaterThanOrEqual(backoffMs * 1000));
    // While the backoff doubles (1, 2, 4, 8 ms) the gaps between deliveries strictly grow.
    for (let index = 1; index < 4; index++) expect(between[index]).toBeGreaterThan(between[index - 1]);
  });

  it('the backoff settings are honoured: base 3 ms doubling, capped at 20 ms', () => {
    const result = run('at-least-once', [POISON], { settings: { processingRetries: 5, processingBackoffMs: 3, processingBackoffMaxMs: 20 } });
    expect(backoffs(result)).toEqual([3, 6, 12, 20, 20]);
    expect(result.parked.count).toBe(1);
    expect(result.verdict).toBe('ok');
  });
});

describe('skip: giving a poison message up loses it', () => {
  it('at-least-once with onError skip: 4 deliveries, skipped, loss VIOLATED, verdict violated', () => {
    const result = run('at-least-once', [POISON], { settings: { onError: 'skip' } });
    expect(deliveries(result, 'm3').map((item) => item.delivery)).toEqual([1, 2, 3, 4]);
    expect(recordsOf(result, 'skipped', 'm3')).toEqual([expect.objectContaining({ msg: 'm3', delivery: 4 })]);
    expect(recordsOf(result, 'dlt-append')).toEqual([]);
    expect(recordsOf(result, 'dead-lettered')).toEqual([]);
    expect(result.parked.count).toBe(0);
    expect(appliedCount(result, 'm3')).toBe(0);
    expect(result.invariants.loss).toMatchObject({ promised: true, count: 1, status: 'VIOLATED' });
    expect(result.invariants.loss.witnesses.map((witness) => witness.msg)).toEqual(['m3']);
    expect(result.invariants.liveness.status).toBe('holds');
    expect(result.verdict).toBe('violated');
  });

  it('the skipped record\'s offset is committed at once too (recovered by a recoverer that only logs)', () => {
    const result = run('at-least-once', [POISON], { settings: { onError: 'skip' } });
    const skipped = recordsOf(result, 'skipped', 'm3')[0];
    const records = result.trace as { actor: string; kind: string; partition?: number; offset?: number }[];
    const next = records.slice(records.indexOf(skipped as never) + 1).find((record) => record.actor === 'g1/c1');
    const deliver = recordsOf(result, 'deliver', 'm3')[0];
    expect(next).toMatchObject({ kind: 'commit-sent', partition: deliver.partition, offset: deliver.offset + 1 });
  });

  it('with 0 retries it is skipped at its first delivery', () => {
    const result = run('at-least-once', [POISON], { settings: { onError: 'skip', processingRetries: 0 } });
    expect(deliveries(result, 'm3')).toHaveLength(1);
    expect(recordsOf(result, 'processing-retry')).toEqual([]);
    expect(recordsOf(result, 'skipped', 'm3')).toHaveLength(1);
    expect(result.invariants.loss.status).toBe('VIOLATED');
  });

  it('the at-most-once preset skips at once: lost, as expected, verdict ok', () => {
    const result = run('at-most-once', [POISON]);
    expect(deliveries(result, 'm3')).toHaveLength(1);
    expect(recordsOf(result, 'skipped', 'm3')).toHaveLength(1);
    expect(result.parked.count).toBe(0);
    expect(result.invariants.loss).toMatchObject({ promised: false, count: 1, status: 'broken, as expected' });
    expect(result.verdict).toBe('ok');
  });
});

describe('retry forever: a poison message blocks its partition and the run stalls', () => {
  it('onError retry: stalled with idleSinceUs, liveness VIOLATED, and the run stays small', () => {
    const result = run('at-least-once', [POISON], { settings: { onError: 'retry', processingRetries: 0 } });
    expect(result.outcome.kind).toBe('stalled');
    const idleSinceUs = result.outcome.kind === 'stalled' ? result.outcome.idleSinceUs : undefined;
    expect(idleSinceUs).toBeGreaterThan(0);
    // Nothing moved forward for the progress timeout (5000 ms by default) after idleSinceUs.
    expect(result.stats.virtualTimeMs * 1000).toBeGreaterThanOrEqual((idleSinceUs ?? 0) + result.config.limits.progressTimeoutMs * 1000);
    expect(result.config.limits.progressTimeoutMs).toBe(5000);
    expect(result.stats.virtualTimeMs).toBeLessThan(result.config.limits.maxVirtualTimeMs);
    expect(result.stats.events).toBeLessThan(20_000);
    expect(result.invariants.liveness).toMatchObject({ promised: true, count: 1, status: 'VIOLATED' });
    expect(result.trace.at(-1)).toMatchObject({ actor: 'world', kind: 'stalled', idleSinceUs });
    // processingRetries does not apply: never given up.
    expect(deliveries(result, 'm3').length).toBeGreaterThan(100);
    expect(recordsOf(result, 'dead-lettered')).toEqual([]);
    expect(recordsOf(result, 'skipped')).toEqual([]);
    expect(result.parked.count).toBe(0);
    // m3 and everything behind it on the (single) partition never applied.
    expect(result.invariants.loss.count).toBe(4);
    expect(result.verdict).toBe('violated');
  });

  it('a shorter progress timeout stalls sooner', () => {
    const result = run('at-least-once', [POISON], { settings: { onError: 'retry' }, limits: { progressTimeoutMs: 100 } });
    expect(result.outcome.kind).toBe('stalled');
    expect(result.stats.virtualTimeMs).toBeLessThan(1000);
    expect(result.invariants.liveness.status).toBe('VIOLATED');
  });

  it('processingRetries unlimited with dead-letter never parks the poison message (stalls too)', () => {
    const result = run('at-least-once', [POISON], { settings: { onError: 'dead-letter', processingRetries: 'unlimited' } });
    expect(result.outcome).toMatchObject({ kind: 'stalled' });
    expect(result.parked.count).toBe(0);
    expect(recordsOf(result, 'dlt-append')).toEqual([]);
    expect(recordsOf(result, 'dead-lettered')).toEqual([]);
    expect(result.invariants.liveness.status).toBe('VIOLATED');
    expect(result.stats.events).toBeLessThan(20_000);
    expect(result.verdict).toBe('violated');
  });
});

describe('a transient processing error', () => {
  it('deliveries 2: fails twice, then applied exactly once on its 3rd delivery', () => {
    const result = run('at-least-once', [{ kind: 'processing-error', message: 'm3', deliveries: 2 }]);
    expect(deliveries(result, 'm3').map((item) => item.delivery)).toEqual([1, 2, 3]);
    expect(recordsOf(result, 'processing-failed', 'm3').map((record) => record.delivery)).toEqual([1, 2]);
    expect(backoffs(result)).toEqual([1, 2]);
    expect(appliedCount(result, 'm3')).toBe(1);
    expect(result.parked.count).toBe(0);
    expect(result.invariants.loss.count).toBe(0);
    expect(result.outcome).toEqual({ kind: 'quiescent' });
    expect(result.verdict).toBe('ok');
  });

  it('onError retry recovers from it too (and settles)', () => {
    const result = run('exactly-once', [{ kind: 'processing-error', message: 'm3', deliveries: 3 }], { settings: { onError: 'retry' } });
    expect(deliveries(result, 'm3')).toHaveLength(4);
    expect(appliedCount(result, 'm3')).toBe(1);
    expect(result.outcome).toEqual({ kind: 'quiescent' });
    expect(result.verdict).toBe('ok');
  });

  it('more failing deliveries than retries: dead-lettered after processingRetries + 1 deliveries, never applied', () => {
    const result = run('at-least-once', [{ kind: 'processing-error', message: 'm3', deliveries: 2 }], { settings: { processingRetries: 1 } });
    expect(deliveries(result, 'm3')).toHaveLength(2);
    expect(appliedCount(result, 'm3')).toBe(0);
    expect(result.parked.count).toBe(1);
    expect(result.verdict).toBe('ok');
  });
});

describe('jitter', () => {
  const settings: Partial<DeliverySettings> = { processingRetries: 6, processingBackoffMs: 4, processingBackoffMaxMs: 50, processingBackoffJitter: 0.5 };
  const bases = [4, 8, 16, 32, 50, 50];

  it('the same seed gives the same backoffs (and the same trace)', () => {
    const first = run('at-least-once', [POISON], { seed: 7, settings });
    const again = run('at-least-once', [POISON], { seed: 7, settings });
    expect(backoffs(first)).toHaveLength(6);
    expect(backoffs(again)).toEqual(backoffs(first));
    expect(again.traceHash()).toBe(first.traceHash());
  });

  it('every backoff stays within [base * (1 - jitter), base], in whole microseconds', () => {
    const distinct = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5]) {
      const drawn = backoffs(run('at-least-once', [POISON], { seed, settings }));
      expect(drawn).toHaveLength(bases.length);
      drawn.forEach((backoffMs, index) => {
        expect(backoffMs).toBeGreaterThanOrEqual(bases[index] * 0.5);
        expect(backoffMs).toBeLessThanOrEqual(bases[index]);
        expect(Number.isInteger(Math.round(backoffMs * 1000 * 1e6) / 1e6)).toBe(true);
      });
      distinct.add(JSON.stringify(drawn));
    }
    // Jitter is random: five seeds do not all draw the same waits.
    expect(distinct.size).toBeGreaterThan(1);
  });

  it('jitter 1 may take the whole backoff off, never more', () => {
    for (const seed of [1, 2, 3]) {
      const drawn = backoffs(run('at-least-once', [POISON], { seed, settings: { ...settings, processingBackoffJitter: 1 } }));
      drawn.forEach((backoffMs, index) => {
        expect(backoffMs).toBeGreaterThanOrEqual(0);
        expect(backoffMs).toBeLessThanOrEqual(bases[index]);
      });
    }
  });

  it('jitter 0 gives exactly the exponential backoff', () => {
    expect(backoffs(run('at-least-once', [POISON], { seed: 7, settings: { ...settings, processingBackoffJitter: 0 } }))).toEqual(bases);
  });
});

describe('deliveries are counted per consumer group', () => {
  it('a processing error in g2 fails only in g2; g1 applies the message at its first delivery', () => {
    const result = run('at-least-once', [{ ...POISON, group: 'g2' }], { topology: { groups: 2 } });
    expect(deliveries(result, 'm3', 'g1').map((item) => item.delivery)).toEqual([1]);
    expect(deliveries(result, 'm3', 'g2').map((item) => item.delivery)).toEqual([1, 2, 3, 4]);
    expect(recordsOf(result, 'processing-failed', 'm3').every((record) => record.actor.startsWith('g2/'))).toBe(true);
    expect(recordsOf(result, 'dlt-append', 'm3')).toEqual([expect.objectContaining({ group: 'g2' })]);
    const effects = result.effects.filter((effect) => effect.msgId === 'm3');
    expect(effects.map((effect) => effect.group)).toEqual(['g1']);
    expect(result.groups.g1.parked.count).toBe(0);
    expect(result.groups.g2.parked.count).toBe(1);
    expect(result.groups.g2.parked.witnesses[0]).toMatchObject({ msg: 'm3', group: 'g2' });
    expect(result.groups.g2.parked.witnesses[0].summary).toContain('by group g2');
    expect(result.parked.count).toBe(1);
    expect(result.groups.g1.invariants.loss.count).toBe(0);
    expect(result.groups.g2.invariants.loss.count).toBe(0);
    expect(result.verdict).toBe('ok');
  });

  it('a transient error in g2 does not use up g1 deliveries: each group counts from 1', () => {
    const result = run('at-least-once', [{ kind: 'processing-error', message: 'm3', deliveries: 2, group: 'g2' }], { topology: { groups: 2 } });
    expect(deliveries(result, 'm3', 'g1').map((item) => item.delivery)).toEqual([1]);
    expect(deliveries(result, 'm3', 'g2').map((item) => item.delivery)).toEqual([1, 2, 3]);
    expect(result.effects.filter((effect) => effect.msgId === 'm3').map((effect) => effect.group).sort()).toEqual(['g1', 'g2']);
    expect(result.verdict).toBe('ok');
  });

  it('skip in g2 only: g2 loses the message and the witness says so; g1 keeps it', () => {
    const result = run('at-least-once', [{ ...POISON, group: 'g2' }], { topology: { groups: 2 }, settings: { onError: 'skip' } });
    expect(result.groups.g1.invariants.loss.count).toBe(0);
    expect(result.groups.g2.invariants.loss).toMatchObject({ count: 1, status: 'VIOLATED' });
    expect(result.invariants.loss.count).toBe(1);
    expect(result.invariants.loss.witnesses[0]).toMatchObject({ msg: 'm3', group: 'g2' });
    expect(result.invariants.loss.witnesses[0].summary).toContain('in group g2');
    expect(result.verdict).toBe('violated');
  });

  it('a consumer crash mid-redelivery still counts: the poison message is dead-lettered after delivery 4', () => {
    const result = run('at-least-once', [POISON, { kind: 'consumer-crash', message: 'm3', delivery: 2, point: 'after-fetch' }], { seed: 2 });
    expect(deliveries(result, 'm3').map((item) => item.delivery)).toEqual([1, 2, 3, 4]);
    expect(recordsOf(result, 'processing-failed', 'm3').map((record) => record.delivery)).toEqual([1, 3, 4]);
    expect(result.parked.count).toBe(1);
    expect(result.verdict).toBe('ok');
  });
});

describe('exactly-once with a poison message', () => {
  it('parks it and keeps every promise', () => {
    const result = run('exactly-once', [POISON]);
    expect(deliveries(result, 'm3')).toHaveLength(4);
    expect(result.parked.count).toBe(1);
    expect(recordsOf(result, 'dlt-append', 'm3')).toHaveLength(1);
    for (const invariant of Object.values(result.invariants)) expect(invariant.status, invariant.name).toBe('holds');
    expect(result.outcome).toEqual({ kind: 'quiescent' });
    expect(result.verdict).toBe('ok');
  });

  it('in two groups of two members each, only the struck group parks it', () => {
    const result = simulate({ mode: 'exactly-once', seed: 4, faults: { version: 1, faults: [POISON] }, workload: { messages: 20, keys: 4, partitions: 4 }, topology: { groups: 2, consumers: 2 } });
    expect(result.groups.g1.parked.count).toBe(1);
    expect(result.groups.g2.parked.count).toBe(0);
    expect(result.effects.filter((effect) => effect.msgId === 'm3').map((effect) => effect.group)).toEqual(['g2']);
    for (const invariant of Object.values(result.invariants)) expect(invariant.status, invariant.name).toBe('holds');
    expect(result.verdict).toBe('ok');
  });
});
