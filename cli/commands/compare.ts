/**
 * `simulate compare --seed <n>` (or `--plan <file>`): the same workload and the same faults under every
 * mode, side by side — one table of invariants x modes — so a user sees exactly which guarantee breaks.
 * With --seed the faults are the ones the seeded run of --mode (default at-least-once) drew from the rates,
 * recorded as a plan; every mode then replays that plan (the --mode column is that run, exactly). Faults a
 * mode never reaches (an ack under acks=0) simply do not fire there; the table counts them.
 * Exit 1 when some mode broke an invariant it promises, 0 otherwise, 2 on bad input.
 */
import type { Command } from 'commander';
import { FAMILY_NAMES, MODE_NAMES } from '../../models/config.js';
import type { FamilyName, ModeName } from '../../models/config.js';
import { translateFault } from '../../models/faults/logical.js';
import { quoteInput } from '../../models/quote.js';
import { describeFault } from '../../models/faults/catalog.js';
import type { FaultPlan } from '../../models/faults/catalog.js';
import type { InvariantStatus } from '../../models/invariants/index.js';
import { INVARIANT_NAMES } from '../../models/modes.js';
import { addHandlerOption } from '../handler-option.js';
import { runnerFor } from '../handler-sync/runner.js';
import type { SimulationResult, SimulationRunner } from '../../models/engine.js';
import { withRunProgress } from '../scale/progress.js';
import { makeColor } from '../color.js';
import { addOutputOptions } from '../output-options.js';
import type { FindingOutputOptions } from '../finding.js';
import { checkEmitTarget, inlinePlan, planMeta, writePlanFile } from '../plan-file.js';
import { addReportOptions, checkOutputFiles, compareReportMeta, writeReport } from '../report-output.js';
import type { PlanOption } from '../plan-file.js';
import type { ReportOptions } from '../report-output.js';
import { renderCompareReport } from '../../reports/index.js';
import { guardHeap } from '../heap-guard.js';
import { addEmitPlanOption, addModeAndSeedOptions, addPlanOption, addWorldOptions, buildRunSpec, printNotes } from '../run-options.js';
import type { RunOptionValues, RunSpec } from '../run-options.js';
import { replayCommand } from '../shell-quote.js';
import { WitnessWriter, envelope } from '../json-contract.js';
import { layoutTable } from '../table.js';
import type { Cell } from '../table.js';
import { EXIT_OK, EXIT_VIOLATED, UsageError } from '../usage-error.js';
import { workloadWords } from '../../reports/world-words.js';

export type CompareValues = RunOptionValues & FindingOutputOptions & ReportOptions;

export interface CompareColumn {
  mode: ModeName;
  /** The column's heading when it is not the mode's (compare --broker kafka,rabbitmq: the family). */
  label?: string;
  spec: RunSpec;
  /** The plan replayed under this mode. */
  result: SimulationResult;
  /** Replays this column exactly. */
  replay: string;
}

/** Everything `compare` ran: printed as text or JSON, and what a report would be rendered from. */
export interface CompareRun {
  /** The spec the faults came from (--mode's). */
  spec: RunSpec;
  plan: FaultPlan;
  /** Where the plan came from, in words. */
  planSource: string;
  /** Where --emit-plan wrote it. */
  planFile?: string;
  columns: CompareColumn[];
  /** Flags that override a different value the plan file was recorded with, one line each. */
  notes: string[];
  wallMs: number;
}

export function registerCompare(program: Command): void {
  const command = program
    .command('compare')
    .description('the same workload and the same faults under every mode, side by side: which guarantee breaks where');
  addModeAndSeedOptions(command);
  addPlanOption(command);
  addWorldOptions(command);
  addHandlerOption(command);
  addEmitPlanOption(command, 'the faults compared');
  addReportOptions(addOutputOptions(command)).action((values: CompareValues) => {
    process.exitCode = compareCommand(values);
  });
}

/** The same flags with another mode; a setting invalid under that mode is reported with the mode named. */
function specForMode(values: CompareValues, mode: ModeName, readPlan: PlanOption | undefined): RunSpec {
  try {
    return buildRunSpec({ ...values, mode }, { fixedMode: true, takesHandler: true, ...(readPlan !== undefined ? { readPlan } : {}) });
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`under --mode ${mode}: ${error.message}`);
    throw error;
  }
}

