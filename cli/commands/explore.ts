/**
 * `simulate explore --mode <m> --max-faults K [world flags]`: run every plan of at most K faults over every
 * decision point the world reaches (properties/explore.ts), and say whether the mode's promises hold for all of
 * them, or which minimal plans break them, grouped by cause. Exit 1 when a promised invariant broke, 0 otherwise,
 * 2 on bad input. The wall-clock limit (--max-time-s) is read here: the library takes a callback. With --workers,
 * the plans of each large level run on worker threads (cli/scale/parallel-explore.ts), with the same result.
 */
import type { Command } from 'commander';
import { FAULT_KINDS } from '../../models/faults/catalog.js';
import { EXPLORE_MESSAGES_MAX } from '../../properties/explore.js';
import type { ExploreBreak, ExploreResult } from '../../properties/explore.js';
import { makeColor } from '../color.js';
import { addOutputOptions } from '../output-options.js';
import { renderHeader } from '../human-output.js';
import { envelope } from '../json-contract.js';
import { addReportOptions, checkOutputFiles, writeReport } from '../report-output.js';
import type { ReportOptions } from '../report-output.js';
import { addHandlerOption } from '../handler-option.js';
import { statusIn } from '../../properties/breaks.js';
import { runnerFor } from '../handler-sync/runner.js';
import { addModeAndSeedOptions, addWorldOptions, buildRunSpec, printNotes } from '../run-options.js';
import type { RunOptionValues, RunSpec } from '../run-options.js';
import { parseDecimal, parseInteger } from '../setting-flags.js';
import { EXIT_OK, EXIT_VIOLATED, UsageError } from '../usage-error.js';
import { parseKinds } from './check.js';
import { isKafkaCluster } from '../../models/families.js';
import { coverageJson } from '../search-coverage.js';
import { breakReplay, choicesLines, exploreReport, exploreVerdict, renderBreak, thousands } from '../explore-output.js';
import { emitCorpus, checkCorpusTarget } from '../explore-corpus.js';
import { exploreOn } from '../scale/parallel-explore.js';
import { guardHeap, workersWithinMemory } from '../heap-guard.js';
import { openRunner } from '../scale/pool.js';
import type { TaskRunner } from '../scale/pool.js';
import { startProgress } from '../scale/progress.js';
import type { Progress } from '../scale/progress.js';
import { PLANS_PER_DEFAULT_WORKER_MIN, addWorkersOption, workersFor } from '../scale/workers-option.js';

export const DEFAULT_EXPLORE_FAULTS = 2;

export interface ExploreValues extends RunOptionValues, ReportOptions {
  maxFaults?: string;
  maxRuns?: string;
  maxTimeS?: string;
  kinds?: string;
  emitCorpus?: string;
  json?: boolean;
  force?: boolean;
  color?: boolean;
  workers?: string;
}

/** Everything explore did: printed as text or JSON, rendered as a report. */
export interface ExploreRun {
  spec: RunSpec;
  result: ExploreResult;
  maxRuns: number | null;
  maxTimeS: number | null;
  /** Per break, the command that replays its plan. */
  replays: string[];
  corpusFiles: string[];
  wallMs: number;
}

export function registerExplore(program: Command): void {
  const command = program.command('explore').description('run every fault plan of at most K faults over every decision point the world reaches: a proof for this world, or the minimal breaking plans by cause');
  addModeAndSeedOptions(command, true);
  command
    .option('--max-faults <k>', `K: the most faults in a plan (default ${DEFAULT_EXPLORE_FAULTS})`)
    .option('--max-runs <n>', 'stop after this many runs (then the result is not exhaustive)')
    .option('--max-time-s <s>', 'stop after this many seconds of wall-clock time (then the result is not exhaustive)')
    .option('--kinds <list>', `only these fault kinds, comma-separated (default all: ${FAULT_KINDS.join(', ')})`)
    .option('--emit-corpus <dir>', 'write each minimal breaking plan as a regression-corpus file in this folder');
  addWorldOptions(command);
  addWorkersOption(command);
  addHandlerOption(command);
  command.options.find((option) => option.long === '--faults')?.hideHelp();
  addReportOptions(addOutputOptions(command), false).action(async (values: ExploreValues) => {
    process.exitCode = await exploreCommand(values);
  });
}

