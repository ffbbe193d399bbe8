/**
 * Issue 8's figures: bounded exhaustive exploration. Exactly-once with every plan of at most 2 faults on a
 * 3-message, 1-partition workload must come out exhaustively clean in under 60 s on one core; at-least-once with
 * K=1 lists its single-fault causes of duplicates. Wall-clock, measured here, never asserted in a timed test.
 */
import { resolveConfig } from '../models/engine.js';
import { explore } from '../properties/explore.js';

const SMALL = { messages: 3, partitions: 1 };

export function benchExplore(): string[] {
  const lines: string[] = [];
  const started = performance.now();
  const clean = explore({ config: resolveConfig({ mode: 'exactly-once', seed: 1, workload: SMALL }), maxFaults: 2 });
  const seconds = (performance.now() - started) / 1000;
  const verdict = clean.exhaustive && clean.breaks.length === 0 ? 'exhaustive, no break' : `${clean.exhaustive ? 'exhaustive' : 'NOT exhaustive'}, ${clean.breaks.length} cause(s) of a break`;
  lines.push(`explore exactly-once K=2, 3 messages, 1 partition: ${verdict}; ${clean.plansRun.toLocaleString('en-US')} plans over ${clean.decisionPointsTotal} decision points in ${seconds.toFixed(1)} s (${Math.round(clean.plansRun / seconds).toLocaleString('en-US')} plans/s; target < 60 s)`);
  const duplicates = explore({ config: resolveConfig({ mode: 'at-least-once', seed: 1, workload: SMALL }), maxFaults: 1 }).breaks.filter((found) => found.invariant === 'duplicates');
  lines.push(`explore at-least-once K=1: ${duplicates.length} single-fault causes of duplicates: ${duplicates.map((found) => found.cause).join(', ')}`);
  return lines;
}
