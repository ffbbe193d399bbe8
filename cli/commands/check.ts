/**
 * `simulate check --mode <m> [--invariant <name>] [--runs N] [--seed S]`: search generated fault plans
 * (fast-check, seeded) for a break of each invariant in the world the other flags describe, shrink each
 * break to a minimal plan, and print it in words and JSON with a replay command. Exit 1 when a promised
 * invariant broke, 0 otherwise, 2 on bad input.
 */
import type { Command } from 'commander';
import { FAULT_KINDS } from '../../models/faults/catalog.js';
import { FAMILIES, isKafkaCluster, kindsFor } from '../../models/families.js';
import { CLUSTER_FAULT_KINDS } from '../../models/kafka/cluster-faults.js';
import type { FamilyName } from '../../models/config.js';
import type { Fault, FaultKind } from '../../models/faults/catalog.js';
import { CoverageTally, countsReached, samplingTally } from '../../properties/coverage.js';
import type { WindowCoverage } from '../../properties/coverage.js';
import { coverageJson, coverageLines } from '../search-coverage.js';
import { INVARIANT_NAMES } from '../../models/modes.js';
import type { InvariantName } from '../../models/modes.js';
import type { SimulationResult } from '../../models/engine.js';
import { invariantsOf, isBuiltInInvariant, runPlan } from '../../properties/breaks.js';
import type { SearchedInvariant } from '../../properties/breaks.js';
import { checkInvariant } from '../../properties/check.js';
import type { PlanVerdictCache } from '../../properties/check.js';
import { makeColor } from '../color.js';
import { addOutputOptions } from '../output-options.js';
import { emitHeadline, emitSkippedLine, findingJson, findingStatus, headlineFinding, renderFinding, replayFor } from '../finding.js';
import type { Finding, FindingOutputOptions } from '../finding.js';
import { renderHeader, violatedVerdict } from '../human-output.js';
import { checkEmitTarget } from '../plan-file.js';
import { addReportOptions, checkOutputFiles, findingReportMeta, writeReport } from '../report-output.js';
import type { ReportOptions } from '../report-output.js';
import { renderRunReport } from '../../reports/index.js';
import { addEmitPlanOption, addModeAndSeedOptions, addWorldOptions, buildRunSpec, printNotes } from '../run-options.js';
import type { RunOptionValues, RunSpec } from '../run-options.js';
import { parseInteger } from '../setting-flags.js';
import { envelope } from '../json-contract.js';
import { layoutTable } from '../table.js';
import type { Cell } from '../table.js';
import { handlerCallsOf } from '../../properties/handler-calls.js';
import { addHandlerOption } from '../handler-option.js';
import { runnerFor } from '../handler-sync/runner.js';
import { EXIT_OK, EXIT_VIOLATED, UsageError } from '../usage-error.js';
import { quoteInput } from '../../models/quote.js';
import { PREFETCH_RUNS_MAX, prefetchVerdicts } from '../scale/check-prefetch.js';
import { guardHeap, workersWithinMemory } from '../heap-guard.js';
import { openRunner } from '../scale/pool.js';
import { progressWanted, startProgress } from '../scale/progress.js';
import { addWorkersOption, workersFor } from '../scale/workers-option.js';

export const DEFAULT_CHECK_RUNS = 1000;
export const DEFAULT_MAX_FAULTS = 4;

export interface CheckValues extends RunOptionValues, FindingOutputOptions, ReportOptions {
  invariant?: string;
  runs?: string;
  maxFaults?: string;
  kinds?: string;
  workers?: string;
}

/** What one invariant's search came to. */
export interface InvariantSearch {
  /** A built-in invariant, or (--handler) one of the handler's own. */
  invariant: SearchedInvariant;
  promised: boolean;
  /** Generated plans tried (until the first break, when there was one). */
  plansTried: number;
  finding?: Finding;
}

/** Everything `check` found: printed as text or JSON, and what a report would be rendered from. */
export interface CheckRun {
  spec: RunSpec;
  /** The world without any fault: the header's source, and a sanity baseline. */
  baseline: SimulationResult;
  runs: number;
  maxFaults: number;
  kinds: readonly FaultKind[];
  searches: InvariantSearch[];
  findings: Finding[];
  headline?: Finding;
  /** Per dangerous window: points in the fault-free run, and distinct points the generated plans named. */
  coverage: WindowCoverage[];
  /** --emit-plan's path, when given (written only when something was found). */
  emitPlan?: string;
  simulationRuns: number;
  wallMs: number;
}

