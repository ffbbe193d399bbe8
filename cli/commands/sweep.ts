/**
 * `simulate sweep --mode <m> --seeds 1..1000`: one configuration over many seeds, on every core. Prints, per
 * invariant, how many seeds broke it and the first such seeds, with the command that replays the first
 * violation. `--shard k/n` runs one piece of the range (join the pieces with `simulate merge`), `--vary`
 * repeats the sweep over the values of one rate or setting, `--report` writes a markdown report. Exit 1 when
 * any seed broke a promised invariant, 0 otherwise, 2 on bad input.
 */
import type { Command } from 'commander';
import { FAULT_KINDS } from '../../models/faults/catalog.js';
import { INVARIANT_NAMES } from '../../models/modes.js';
import { MAX_SWEEP_SEEDS, sweepSeries } from '../../properties/sweep.js';
import { addHandlerOption, handlerTask } from '../handler-option.js';
import type { SweepResult, SweepSeries } from '../../properties/sweep.js';
import { makeColor } from '../color.js';
import { addOutputOptions } from '../output-options.js';
import { renderHeader, statusCell, violatedVerdict } from '../human-output.js';
import { addModeAndSeedOptions, addPlanOption, addWorldOptions, buildRunSpec, printNotes } from '../run-options.js';
import type { RunOptionValues, RunSpec } from '../run-options.js';
import { parseInteger } from '../setting-flags.js';
import { replayCommand } from '../shell-quote.js';
import { envelope } from '../json-contract.js';
import { faultSourceJson } from '../json-output.js';
import { layoutTable } from '../table.js';
import { EXIT_OK, EXIT_VIOLATED, UsageError } from '../usage-error.js';
import { quoteInput } from '../../models/quote.js';
import { countsReached, sweepCoverage } from '../../properties/coverage.js';
import { coverageJson, coverageLines } from '../search-coverage.js';
import type { SeedRange } from '../../properties/seed-ranges.js';
import { checkOutputFiles, reportReplayCommand, toolVersion, writeReport } from '../report-output.js';
import { sweepOn } from '../scale/parallel-sweep.js';
import { guardHeap, workersWithinMemory } from '../heap-guard.js';
import { openRunner } from '../scale/pool.js';
import type { TaskRunner } from '../scale/pool.js';
import { startProgress } from '../scale/progress.js';
import { parseShard, shardSeeds } from '../scale/shard.js';
import type { Shard } from '../scale/shard.js';
import { sweepReport, varyReport } from '../scale/sweep-report.js';
import { parseVary } from '../scale/vary.js';
import { renderVary, runVary, varyJson, varySpecs } from '../scale/vary-sweep.js';
import { addWorkersOption, workersFor } from '../scale/workers-option.js';
import { deadLetterWords } from '../../reports/world-words.js';

export interface SweepValues extends RunOptionValues {
  seeds?: string;
  json?: boolean;
  color?: boolean;
  workers?: string;
  shard?: string;
  vary?: string;
  report?: string;
  force?: boolean;
  /** A team's own handler module (runs in this thread). */
  handler?: string;
}

export const DEFAULT_SWEEP_SEEDS = '1..1000';

export function registerSweep(program: Command): void {
  const command = program.command('sweep').description('run one configuration over a range of seeds: how often each invariant breaks, and which seed to replay');
  addModeAndSeedOptions(command);
  // --seed belongs to single runs; a sweep takes a range.
  command.options.find((option) => option.long === '--seed')?.hideHelp();
  command.option('--seeds <range>', `seeds to run: from..to (inclusive) or a count n meaning 1..n (default ${DEFAULT_SWEEP_SEEDS})`);
  command
    .option('--shard <k/n>', 'run only the k-th of n equal pieces of the seed range (join the pieces\' --json with simulate merge)')
    .option('--vary <name=from..to:step|name=a,b,...>', 'repeat the sweep for each value of a fault rate or a setting: a range of numbers (drop=0..0.2:0.02, max-in-flight=1..5:1) or values listed (acks=0,1,all, rabbitmq-version=4.2,4.3)', (value: string, previous: string | undefined) => {
      // A sweep varies one value: a second --vary would silently replace the first.
      if (previous !== undefined) throw new UsageError(`--vary given twice (${quoteInput(previous)} and ${quoteInput(value)}): a sweep varies one rate or setting`);
      return value;
    })
    .option('--report <file.md>', 'write a markdown report: how often each invariant broke (table and chart), first failing seeds with replay commands, fault kinds that fired');
  addWorkersOption(command);
  addHandlerOption(command);
  addPlanOption(command);
  addWorldOptions(command);
  addOutputOptions(command).action(async (values: SweepValues) => {
    process.exitCode = await sweepCommand(values);
  });
}

