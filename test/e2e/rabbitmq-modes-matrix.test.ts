/**
 * The RabbitMQ family's mode matrix over seeds 1..200 with the default fault rates (and 1..50 with chaos): what each preset promises
 * holds in every run, what it does not promise breaks in some, and every RabbitMQ fault kind the preset has a
 * decision point for fires. Seeds are pinned; a failure names the seed (`simulate --broker rabbitmq --seed N`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MODE_NAMES } from '../../models/config.js';
import type { ModeName } from '../../models/config.js';
import { simulate } from '../../models/engine.js';
import type { SimulationResult } from '../../models/engine.js';

const SEEDS = Array.from({ length: Number(process.env.RABBITMQ_MATRIX_SEEDS ?? 200) }, (_, index) => index + 1);
const rows = {} as Record<ModeName, SimulationResult[]>;

beforeAll(() => {
  for (const mode of MODE_NAMES) rows[mode] = SEEDS.map((seed) => simulate({ family: 'rabbitmq', mode, seed, faults: 'default' }));
});

const seedsWhere = (mode: ModeName, test: (result: SimulationResult) => boolean): number[] => rows[mode].filter(test).map((result) => result.config.seed);

describe('RabbitMQ mode matrix, seeds 1..200, default faults', () => {
  it('never VIOLATED, every run settles', () => {
    for (const mode of MODE_NAMES) {
      expect(seedsWhere(mode, (result) => result.verdict === 'violated'), `${mode}: violated seeds`).toEqual([]);
      expect(seedsWhere(mode, (result) => result.outcome.kind !== 'quiescent'), `${mode}: unsettled seeds`).toEqual([]);
    }
  });

  it('the expected breaks appear: autoAck and no confirms lose, re-publish and redelivery duplicate', () => {
    expect(seedsWhere('at-most-once', (result) => result.invariants.loss.count > 0).length).toBeGreaterThan(20);
    expect(seedsWhere('at-least-once', (result) => result.invariants.duplicates.count > 0).length).toBeGreaterThan(20);
    expect(seedsWhere('exactly-once', (result) => result.invariants.duplicates.count > 0)).toEqual([]);
  });

  it('every RabbitMQ fault kind fires somewhere', () => {
    const fired = new Set(MODE_NAMES.flatMap((mode) => rows[mode].flatMap((result) => result.injected.faults.map((fault) => fault.kind))));
    for (const kind of ['publish-lost', 'confirm-lost', 'unroutable', 'consumer-ack-lost', 'connection-closed', 'broker-restart', 'quorum-member-failure'] as const) expect(fired, kind).toContain(kind);
    expect(seedsWhere('at-least-once', (result) => (result.returned?.count ?? 0) > 0).length).toBeGreaterThan(0);
  });
});

describe('RabbitMQ mode matrix, seeds 1..50, chaos faults', () => {
  const CHAOS_SEEDS = SEEDS.slice(0, 50);
  it('never VIOLATED: no loss under at-least-once and exactly-once, no duplicate under exactly-once, whatever the chaos', () => {
    for (const mode of MODE_NAMES) {
      const results = CHAOS_SEEDS.map((seed) => simulate({ family: 'rabbitmq', mode, seed, faults: 'chaos' }));
      expect(results.filter((result) => result.verdict === 'violated').map((result) => result.config.seed), `${mode}: violated seeds`).toEqual([]);
      if (mode !== 'at-most-once') expect(results.some((result) => result.injected.faults.some((fault) => fault.kind === 'quorum-member-failure'))).toBe(true);
      if (mode === 'at-most-once') expect(results.filter((result) => result.invariants.loss.count > 0).length).toBeGreaterThan(25);
    }
  });
});
