/**
 * The determinism probe: a run and its replay (the start of it, for a long run) must agree record for record, and
 * where they part is named by record, field and both values.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../models/resolve.js';
import { runSimulation, toFaultSource } from '../../models/engine.js';
import type { TraceEvent } from '../../models/events.js';
import { PROBE_EVENTS_MAX, partedAt, probeConfig } from '../../properties/determinism-probe.js';

describe('the determinism probe', () => {
  it('a built-in run replays: whole when short, its first events when long (the replay is cut by its own limit)', () => {
    const short = resolveConfig({ mode: 'at-least-once', seed: 3 });
    expect(partedAt(runSimulation(short, toFaultSource('chaos')), runSimulation(probeConfig(short), toFaultSource('chaos')))).toBeUndefined();
    const long = resolveConfig({ mode: 'at-least-once', seed: 3, workload: { messages: 2_000 } });
    const run = runSimulation(long, toFaultSource('default'));
    expect(run.stats.events).toBeGreaterThan(PROBE_EVENTS_MAX);
    const replay = runSimulation(probeConfig(long), toFaultSource('default'));
    expect(replay.outcome).toMatchObject({ kind: 'limit', limit: 'events' });
    expect(replay.trace.length).toBeLessThan(run.trace.length);
    expect(partedAt(run, replay)).toBeUndefined();
  });

  it('names the first record that differs, the field and both values', () => {
    const config = resolveConfig({ mode: 'at-least-once', seed: 3 });
    const run = runSimulation(config, toFaultSource('default'));
    const trace: TraceEvent[] = [...run.trace];
    const index = trace.findIndex((record) => record.kind === 'deliver');
    const record = trace[index] as Extract<TraceEvent, { kind: 'deliver' }>;
    trace[index] = { ...record, delivery: record.delivery + 1 };
    expect(partedAt(run, { config, trace })).toBe(
      `trace record ${index + 1} (${record.t / 1000} ms, ${record.actor} deliver ${record.msg}): delivery ${record.delivery} the first time, ${record.delivery + 1} the second`,
    );
  });

  it('a replay that ends early or runs on, uncut by its own limit, parts where one of them has no record', () => {
    const config = resolveConfig({ mode: 'at-most-once', seed: 5 });
    const run = runSimulation(config, toFaultSource('default'));
    const shorter = { config, trace: run.trace.slice(0, -1) };
    expect(partedAt(run, shorter)).toMatch(new RegExp(`^trace record ${run.trace.length} \\(.*\\), which only the first run had$`));
    expect(partedAt(shorter, run)).toMatch(/which only the second run had$/);
  });
});