/** `1..1000` or `1000` (= 1..1000). */
export function parseSeedRange(raw: string): { fromSeed: number; toSeed: number } {
  const match = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(raw);
  const range = match === null ? { fromSeed: 1, toSeed: parseInteger('--seeds', raw, 1, MAX_SWEEP_SEEDS) } : { fromSeed: parseInteger('--seeds', match[1], 0, Number.MAX_SAFE_INTEGER), toSeed: parseInteger('--seeds', match[2], 0, Number.MAX_SAFE_INTEGER) };
  if (range.toSeed < range.fromSeed || range.toSeed - range.fromSeed + 1 > MAX_SWEEP_SEEDS) {
    throw new UsageError(`invalid --seeds ${quoteInput(raw)}: expected from..to with from <= to and at most ${MAX_SWEEP_SEEDS} seeds, or a count from 1 to ${MAX_SWEEP_SEEDS}`);
  }
  return range;
}

function replayForSeed(spec: RunSpec, seed: number): string {
  const args = [...spec.replayArgs];
  args[args.indexOf('--seed') + 1] = String(seed);
  return replayCommand(args);
}

export async function sweepCommand(values: SweepValues): Promise<number> {
  if (values.seed !== undefined) throw new UsageError('sweep takes --seeds <from..to>, not --seed');
  const whole = parseSeedRange(values.seeds ?? DEFAULT_SWEEP_SEEDS);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  const range = shard === undefined ? whole : shardSeeds(whole, shard);
  const vary = values.vary === undefined ? undefined : parseVary(values.vary);
  if (vary !== undefined && shard !== undefined) throw new UsageError('--vary and --shard do not combine: shard a plain sweep, or give each machine its own --vary range');
  checkOutputFiles(values);
  const seeds = range.toSeed - range.fromSeed + 1;
  const started = performance.now();
  const elapsedMs = (): number => Math.round((performance.now() - started) * 1000) / 1000;
  const color = makeColor(values.color);
  if (vary !== undefined) {
    const configs = varySpecs(values, vary, range).map((spec) => spec.config);
    guardHeap(configs);
    const runner = openRunner(workersWithinMemory(configs, workersFor(values.workers, seeds * vary.values.length)));
    const run = await withProgress(runner, 'sweep', seeds * vary.values.length, values, (update) => runVary(values, vary, range, runner, update));
    const wallMs = elapsedMs();
    if (values.report !== undefined) writeReport(values.report, varyReport(reportInput(run.spec, range, values), run));
    if (values.json === true) process.stdout.write(JSON.stringify(varyJson(run, wallMs), null, 2) + '\n');
    else process.stdout.write(renderVary(run, renderHeader(run.spec.config, run.spec, color).slice(1), color));
    return run.verdict === 'violated' ? EXIT_VIOLATED : EXIT_OK;
  }
  const spec = buildRunSpec({ ...values, seed: String(range.fromSeed) }, { fixedSeed: true, takesHandler: true });
  printNotes(spec.notes);
  guardHeap([spec.config]);
  const sweep = await sweepOnWorkers(spec, range, values);
  const wallMs = elapsedMs();
  if (values.report !== undefined) writeReport(values.report, sweepReport(reportInput(spec, range, values), sweep));
  if (values.json === true) process.stdout.write(JSON.stringify(sweepJson(spec, sweep, range.fromSeed, range.toSeed, wallMs, shard === undefined ? undefined : { ...shard, whole }, spec.handler), null, 2) + '\n');
  else {
    const coverage = sweepCoverage(spec.config, whole.fromSeed, sweep.windows, spec.handler === undefined);
    process.stdout.write(renderSweep(spec, sweep, range.fromSeed, range.toSeed, color, shard === undefined ? undefined : { ...shard, whole }) + coverageLines(coverage, color, 'seeds', 'faulted', spec.handler !== undefined || countsReached(spec.config)).map((line) => `${line}\n`).join(''));
  }
  return sweep.verdict === 'violated' ? EXIT_VIOLATED : EXIT_OK;
}

async function sweepOnWorkers(spec: RunSpec, range: SeedRange, values: SweepValues): Promise<SweepResult> {
  const handler = await handlerTask(spec.handler, { config: spec.config, faults: spec.faults });
  const runner = openRunner(workersWithinMemory([spec.config], workersFor(values.workers, range.toSeed - range.fromSeed + 1)));
  return withProgress(runner, 'sweep', range.toSeed - range.fromSeed + 1, values, (update) => sweepOn(runner, { config: spec.config, faults: spec.faults, ...range }, update, handler));
}

/** Run `work` with a progress line (when someone watches stderr), then stop the line and the threads. */
async function withProgress<T>(runner: TaskRunner, label: string, total: number, values: SweepValues, work: (update: (done: number, breaks: string) => void) => Promise<T>): Promise<T> {
  const progress = startProgress(label, total, 'seeds', { json: values.json });
  try {
    return await work((done, breaks) => progress.update(done, breaks));
  } finally {
    progress.stop();
    await runner.close();
  }
}

function reportInput(spec: RunSpec, range: SeedRange, values: SweepValues): Parameters<typeof sweepReport>[0] {
  const args = ['sweep', ...spec.replayArgs.filter((_, index, all) => all[index] !== '--seed' && all[index - 1] !== '--seed'), '--seeds', `${range.fromSeed}..${range.toSeed}`];
  return { spec, range, command: reportReplayCommand(args, values, values.vary === undefined ? [] : ['--vary', values.vary]), toolVersion: toolVersion() };
}

