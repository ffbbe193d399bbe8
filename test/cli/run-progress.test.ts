/**
 * cli/scale/progress.ts for whole runs: which runs are told to report (only where a person watches a terminal), what
 * a runner wrapped for compare passes on, and that being watched changes no run. What the terminal shows is checked
 * under a pseudo-terminal in scale.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, runSimulation, toFaultSource } from '../../models/engine.js';
import type { RunObservers, SimulationRunner } from '../../models/engine.js';
import { startRunProgress, withRunProgress } from '../../cli/scale/progress.js';

const WATCHED = { isTTY: true, env: {} };

describe('progress of whole runs', () => {
  it('asks a run to report only on a terminal, without --json, outside CI', () => {
    expect(startRunProgress(WATCHED).observer).toBeDefined();
    for (const when of [{ isTTY: false, env: {} }, { ...WATCHED, json: true }, { isTTY: true, env: { CI: 'true' } }]) expect(startRunProgress(when).observer).toBeUndefined();
  });

  it('wraps a runner so that each run is watched under its own label, keeping the observers it was given', () => {
    const seen: (RunObservers | undefined)[] = [];
    const labels: string[] = [];
    const inner: SimulationRunner = (config, source, observers) => {
      seen.push(observers);
      return runSimulation(config, source, observers);
    };
    const runner = withRunProgress(inner, WATCHED, (config, source) => {
      labels.push(`compare ${config.mode}${'plan' in source ? '' : ' (drawing the faults)'}`);
      return labels.at(-1) ?? '';
    });
    const config = resolveConfig({ mode: 'at-least-once', seed: 2 });
    const candidate = (): void => {};
    const watched = runner(config, toFaultSource('default'), { candidate });
    const plain = runSimulation(config, toFaultSource('default'));
    expect(watched.traceHash()).toBe(plain.traceHash());
    expect(labels).toEqual(['compare at-least-once (drawing the faults)']);
    expect(seen[0]?.candidate).toBe(candidate);
    expect(seen[0]?.progress).toBeDefined();
    // Nobody watching: the runner itself, untouched.
    expect(withRunProgress(inner, { isTTY: false, env: {} }, () => 'x')).toBe(inner);
  });
});
