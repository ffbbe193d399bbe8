/**
 * `explore`: every plan of at most K faults in small worlds. Exactly-once is clean for K=2; the single-fault causes of
 * at-least-once's duplicates and at-most-once's losses are each listed once; weakened settings are caught with a
 * minimal plan; the K=1 space is checked against an independent enumeration; a run limit stops it honestly.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, runSimulation } from '../../models/engine.js';
import { FAULT_KINDS, faultKey } from '../../models/faults/catalog.js';
import type { Fault, FaultKind } from '../../models/faults/catalog.js';
import type { SimulationConfig } from '../../models/config.js';
import type { InvariantName } from '../../models/modes.js';
import { breaks } from '../../properties/breaks.js';
import { EXPLORE_MESSAGES_MAX, ExploreSearch, explore } from '../../properties/explore.js';
import type { ExploreStop } from '../../properties/explore.js';
import { worldKinds } from '../../models/families.js';
import type { ExploreResult } from '../../properties/explore.js';
import { alternatives, exploreChoices } from '../../properties/explore-choices.js';
import { REACH_MESSAGES_MAX, samplingTally } from '../../properties/coverage.js';
import { sweepSeeds } from '../../properties/sweep.js';
import { FAULT_PRESETS } from '../../models/faults/catalog.js';

const SMALL = { messages: 3, partitions: 1 };

function small(mode: SimulationConfig['mode'], settings: Partial<SimulationConfig['settings']> = {}): SimulationConfig {
  return resolveConfig({ mode, seed: 1, workload: SMALL, settings });
}

/** explore() stopped after maxRuns by its caller, the search itself unbounded: every plan of the next level kept. */
function uncappedExplore(config: SimulationConfig, maxRuns: number): ExploreResult {
  const search = new ExploreSearch({ config, maxFaults: 2 });
  let runs = 0;
  for (let k = 0; k <= search.maxFaults && search.stopped === null; k++) {
    const level = search.levelPlans(k);
    let stop: ExploreStop = null;
    for (const faults of level.plans) {
      if (runs >= maxRuns) {
        stop = 'max-runs';
        break;
      }
      const { outcome, result } = search.runHere(faults, level.extendable);
      search.absorb(faults, outcome, result);
      runs++;
    }
    search.endLevel(level, stop);
  }
  return search.result();
}

function causes(result: ExploreResult, invariant: InvariantName): string[] {
  return result.breaks.filter((found) => found.invariant === invariant).map((found) => found.cause);
}

/** Each break's plan breaks its invariant, and no plan made of some of its faults does. */
function expectMinimal(result: ExploreResult): void {
  for (const found of result.breaks) {
    expect(breaks(found.result, found.invariant), found.cause).toBe(true);
    const faults = found.plan.faults;
    for (let mask = 0; mask < (1 << faults.length) - 1; mask++) {
      const subset = faults.filter((_, index) => (mask & (1 << index)) !== 0);
      const replay = runSimulation(result.baseline.config, { plan: { version: 1, faults: subset } });
      expect(breaks(replay, found.invariant), `${found.cause}: a subset of ${faults.length} breaks too`).toBe(false);
    }
  }
}

