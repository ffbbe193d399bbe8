/**
 * The derived limits (models/resolve.ts, models/settings/common.ts): the progress timeout grows with the longest
 * time setting, and the virtual-time limit grows with the progress timeout, so a slow but healthy recovery (long
 * processing backoffs) settles instead of being cut off and misreported as a liveness break.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../models/resolve.js';
import { simulate } from '../../../models/engine.js';

describe('derived limits', () => {
  it('the default world keeps 120 s of virtual time and a 5 s progress timeout', () => {
    for (const mode of ['at-most-once', 'at-least-once', 'exactly-once'] as const) {
      expect(resolveConfig({ mode, seed: 1 }).limits).toEqual({ maxEvents: 2_000_000, maxVirtualTimeMs: 120_000, progressTimeoutMs: 5000 });
    }
  });

  it('a long backoff lengthens both: faulty phase + the workload\'s duration (80 ms) + 10 x the progress timeout', () => {
    const config = resolveConfig({ mode: 'at-least-once', seed: 1, settings: { processingBackoffMs: 30_000, processingBackoffMaxMs: 60_000 } });
    expect(config.limits.progressTimeoutMs).toBe(600_000);
    expect(config.limits.maxVirtualTimeMs).toBe(config.timing.faultyPhaseMs + 80 + 6_000_000);
  });

  it('a given progress timeout drives the derived virtual-time limit; given limits are kept as given', () => {
    expect(resolveConfig({ mode: 'at-least-once', seed: 1, limits: { progressTimeoutMs: 20_000 } }).limits.maxVirtualTimeMs).toBe(200_210);
    expect(resolveConfig({ mode: 'at-least-once', seed: 1, limits: { progressTimeoutMs: 20_000, maxVirtualTimeMs: 50 } }).limits).toMatchObject({ progressTimeoutMs: 20_000, maxVirtualTimeMs: 50 });
  });

  it('a long workload gets room to drain its lag, and events in proportion, so a healthy run never meets a default limit', () => {
    const limits = resolveConfig({ mode: 'at-least-once', seed: 1, workload: { messages: 1_000_000 } }).limits;
    // Faulty phase (2,000,050 ms) + the workload's duration again (2,000,000 ms) + 10 x 5000 ms.
    expect(limits.maxVirtualTimeMs).toBe(4_050_050);
    expect(limits.maxEvents).toBe(50 * 1_000_000 + 5 * 2 * 4_050_050);
    expect(resolveConfig({ mode: 'at-least-once', seed: 1, workload: { messages: 10_000_000 } }).limits.maxEvents).toBe(50 * 10_000_000 + 5 * 2 * 40_050_050);
    expect(resolveConfig({ mode: 'at-least-once', seed: 1, limits: { maxEvents: 7 } }).limits.maxEvents).toBe(7);
  });

  it('is capped at the setting maximum (one virtual day)', () => {
    expect(resolveConfig({ mode: 'at-least-once', seed: 1, limits: { progressTimeoutMs: 86_400_000 } }).limits.maxVirtualTimeMs).toBe(86_400_000);
  });

  it('a dead-letter policy with 30-60 s backoffs settles (about 150 s) and parks the poison message', () => {
    const result = simulate({ mode: 'at-least-once', seed: 1, settings: { processingBackoffMs: 30_000, processingBackoffMaxMs: 60_000 }, workload: { messages: 6, keys: 2, partitions: 1 }, faults: { version: 1, faults: [{ kind: 'processing-error', message: 'm3', deliveries: 'always' }] } });
    expect(result.outcome).toEqual({ kind: 'quiescent' });
    expect(result.stats.virtualTimeMs).toBeGreaterThan(120_000);
    expect(result.parked.count).toBe(1);
    expect(result.invariants.liveness.status).toBe('holds');
  });
});
