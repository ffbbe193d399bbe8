/**
 * A finding of `check` or `shrink`: a minimal fault plan that breaks one invariant, the replay of that plan,
 * and how it was reached. Commands collect findings first and print them after, so other renderers (the
 * markdown report) work from the same data: `result` is the replay of the minimal plan; the rest is metadata.
 */
import type { ChalkInstance } from 'chalk';
import { describeFault } from '../models/faults/catalog.js';
import type { FaultPlan } from '../models/faults/catalog.js';
import type { InvariantResult, InvariantStatus } from '../models/invariants/index.js';
import type { HandlerInvariantResult } from '../models/handler/invariants.js';
import { isBuiltInInvariant, statusIn, summariesIn } from '../properties/breaks.js';
import type { SearchedInvariant } from '../properties/breaks.js';
import { PROMISES } from '../models/modes.js';
import type { InvariantName } from '../models/modes.js';
import type { SimulationResult } from '../models/engine.js';
import { WitnessWriter } from './json-contract.js';
import { inlinePlan, planMeta, writePlanFile } from './plan-file.js';
import type { PlanWorldSource } from './plan-file.js';
import { replayCommand } from './shell-quote.js';

export interface Finding {
  /** A built-in invariant, or (check --handler) one of the handler's own. */
  invariant: SearchedInvariant;
  /** The replay of the minimal plan: what reports render. */
  result: SimulationResult;
  /** The minimal plan. */
  plan: FaultPlan;
  /** Faults before shrinking: the first failing generated plan (check) or the recorded run's (shrink). */
  originalFaults: number;
  /** Successful shrink steps (each made the plan smaller). */
  shrinkSteps: number;
  /** Simulation runs spent finding and shrinking it. */
  simulationRuns: number;
  /** One line on how it was found, e.g. "found after 3 generated plans, shrunk from 4 faults in 5 steps". */
  provenance: string;
  /** The command that replays the minimal plan (same traceHash as `result`). */
  replay: string;
  /** Where --emit-plan wrote the plan, when it wrote this finding's. */
  planFile?: string;
}

export interface FindingOutputOptions {
  json?: boolean;
  force?: boolean;
  color?: boolean;
  emitPlan?: string;
}

/** check and shrink are about one mode's promises: the mode is never implied. */
export function findingStatus(finding: Finding): InvariantStatus {
  return statusIn(finding.result, finding.invariant);
}

/** The finding's invariant when it is one of the handler's own (promised in every mode; its witnesses are lines). */
function ownInvariant(finding: Finding): HandlerInvariantResult | undefined {
  return isBuiltInInvariant(finding.invariant) ? undefined : finding.result.handlerInvariants[finding.invariant];
}

function builtInInvariant(finding: Finding): InvariantResult {
  return finding.result.invariants[finding.invariant as InvariantName];
}

/** The finding a single-plan output (--emit-plan, a report) should show: the first violation, else the first break. */
export function headlineFinding(findings: readonly Finding[]): Finding | undefined {
  return findings.find((finding) => findingStatus(finding) === 'VIOLATED') ?? findings[0];
}

/** Replay arguments for a plan in the world of `worldArgs`: the file when there is one, else the plan inline. */
export function replayFor(worldArgs: readonly string[], plan: FaultPlan, planFile: string | undefined): string {
  return replayCommand([...worldArgs, '--plan', planFile ?? inlinePlan(plan)]);
}

/**
 * --emit-plan for check and shrink: write the headline finding's plan, point its replay command at the
 * file, and return the findings updated. Nothing happens without a path or a finding.
 */
export function emitHeadline(findings: Finding[], path: string | undefined, origin: string, world: PlanWorldSource & { worldArgs: readonly string[] }): Finding[] {
  const headline = headlineFinding(findings);
  if (path === undefined || headline === undefined) return findings;
  const replay = replayFor(world.worldArgs, headline.plan, path);
  writePlanFile(path, headline.plan, planMeta(origin, world, replay, { invariant: headline.invariant }));
  return findings.map((finding) => (finding === headline ? { ...finding, replay, planFile: path } : finding));
}

/** For the human output: an --emit-plan that had nothing to write says so instead of staying silent. */
export function emitSkippedLine(path: string | undefined, findings: readonly Finding[]): string[] {
  return path !== undefined && findings.length === 0 ? [`no plan written to ${path}: nothing broke`] : [];
}

function statusText(status: InvariantStatus, color: ChalkInstance): string {
  if (status === 'holds') return color.green('holds');
  if (status === 'VIOLATED') return color.red.bold('VIOLATED');
  return color.yellow('broken, as expected');
}

const PROMISE_WORDS: Record<InvariantName, string> = { loss: 'no loss', duplicates: 'no duplicates', order: 'per-key order', liveness: 'settling after healing' };

/** "at-least-once does not promise no duplicates" / "exactly-once promises no loss". */
export function promiseText(finding: Finding): string {
  const mode = finding.result.config.mode;
  if (!isBuiltInInvariant(finding.invariant)) return "your handler's own invariant, promised in every mode";
  return `${mode} ${PROMISES[mode][finding.invariant] ? 'promises' : 'does not promise'} ${PROMISE_WORDS[finding.invariant]}`;
}

export function renderFinding(finding: Finding, color: ChalkInstance): string[] {
  const summaries = summariesIn(finding.result, finding.invariant);
  const count = (ownInvariant(finding) ?? builtInInvariant(finding)).count;
  const faults = finding.plan.faults.length;
  const lines = [
    `${color.bold(finding.invariant)} · ${statusText(findingStatus(finding), color)} (${promiseText(finding)})`,
    `  minimal plan: ${faults} fault${faults === 1 ? '' : 's'} — ${finding.provenance}`,
    ...finding.plan.faults.map((fault, index) => `    ${index + 1}. ${describeFault(fault, finding.result.config.family)}`),
  ];
  for (const summary of summaries.slice(0, 3)) lines.push(color.dim(`  what broke: ${summary}`));
  if (count > 3) lines.push(color.dim(`  … ${count - 3} more`));
  lines.push(`  plan JSON: ${inlinePlan(finding.plan)}`);
  if (finding.planFile !== undefined) lines.push(`  plan file: ${finding.planFile}`);
  lines.push(`  replay (trace hash ${finding.result.traceHash()}): ${finding.replay}`);
  return lines;
}

export function findingJson(finding: Finding): Record<string, unknown> {
  const own = ownInvariant(finding);
  const invariant = own ?? builtInInvariant(finding);
  const writer = new WitnessWriter(finding.result);
  // A handler's own invariant gives lines, not messages: each is a witness with its summary only.
  const witnesses = own !== undefined ? own.witnesses.map((summary) => ({ msg: null, key: null, summary, how: null, because: [], records: [] })) : builtInInvariant(finding).witnesses.map((witness) => writer.witness(builtInInvariant(finding), witness));
  return {
    invariant: finding.invariant,
    promised: invariant.promised,
    status: invariant.status,
    count: invariant.count,
    witnesses,
    plan: { version: finding.plan.version, faults: finding.plan.faults },
    inWords: finding.plan.faults.map((fault) => describeFault(fault, finding.result.config.family)),
    originalFaults: finding.originalFaults,
    shrinkSteps: finding.shrinkSteps,
    simulationRuns: finding.simulationRuns,
    provenance: finding.provenance,
    traceHash: finding.result.traceHash(),
    planFile: finding.planFile ?? null,
    replay: finding.replay,
  };
}
