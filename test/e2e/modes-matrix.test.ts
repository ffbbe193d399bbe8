/**
 * The mode matrix of DESIGN.md over seeds 1..200 with the default fault rates: what each mode promises
 * holds in every run, what it does not promise actually breaks in some, and every fault kind fires.
 * Seeds are pinned (deterministic), so a failure names the seed to replay with `simulate --seed N`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MODE_NAMES } from '../../models/config.js';
import type { ModeName } from '../../models/config.js';
import { FAULT_KINDS, FAULT_PRESETS, specOf } from '../../models/faults/catalog.js';
import { kindsFor } from '../../models/families.js';
import type { FaultKind } from '../../models/faults/catalog.js';
import { simulate } from '../../models/engine.js';
import type { SimulationResult } from '../../models/engine.js';

const SEEDS = Array.from({ length: 200 }, (_, index) => index + 1);
/** The kinds the default preset draws (processing errors are the application's, drawn only when asked for). */
// The transaction kinds have decision points only in --transactions true worlds (test/models/kafka/transactions.test.ts).
const DRAWN = kindsFor('kafka', false).filter((kind) => FAULT_PRESETS.default[specOf(kind).rate] > 0);

interface Row {
  seed: number;
  loss: number;
  acknowledgedLoss: number;
  duplicates: number;
  order: number;
  settled: boolean;
  verdict: SimulationResult['verdict'];
  faultCounts: Record<FaultKind, number>;
}

const rows = {} as Record<ModeName, Row[]>;

beforeAll(() => {
  for (const mode of MODE_NAMES) {
    rows[mode] = SEEDS.map((seed) => {
      const result = simulate({ mode, seed, faults: 'default' });
      const { loss, duplicates, order } = result.invariants;
      return {
        seed,
        loss: loss.count,
        acknowledgedLoss: loss.acknowledgedCount ?? 0,
        duplicates: duplicates.count,
        order: order.count,
        settled: result.outcome.kind === 'quiescent',
        verdict: result.verdict,
        faultCounts: result.faultCounts,
      };
    });
  }
});

const seedsWhere = (mode: ModeName, predicate: (row: Row) => boolean): number[] => rows[mode].filter(predicate).map((row) => row.seed);

describe('modes over seeds 1..200 with default faults', () => {
  it('every run settles after healing (liveness), in every mode', () => {
    for (const mode of MODE_NAMES) expect(seedsWhere(mode, (row) => !row.settled), mode).toEqual([]);
  });

  it('at-most-once never duplicates, and loses messages in some seeds', () => {
    expect(seedsWhere('at-most-once', (row) => row.duplicates > 0)).toEqual([]);
    expect(seedsWhere('at-most-once', (row) => row.loss > 0).length).toBeGreaterThan(5);
    expect(seedsWhere('at-most-once', (row) => row.verdict !== 'ok')).toEqual([]);
  });

  it('at-least-once never loses, and duplicates in some seeds', () => {
    expect(seedsWhere('at-least-once', (row) => row.loss > 0)).toEqual([]);
    expect(seedsWhere('at-least-once', (row) => row.duplicates > 0).length).toBeGreaterThan(5);
    expect(seedsWhere('at-least-once', (row) => row.verdict !== 'ok')).toEqual([]);
  });

  it('exactly-once neither loses, nor duplicates, nor reorders a key', () => {
    expect(seedsWhere('exactly-once', (row) => row.loss > 0)).toEqual([]);
    expect(seedsWhere('exactly-once', (row) => row.duplicates > 0)).toEqual([]);
    expect(seedsWhere('exactly-once', (row) => row.order > 0)).toEqual([]);
    expect(seedsWhere('exactly-once', (row) => row.verdict !== 'ok')).toEqual([]);
  });

  it('order is not promised below exactly-once, and does break there', () => {
    expect(seedsWhere('at-least-once', (row) => row.order > 0).length).toBeGreaterThan(0);
  });

  it('every fault kind the default rates draw fires in some of those runs (and processing errors, at rate 0, never)', () => {
    const totals = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
    for (const mode of MODE_NAMES) for (const row of rows[mode]) for (const kind of FAULT_KINDS) totals[kind] += row.faultCounts[kind];
    const silent = DRAWN.filter((kind) => totals[kind] === 0);
    expect(silent).toEqual([]);
    expect(totals['processing-error']).toBe(0);
  });

  it('in every mode, each fault kind that can hit it fires in some seed', () => {
    for (const mode of MODE_NAMES) {
      // acks=0 sends no produce responses, so at-most-once has no ack to lose; exactly-once stores its
      // offsets in the DB transaction, so it sends no offset commit that could be lost.
      const impossible: Partial<Record<ModeName, FaultKind>> = { 'at-most-once': 'ack-lost', 'exactly-once': 'commit-lost' };
      const applicable = DRAWN.filter((kind) => impossible[mode] !== kind);
      const silent = applicable.filter((kind) => rows[mode].every((row) => row.faultCounts[kind] === 0));
      expect(silent, mode).toEqual([]);
    }
  });

  it('runs differ from seed to seed (the seed drives the faults)', () => {
    const fingerprints = new Set(rows['at-least-once'].map((row) => JSON.stringify(row.faultCounts)));
    expect(fingerprints.size).toBeGreaterThan(50);
  });
});
