import { describe, expect, it } from 'vitest';
import { Recorder, canonical, compareOutcomes } from '../../scripts/conformance/outcome.mjs';

describe('compareOutcomes', () => {
  it('agrees on equal fields whatever the key order of maps', () => {
    const real = { lost: [], redelivered: { m1: [false], m2: [false, true] } };
    const sim = { redelivered: { m2: [false, true], m1: [false] }, lost: [] };
    expect(compareOutcomes(real, sim, ['lost', 'redelivered'])).toEqual([]);
    expect(canonical(real.redelivered)).toBe(canonical(sim.redelivered));
  });

  it('names each differing field with both sides', () => {
    const mismatches = compareOutcomes({ lost: ['m2'], processed: ['m1', 'm3'] }, { lost: [], processed: ['m1', 'm3'] }, ['lost', 'processed']);
    expect(mismatches).toEqual([{ field: 'lost', real: ['m2'], sim: [] }]);
  });

  it('counts order: the same messages processed in another order differ', () => {
    expect(compareOutcomes({ processed: ['m1', 'm2'] }, { processed: ['m2', 'm1'] }, ['processed'])).toHaveLength(1);
  });

  it('fails a field the simulator does not report instead of skipping it', () => {
    const [m] = compareOutcomes({ confirmed: 20 }, {}, ['confirmed']);
    expect(m).toMatchObject({ field: 'confirmed', real: 20, sim: undefined, note: 'the simulator does not report it' });
  });

  it('refuses a field it does not know and a field the real side did not record', () => {
    expect(() => compareOutcomes({}, {}, ['offset' as never])).toThrow(/unknown outcome field 'offset'/);
    expect(() => compareOutcomes({}, { lost: [] }, ['lost'])).toThrow(/real broker's outcome has no 'lost'/);
  });
});

describe('Recorder', () => {
  it('derives lost from what was neither processed, dead-lettered nor returned', () => {
    const rec = new Recorder(['m1', 'm2', 'm3', 'm4', 'm10']);
    rec.done('m1');
    rec.deadLettered.push('m2');
    rec.returned.push('m3');
    expect(rec.outcome().lost).toEqual(['m4', 'm10']);
  });

  it('keeps every delivery flag and delivery count, and credits a consumer only with first deliveries', () => {
    const rec = new Recorder(['m1']);
    rec.delivered({ id: 'm1', redelivered: false }, 'c1');
    rec.delivered({ id: 'm1', redelivered: true, deliveryCount: 1 }, 'c2');
    rec.done('m1');
    const o = rec.outcome();
    expect(o.redelivered).toEqual({ m1: [false, true] });
    expect(o.deliveryCount).toEqual({ m1: [null, 1] });
    expect(o.byConsumer).toEqual({ c1: ['m1'] });
    expect(o.byQueue).toEqual({ g1: ['m1'] });
  });

  it('reports nackedAny from the nack count, and lateDelivery only when it was measured', () => {
    const rec = new Recorder([]);
    expect(rec.outcome()).not.toHaveProperty('lateDelivery');
    rec.nacked = 3;
    rec.lateDelivery = true;
    expect(rec.outcome()).toMatchObject({ nacked: 3, nackedAny: true, lateDelivery: true });
  });
});