export function collectCompare(values: CompareValues, now: () => number): CompareRun {
  if (values.broker?.includes(',') === true) return collectFamilies(values, now);
  const spec = buildRunSpec(values, { takesHandler: true });
  const run = withRunProgress(runnerFor(spec), { json: values.json }, (config, source) => `compare ${config.mode}${'plan' in source ? '' : ' (drawing the faults)'}`);
  checkEmitTarget(values.emitPlan, values.force === true);
  // The other modes replay the plan already read (with its recorded world): reading `--plan <(…)` (a pipe) again would wait forever.
  const specs = MODE_NAMES.map((mode) => (mode === spec.config.mode ? spec : specForMode(values, mode, spec.planOption)));
  // Every mode's result is kept for the table: all but the running one beside it.
  guardHeap(specs.map((each) => each.config), specs.length - 1);

  const started = now();
  let plan: FaultPlan;
  let planSource: string;
  if ('plan' in spec.faults) {
    plan = spec.faults.plan;
    planSource = spec.faultsLabel;
  } else {
    plan = run(spec.config, spec.faults).injected;
    planSource = `the faults the ${spec.config.mode} run of seed ${spec.config.seed} drew from rates ${spec.faultsLabel}`;
  }
  const planArg = values.emitPlan ?? values.plan ?? inlinePlan(plan);
  const columns = specs.map((modeSpec): CompareColumn => ({
    mode: modeSpec.config.mode,
    spec: modeSpec,
    result: run(modeSpec.config, { plan }),
    replay: replayCommand([...modeSpec.worldArgs, '--plan', planArg]),
  }));
  if (values.emitPlan !== undefined) {
    const replay = replayCommand(['compare', ...spec.worldArgs, '--plan', values.emitPlan]);
    writePlanFile(values.emitPlan, plan, planMeta('simulate compare', spec, replay));
  }
  return {
    spec,
    plan,
    planSource,
    ...(values.emitPlan !== undefined ? { planFile: values.emitPlan } : {}),
    columns,
    notes: spec.notes,
    wallMs: Math.round((now() - started) * 1000) / 1000,
  };
}

/**
 * `compare --broker kafka,rabbitmq`: one mode, the same workload and the same logical faults under each family
 * (models/faults/logical.ts translates them; a fault with no counterpart is left out of that family's column).
 */
function collectFamilies(values: CompareValues, now: () => number): CompareRun {
  const families = values.broker?.split(',').map((item) => item.trim()) ?? [];
  const bad = families.find((family) => !FAMILY_NAMES.includes(family as FamilyName));
  if (bad !== undefined || families.length < 2 || new Set(families).size !== families.length) throw new UsageError(`invalid --broker ${quoteInput(values.broker)}: expected distinct families from ${FAMILY_NAMES.join(', ')}, comma-separated`);
  const spec = buildRunSpec({ ...values, broker: families[0] }, { takesHandler: false });
  // The other families take the first one's world (mode, seed, workload); their faults are the translated plan.
  const others = families.slice(1).map((family) => buildRunSpec({ ...values, plan: undefined, faults: 'none', broker: family, mode: spec.config.mode, seed: String(spec.config.seed) }, { takesHandler: false }));
  const specs = [spec, ...others];
  guardHeap(specs.map((each) => each.config), specs.length - 1);
  const started = now();
  const runner = (familySpec: RunSpec): SimulationRunner => withRunProgress(runnerFor(familySpec), { json: values.json }, (config) => `compare ${config.family}`);
  const plan = 'plan' in spec.faults ? spec.faults.plan : runner(spec)(spec.config, spec.faults).injected;
  const planSource = 'plan' in spec.faults ? spec.faultsLabel : `the faults the ${families[0]} ${spec.config.mode} run of seed ${spec.config.seed} drew from rates ${spec.faultsLabel}`;
  const columns = specs.map((familySpec): CompareColumn => {
    const translated: FaultPlan = { version: 1, faults: plan.faults.flatMap((fault) => translateFault(fault, familySpec.config.family) ?? []) };
    return {
      mode: familySpec.config.mode,
      label: familySpec.config.family,
      spec: familySpec,
      result: runner(familySpec)(familySpec.config, { plan: translated }),
      replay: replayCommand([...familySpec.worldArgs, '--plan', inlinePlan(translated)]),
    };
  });
  return { spec, plan, planSource, columns, notes: spec.notes, wallMs: Math.round((now() - started) * 1000) / 1000 };
}

export function compareExitCode(run: CompareRun): number {
  return run.columns.some((column) => column.result.verdict === 'violated') ? EXIT_VIOLATED : EXIT_OK;
}

function cellText(status: InvariantStatus, count: number, promised: boolean): string {
  const text = status === 'holds' ? 'holds' : `${status} (${count})`;
  return promised ? `${text} *` : text;
}