export async function collectExplore(values: ExploreValues, now: () => number): Promise<ExploreRun> {
  if (values.faults !== undefined) throw new UsageError('explore runs every plan itself; --faults does not apply (narrow it with --kinds and --max-faults)');
  const spec = buildRunSpec(values, { modeRequired: true, takesHandler: true });
  if (spec.config.workload.messages > EXPLORE_MESSAGES_MAX) {
    throw new UsageError(`explore runs every plan over every decision point a world reaches (about eleven a message): --messages ${spec.config.workload.messages} is too large to explore (at most ${EXPLORE_MESSAGES_MAX}); sweep or check sample larger worlds`);
  }
  guardHeap([spec.config]);
  if (spec.handler !== undefined && values.workers !== undefined && values.workers !== '1') throw new UsageError('--handler runs in one worker thread of its own: --workers does not apply');
  const maxFaults = values.maxFaults === undefined ? DEFAULT_EXPLORE_FAULTS : parseInteger('--max-faults', values.maxFaults, 0, 6);
  const maxRuns = values.maxRuns === undefined ? null : parseInteger('--max-runs', values.maxRuns, 1, 1_000_000_000);
  const maxTimeS = values.maxTimeS === undefined ? null : parseDecimal('--max-time-s', values.maxTimeS, 0.001, 86_400);
  const kinds = parseKinds(values.kinds, spec.config.family, spec.config.settings.transactions, isKafkaCluster(spec.config));
  if (values.emitCorpus !== undefined) checkCorpusTarget(values.emitCorpus);
  const started = now();
  const deadline = maxTimeS === null ? undefined : started + maxTimeS * 1000;
  const options = {
    config: spec.config,
    maxFaults,
    kinds,
    run: runnerFor(spec),
    ...(maxRuns === null ? {} : { maxRuns }),
    ...(deadline === undefined ? {} : { outOfTime: () => now() >= deadline }),
  };
  const result = await exploreOnWorkers(options, values, spec.handler !== undefined);
  const replays = result.breaks.map((found) => breakReplay(spec, found));
  const corpusFiles = values.emitCorpus === undefined ? [] : emitCorpus(values.emitCorpus, spec, result, values.force === true);
  const wallMs = Math.round((now() - started) * 1000) / 1000;
  return { spec, result, maxRuns, maxTimeS, replays, corpusFiles, wallMs };
}

export function exploreExitCode(run: ExploreRun): number {
  return run.result.breaks.some((found) => found.promised) ? EXIT_VIOLATED : EXIT_OK;
}

export function renderExplore(run: ExploreRun, color: ReturnType<typeof makeColor>): string {
  const { result, spec } = run;
  const config = spec.config;
  const label = `every plan of at most ${result.maxFaults} fault${result.maxFaults === 1 ? '' : 's'}${result.kinds.length === FAULT_KINDS.length ? '' : ` of ${result.kinds.join(', ')}`}`;
  const [, ...header] = renderHeader(result.baseline.config, { ...spec, faultsLabel: label, faults: { plan: { version: 1, faults: [] } } }, color);
  const lines = [color.bold(`simulate explore · ${config.mode} · seed ${config.seed} · K=${result.maxFaults}`) + (spec.scenario ? color.dim(` · scenario ${spec.scenario.name}`) : ''), ...header, ''];
  lines.push(color.bold('choices') + '  continuous faults made finite:', ...choicesLines(result).map((line) => `  ${line}`), '');
  const kinds = FAULT_KINDS.filter((kind) => result.decisionPoints[kind] > 0).map((kind) => `${kind} ${result.decisionPoints[kind]}`);
  lines.push(`${color.bold('decision points')}  ${thousands(result.decisionPointsTotal)}: ${kinds.join(', ') || 'none'}`);
  const byFaults = result.plansByFaults.map((count, faults) => `${faults} fault${faults === 1 ? '' : 's'}: ${thousands(count)}`).join(', ');
  lines.push(`${color.bold('plans')}  ${thousands(result.plansRun)} run (${byFaults}); ${thousands(result.distinctRuns)} distinct runs`);
  lines.push(
    color.dim(
      `  each plan extended only by points its own run reached after its last fault: no plan run twice, none with a fault that cannot fire; every set of at most ${result.maxFaults} of the ${thousands(result.decisionPointsTotal)} points and choices would be ${thousands(result.naivePlans)} plans`,
    ),
  );
  lines.push('', color.bold('coverage') + '  dangerous windows: points reached, and faulted by some plan');
  for (const window of result.coverage) if ((window.reached ?? 0) > 0 || window.faulted > 0) lines.push(`  ${window.words}: ${window.reached} reached, ${window.faulted} explored (${thousands(window.runsFaulted)} plans)`);
  if (result.breaks.length > 0) {
    lines.push('', color.bold(`breaks`) + `  ${result.breaks.length} cause${result.breaks.length === 1 ? '' : 's'}, each with its first minimal plan`);
    result.breaks.forEach((found, index) => lines.push(...renderBreak(found, run.replays[index], color)));
  }
  if (run.corpusFiles.length > 0) lines.push('', `corpus: ${run.corpusFiles.length} file${run.corpusFiles.length === 1 ? '' : 's'} written: ${run.corpusFiles.join(', ')}`);
  lines.push('', color.dim(`${thousands(result.plansRun)} simulation runs in ${(run.wallMs / 1000).toFixed(1)} s`), verdictLine(run, color), '');
  return lines.join('\n');
}

