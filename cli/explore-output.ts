/**
 * explore's words: the verdict sentence, the finite choices, a break as lines, coverage as JSON, the replay of a
 * break, and the report (rendered by reports/explore-report.ts from plain data).
 */
import type { ChalkInstance } from 'chalk';
import { describeFault } from '../models/faults/catalog.js';
import type { ModeName } from '../models/modes.js';
import { summariesIn } from '../properties/breaks.js';
import { brokeAlthoughPromised } from './human-output.js';
import type { ExploreBreak, ExploreResult } from '../properties/explore.js';
import { SHORT_PARTITION_MS } from '../properties/explore-choices.js';
import { renderExploreReport } from '../reports/explore-report.js';
import { replayFor } from './finding.js';
import { inlinePlan } from './plan-file.js';
import { reportReplayCommand, scenarioMeta, toolVersion } from './report-output.js';
import type { ReportOptions } from './report-output.js';
import type { RunSpec } from './run-options.js';

/** 18432 -> "18,432" (fixed, not the locale's: outputs are compared across machines). */
export function thousands(value: number): string {
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * `exhaustive for K=2: 18,432 plans over 611 decision points, no break — exactly-once holds for every plan of at
 * most 2 faults in this world`, or what broke, or what stopped the search and how far it got.
 */
export function exploreVerdict(result: ExploreResult, mode: ModeName): string {
  const k = result.maxFaults;
  const over = `${thousands(result.plansRun)} plans over ${thousands(result.decisionPointsTotal)} decision points`;
  const violated = [...new Set(result.breaks.filter((found) => found.promised).map((found) => found.invariant))];
  const unpromised = [...new Set(result.breaks.filter((found) => !found.promised).map((found) => found.invariant))];
  const scope = result.exhaustive ? `exhaustive for K=${k}: ${over}` : `NOT exhaustive: stopped by ${result.stoppedBy === 'time' ? 'the time limit' : '--max-runs'} after ${over}; every plan of at most ${result.completeUpTo} fault${result.completeUpTo === 1 ? '' : 's'} was run`;
  if (violated.length > 0) return `${scope}, VIOLATED — ${brokeAlthoughPromised(mode, violated)}`;
  const aside = unpromised.length > 0 ? ` (${unpromised.join(', ')} broke, which ${mode} does not promise)` : '';
  if (!result.exhaustive) return `${scope}, no promised invariant broke in the plans run${aside}`;
  return `${scope}, ${unpromised.length > 0 ? 'no promised break' : 'no break'} — ${mode} holds for every plan of at most ${k} fault${k === 1 ? '' : 's'} in this world${aside}`;
}

/** The named choices, one line each. */
export function choicesLines(result: ExploreResult): string[] {
  const choices = result.choices;
  const starts = choices.partitionStartsMs;
  const delays = Object.entries(choices.requestDelaysMs).map(([name, ms]) => `${ms} ms (${name})`);
  const deliveries = Object.entries(choices.processingErrorDeliveries).map(([name, value]) => (value === 'always' ? 'always' : `${value} deliver${value === 1 ? 'y' : 'ies'} (${name})`));
  return [
    `partition windows start at t=${starts.length > 0 ? starts.join(', ') : '(none)'} ms (each ms with an event in the fault-free run), per link, lasting ${SHORT_PARTITION_MS} ms (short) or until the heal (to-heal)`,
    `a produce request's delay: ${delays.join(' or ')}`,
    `a processing error fails ${deliveries.join(', ')}`,
  ];
}

export function breakReplay(spec: RunSpec, found: ExploreBreak): string {
  return replayFor(spec.worldArgs, found.plan, undefined);
}

function statusWords(found: ExploreBreak, color: ChalkInstance): string {
  return found.promised ? color.red.bold('VIOLATED') : color.yellow('broken, as expected');
}

/** One cause: a line with the invariant, the cause and its count, the plan in words, and its replay. */
export function renderBreak(found: ExploreBreak, replay: string, color: ChalkInstance): string[] {
  const others = found.equivalentPlans - 1;
  const lines = [`  ${color.bold(found.invariant)} · ${statusWords(found, color)} · ${found.cause} · ${found.equivalentPlans} minimal plan${found.equivalentPlans === 1 ? '' : 's'}${others > 0 ? ` (this one and ${others} equivalent)` : ''}`];
  found.plan.faults.forEach((fault, index) => lines.push(`      ${index + 1}. ${describeFault(fault, found.result.config.family)}`));
  const witness = summariesIn(found.result, found.invariant)[0];
  if (witness !== undefined) lines.push(color.dim(`      what broke: ${witness}`));
  lines.push(`      replay: ${replay}`);
  return lines;
}

/** The markdown report: the canonical command (with --report) that rewrites it, and the plain data it shows. */
export function exploreReport(run: { spec: RunSpec; result: ExploreResult; replays: string[] }, values: ReportOptions & { maxFaults?: string; maxRuns?: string; maxTimeS?: string; kinds?: string }): string {
  const args = ['explore', ...run.spec.replayArgs];
  for (const [flag, value] of [['--max-faults', values.maxFaults], ['--max-runs', values.maxRuns], ['--max-time-s', values.maxTimeS], ['--kinds', values.kinds]] as const) if (value !== undefined) args.push(flag, value);
  return renderExploreReport(run.result, {
    toolVersion: toolVersion(),
    replayCommand: reportReplayCommand(args, values),
    verdict: exploreVerdict(run.result, run.spec.config.mode),
    choices: choicesLines(run.result),
    replays: run.replays,
    plans: run.result.breaks.map((found) => inlinePlan(found.plan)),
    ...scenarioMeta(run.spec.scenario),
  });
}