export function registerCheck(program: Command): void {
  const command = program
    .command('check')
    .description('search generated fault plans (fast-check) for a break of each invariant, shrink it to a minimal plan, print how to replay it');
  addModeAndSeedOptions(command, true);
  command
    .option('--invariant <name>', `only this invariant: ${INVARIANT_NAMES.join(', ')} (default: each in turn)`)
    .option('--runs <n>', `generated plans to try per invariant (default ${DEFAULT_CHECK_RUNS})`)
    .option('--max-faults <n>', `most faults in a generated plan (default ${DEFAULT_MAX_FAULTS})`)
    .option('--kinds <list>', `only these fault kinds, comma-separated (default all: ${FAULT_KINDS.join(', ')})`);
  addWorldOptions(command);
  addHandlerOption(command);
  // check generates its own plans; --faults is still parsed (to refuse it with a clear message) but not offered.
  command.options.find((option) => option.long === '--faults')?.hideHelp();
  addEmitPlanOption(command, 'the minimal plan found (the first violation, else the first break)');
  addWorkersOption(command);
  addReportOptions(addOutputOptions(command), false).action(async (values: CheckValues) => {
    process.exitCode = await checkCommand(values);
  });
}

export function parseInvariant(raw: string | undefined): InvariantName | undefined {
  if (raw === undefined) return undefined;
  if (!INVARIANT_NAMES.includes(raw as InvariantName)) throw new UsageError(`invalid --invariant ${quoteInput(raw)}: expected one of ${INVARIANT_NAMES.join(', ')}`);
  return raw as InvariantName;
}

/**
 * check's --invariant: a built-in one, or with --handler one of the handler's own (known once its module ran: `own`
 * is checked after the fault-free run). Undefined: every one, built-in first.
 */
export function parseSearchedInvariant(raw: string | undefined, handler: string | undefined): SearchedInvariant | undefined {
  return handler === undefined || raw === undefined || INVARIANT_NAMES.includes(raw as InvariantName) ? parseInvariant(raw) : raw;
}

/**
 * `--kinds`: some of the family's fault kinds (default: every kind the world has decision points for, the
 * transaction kinds only with --transactions true); another family's kind is refused.
 */
export function parseKinds(raw: string | undefined, family: FamilyName = 'kafka', transactions = false, cluster = false): readonly FaultKind[] {
  const own = FAMILIES[family].faultKinds;
  // In the catalog's order (simplest first), which cross-shrinking relies on.
  if (raw === undefined) return kindsFor(family, transactions, cluster);
  const kinds = raw.split(',').map((item) => item.trim());
  const unknown = kinds.find((kind) => !FAULT_KINDS.includes(kind as FaultKind));
  if (unknown !== undefined) throw new UsageError(`invalid --kinds ${quoteInput(raw)}: unknown kind ${quoteInput(unknown)}; expected some of ${own.join(', ')}`);
  const foreign = kinds.find((kind) => !own.includes(kind as FaultKind));
  if (foreign !== undefined) throw new UsageError(`invalid --kinds ${quoteInput(raw)}: ${quoteInput(foreign)} is not a ${family} fault kind; expected some of ${own.join(', ')}`);
  const twice = kinds.find((kind, index) => kinds.indexOf(kind) !== index);
  if (twice !== undefined) throw new UsageError(`invalid --kinds ${quoteInput(raw)}: ${quoteInput(twice)} is listed twice`);
  // A kind this world has no decision point for would never fire (and a plan of it is refused by the run).
  const world = kindsFor(family, transactions, cluster);
  const absent = kinds.find((kind) => !world.includes(kind as FaultKind));
  if (absent !== undefined) {
    const needs = (CLUSTER_FAULT_KINDS as readonly string[]).includes(absent) ? 'a broker cluster (--nodes N)' : '--transactions true';
    throw new UsageError(`invalid --kinds ${quoteInput(raw)}: ${quoteInput(absent)} needs ${needs}; this world's kinds are ${world.join(', ')}`);
  }
  return kinds as FaultKind[];
}

