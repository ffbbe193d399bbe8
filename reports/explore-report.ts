/**
 * The markdown report of `simulate explore`: the verdict over every plan of at most K faults, the finite choices it
 * was exhaustive over, the decision points and dangerous windows it covered, and each cause of a break with its
 * minimal plan and replay; the first break (a promised one if any) is told as a story, with the run report's own
 * sections. Pure: the same inputs give the same bytes (no wall time).
 */
import { FAULT_KINDS, describeFault } from '../models/faults/catalog.js';
import type { FaultKind, FaultPlan } from '../models/faults/catalog.js';
import type { SimulationResult } from '../models/engine.js';
import type { InvariantName } from '../models/modes.js';
import { plural } from './format.js';
import { code, escapeText, fenced, raw, table } from './markdown.js';
import { allStories, scenarioMechanism, invariantSection, ownInvariantSection, verdictTable } from './report-parts.js';
import type { HandlerInvariantResult } from '../models/handler/invariants.js';
import { TraceFacts } from './trace-facts.js';

/** What the report shows of an exploration (properties/explore.ts's ExploreResult has this shape). */
export interface ExploreReportData {
  maxFaults: number;
  plansRun: number;
  plansByFaults: readonly number[];
  distinctRuns: number;
  naivePlans: number;
  decisionPoints: Record<FaultKind, number>;
  decisionPointsTotal: number;
  coverage: readonly { words: string; reached: number | null; faulted: number; runsFaulted: number }[];
  /** Each break's invariant: a built-in one, or a handler's own. */
  breaks: readonly { invariant: string; promised: boolean; cause: string; plan: FaultPlan; equivalentPlans: number; result: SimulationResult }[];
  baseline: SimulationResult;
}

export interface ExploreReportMeta {
  toolVersion: string;
  /** The command that rewrites this report. */
  replayCommand: string;
  /** The verdict sentence, as the command line prints it. */
  verdict: string;
  /** The named finite choices, one line each. */
  choices: readonly string[];
  /** Per break (same order): the command that replays its plan, and the plan as one line of JSON. */
  replays: readonly string[];
  plans: readonly string[];
  /** The named setup: its summary, and the mechanism it shows (in every mode's terms). */
  scenario?: { name: string; summary: string; mechanism?: string };
}

export function renderExploreReport(result: ExploreReportData, meta: ExploreReportMeta): string {
  const config = result.baseline.config;
  const scenario = meta.scenario === undefined ? '' : `, scenario ${code(meta.scenario.name)} (${escapeText(meta.scenario.summary)})`;
  const out: string[] = [`# explore · ${config.mode} · seed ${config.seed} · K=${result.maxFaults}`, ''];
  out.push(`Every fault plan of at most ${plural(result.maxFaults, 'fault')} over every decision point this world reaches, with delivery-sim ${escapeText(meta.toolVersion)}${scenario}.${scenarioMechanism(meta.scenario)}`, '');
  out.push(`Verdict — ${escapeText(meta.verdict)}.`, '');

  out.push('## What was explored', '');
  const plans = result.plansByFaults.map((count, faults) => [String(faults), String(count)]);
  out.push(table(['faults in the plan', 'plans run'], plans, ['r', 'r']), '');
  out.push(
    `${plural(result.plansRun, 'plan')} in all, ${plural(result.distinctRuns, 'distinct run')}. Each plan was extended only by decision points its own run reached after its last fault, so no plan ran twice and none held a fault that could not fire; every set of at most ${plural(result.maxFaults, 'fault')} over the ${result.decisionPointsTotal} points and choices would have been ${Math.round(result.naivePlans)} plans.`,
    '',
  );
  out.push('Continuous faults were made finite by these choices:', '', ...meta.choices.map((line) => `- ${escapeText(line)}`), '');
  const kinds = FAULT_KINDS.filter((kind) => result.decisionPoints[kind] > 0).map((kind) => [raw(code(kind)), String(result.decisionPoints[kind])]);
  out.push('### Decision points by kind', '', table(['kind', 'points'], kinds, ['l', 'r']), '');
  out.push('### Dangerous windows', '', 'Points of each window reached by some run, faulted by some plan, and the plans that faulted it.', '');
  const windows = result.coverage.filter((window) => (window.reached ?? 0) > 0 || window.faulted > 0).map((window) => [window.words, String(window.reached ?? '—'), String(window.faulted), String(window.runsFaulted)]);
  out.push(table(['window', 'reached', 'explored', 'plans'], windows, ['l', 'r', 'r', 'r']), '');

  out.push('## Breaks', '');
  if (result.breaks.length === 0) out.push('No plan broke any invariant.', '');
  else {
    out.push('Each cause once, with its first minimal plan (no smaller plan that was run breaks the same invariant) and how many minimal plans share the cause.', '');
    const rows = result.breaks.map((found, index) => [found.invariant, found.promised ? raw('**VIOLATED**') : 'broken, as expected', found.cause, String(found.equivalentPlans), found.plan.faults.map((fault) => describeFault(fault, config.family)).join('; '), raw(code(meta.replays[index]))]);
    out.push(table(['invariant', 'status', 'cause', 'minimal plans', 'first minimal plan', 'replay'], rows), '');
    const headline = result.breaks.find((found) => found.promised) ?? result.breaks[0];
    const index = result.breaks.indexOf(headline);
    const facts = new TraceFacts(headline.result);
    const stories = allStories(headline.result, facts);
    out.push(`## The first ${headline.promised ? 'violation' : 'break'}: ${escapeText(headline.cause)}`, '', verdictTable(headline.result), '');
    const own = headline.result.handlerInvariants[headline.invariant] as HandlerInvariantResult | undefined;
    if (own !== undefined) out.push(...ownInvariantSection(headline.invariant, own, 3));
    else out.push(...invariantSection(headline.result, headline.result.invariants[headline.invariant as InvariantName], stories.get(headline.invariant as InvariantName) ?? [], facts, 3));
    out.push('Its plan:', '', fenced('json', meta.plans[index]), '');
  }
  out.push('## Replay', '', 'This command reproduces this exact report (add `--force` to replace an existing file):', '', fenced('sh', meta.replayCommand), '');
  return out.join('\n');
}
