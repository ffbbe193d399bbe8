/**
 * enable.auto.commit in its two styles, against every single consumer crash of a small slow-consumer world:
 * - poll (the Java KafkaConsumer): a poll commits only what the previous polls returned, and the loop processed it
 *   before polling again, so no crash loses a record (a loss would need a crash after a poll that came before the
 *   processing ended, which a poll loop never does);
 * - background (librdkafka with enable.auto.offset.store=true): the timer commits records handed over and not yet
 *   processed, so some crash loses records.
 */
import { describe, expect, it } from 'vitest';
import type { ModeName } from '../../../models/config.js';
import { CONSUMER_CRASH_POINTS } from '../../../models/faults/common.js';
import type { Fault } from '../../../models/faults/catalog.js';
import type { AutoCommitStyle } from '../../../models/kafka/settings.js';
import { simulate } from '../../../models/engine.js';
import { counts, runPlan } from '../../helpers/model-run.js';

const SLOW = { commit: 'auto', autoCommitIntervalMs: 2, processingMs: 6, maxPollRecords: 5 } as const;
const MESSAGES = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
const SEEDS = [1, 2, 3];

/** Every one-crash plan: each message, each crash point, its first and second delivery. */
function crashPlans(): Fault[] {
  const plans: Fault[] = [];
  for (const message of MESSAGES) for (const point of CONSUMER_CRASH_POINTS) for (const delivery of [1, 2]) plans.push({ kind: 'consumer-crash', message, delivery, point });
  return plans;
}

function lossesOver(mode: ModeName, style: AutoCommitStyle): { plan: Fault; seed: number; loss: number }[] {
  const losses = [];
  for (const fault of crashPlans()) {
    for (const seed of SEEDS) {
      const result = runPlan(mode, [fault], { seed, settings: { ...SLOW, autoCommitStyle: style } });
      expect(result.outcome, `${JSON.stringify(fault)} seed ${seed}`).toEqual({ kind: 'quiescent' });
      if (counts(result).loss > 0) losses.push({ plan: fault, seed, loss: counts(result).loss });
    }
  }
  return losses;
}

describe('auto-commit loss needs a crash after the next poll', () => {
  for (const mode of ['at-most-once', 'at-least-once'] as const) {
    it(`${mode}, poll style (Java client): no single consumer crash loses a record`, () => {
      expect(lossesOver(mode, 'poll')).toEqual([]);
    });
  }

  it('background style (librdkafka): a crash mid-batch loses records the timer committed before they were processed', () => {
    const losses = lossesOver('at-least-once', 'background');
    expect(losses.length).toBeGreaterThan(0);
    expect(losses.some((loss) => loss.plan.kind === 'consumer-crash' && loss.plan.point === 'mid-process')).toBe(true);
  });

  it('under chaos rates over 100 seeds, at-least-once with poll-style auto-commit never loses; with the background style some seeds do', () => {
    const lossy = (style: AutoCommitStyle): number[] => {
      const seeds: number[] = [];
      for (let seed = 1; seed <= 100; seed++) {
        const result = simulate({ mode: 'at-least-once', seed, faults: 'chaos', settings: { commit: 'auto', processingMs: 3, autoCommitStyle: style } });
        if (result.invariants.loss.count > 0) seeds.push(seed);
      }
      return seeds;
    };
    expect(lossy('poll')).toEqual([]);
    expect(lossy('background').length).toBeGreaterThan(0);
  });
});