/**
 * The invariants a run can be searched or shrunk for: the built-in ones, then its handler's own (its module is known
 * once a run judged them); `only`, when given, must be one of them.
 */
export function searchableInvariants(run: SimulationResult, only: SearchedInvariant | undefined): SearchedInvariant[] {
  const searchable = invariantsOf(run);
  if (only !== undefined && !searchable.includes(only)) throw new UsageError(`invalid --invariant ${quoteInput(only)}: expected one of ${searchable.join(', ')}`);
  return searchable;
}

/** check's flags, validated: what the search runs in and over. */
export interface CheckSetup {
  spec: RunSpec;
  invariant: SearchedInvariant | undefined;
  runs: number;
  maxFaults: number;
  kinds: readonly FaultKind[];
}

export function parseCheck(values: CheckValues): CheckSetup {
  if (values.faults !== undefined) throw new UsageError('check generates its own fault plans; --faults does not apply (narrow the search with --kinds and --max-faults)');
  const spec = buildRunSpec(values, { modeRequired: true, takesHandler: true });
  // The baseline's result and one finding's per invariant are kept beside the search's runs.
  guardHeap([spec.config], 1 + INVARIANT_NAMES.length);
  if (spec.handler !== undefined && values.workers !== undefined && values.workers !== '1') throw new UsageError('--handler runs in one worker thread of its own: --workers does not apply');
  const invariant = parseSearchedInvariant(values.invariant, spec.handler);
  const runs = values.runs === undefined ? DEFAULT_CHECK_RUNS : parseInteger('--runs', values.runs, 1, 10_000_000);
  const maxFaults = values.maxFaults === undefined ? DEFAULT_MAX_FAULTS : parseInteger('--max-faults', values.maxFaults, 1, 100);
  const kinds = parseKinds(values.kinds, spec.config.family, spec.config.settings.transactions, isKafkaCluster(spec.config));
  checkEmitTarget(values.emitPlan, values.force === true);
  return { spec, invariant, runs, maxFaults, kinds };
}

/** `verdicts`: plans already run on worker threads (see cli/scale/check-prefetch.ts); the result is the same without. */
export function collectCheck(values: CheckValues, now: () => number, verdicts?: ReadonlyMap<string, readonly SearchedInvariant[]>): CheckRun {
  const { spec, invariant, runs, maxFaults, kinds } = parseCheck(values);

  const started = now();
  const config = spec.config;
  const run = runnerFor(spec);
  const baseline = runPlan(config, { version: 1, faults: [] }, run);
  // With a handler, faults are named by its steps: as many as the most calls one delivery made without faults.
  const handlerCalls = spec.handler === undefined ? undefined : handlerCallsOf(baseline);
  // A handler's own invariants are searched after the built-in ones (every run judges them).
  const searchable = searchableInvariants(baseline, invariant);
  // Every invariant's search uses the same seed, so it generates the same plans: simulate each once.
  const cache: PlanVerdictCache = new Map();
  let simulationRuns = 1;
  const searches: InvariantSearch[] = [];
  for (const name of invariant === undefined ? searchable : [invariant]) {
    const outcome = checkInvariant({ config, invariant: name, numRuns: runs, seed: config.seed, plans: { maxFaults, kinds, ...(handlerCalls !== undefined ? { handlerCalls } : {}) }, cache, run, ...(verdicts !== undefined ? { verdicts } : {}) });
    simulationRuns += outcome.simulationRuns;
    const search: InvariantSearch = { invariant: name, promised: outcome.promised, plansTried: outcome.runs };
    if (outcome.found) {
      const original = outcome.firstPlan.faults.length;
      search.finding = {
        invariant: name,
        result: outcome.result,
        plan: outcome.plan,
        originalFaults: original,
        shrinkSteps: outcome.shrinkSteps,
        simulationRuns: outcome.simulationRuns,
        provenance: `found after ${outcome.runs} generated plan${outcome.runs === 1 ? '' : 's'}, shrunk from ${original} fault${original === 1 ? '' : 's'} in ${outcome.shrinkSteps} step${outcome.shrinkSteps === 1 ? '' : 's'}`,
        replay: replayFor(spec.worldArgs, outcome.plan, undefined),
      };
    }
    searches.push(search);
  }
  const emitted = emitHeadline(
    searches.flatMap((search) => (search.finding === undefined ? [] : [search.finding])),
    values.emitPlan,
    'simulate check',
    spec,
  );
  for (const search of searches) search.finding = emitted.find((finding) => finding.invariant === search.invariant);
  const wallMs = Math.round((now() - started) * 1000) / 1000;
  // A handler's points are not the built-in run's: with one, only the points the plans faulted are counted.
  const tally = spec.handler === undefined ? samplingTally(config) : new CoverageTally(config.family);
  for (const key of cache.keys()) tally.run(JSON.parse(key) as Fault[]);
  return { spec, baseline, runs, maxFaults, kinds, searches, coverage: tally.result(), findings: emitted, headline: headlineFinding(emitted), ...(values.emitPlan !== undefined ? { emitPlan: values.emitPlan } : {}), simulationRuns, wallMs };
}