describe('explore', () => {
  it('exactly-once, K=2, 3 messages on 1 partition: exhaustive and clean', () => {
    const result = explore({ config: small('exactly-once'), maxFaults: 2 });
    expect(result).toMatchObject({ exhaustive: true, stoppedBy: null, completeUpTo: 2, breaks: [] });
    expect(result.plansByFaults).toHaveLength(3);
    expect(result.plansByFaults[2]).toBeGreaterThan(result.plansByFaults[1]);
    // Every window reached by a plan of fewer than K faults was faulted by some plan.
    for (const window of result.coverage) expect(window.faulted, window.id).toBe(window.reached);
    expect(result.coverage.find((window) => window.id === 'consumer-crash-after-db-commit')?.reached).toBeGreaterThanOrEqual(3);
  });

  it('at-least-once, K=1: each single-fault cause of a duplicate once, with its minimal plan', () => {
    const result = explore({ config: small('at-least-once'), maxFaults: 1 });
    const duplicates = causes(result, 'duplicates');
    expect(new Set(duplicates).size).toBe(duplicates.length);
    expect(duplicates).toEqual(expect.arrayContaining(['ack-lost', 'consumer-crash after-db-commit', 'db-reply-lost', 'producer-crash after-send', 'request-delayed past-timeout']));
    // A lost ack duplicates whichever message it hits: one cause, one minimal plan per message.
    expect(result.breaks.find((found) => found.cause === 'ack-lost')?.equivalentPlans).toBe(SMALL.messages);
    expect(result.breaks.every((found) => !found.promised)).toBe(true);
    expectMinimal(result);
  });

  it('at-most-once, K=1: each single-fault cause of a loss once', () => {
    const result = explore({ config: small('at-most-once'), maxFaults: 1 });
    const loss = causes(result, 'loss');
    expect(new Set(loss).size).toBe(loss.length);
    expect(loss).toEqual(expect.arrayContaining(['request-lost', 'consumer-crash after-fetch', 'consumer-crash mid-process', 'producer-crash after-handover']));
    expect(causes(result, 'duplicates')).toEqual([]);
    expectMinimal(result);
  });

  it('catches weakened settings with a minimal plan: acks=1, and the dedup mark in its own transaction', () => {
    const acks = explore({ config: small('at-least-once', { acks: 1 }), maxFaults: 1 });
    const loss = acks.breaks.find((found) => found.invariant === 'loss');
    expect(loss).toMatchObject({ promised: true, cause: 'leader-failover' });
    expect(loss?.plan.faults).toHaveLength(1);
    const dedup = explore({ config: small('exactly-once', { dedup: 'separate-transaction', commit: 'after-process' }), maxFaults: 1 });
    const crash = dedup.breaks.find((found) => found.invariant === 'duplicates' && found.cause === 'consumer-crash after-db-commit');
    expect(crash).toMatchObject({ promised: true, plan: { faults: [{ kind: 'consumer-crash', point: 'after-db-commit' }] } });
    expectMinimal(dedup);
  });

  it('K=1 runs exactly the single-fault plans an independent enumeration of the fault-free run gives', () => {
    const config = small('at-least-once');
    const kinds = FAULT_KINDS.filter((kind) => kind !== 'partition');
    const result = explore({ config, maxFaults: 1, kinds });
    const reached: Fault[] = [];
    const baseline = runSimulation(config, { plan: { version: 1, faults: [] } }, { candidate: (candidate) => void reached.push(candidate) });
    const points = [...new Map(reached.map((candidate) => [faultKey(candidate), candidate])).values()];
    const plans = points.flatMap((point) => alternatives(point, exploreChoices(config, baseline.trace)));
    expect(result.plansRun).toBe(1 + plans.length);
    const breaking = plans.filter((fault) => !runSimulation(config, { plan: { version: 1, faults: [fault] } }).invariants.duplicates.holds);
    const counted = result.breaks.filter((found) => found.invariant === 'duplicates').reduce((sum, found) => sum + found.equivalentPlans, 0);
    expect(counted).toBe(breaking.length);
  });

  it('K=2 runs exactly the pairs of points whose faults both fire, each once (checked by brute force over every pair)', () => {
    const config = small('at-least-once');
    const kinds: readonly FaultKind[] = FAULT_KINDS.filter((kind) => kind !== 'partition' && kind !== 'request-delayed' && kind !== 'processing-error');
    const result = explore({ config, maxFaults: 2, kinds });
    // Every point a plan of at most one fault reaches (what any plan of two could name).
    const points = new Map<string, Fault>();
    const watch = (faults: Fault[]): void => {
      runSimulation(config, { plan: { version: 1, faults } }, { candidate: (candidate) => void (kinds.includes(candidate.kind) && points.set(faultKey(candidate), candidate)) });
    };
    watch([]);
    for (const point of [...points.values()]) watch([point]);
    const all = [...points.values()];
    let firing = 0;
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) {
        if (runSimulation(config, { plan: { version: 1, faults: [all[i], all[j]] } }).unusedPlanFaults.length === 0) firing++;
      }
    }
    expect(result.plansByFaults[2]).toBe(firing);
    expect(result.decisionPointsTotal).toBe(all.length);
  });

  it('keeps of the next level only the plans --max-runs leaves room for: the same result as keeping them all', () => {
    // Level 1 of K=2 holds every point each level-1 run reached: capped, a large world no longer grows with them.
    for (const maxRuns of [5, 40, 113, 400]) {
      const capped = explore({ config: small('at-least-once'), maxFaults: 2, maxRuns });
      const { baseline: _b, breaks, ...rest } = capped;
      const { baseline: _c, breaks: wholeBreaks, ...whole } = uncappedExplore(small('at-least-once'), maxRuns);
      expect(rest, String(maxRuns)).toEqual(whole);
      expect(breaks.map((found) => [found.cause, found.equivalentPlans, found.plan]), String(maxRuns)).toEqual(wholeBreaks.map((found) => [found.cause, found.equivalentPlans, found.plan]));
    }
    // What the next level holds: one plan more than may still run, not every point of every run.
    const kinds = worldKinds(small('at-least-once')).filter((kind) => kind !== 'partition');
    const levelOneSize = (maxRuns?: number): number => {
      const search = new ExploreSearch({ config: small('at-least-once'), maxFaults: 2, kinds, ...(maxRuns === undefined ? {} : { maxRuns }) });
      const { outcome, result } = search.runHere([], true);
      search.absorb([], outcome, result);
      search.endLevel(search.levelPlans(0), null);
      return search.levelPlans(1).size;
    };
    expect(levelOneSize(5)).toBe(5);
    expect(levelOneSize()).toBeGreaterThan(40);
  });

  it('refuses a world larger than EXPLORE_MESSAGES_MAX', () => {
    expect(() => explore({ config: resolveConfig({ mode: 'at-least-once', seed: 1, workload: { messages: EXPLORE_MESSAGES_MAX + 1 } }), maxFaults: 1, maxRuns: 1 })).toThrow(/at most 10000 messages/);
  });

  it('stops at maxRuns, says so, and never claims to be exhaustive', () => {
    const result = explore({ config: small('exactly-once'), maxFaults: 2, maxRuns: 300 });
    expect(result).toMatchObject({ exhaustive: false, stoppedBy: 'max-runs', plansRun: 300, completeUpTo: 1 });
    const timed = explore({ config: small('exactly-once'), maxFaults: 2, outOfTime: () => true });
    expect(timed).toMatchObject({ exhaustive: false, stoppedBy: 'time', plansRun: 0, completeUpTo: -1 });
  });

  it('sweep coverage: per window, the fault-free run\'s points and the distinct ones the seeds faulted', () => {
    const config = resolveConfig({ mode: 'at-least-once', seed: 1, workload: { messages: 10, partitions: 1 } });
    const tally = samplingTally(config);
    const injected: Fault[] = [];
    sweepSeeds({ config, faults: { rates: FAULT_PRESETS.chaos }, fromSeed: 1, toSeed: 30, onRun: (result) => {
      tally.run(result.injected.faults);
      injected.push(...result.injected.faults);
    } });
    const window = tally.result().find((item) => item.id === 'consumer-crash-after-db-commit');
    expect(window?.reached).toBe(10);
    const keys = new Set(injected.filter((fault) => fault.kind === 'consumer-crash' && fault.point === 'after-db-commit' && fault.delivery === 1).map(faultKey));
    expect(window?.faulted).toBe(keys.size);
    expect(keys.size).toBeGreaterThan(0);
  });

  it('RabbitMQ coverage lists its own windows (confirms, basic.ack, the broker node, the quorum queue, routing) in its own words, and no Kafka-only window', () => {
    const config = resolveConfig({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, workload: { messages: 10 } });
    const tally = samplingTally(config);
    const injected: Fault[] = [];
    sweepSeeds({ config, faults: { rates: FAULT_PRESETS.chaos }, fromSeed: 1, toSeed: 40, onRun: (result) => {
      tally.run(result.injected.faults);
      injected.push(...result.injected.faults);
    } });
    const windows = tally.result();
    const ids = windows.map((window) => window.id);
    for (const id of ['publish-lost', 'confirm-lost', 'consumer-ack-lost', 'connection-closed', 'broker-restart', 'quorum-member-failure', 'unroutable']) expect(ids).toContain(id);
    for (const id of ['ack-lost', 'request-lost', 'leader-failover', 'fetch-lost', 'commit-lost', 'transaction-abort']) expect(ids).not.toContain(id);
    expect(windows.find((window) => window.id === 'consumer-crash-after-db-commit')?.words).toBe('consumer crash between the DB commit and the basic.ack');
    expect(windows.map((window) => window.words).join('\n')).not.toMatch(/offset commit|fetch/);
    // Each RabbitMQ window counts the points its kind's faults hit, as the Kafka windows do.
    const confirm = windows.find((window) => window.id === 'confirm-lost');
    expect(confirm?.reached).toBe(10);
    const keys = new Set(injected.filter((fault) => fault.kind === 'confirm-lost' && fault.attempt === 1).map(faultKey));
    expect(keys.size).toBeGreaterThan(0);
    expect(confirm?.faulted).toBe(keys.size);
  });

  it('sweep coverage of a workload too large to remember its points counts the points faulted only', () => {
    // About eleven points a message: a larger run's keys would outgrow the memory the run itself is budgeted.
    const large = samplingTally(resolveConfig({ mode: 'at-least-once', seed: 1, workload: { messages: REACH_MESSAGES_MAX + 1 } }));
    large.run([{ kind: 'ack-lost', message: 'm1', attempt: 1 }]);
    const windows = large.result();
    expect(windows.every((window) => window.reached === null)).toBe(true);
    expect(windows.find((window) => window.id === 'ack-lost')).toMatchObject({ faulted: 1, runsFaulted: 1 });
  });
});
