/**
 * Join sweeps of consecutive seed ranges into the sweep of their union, exactly as one pass over the whole
 * range would have aggregated it: worker chunks (sweep --workers) and shards from other machines (simulate
 * merge) both end here, so a split sweep cannot drift from a single-process one.
 */
import { FAULT_KINDS } from '../models/faults/catalog.js';
import type { FaultKind } from '../models/faults/catalog.js';
import { INVARIANT_NAMES } from '../models/modes.js';
import type { InvariantName } from '../models/modes.js';
import { mergeWindows } from './coverage.js';
import type { InvariantSweep, SweepResult } from './sweep.js';

export const DEFAULT_EXAMPLES_MAX = 10;

/** `parts` in ascending seed order, each over the seeds right after the previous one's. */
export function mergeSweepResults(parts: readonly SweepResult[], examplesMax = DEFAULT_EXAMPLES_MAX): SweepResult {
  if (parts.length === 0) throw new RangeError('nothing to merge: no sweep parts');
  const [first] = parts;
  const invariants = Object.fromEntries(INVARIANT_NAMES.map((name) => [name, mergeInvariant(parts.map((part) => part.invariants[name]), examplesMax)])) as Record<InvariantName, InvariantSweep>;
  const faultKindsFired = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, sum(parts, (part) => part.faultKindsFired[kind])])) as Record<FaultKind, number>;
  // One pass keeps the first seed with the longest wait (a strict >), so a later part wins only when strictly longer.
  const lag = { ...first.lag };
  for (const part of parts.slice(1)) {
    if (part.lag.maxMs > lag.maxMs) Object.assign(lag, { maxMs: part.lag.maxMs, seed: part.lag.seed });
    lag.maxRecords = Math.max(lag.maxRecords, part.lag.maxRecords);
  }
  return {
    runs: sum(parts, (part) => part.runs),
    invariants,
    faultKindsFired,
    events: sum(parts, (part) => part.events),
    unsettled: sum(parts, (part) => part.unsettled),
    parked: { seeds: sum(parts, (part) => part.parked.seeds), records: sum(parts, (part) => part.parked.records) },
    lag,
    verdict: INVARIANT_NAMES.some((name) => invariants[name].status === 'VIOLATED') || parts.some((part) => part.verdict === 'violated') ? 'violated' : 'ok',
    windows: mergeWindows(parts.map((part) => part.windows)),
    ...mergeHandlerInvariants(parts, examplesMax),
  };
}

/** A handler's own invariants: seeds broken summed, the first seeds in seed order. */
function mergeHandlerInvariants(parts: readonly SweepResult[], examplesMax: number): Pick<SweepResult, 'handlerInvariants'> {
  const names = [...new Set(parts.flatMap((part) => Object.keys(part.handlerInvariants ?? {})))];
  if (names.length === 0) return {};
  const merged = Object.fromEntries(
    names.map((name) => {
      const pieces = parts.map((part) => part.handlerInvariants?.[name] ?? { seedsBroken: 0, examples: [] });
      return [name, { seedsBroken: sum(pieces, (piece) => piece.seedsBroken), examples: pieces.flatMap((piece) => piece.examples).slice(0, examplesMax) }];
    }),
  );
  return { handlerInvariants: merged };
}

function mergeInvariant(parts: readonly InvariantSweep[], examplesMax: number): InvariantSweep {
  const broken = parts.filter((part) => part.seedsBroken > 0);
  const merged: InvariantSweep = {
    promised: parts[0].promised,
    seedsBroken: sum(parts, (part) => part.seedsBroken),
    // One pass keeps the status of the last seed that broke it.
    status: broken.at(-1)?.status ?? parts[0].status,
    examples: parts.flatMap((part) => part.examples).slice(0, examplesMax),
    count: sum(parts, (part) => part.count),
  };
  if (parts[0].acknowledgedSeeds !== undefined) {
    merged.acknowledgedSeeds = sum(parts, (part) => part.acknowledgedSeeds ?? 0);
    merged.acknowledgedCount = sum(parts, (part) => part.acknowledgedCount ?? 0);
  }
  return merged;
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += value(item);
  return total;
}
