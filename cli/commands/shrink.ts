/**
 * `simulate shrink --mode <m> --seed <n>` (or `--plan <file>`): run the seeded (or planned) run, take the
 * faults it actually injected, and delta-debug them down to the fewest that still break the same invariant
 * — each broken invariant in turn, or only `--invariant`. Exit 1 when a promised invariant broke (the
 * minimal plan then reproduces a violation), 0 otherwise, 2 on bad input.
 */
import type { Command } from 'commander';
import { INVARIANT_NAMES, PROMISES } from '../../models/modes.js';
import { addHandlerOption } from '../handler-option.js';
import { runnerFor } from '../handler-sync/runner.js';
import { withRunProgress } from '../scale/progress.js';
import type { SimulationResult } from '../../models/engine.js';
import { brokenInvariants, violatedInvariants } from '../../properties/breaks.js';
import type { SearchedInvariant } from '../../properties/breaks.js';
import { shrinkPlan } from '../../properties/shrink.js';
import { makeColor } from '../color.js';
import { addOutputOptions } from '../output-options.js';
import { emitHeadline, emitSkippedLine, findingJson, headlineFinding, renderFinding, replayFor } from '../finding.js';
import type { Finding, FindingOutputOptions } from '../finding.js';
import { renderHeader, renderVerdictTable, violatedVerdict } from '../human-output.js';
import { checkEmitTarget } from '../plan-file.js';
import { addReportOptions, checkOutputFiles, findingReportMeta, writeReport } from '../report-output.js';
import type { ReportOptions } from '../report-output.js';
import { renderRunReport } from '../../reports/index.js';
import { guardHeap } from '../heap-guard.js';
import { addEmitPlanOption, addModeAndSeedOptions, addPlanOption, addWorldOptions, buildRunSpec, printNotes } from '../run-options.js';
import type { RunOptionValues, RunSpec } from '../run-options.js';
import { replayCommand } from '../shell-quote.js';
import { envelope } from '../json-contract.js';
import { faultSourceJson } from '../json-output.js';
import { EXIT_OK, EXIT_VIOLATED, UsageError } from '../usage-error.js';
import { parseSearchedInvariant, searchableInvariants } from './check.js';

export interface ShrinkValues extends RunOptionValues, FindingOutputOptions, ReportOptions {
  invariant?: string;
}

/** Everything `shrink` did: printed as text or JSON, and what a report would be rendered from. */
export interface ShrinkRun {
  spec: RunSpec;
  /** The run whose recorded faults were shrunk. */
  original: SimulationResult;
  /** The invariants shrunk (broken in the original run, or the one asked for). */
  targets: SearchedInvariant[];
  findings: Finding[];
  headline?: Finding;
  /** Why nothing was shrunk, when nothing was. */
  nothingToShrink?: string;
  /** Flags that override a different value the plan file was recorded with, one line each. */
  notes: string[];
  /** --emit-plan's path, when given (written only when something was shrunk). */
  emitPlan?: string;
  simulationRuns: number;
  wallMs: number;
}

export function registerShrink(program: Command): void {
  const command = program
    .command('shrink')
    .description("shrink a failing run's recorded faults (from --seed, or a --plan file) to the fewest that still break the same invariant");
  addModeAndSeedOptions(command, true);
  command.option('--invariant <name>', `only this invariant: ${INVARIANT_NAMES.join(', ')} (default: every invariant the run broke)`);
  addPlanOption(command);
  addWorldOptions(command);
  addHandlerOption(command);
  addEmitPlanOption(command, 'the minimal plan (the first violation, else the first break)');
  addReportOptions(addOutputOptions(command), false).action((values: ShrinkValues) => {
    process.exitCode = shrinkCommand(values);
  });
}

export function collectShrink(values: ShrinkValues, now: () => number): ShrinkRun {
  if (values.seed === undefined && values.plan === undefined) throw new UsageError('shrink needs a failing run: give --seed <n> (its faults drawn from rates) or --plan <file>');
  const spec = buildRunSpec(values, { modeRequired: true, takesHandler: true });
  // The original run's result is kept beside the shrinking runs and the minimal one.
  guardHeap([spec.config], 2);
  // Each run long enough to be waited for draws its own progress line (shrink has no line of its own to share).
  const run = withRunProgress(runnerFor(spec), { json: values.json }, (_config, source) => (source === spec.faults ? 'shrink (the original run)' : 'shrink (a smaller plan)'));
  const only = parseSearchedInvariant(values.invariant, spec.handler);
  checkEmitTarget(values.emitPlan, values.force === true);

  const started = now();
  const config = spec.config;
  const original = run(config, spec.faults);
  let simulationRuns = 1;
  searchableInvariants(original, only);
  // The built-in invariants, then a handler's own.
  const broken = brokenInvariants(original);
  const targets = only === undefined ? broken : broken.filter((name) => name === only);
  let nothingToShrink: string | undefined;
  if (targets.length === 0) {
    nothingToShrink = only === undefined ? 'no invariant broke in this run' : `${only} held in this run${broken.length > 0 ? ` (it broke ${broken.join(', ')})` : ''}`;
  }
  const recorded = original.injected;
  const findings: Finding[] = targets.map((invariant) => {
    const outcome = shrinkPlan(config, recorded, invariant, { run });
    simulationRuns += outcome.runs;
    return {
      invariant,
      result: outcome.result,
      plan: outcome.plan,
      originalFaults: outcome.originalFaults,
      shrinkSteps: outcome.steps,
      simulationRuns: outcome.runs,
      provenance: `shrunk from the run's ${outcome.originalFaults} injected fault${outcome.originalFaults === 1 ? '' : 's'} in ${outcome.steps} step${outcome.steps === 1 ? '' : 's'} (${outcome.runs} replays)${outcome.truncated ? ', stopped at the replay limit: may not be minimal' : ''}`,
      replay: replayFor(spec.worldArgs, outcome.plan, undefined),
    };
  });
  const emitted = emitHeadline(findings, values.emitPlan, 'simulate shrink', spec);
  return {
    spec,
    original,
    targets,
    findings: emitted,
    headline: headlineFinding(emitted),
    ...(nothingToShrink !== undefined ? { nothingToShrink } : {}),
    notes: spec.notes,
    ...(values.emitPlan !== undefined ? { emitPlan: values.emitPlan } : {}),
    simulationRuns,
    wallMs: Math.round((now() - started) * 1000) / 1000,
  };
}

