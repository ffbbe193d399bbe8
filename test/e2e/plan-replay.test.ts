/**
 * A rate-driven run records the faults it injected as a plan; writing that plan to a file, reading it back
 * and replaying it must give the same trace, byte for byte (the same traceHash), for every mode, many seeds,
 * both fault presets and the settings that reach the rarer decision points.
 */
import { describe, expect, it } from 'vitest';
import { MODE_NAMES, formatPlan, parsePlanText, runSimulation, simulate } from '../../index.js';
import type { DeliverySettings, FaultRates, ModeName, WorkloadSettings } from '../../index.js';

/** Every rate up: the densest fault mix, so decision points of every kind get recorded. */
const EVERYTHING: FaultRates = { drop: 0.1, 'ack-loss': 0.1, dup: 0.1, delay: 0.1, partition: 0.05, crash: 0.05, 'producer-crash': 0.03, failover: 0.05, 'db-reply-loss': 0.1, 'processing-error': 0.1, transaction: 0.1, unroutable: 0.1, 'dead-letter': 0.1 };

function expectReplayMatches(mode: ModeName, seed: number, faults: string | FaultRates, settings: Partial<DeliverySettings> = {}, workload: Partial<WorkloadSettings> = {}): number {
  const recorded = simulate({ mode, seed, faults, settings, workload });
  const plan = parsePlanText(formatPlan(recorded.injected, { mode, seed }));
  const replayed = runSimulation(recorded.config, { plan });
  expect(replayed.traceHash(), `${mode} seed ${seed} ${JSON.stringify({ faults, settings, workload })}`).toBe(recorded.traceHash());
  expect(replayed.unusedPlanFaults).toEqual([]);
  expect(replayed.injected).toEqual(recorded.injected);
  return recorded.injected.faults.length;
}

describe('--emit-plan then --plan reproduces the traceHash', () => {
  it('for every mode, 150 seeds of each fault preset', () => {
    let faults = 0;
    for (const mode of MODE_NAMES) {
      for (let seed = 1; seed <= 150; seed++) {
        faults += expectReplayMatches(mode, seed, 'default');
        faults += expectReplayMatches(mode, seed, 'chaos');
      }
    }
    expect(faults).toBeGreaterThan(5000);
  });

  it('with every rate up, settings variants and small fast workloads', () => {
    const variants: [Partial<DeliverySettings>, Partial<WorkloadSettings>][] = [
      [{}, { messages: 5, keys: 1, partitions: 1, produceIntervalMs: 0.1 }],
      [{ acks: 1, enableIdempotence: false }, {}],
      [{ commit: 'auto', autoCommitIntervalMs: 2, processingMs: 3 }, {}],
      [{ dedup: 'separate-transaction' }, { messages: 12 }],
      [{ producerBuffer: 'memory' }, { messages: 7, produceIntervalMs: 0.3 }],
      [{ maxInFlight: 1 }, { messages: 60, partitions: 4, keys: 9 }],
    ];
    for (const mode of MODE_NAMES) {
      for (const [settings, workload] of variants) {
        for (let seed = 1; seed <= 25; seed++) expectReplayMatches(mode, seed, EVERYTHING, mode === 'at-most-once' && settings.acks === 1 ? {} : settings, workload);
      }
    }
  });

  it('regression: a partition window drawn to start after healing is not recorded (it cut nothing)', () => {
    // 5 messages every 0.1 ms: the faulty phase ends at 51 ms, but the last 10 ms slot can draw a start up to 59 ms.
    const workload = { messages: 5, keys: 1, partitions: 1, produceIntervalMs: 0.1 };
    for (let seed = 1; seed <= 200; seed++) {
      const recorded = simulate({ mode: 'at-most-once', seed, faults: { ...EVERYTHING, partition: 0.5 }, workload });
      for (const fault of recorded.injected.faults) if (fault.kind === 'partition') expect(fault.fromMs).toBeLessThan(recorded.config.timing.faultyPhaseMs);
      expect(runSimulation(recorded.config, { plan: recorded.injected }).traceHash()).toBe(recorded.traceHash());
    }
  });
});
