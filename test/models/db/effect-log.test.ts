/**
 * The DB's effects in columns read as the array of effect objects they replaced: every accessor, a group's subset,
 * and the objects built back, on short logs (plain arrays) and long ones (typed arrays, grown).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppliedEffect } from '../../../models/db/database.js';
import { EffectLog, countEffects, effectsArray, effectsOf, effectsWhere, groupOfEffect } from '../../../models/db/effect-log.js';
import type { Effects } from '../../../models/db/effect-log.js';
import { simulate } from '../../../models/engine.js';
import { SEED_TAG, fcParams } from '../../properties/fc-config.js';

const effectArb: fc.Arbitrary<AppliedEffect> = fc.record({
  msgId: fc.nat({ max: 5000 }).map((n) => `m${n + 1}`),
  key: fc.nat({ max: 7 }).map((n) => `k${n}`),
  partition: fc.nat({ max: 15 }),
  offset: fc.nat({ max: 2 ** 31 - 1 }),
  // Past 2^31 µs too (a long run's times), and fractions of a µs.
  t: fc.double({ min: 0, max: 1e13, noNaN: true }),
  group: fc.constantFrom('g1', 'g2', 'g3'),
  consumer: fc.constantFrom('g1/c1', 'g1/c2', 'g2/c1', 'g3/c4'),
});

function logOf(effects: readonly AppliedEffect[]): EffectLog {
  const log = new EffectLog();
  for (const effect of effects) log.push(effect.msgId, effect.key, effect.partition, effect.offset, effect.t, effect.group, effect.consumer);
  return log;
}

/** Every accessor of `view` against the objects it must read as. */
function expectReadsAs(view: Effects, effects: readonly AppliedEffect[]): void {
  expect(view.length).toBe(effects.length);
  const read = effects.map((_, index) => [view.msgIdAt(index), view.tAt(index), view.groupAt(index), view.consumerAt(index), view.partitionAt(index), view.offsetAt(index)]);
  expect(read).toEqual(effects.map((effect) => [effect.msgId, effect.t, effect.group, effect.consumer, effect.partition, effect.offset]));
  expect(effects.map((_, index) => view.at(index))).toEqual(effects);
  expect(effectsArray(view)).toEqual(effects);
}

describe('EffectLog', () => {
  it(`reads as the effect objects pushed, whole and per group ${SEED_TAG}`, () => {
    fc.assert(
      fc.property(fc.array(effectArb, { maxLength: 700 }), (effects) => {
        const log = logOf(effects);
        expectReadsAs(log, effects);
        expectReadsAs(effectsOf(effects), effects);
        for (const group of ['g1', 'g2']) {
          const ofGroup = effects.filter((effect) => effect.group === group);
          expectReadsAs(effectsWhere(log, (all, index) => all.groupAt(index) === group), ofGroup);
          expect(countEffects(log, (all, index) => all.groupAt(index) === group)).toBe(ofGroup.length);
        }
      }),
      fcParams({ numRuns: 60 }),
    );
  });

  it('keeps 20,000 effects through the move to typed columns and their growth', () => {
    const effects = Array.from({ length: 20_000 }, (_, index): AppliedEffect => ({ msgId: `m${index + 1}`, key: `k${index % 5}`, partition: index % 3, offset: index * 7, t: index * 1_000_000.5, group: index % 2 === 0 ? 'g1' : 'g2', consumer: `g${1 + (index % 2)}/c${index % 3}` }));
    expectReadsAs(logOf(effects), effects);
  });

  it('a hand-written effect without a group belongs to the first group', () => {
    const effects = [{ msgId: 'm1', key: 'k0', partition: 0, offset: 0, t: 0, consumer: 'c1' } as unknown as AppliedEffect];
    expect(groupOfEffect(effectsOf(effects), 0)).toBe('g1');
  });
});

describe("a run's effects", () => {
  it('result.effects are the objects of result.appliedEffects, built once', () => {
    const result = simulate({ mode: 'at-least-once', seed: 7, faults: 'default', topology: { groups: 2, consumers: 2 }, workload: { messages: 300 } });
    expect(result.appliedEffects.length).toBeGreaterThan(600);
    expect(result.effects).toEqual(effectsArray(result.appliedEffects));
    expect(result.effects).toBe(result.effects);
    // Counted from the columns: each member's count is what the objects say.
    const counted: Record<string, number> = {};
    for (const effect of result.effects) counted[effect.consumer] = (counted[effect.consumer] ?? 0) + 1;
    expect(result.stats.appliedByConsumer).toEqual(counted);
  });
});
