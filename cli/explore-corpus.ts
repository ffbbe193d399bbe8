/**
 * `explore --emit-corpus DIR`: each cause's first minimal plan as a regression-corpus file (test/corpus's format:
 * name, why, seed, workload, settings, flags, plan, and the verdict every mode reaches on it), so the suite replays
 * what exploration found. The expectations are computed here by replaying the plan under every mode.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isBuiltInInvariant } from '../properties/breaks.js';
import { describeFault } from '../models/faults/catalog.js';
import { INVARIANT_NAMES, MODE_NAMES } from '../models/modes.js';
import { resolveConfig, runSimulation } from '../models/engine.js';
import type { ExploreBreak, ExploreResult } from '../properties/explore.js';
import { checkWritableTarget, writeFileAtomic } from './files.js';
import { worldOverrides } from './plan-world.js';
import type { RunSpec } from './run-options.js';
import { UsageError } from './usage-error.js';

/** The folder must be a folder (it is created when missing). */
export function checkCorpusTarget(dir: string): void {
  if (dir.trim() === '') throw new UsageError('invalid --emit-corpus "": expected a folder');
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`invalid --emit-corpus ${JSON.stringify(dir)}: not a folder`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Missing: created when there is something to write, unless a part of its path is a file.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new UsageError(`invalid --emit-corpus ${JSON.stringify(dir)}: a part of that path is a file, not a folder`);
  }
}

/** "duplicates-ack-lost", "loss-consumer-crash-after-fetch-plus-fetch-lost": a file name per cause. */
export function corpusName(found: ExploreBreak, mode: string): string {
  const slug = `${mode}-${found.invariant}-${found.cause.replace(/\s*\+\s*/g, '-plus-')}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `explore-${slug.replace(/^-+|-+$/g, '')}`;
}

/** Writes one file per cause and returns their paths. */
export function emitCorpus(dir: string, spec: RunSpec, result: ExploreResult, force: boolean): string[] {
  if (!result.breaks.some((found) => found.plan.faults.length > 0)) return [];
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`invalid --emit-corpus ${JSON.stringify(dir)}: cannot create that folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const overrides = worldOverrides(spec.config);
  const flags = spec.worldArgs.filter((_, index, args) => args[index] !== '--mode' && args[index - 1] !== '--mode').join(' ');
  const written: string[] = [];
  // A break of the fault-free run has no plan to keep: the corpus holds plans that cause a break.
  // A handler's own invariant cannot be judged without it, and the corpus replays the built-in processing.
  for (const found of result.breaks.filter((item) => item.plan.faults.length > 0 && isBuiltInInvariant(item.invariant))) {
    const name = corpusName(found, spec.config.mode);
    const path = join(dir, `${name}.json`);
    checkWritableTarget('--emit-corpus', path, force);
    const expected = Object.fromEntries(
      MODE_NAMES.map((mode) => {
        const config = resolveConfig({ mode, seed: spec.config.seed, workload: overrides.workload, settings: overrides.settings, topology: overrides.topology, timing: overrides.timing });
        const replay = runSimulation(config, { plan: found.plan });
        return [mode, { ...Object.fromEntries(INVARIANT_NAMES.map((invariant) => [invariant, replay.invariants[invariant].status])), faultsFired: found.plan.faults.length - replay.unusedPlanFaults.length }];
      }),
    );
    const entry = {
      name,
      why: `Found by simulate explore (${spec.config.mode}, every plan of at most ${result.maxFaults} fault(s)): ${found.plan.faults.map((fault) => describeFault(fault, spec.config.family)).join(', then ')}. That breaks ${found.invariant}; no smaller plan does. One of ${found.equivalentPlans} minimal plan(s) of this cause (${found.cause}).`,
      seed: spec.config.seed,
      workload: overrides.workload ?? {},
      settings: overrides.settings ?? {},
      ...(overrides.topology !== undefined && Object.keys(overrides.topology).length > 0 ? { topology: overrides.topology } : {}),
      ...(overrides.timing !== undefined && Object.keys(overrides.timing).length > 0 ? { timing: overrides.timing } : {}),
      flags,
      plan: found.plan,
      expected,
    };
    writeFileAtomic('--emit-corpus', path, `${JSON.stringify(entry, null, 2)}\n`);
    written.push(path);
  }
  return written;
}
