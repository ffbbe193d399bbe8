/**
 * explore on every core: each level's plans (all plans of k faults) go to the task runner in batches, and their
 * outcomes come back to one ExploreSearch in the level's order, so the result is the one-thread result whatever
 * the worker count. Only the simulations move; the search, its counts and its minimal breaks stay in this thread.
 */
import type { Fault } from '../../models/faults/catalog.js';
import { ExploreSearch, stopBefore } from '../../properties/explore.js';
import type { ExploreLevel, ExploreOptions, ExploreResult, ExploreStop, PlanOutcome } from '../../properties/explore.js';
import type { TaskRunner } from './pool.js';

/** Batches in flight per worker: enough that a thread finds the next one queued while this thread absorbs. */
const BATCHES_IN_FLIGHT_PER_WORKER = 4;

/** Plans run here between two turns of the event loop (so the progress line can draw). */
const PLANS_PER_TURN = 256;

export interface ExploreOnOptions {
  /** The worker threads for a level of this many plans, or undefined to run the level in this thread. */
  runnerFor: (plans: number) => TaskRunner | undefined;
  /** A level begins (k faults, its plans). */
  onLevel?: (level: ExploreLevel) => void;
  /** Plans of the current level absorbed so far, and how many of all plans so far broke something. */
  onProgress?: (done: number, breaking: number) => void;
}

/** Enough batches per worker that a slow one does not leave the others idle, few enough that sending costs nothing. */
export function exploreBatchSize(plans: number, workers: number): number {
  return Math.max(4, Math.min(200, Math.ceil(plans / (workers * 16))));
}

export async function exploreOn(options: ExploreOptions, on: ExploreOnOptions): Promise<ExploreResult> {
  const search = new ExploreSearch(options);
  for (let k = 0; k <= search.maxFaults && search.stopped === null; k++) {
    const level = search.levelPlans(k);
    on.onLevel?.(level);
    // The fault-free plan always runs here: its full result is the baseline.
    const runner = k === 0 ? undefined : on.runnerFor(level.size);
    const stop = runner === undefined ? await levelHere(search, level, on) : await levelOn(runner, search, level, on);
    search.endLevel(level, stop);
  }
  return search.result();
}

async function levelHere(search: ExploreSearch, level: ExploreLevel, on: ExploreOnOptions): Promise<ExploreStop> {
  let done = 0;
  for (const faults of level.plans) {
    const stop = stopBefore(search, 0);
    if (stop !== null) return stop;
    const { outcome, result } = search.runHere(faults, level.extendable);
    search.absorb(faults, outcome, result);
    if (++done % PLANS_PER_TURN === 0) {
      on.onProgress?.(done, search.breakingPlans);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return null;
}

interface Batch {
  plans: Fault[][];
  outcomes: Promise<PlanOutcome[]>;
}

/** The level in batches on the runner, absorbed in order; stops sending at --max-runs or when time is up. */
async function levelOn(runner: TaskRunner, search: ExploreSearch, level: ExploreLevel, on: ExploreOnOptions): Promise<ExploreStop> {
  const size = exploreBatchSize(level.size, runner.workers);
  const task = { config: search.config, kinds: [...search.kinds], extendable: level.extendable };
  const plans = level.plans[Symbol.iterator]();
  let next = plans.next();
  const inFlight: Batch[] = [];
  let pending = 0;
  let done = 0;
  let stop: ExploreStop = null;
  for (;;) {
    while (stop === null && next.done !== true && inFlight.length < runner.workers * BATCHES_IN_FLIGHT_PER_WORKER) {
      stop = stopBefore(search, pending);
      if (stop !== null) break;
      const batch: Fault[][] = [];
      const room = Math.min(size, search.runsLeft - pending);
      while (batch.length < room && next.done !== true) {
        batch.push(next.value);
        next = plans.next();
      }
      const outcomes = runner.run('explorePlans', { ...task, plans: batch });
      // Awaited in order below; this keeps a failing batch from counting as unhandled while earlier ones finish.
      outcomes.catch(() => {});
      inFlight.push({ plans: batch, outcomes });
      pending += batch.length;
    }
    const head = inFlight.shift();
    if (head === undefined) return stop;
    const outcomes = await head.outcomes;
    head.plans.forEach((faults, index) => search.absorb(faults, outcomes[index]));
    pending -= head.plans.length;
    done += head.plans.length;
    on.onProgress?.(done, search.breakingPlans);
  }
}
