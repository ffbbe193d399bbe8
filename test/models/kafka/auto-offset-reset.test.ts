/**
 * auto.offset.reset: a group with no committed offset for a partition starts at the log's start (earliest, the
 * presets') or at the partition's end when the consumer first fetches (latest, Kafka's own default), so latest skips
 * exactly the records appended before that first look; a group that has committed resumes from its commit either way.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../models/engine.js';
import type { SimulationResult } from '../../../models/engine.js';
import type { EventOf } from '../../../models/events.js';
import type { ModeName } from '../../../models/config.js';
import { RESET_TO_LATEST } from '../../../models/kafka/protocol.js';
import { explainInvariant } from '../../../reports/story.js';
import { renderRunReport } from '../../../reports/run-report.js';

const SEEDS = Array.from({ length: 12 }, (_, index) => index + 1);
const WORKLOAD = { messages: 12, keys: 3, partitions: 2 };

/** The messages a latest reset skipped: appended (by the leader whose log was read) below the partition's first reset. */
function skippedByReset(result: SimulationResult): string[] {
  const resets = result.trace.filter((record): record is EventOf<'offset-reset'> => record.kind === 'offset-reset' && record.fromOffset === RESET_TO_LATEST);
  const firstReset = new Map<number, EventOf<'offset-reset'>>();
  for (const reset of resets) if (!firstReset.has(reset.partition)) firstReset.set(reset.partition, reset);
  const appends = result.trace.filter((record): record is EventOf<'append'> => record.kind === 'append');
  const skipped = new Set<string>();
  for (const append of appends) {
    const reset = firstReset.get(append.partition);
    if (reset !== undefined && append.t <= reset.t && append.offset < reset.resetTo) skipped.add(append.msg);
  }
  return [...skipped].sort();
}

const lost = (result: SimulationResult): string[] => result.invariants.loss.witnesses.map((witness) => witness.msg).sort();

describe('auto.offset.reset', () => {
  for (const [label, settings] of [
    ['one broker actor', {}],
    ['a 3-broker cluster', { nodes: 3 }],
    ['offsets stored in the DB', { commit: 'with-db-transaction' }],
    ['read_committed', { isolationLevel: 'read_committed' }],
  ] as const) {
    it(`latest skips exactly what was appended before the group first looked, earliest nothing (${label})`, () => {
      let skippedSome = 0;
      for (const mode of ['at-least-once', 'exactly-once'] as ModeName[]) {
        for (const seed of SEEDS) {
          const latest = simulate({ mode, seed, workload: WORKLOAD, faults: 'none', settings: { ...settings, autoOffsetReset: 'latest' } });
          expect(latest.outcome, `${mode} seed ${seed}`).toEqual({ kind: 'quiescent' });
          const skipped = skippedByReset(latest);
          expect(lost(latest), `${mode} seed ${seed}`).toEqual(skipped);
          if (skipped.length > 0) skippedSome++;
          const earliest = simulate({ mode, seed, workload: WORKLOAD, faults: 'none', settings: { ...settings, autoOffsetReset: 'earliest' } });
          expect(earliest.invariants.loss.count, `${mode} seed ${seed}`).toBe(0);
          expect(earliest.trace.some((record) => record.kind === 'offset-reset')).toBe(false);
        }
      }
      expect(skippedSome).toBeGreaterThan(SEEDS.length);
    });
  }

  it('the reset position is committed at once: a consumer crash later resumes from the commits and loses nothing more', () => {
    // The consumer crashes while processing m9, well after the group's first commits: nothing more is lost.
    const committed = simulate({ mode: 'at-least-once', seed: 1, workload: WORKLOAD, settings: { autoOffsetReset: 'latest' }, faults: { version: 1, faults: [{ kind: 'consumer-crash', message: 'm9', delivery: 1, point: 'mid-process' }] } });
    expect(committed.unusedPlanFaults).toEqual([]);
    expect(lost(committed)).toEqual(skippedByReset(committed));
    const resets = (result: SimulationResult): EventOf<'offset-reset'>[] => result.trace.filter((record): record is EventOf<'offset-reset'> => record.kind === 'offset-reset');
    // One reset per partition, each committed at once, before the crash: the restarted consumer resumed from the commits.
    for (const reset of resets(committed)) expect(committed.trace.some((record) => record.kind === 'offset-committed' && record.partition === reset.partition && record.offset === reset.resetTo && record.t > reset.t)).toBe(true);
    expect(resets(committed).map((reset) => reset.partition).sort()).toEqual([0, 1]);
  });

  it('the loss is told as the reset, and the diagram draws it', () => {
    const result = simulate({ mode: 'at-least-once', seed: 1, workload: { messages: 6, keys: 2, partitions: 1 }, faults: 'none', settings: { autoOffsetReset: 'latest' } });
    const [story] = explainInvariant(result, 'loss');
    expect(story.msg).toBe('m1');
    expect(story.mechanism).toBe('auto.offset.reset=latest: the group started past it');
    expect(story.text).toMatch(/^m1 was never applied to the DB, although the broker had acknowledged it to the producer: it was stored at offset 0 of partition 0; the consumer's group had no committed offset there and, with auto\.offset\.reset=latest, the consumer started at the partition's end, offset 1 \(t=[\d.]+ ms\), past it\.$/);
    const report = renderRunReport(result, { kind: 'run', toolVersion: '0.1.0', replayCommand: 'simulate --auto-offset-reset latest' });
    expect(report).toContain('no committed offset on partition 0: auto.offset.reset=latest starts at its end, offset 1');
  });
});