function verdictLine(run: ExploreRun, color: ReturnType<typeof makeColor>): string {
  const text = `${exploreVerdict(run.result, run.spec.config.mode)} (exit ${exploreExitCode(run)})`;
  if (run.result.breaks.some((found) => found.promised)) return color.red.bold(text);
  return run.result.exhaustive ? color.green(text) : color.yellow(text);
}

export function exploreJson(run: ExploreRun): Record<string, unknown> {
  const { result, spec } = run;
  return envelope('explore', {
    mode: spec.config.mode,
    seed: spec.config.seed,
    scenario: spec.scenario?.name ?? null,
    config: spec.config,
    maxFaults: result.maxFaults,
    kinds: result.kinds,
    limits: { maxRuns: run.maxRuns, maxTimeS: run.maxTimeS },
    exhaustive: result.exhaustive,
    stoppedBy: result.stoppedBy,
    completeUpTo: result.completeUpTo,
    plansRun: result.plansRun,
    plansByFaults: result.plansByFaults,
    distinctRuns: result.distinctRuns,
    naivePlans: result.naivePlans,
    decisionPoints: result.decisionPoints,
    decisionPointsTotal: result.decisionPointsTotal,
    choices: result.choices,
    breaks: result.breaks.map((found, index) => breakJson(found, run.replays[index])),
    coverage: coverageJson(result.coverage),
    corpusFiles: run.corpusFiles,
    verdict: exploreExitCode(run) === EXIT_VIOLATED ? 'violated' : 'ok',
    summary: exploreVerdict(result, spec.config.mode),
    stats: { simulationRuns: result.plansRun, wallMs: run.wallMs },
  });
}

function breakJson(found: ExploreBreak, replay: string): Record<string, unknown> {
  return {
    invariant: found.invariant,
    promised: found.promised,
    status: statusIn(found.result, found.invariant),
    cause: found.cause,
    plan: found.plan,
    equivalentPlans: found.equivalentPlans,
    traceHash: found.result.traceHash(),
    replay,
  };
}

/**
 * The levels large enough to gain from threads run on the pool (opened on first use), the rest in this thread; a
 * handler's plans always run here (through its own worker). A progress line per level, when someone watches.
 */
async function exploreOnWorkers(options: Parameters<typeof exploreOn>[0], values: ExploreValues, handler: boolean): Promise<ExploreResult> {
  let pool: TaskRunner | undefined;
  let progress: Progress | undefined;
  const runnerFor = (plans: number): TaskRunner | undefined => {
    if (handler || workersFor(values.workers, plans, PLANS_PER_DEFAULT_WORKER_MIN) <= 1) return undefined;
    pool ??= openRunner(workersWithinMemory([options.config], workersFor(values.workers, Number.MAX_SAFE_INTEGER)));
    return pool;
  };
  try {
    return await exploreOn(options, {
      runnerFor,
      onLevel: (level) => {
        progress?.stop();
        progress = level.faults === 0 ? undefined : startProgress(`explore, ${level.faults} fault${level.faults === 1 ? '' : 's'}`, level.size, 'plans', { json: values.json });
      },
      onProgress: (done, breaking) => progress?.update(done, breaking === 0 ? 'no breaks yet' : `${thousands(breaking)} breaking plans`),
    });
  } finally {
    progress?.stop();
    await pool?.close();
  }
}

export async function exploreCommand(values: ExploreValues): Promise<number> {
  checkOutputFiles(values);
  const run = await collectExplore(values, () => performance.now());
  if (values.report !== undefined) writeReport(values.report, exploreReport(run, values));
  printNotes(run.spec.notes);
  if (values.json === true) process.stdout.write(JSON.stringify(exploreJson(run), null, 2) + '\n');
  else process.stdout.write(renderExplore(run, makeColor(values.color)));
  return exploreExitCode(run);
}
