/**
 * Seeds and run counts of the property suites: pinned so CI is reproducible, printed in every test title,
 * and overridable to explore (`FC_SEED=123 FC_NUM_RUNS=5000 npx vitest run test/properties`).
 */
import type { Parameters } from 'fast-check';

function fromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return value;
}

export const FC_SEED = fromEnv('FC_SEED', 20_261_122);
/** Runs per "promised => holds" property (default 1000; CI needs >= 300, a run takes ~0.1 ms). */
export const FC_NUM_RUNS = fromEnv('FC_NUM_RUNS', 1000);

/** fast-check parameters for a property; `extra` may raise numRuns for very cheap properties. */
export function fcParams<T>(extra: Parameters<T> = {}): Parameters<T> {
  return { seed: FC_SEED, numRuns: FC_NUM_RUNS, ...extra };
}

/** Appended to test titles: the seed and run count, so a failure names what to re-run. */
export const SEED_TAG = `(fc seed ${FC_SEED}, ${FC_NUM_RUNS} runs)`;
