/**
 * Time to find and shrink each mode's expected break, as `simulate check` does it: fast-check search over
 * generated plans in the default world (40 messages), fast-check shrinking, then delta debugging to a
 * 1-minimal plan and the final replay. Median and p95 over 20 seeds, and the faults left.
 * Targets (issue 3): median <= 0.5 s, p95 <= 5 s, <= 3 faults. Wall-clock figures: measured, never asserted.
 */
import { resolveConfig } from '../models/engine.js';
import type { ModeName } from '../models/config.js';
import type { InvariantName } from '../models/modes.js';
import { checkInvariant } from '../properties/check.js';

const SEEDS = 20;
const NUM_RUNS = 1000;
const TARGETS = { medianMs: 500, p95Ms: 5000, faultsMax: 3 };

const CASES: readonly { mode: ModeName; invariant: InvariantName }[] = [
  { mode: 'at-most-once', invariant: 'loss' },
  { mode: 'at-least-once', invariant: 'duplicates' },
];

interface Sample {
  wallMs: number;
  found: boolean;
  faultsLeft: number;
  simulationRuns: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

function measure(mode: ModeName, invariant: InvariantName, seed: number): Sample {
  const config = resolveConfig({ mode, seed });
  const started = performance.now();
  const outcome = checkInvariant({ config, invariant, numRuns: NUM_RUNS, seed });
  const wallMs = performance.now() - started;
  return { wallMs, found: outcome.found, faultsLeft: outcome.found ? outcome.plan.faults.length : 0, simulationRuns: outcome.simulationRuns };
}

export async function benchFindAndShrink(): Promise<string[]> {
  const lines = [`find + shrink (simulate check: default workload, up to ${NUM_RUNS} plans, ${SEEDS} seeds)`];
  let met = true;
  for (const { mode, invariant } of CASES) {
    measure(mode, invariant, 0); // warm-up: JIT the simulator and fast-check before timing
    const samples: Sample[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      samples.push(measure(mode, invariant, seed));
      // Yield between seeds so a caller's other async work (and Ctrl-C) is not starved.
      await Promise.resolve();
    }
    const times = samples.map((sample) => sample.wallMs).sort((a, b) => a - b);
    const faults = samples.map((sample) => sample.faultsLeft);
    const runs = samples.map((sample) => sample.simulationRuns).sort((a, b) => a - b);
    const found = samples.filter((sample) => sample.found).length;
    const median = percentile(times, 0.5);
    const p95 = percentile(times, 0.95);
    const faultsMax = Math.max(...faults);
    met &&= found === SEEDS && median <= TARGETS.medianMs && p95 <= TARGETS.p95Ms && faultsMax <= TARGETS.faultsMax;
    lines.push(
      `  ${`${mode} ${invariant}`.padEnd(26)} median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms; ` +
        `found ${found}/${SEEDS}; faults left ${Math.min(...faults)}-${faultsMax}; simulation runs median ${percentile(runs, 0.5)}`,
    );
  }
  lines.push(`  targets: median <= ${TARGETS.medianMs} ms, p95 <= ${TARGETS.p95Ms} ms, <= ${TARGETS.faultsMax} faults: ${met ? 'met' : 'NOT met'}`);
  return lines;
}