/** 1 when the run shrunk broke a promised invariant (its minimal plan, if shrunk, breaks it too). */
export function shrinkExitCode(run: ShrinkRun): number {
  return run.original.verdict === 'violated' ? EXIT_VIOLATED : EXIT_OK;
}

export function renderShrink(run: ShrinkRun, color: ReturnType<typeof makeColor>): string {
  const config = run.spec.config;
  const [, ...header] = renderHeader(run.original.config, run.spec, color);
  const injected = run.original.injected.faults.length;
  const lines = [
    color.bold(`simulate shrink · ${config.mode} · seed ${config.seed}`) + (run.spec.scenario ? color.dim(` · scenario ${run.spec.scenario.name}`) : ''),
    ...header,
    '',
    `${color.bold('original run')}  ${injected} fault${injected === 1 ? '' : 's'} injected, trace hash ${run.original.traceHash()} (${replayCommand(run.spec.replayArgs)})`,
    ...renderVerdictTable({ ...run.original, invariants: withoutWitnesses(run.original) }, color),
  ];
  if (run.nothingToShrink !== undefined) lines.push('', `nothing to shrink: ${run.nothingToShrink}`);
  for (const finding of run.findings) lines.push('', ...renderFinding(finding, color));
  lines.push(...emitSkippedLine(run.emitPlan, run.findings).map((line) => `\n${line}`));
  lines.push('', color.dim(`${run.simulationRuns} simulation runs`), verdictLine(run, color), '');
  return lines.join('\n');
}

/** The original run's table without its witnesses: the minimal plans below explain the breaks better. */
function withoutWitnesses(result: SimulationResult): SimulationResult['invariants'] {
  return Object.fromEntries(Object.entries(result.invariants).map(([name, invariant]) => [name, { ...invariant, witnesses: [] }])) as unknown as SimulationResult['invariants'];
}

function verdictLine(run: ShrinkRun, color: ReturnType<typeof makeColor>): string {
  const mode = run.spec.config.mode;
  const violated = violatedInvariants(run.original);
  if (violated.length > 0) return color.red.bold(violatedVerdict(mode, violated));
  if (run.findings.length > 0) return color.green(`verdict: ok — every break shrunk is one ${mode} does not promise (exit 0)`);
  return color.green(`verdict: ok — nothing broke that ${mode} promises (exit 0)`);
}

export function shrinkJson(run: ShrinkRun): Record<string, unknown> {
  const config = run.spec.config;
  const promises = PROMISES[config.mode];
  return envelope('shrink', {
    mode: config.mode,
    seed: config.seed,
    scenario: run.spec.scenario?.name ?? null,
    config,
    original: {
      faultSource: faultSourceJson(run.spec),
      plan: run.original.injected,
      traceHash: run.original.traceHash(),
      replay: replayCommand(run.spec.replayArgs),
      invariants: Object.fromEntries(INVARIANT_NAMES.map((name) => [name, { promised: promises[name], status: run.original.invariants[name].status, count: run.original.invariants[name].count }])),
      // --handler only: its own invariants, each promised in every mode.
      ...(run.spec.handler !== undefined ? { handlerInvariants: Object.fromEntries(Object.entries(run.original.handlerInvariants).map(([name, invariant]) => [name, { promised: true, status: invariant.status, count: invariant.count }])) } : {}),
    },
    nothingToShrink: run.nothingToShrink ?? null,
    findings: run.findings.map(findingJson),
    emittedPlan: run.findings.find((finding) => finding.planFile !== undefined)?.planFile ?? null,
    verdict: shrinkExitCode(run) === EXIT_VIOLATED ? 'violated' : 'ok',
    stats: { simulationRuns: run.simulationRuns, wallMs: run.wallMs },
  });
}

/** The report of a shrink: the headline minimal plan's run, or the original run when nothing broke. */
export function shrinkReport(run: ShrinkRun, values: ShrinkValues): string {
  const extraArgs: string[] = [];
  if (values.invariant !== undefined) extraArgs.push('--invariant', values.invariant);
  if (values.emitPlan !== undefined) extraArgs.push('--emit-plan', values.emitPlan);
  const meta = findingReportMeta('shrink', run.headline, run.spec, values, ['shrink', ...run.spec.replayArgs, ...extraArgs]);
  return renderRunReport(run.headline?.result ?? run.original, meta);
}

export function shrinkCommand(values: ShrinkValues): number {
  checkOutputFiles(values);
  const run = collectShrink(values, () => performance.now());
  if (values.report !== undefined) writeReport(values.report, shrinkReport(run, values));
  printNotes(run.notes);
  if (values.json === true) process.stdout.write(JSON.stringify(shrinkJson(run), null, 2) + '\n');
  else process.stdout.write(renderShrink(run, makeColor(values.color)));
  return shrinkExitCode(run);
}