function firstViolation(spec: RunSpec, sweep: SweepResult): string | undefined {
  const seeds = violated(sweep).map((invariant) => invariant.examples[0]);
  return seeds.length === 0 ? undefined : replayForSeed(spec, Math.min(...seeds));
}

/** The promised invariants that broke in some seed: the built-in ones, then a handler's own. */
function violated(sweep: SweepResult): SweepSeries[] {
  return sweepSeries(sweep).filter((invariant) => invariant.status === 'VIOLATED');
}

/** The shard a `--shard` sweep ran, and the whole range it is a piece of (what `simulate merge` checks). */
export interface ShardInfo extends Shard {
  whole: SeedRange;
}

export function sweepJson(spec: RunSpec, sweep: SweepResult, fromSeed: number, toSeed: number, wallMs: number, shard?: ShardInfo, handler?: string): Record<string, unknown> {
  const { seed: _seed, ...config } = spec.config;
  return envelope('sweep', {
    mode: spec.config.mode,
    seeds: { from: fromSeed, to: toSeed },
    // A shard also carries the points its seeds' faults hit, so that merge can take their union.
    ...(shard === undefined ? {} : { shard: { index: shard.index, count: shard.count, seeds: { from: shard.whole.fromSeed, to: shard.whole.toSeed }, faulted: sweep.windows } }),
    scenario: spec.scenario?.name ?? null,
    ...(handler !== undefined ? { handler } : {}),
    config,
    faultSource: faultSourceJson(spec),
    invariants: sweep.invariants,
    ...(sweep.handlerInvariants !== undefined ? { handlerInvariants: sweep.handlerInvariants } : {}),
    faultKindsFired: sweep.faultKindsFired,
    unsettled: sweep.unsettled,
    parked: sweep.parked,
    lag: sweep.lag,
    verdict: sweep.verdict,
    firstViolationReplay: firstViolation(spec, sweep) ?? null,
    stats: { runs: sweep.runs, events: sweep.events, wallMs },
    coverage: coverageJson(sweepCoverage(spec.config, shard?.whole.fromSeed ?? fromSeed, sweep.windows, handler === undefined)),
  });
}

export function renderSweep(spec: RunSpec, sweep: SweepResult, fromSeed: number, toSeed: number, color: ReturnType<typeof makeColor>, shard?: ShardInfo): string {
  // The header describes the world; render it from the first seed's run (only the seed differs between runs).
  const [, ...header] = renderHeader(spec.config, spec, color);
  const shardText = shard === undefined ? '' : ` (shard ${shard.index}/${shard.count} of ${shard.whole.fromSeed}..${shard.whole.toSeed})`;
  const lines = [color.bold(`simulate sweep · ${spec.config.mode} · seeds ${fromSeed}..${toSeed}${shardText}`) + (spec.scenario ? color.dim(` · scenario ${spec.scenario.name}`) : ''), ...header, ''];
  const table = layoutTable([
    ['invariant', 'promised', 'seeds broken', 'status', 'first seeds'],
    // A handler's own invariants follow the built-in ones, promised in every mode.
    ...sweepSeries(sweep).map((invariant) => [invariant.name, invariant.promised ? 'yes' : 'no', `${invariant.seedsBroken} of ${sweep.runs}`, statusCell(invariant.status, color), invariant.examples.join(', ')]),
  ]);
  lines.push(color.bold(table[0]), ...table.slice(1));
  const fired = FAULT_KINDS.filter((kind) => sweep.faultKindsFired[kind] > 0).map((kind) => `${kind} ${sweep.faultKindsFired[kind]}`);
  lines.push('', `${color.bold('faults')}  seeds in which each kind fired: ${fired.length > 0 ? fired.join(', ') : 'none'}`);
  if (sweep.unsettled > 0) lines.push(color.red(`${sweep.unsettled} seed(s) did not settle (limit or stall): see liveness`));
  if (sweep.parked.seeds > 0) lines.push(`${color.bold('parked')}  ${sweep.parked.records} record(s) in ${deadLetterWords(spec.config)}, in ${sweep.parked.seeds} seed(s)`);
  lines.push(`${color.bold('lag')}  at most ${sweep.lag.maxRecords} records waiting; the longest wait ${sweep.lag.maxMs} ms (seed ${sweep.lag.seed})`);
  lines.push(color.dim(`${sweep.runs} runs, ${sweep.events} events`), '');
  const replay = firstViolation(spec, sweep);
  if (replay === undefined) {
    lines.push(color.green(`verdict: ok — every invariant ${spec.config.mode} promises held in all ${sweep.runs} seeds (exit 0)`));
    const example = INVARIANT_NAMES.find((name) => sweep.invariants[name].examples.length > 0);
    if (example !== undefined) lines.push(`see a break: ${replayForSeed(spec, sweep.invariants[example].examples[0])}`);
  } else {
    lines.push(color.red.bold(violatedVerdict(spec.config.mode, violated(sweep).map((invariant) => invariant.name), ' in some seeds')));
    lines.push(`replay the first violation: ${replay}`);
  }
  return lines.join('\n') + '\n';
}