export function renderCompare(run: CompareRun, color: ReturnType<typeof makeColor>): string {
  const config = run.spec.config;
  const statusCell = (status: InvariantStatus, text: string): Cell => ({
    text,
    paint: status === 'holds' ? color.green : status === 'VIOLATED' ? color.red.bold : color.yellow,
  });
  const faults = run.plan.faults;
  const table = layoutTable([
    ['invariant', ...run.columns.map((column) => column.label ?? column.mode)],
    ...INVARIANT_NAMES.map((name) => [
      name,
      ...run.columns.map((column) => {
        const invariant = column.result.invariants[name];
        return statusCell(invariant.status, cellText(invariant.status, invariant.count, invariant.promised));
      }),
    ]),
    // A handler's own invariants: promised in every mode (a row each, so a VIOLATED verdict always has its reason).
    ...Object.keys(run.columns[0]?.result.handlerInvariants ?? {}).map((name) => [
      name,
      ...run.columns.map((column) => {
        const invariant = column.result.handlerInvariants[name];
        return statusCell(invariant.status, cellText(invariant.status, invariant.count, true));
      }),
    ]),
    ['faults fired', ...run.columns.map((column) => `${faults.length - column.result.unusedPlanFaults.length} of ${faults.length}`)],
    ['verdict', ...run.columns.map((column): Cell => (column.result.verdict === 'violated' ? { text: 'VIOLATED', paint: color.red.bold } : { text: 'ok', paint: color.green }))],
  ]);
  const lines = [
    color.bold(`simulate compare · seed ${config.seed}`) + (run.spec.scenario ? color.dim(` · scenario ${run.spec.scenario.name}`) : ''),
    `  workload    ${workloadWords(config)}`,
    `  faults      ${faults.length}: ${run.planSource}`,
    ...faults.slice(0, 12).map((fault, index) => color.dim(`    ${index + 1}. ${describeFault(fault, config.family)}`)),
    ...(faults.length > 12 ? [color.dim(`    … ${faults.length - 12} more (--json or --emit-plan lists them all)`)] : []),
    '',
    color.bold(table[0]),
    ...table.slice(1),
  ];
  const own = Object.keys(run.columns[0]?.result.handlerInvariants ?? {}).length > 0 ? " (your handler's own invariants: in every mode)" : '';
  lines.push(color.dim(`* promised by the mode${own}; (n) messages affected`), '');
  // A long inline plan drowns the table; point at a file instead (the JSON output keeps the full command).
  const long = run.columns.some((column) => column.replay.length > 200);
  const replays = run.columns.map((column) => [column.label ?? column.mode, `trace hash ${column.result.traceHash()}  replay: ${long ? replayCommand([...column.spec.worldArgs, '--plan', 'plan.json']) : column.replay}`]);
  lines.push(...layoutTable(replays));
  if (long) lines.push(color.dim('(write plan.json with --emit-plan plan.json)'));
  const violated = run.columns.filter((column) => column.result.verdict === 'violated').map((column) => column.label ?? column.mode);
  lines.push(
    '',
    violated.length > 0
      ? color.red.bold(`verdict: VIOLATED — ${violated.join(', ')} broke a promised invariant (exit 1)`)
      : color.green('verdict: ok — every mode kept its promises; the breaks above are the ones each mode allows (exit 0)'),
    '',
  );
  return lines.join('\n');
}

/** One mode's column: its settings, each invariant with its witnesses, and how to replay it. */
function columnJson(run: CompareRun, column: CompareColumn): Record<string, unknown> {
  const result = column.result;
  const witnesses = new WitnessWriter(result);
  const invariants = INVARIANT_NAMES.map((name) => {
    const invariant = result.invariants[name];
    return [name, { promised: invariant.promised, status: invariant.status, count: invariant.count, witnesses: invariant.witnesses.map((witness) => witnesses.witness(invariant, witness)) }];
  });
  return {
    settings: result.config.settings,
    invariants: Object.fromEntries(invariants),
    faultsFired: run.plan.faults.length - result.unusedPlanFaults.length,
    unusedPlanFaults: result.unusedPlanFaults,
    verdict: result.verdict,
    traceHash: result.traceHash(),
    replay: column.replay,
  };
}

export function compareJson(run: CompareRun): Record<string, unknown> {
  const config = run.spec.config;
  return envelope('compare', {
    seed: config.seed,
    scenario: run.spec.scenario?.name ?? null,
    workload: config.workload,
    topology: config.topology,
    faultsFrom: { mode: config.mode, source: run.planSource },
    plan: run.plan,
    planFile: run.planFile ?? null,
    ...(run.columns.some((column) => column.label !== undefined) ? { brokers: Object.fromEntries(run.columns.map((column) => [column.label, columnJson(run, column)])) } : { modes: Object.fromEntries(run.columns.map((column) => [column.mode, columnJson(run, column)])) }),
    verdict: compareExitCode(run) === EXIT_VIOLATED ? 'violated' : 'ok',
    stats: { wallMs: run.wallMs },
  });
}

/** The report of a compare: the invariants x modes table, then one story and diagram per mode that broke. */
export function compareReport(run: CompareRun, values: CompareValues): string {
  const args = ['compare', ...run.spec.replayArgs, ...(values.emitPlan !== undefined ? ['--emit-plan', values.emitPlan] : [])];
  const events = run.columns.reduce((sum, column) => sum + column.result.stats.events, 0);
  return renderCompareReport(
    run.columns.map((column) => column.result),
    compareReportMeta(run.spec, values, args, run.planSource, run.planFile, run.wallMs, events),
  );
}

export function compareCommand(values: CompareValues): number {
  checkOutputFiles(values);
  const run = collectCompare(values, () => performance.now());
  if (values.report !== undefined) writeReport(values.report, compareReport(run, values));
  printNotes(run.notes);
  if (values.json === true) process.stdout.write(JSON.stringify(compareJson(run), null, 2) + '\n');
  else process.stdout.write(renderCompare(run, makeColor(values.color)));
  return compareExitCode(run);
}