export function checkExitCode(run: CheckRun): number {
  return run.findings.some((finding) => findingStatus(finding) === 'VIOLATED') ? EXIT_VIOLATED : EXIT_OK;
}

function searchLabel(run: CheckRun): string {
  const kinds = run.kinds.length === FAULT_KINDS.length ? 'every kind' : run.kinds.join(', ');
  return `generated: up to ${run.runs} plan${run.runs === 1 ? '' : 's'} per invariant, 0-${run.maxFaults} faults each of ${kinds} (fast-check seed ${run.spec.config.seed})`;
}

export function renderCheck(run: CheckRun, color: ReturnType<typeof makeColor>): string {
  const config = run.spec.config;
  const [, ...header] = renderHeader(run.baseline.config, { ...run.spec, faultsLabel: searchLabel(run), faults: { plan: { version: 1, faults: [] } } }, color);
  const lines = [color.bold(`simulate check · ${config.mode} · seed ${config.seed}`) + (run.spec.scenario ? color.dim(` · scenario ${run.spec.scenario.name}`) : ''), ...header, ''];
  const table = layoutTable([
    ['invariant', 'promised', 'result'],
    ...run.searches.map((search) => {
      const result: Cell =
        search.finding === undefined
          ? { text: `holds over ${search.plansTried} generated plan${search.plansTried === 1 ? '' : 's'}`, paint: color.green }
          : `${findingStatus(search.finding) === 'VIOLATED' ? color.red.bold('VIOLATED') : color.yellow('broken, as expected')} · minimal plan of ${search.finding.plan.faults.length} fault${search.finding.plan.faults.length === 1 ? '' : 's'}`;
      return [search.invariant, search.promised ? 'yes' : 'no', result];
    }),
  ]);
  lines.push(color.bold(table[0]), ...table.slice(1));
  for (const finding of run.findings) lines.push('', ...renderFinding(finding, color));
  lines.push(...emitSkippedLine(run.emitPlan, run.findings).map((line) => `\n${line}`));
  lines.push('', ...coverageLines(run.coverage, color, 'plans', 'named', run.spec.handler !== undefined || countsReached(run.spec.config)));
  lines.push('', color.dim(`${run.simulationRuns} simulation runs`), verdictLine(run, color), '');
  return lines.join('\n');
}

function verdictLine(run: CheckRun, color: ReturnType<typeof makeColor>): string {
  const mode = run.spec.config.mode;
  const violated = run.findings.filter((finding) => findingStatus(finding) === 'VIOLATED').map((finding) => finding.invariant);
  if (violated.length > 0) return color.red.bold(violatedVerdict(mode, violated));
  if (run.findings.length > 0) return color.green(`verdict: ok — every break found is one ${mode} does not promise (exit 0)`);
  return color.green(`verdict: ok — no generated plan broke ${run.searches.length === 1 ? run.searches[0].invariant : 'any invariant'} (exit 0)`);
}

function searchesJson(searches: readonly InvariantSearch[]): Record<string, unknown> {
  return Object.fromEntries(
    searches.map((search) => [search.invariant, { promised: search.promised, found: search.finding !== undefined, plansTried: search.plansTried, ...(search.finding !== undefined ? findingJson(search.finding) : {}) }]),
  );
}

