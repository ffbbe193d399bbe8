/**
 * Consumer lag per group, as an operator watches it (seed 004: a queue absorbs bursts, so watch the lag): the
 * most messages handed over but not yet processed at any moment, and the longest a message waited between its
 * hand-over and its first processing. A message is processed when its effect is applied; one never processed
 * counts as waiting until the end of the run.
 */
import type { AppliedEffect } from './db/database.js';
import { effectsOf, effectsWhere, groupOfEffect } from './db/effect-log.js';
import type { Effects } from './db/effect-log.js';
import type { ParkedRecord } from './observations.js';
import { workloadIndex, workloadOf } from './workload.js';
import type { Workload, WorkloadMessage } from './workload.js';

export interface Lag {
  /** The most records handed over and not yet processed at one time. */
  maxRecords: number;
  /**
   * The longest time (virtual ms) a message waited after its hand-over: until its first processing, or until
   * `endUs` (the end of the run) if it was never processed — a blocked partition's wait is the run's, not zero.
   */
  maxMs: number;
}

/**
 * Scratch arrays reused by every lagOf call (grown when a workload is longer): lag is computed per group at the end
 * of every run, and three fresh typed arrays per call were a visible share of a short run's allocations.
 * lagOf never calls out while it uses them, so sharing them is safe.
 */
let processedScratch = new Float64Array(64);
let handedScratch = new Float64Array(64);
let takesScratch = new Float64Array(64);

function ensureScratch(length: number): void {
  if (processedScratch.length >= length) return;
  const capacity = Math.max(length, processedScratch.length * 2);
  processedScratch = new Float64Array(capacity);
  handedScratch = new Float64Array(capacity);
  takesScratch = new Float64Array(capacity);
}

/** Sorts `values[0, count)` ascending; most runs hand over and first process in time order already, so it checks first. */
function sortPrefix(values: Float64Array, count: number): void {
  for (let index = 1; index < count; index++) {
    // Negated so a NaN (never expected) also takes the sort, as it always did.
    if (!(values[index] >= values[index - 1])) {
      values.subarray(0, count).sort();
      return;
    }
  }
}

export function lagOf(given: readonly WorkloadMessage[] | Workload, handedAtUs: ArrayLike<number>, applied: readonly AppliedEffect[] | Effects, parked: readonly ParkedRecord[] = [], endUs = 0): Lag {
  const workload = workloadOf(given);
  const { positionOf } = workloadIndex(workload);
  ensureScratch(workload.length);
  const processedAtUs = processedScratch;
  processedAtUs.fill(-1, 0, workload.length);
  // Parking a record takes it off the queue as surely as applying it does.
  const done = (msgId: string, t: number): void => {
    const index = positionOf(msgId);
    if (index >= 0 && (processedAtUs[index] < 0 || t < processedAtUs[index])) processedAtUs[index] = t;
  };
  const effects = effectsOf(applied);
  for (let index = 0; index < effects.length; index++) done(effects.msgIdAt(index), effects.tAt(index));
  for (const record of parked) done(record.msgId, record.t);
  // Hand-overs (+1) and first processings (-1), each sorted by time, merged; a hand-over first at the same instant.
  const hands = handedScratch;
  const takes = takesScratch;
  let handedCount = 0;
  let processedCount = 0;
  let maxUs = 0;
  for (let index = 0; index < workload.length; index++) {
    const handedUs = handedAtUs[index];
    if (handedUs < 0) continue;
    hands[handedCount++] = handedUs;
    const processedUs = processedAtUs[index];
    if (processedUs >= 0) {
      takes[processedCount++] = processedUs;
      maxUs = Math.max(maxUs, processedUs - handedUs);
    } else {
      maxUs = Math.max(maxUs, endUs - handedUs);
    }
  }
  sortPrefix(hands, handedCount);
  sortPrefix(takes, processedCount);
  let waiting = 0;
  let maxRecords = 0;
  for (let h = 0, p = 0; h < handedCount; ) {
    if (p < processedCount && takes[p] < hands[h]) {
      waiting--;
      p++;
    } else {
      waiting++;
      h++;
      if (waiting > maxRecords) maxRecords = waiting;
    }
  }
  return { maxRecords, maxMs: maxUs / 1000 };
}

/** Per group, each on its own effects (`endUs`: the end of the run, see Lag.maxMs). */
export function lagByGroup(workload: readonly WorkloadMessage[] | Workload, handedAtUs: ArrayLike<number>, applied: readonly AppliedEffect[] | Effects, groups: readonly string[], parked: readonly ParkedRecord[] = [], endUs = 0): Record<string, Lag> {
  const lags: Record<string, Lag> = {};
  const effects = effectsOf(applied);
  for (const group of groups) {
    const own = groups.length === 1 ? effects : effectsWhere(effects, (all, index) => groupOfEffect(all, index) === group);
    lags[group] = lagOf(workload, handedAtUs, own, parked.filter((record) => record.group === group), endUs);
  }
  return lags;
}

/** The worst over groups: the largest of each figure. */
export function worstLag(lags: Readonly<Record<string, Lag>>): Lag {
  const all = Object.values(lags);
  return { maxRecords: Math.max(0, ...all.map((lag) => lag.maxRecords)), maxMs: Math.max(0, ...all.map((lag) => lag.maxMs)) };
}
