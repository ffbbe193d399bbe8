/**
 * The coverage figures `sweep` and `check` print beside their verdicts (explore prints its own): per dangerous
 * window, the points the fault-free run reaches and the distinct points the search faulted. Answers "did random
 * testing even reach the window?". Kept out of the commands' own files: one call each.
 */
import type { ChalkInstance } from 'chalk';
import { REACH_MESSAGES_MAX } from '../properties/coverage.js';
import type { WindowCoverage } from '../properties/coverage.js';

/** Windows that were reached or faulted, one line each; nothing when no window was. */
export function coverageLines(coverage: readonly WindowCoverage[], color: ChalkInstance, runs: string, verb = 'faulted', reachedCounted = true): string[] {
  const shown = coverage.filter((window) => (window.reached ?? 0) > 0 || window.faulted > 0);
  if (shown.length === 0) return [];
  const reached = reachedCounted ? 'points the fault-free run reaches' : `points reached not counted (runs of more than ${REACH_MESSAGES_MAX} messages)`;
  return [
    `${color.bold('coverage')}  dangerous windows: ${reached}, distinct points ${verb}, and the ${runs} that ${verb} them`,
    ...shown.map((window) => `  ${window.words}: ${window.reached === null ? `${window.faulted} ${verb}` : `${window.reached} reached, ${window.faulted} ${verb}`} (${window.runsFaulted} ${runs})`),
  ];
}

/** The `coverage` JSON field: per window id, its words and figures. */
export function coverageJson(coverage: readonly WindowCoverage[]): Record<string, unknown> {
  return Object.fromEntries(coverage.map((window) => [window.id, { words: window.words, reached: window.reached, faulted: window.faulted, runsFaulted: window.runsFaulted }]));
}