export function checkJson(run: CheckRun): Record<string, unknown> {
  const config = run.spec.config;
  return envelope('check', {
    mode: config.mode,
    seed: config.seed,
    scenario: run.spec.scenario?.name ?? null,
    config,
    search: { runsPerInvariant: run.runs, maxFaults: run.maxFaults, kinds: run.kinds, fastCheckSeed: config.seed },
    invariants: searchesJson(run.searches.filter((search) => isBuiltInInvariant(search.invariant))),
    // --handler only: the search of each of the handler's own invariants, shaped like the built-in ones'.
    ...(run.spec.handler !== undefined ? { handlerInvariants: searchesJson(run.searches.filter((search) => !isBuiltInInvariant(search.invariant))) } : {}),
    emittedPlan: run.findings.find((finding) => finding.planFile !== undefined)?.planFile ?? null,
    verdict: checkExitCode(run) === EXIT_VIOLATED ? 'violated' : 'ok',
    stats: { simulationRuns: run.simulationRuns, wallMs: run.wallMs },
    coverage: coverageJson(run.coverage),
  });
}

/**
 * The plans the search will try, run ahead on every core (or in this thread, to show progress). Skipped when it
 * would not pay: one thread and nobody watching, or so many plans that their verdicts would crowd memory.
 */
async function runPlansAhead(values: CheckValues): Promise<ReadonlyMap<string, readonly SearchedInvariant[]> | undefined> {
  const setup = parseCheck(values);
  // A handler is a module of the user's: its plans run through its own worker (cli/handler-sync), not the pool.
  if (setup.spec.handler !== undefined) return undefined;
  const workers = workersWithinMemory([setup.spec.config], workersFor(values.workers, setup.runs));
  const watched = progressWanted({ json: values.json });
  if ((workers === 1 && !watched) || setup.runs > PREFETCH_RUNS_MAX) return undefined;
  const runner = openRunner(workers);
  const progress = startProgress('check', setup.runs, 'plans', { json: values.json });
  try {
    const job = { config: setup.spec.config, invariants: setup.invariant === undefined ? INVARIANT_NAMES : [setup.invariant], runs: setup.runs, plans: { maxFaults: setup.maxFaults, kinds: setup.kinds } };
    return await prefetchVerdicts(runner, job, (done, breaks) => progress.update(done, breaks));
  } finally {
    progress.stop();
    await runner.close();
  }
}

/** The report of a check: the headline finding's minimal run (or the fault-free baseline) plus the search table. */
export function checkReport(run: CheckRun, values: CheckValues): string {
  const searchArgs: string[] = [];
  for (const [flag, value] of [['--invariant', values.invariant], ['--runs', values.runs], ['--max-faults', values.maxFaults], ['--kinds', values.kinds], ['--emit-plan', values.emitPlan]] as const) {
    if (value !== undefined) searchArgs.push(flag, value);
  }
  const meta = findingReportMeta('check', run.headline, run.spec, values, ['check', ...run.spec.replayArgs, ...searchArgs], {
    // How many plans it took to find the headline break (the budget is in the search table's context).
    runsSearched: run.searches.find((search) => search.finding !== undefined && search.finding === run.headline)?.plansTried ?? run.runs,
    search: run.searches.map((search) => ({ invariant: search.invariant, promised: search.promised, plansTried: search.plansTried, ...(search.finding ? { minimalFaults: search.finding.plan.faults.length } : {}) })),
  });
  return renderRunReport(run.headline?.result ?? run.baseline, meta);
}

export async function checkCommand(values: CheckValues): Promise<number> {
  checkOutputFiles(values);
  const started = performance.now();
  const verdicts = await runPlansAhead(values);
  const run = collectCheck(values, () => performance.now(), verdicts);
  // The plans run ahead are part of the search: wallMs is the whole of it.
  run.wallMs = Math.round((performance.now() - started) * 1000) / 1000;
  if (values.report !== undefined) writeReport(values.report, checkReport(run, values));
  printNotes(run.spec.notes);
  if (values.json === true) process.stdout.write(JSON.stringify(checkJson(run), null, 2) + '\n');
  else process.stdout.write(renderCheck(run, makeColor(values.color)));
  return checkExitCode(run);
}
