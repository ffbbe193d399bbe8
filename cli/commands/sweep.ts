/**
 * `simulate sweep --mode <m> --seeds 1..1000`: one configuration over many seeds, in one process. Prints,
 * per invariant, how many seeds broke it and the first such seeds, with the command that replays the first
 * violation. Exit 1 when any seed broke a promised invariant, 0 otherwise, 2 on bad input.
 */
import type { Command } from 'commander';
import { FAULT_KINDS } from '../../models/faults/catalog.js';
import { INVARIANT_NAMES } from '../../models/modes.js';
import { MAX_SWEEP_SEEDS, sweepSeeds } from '../../properties/sweep.js';
import type { SweepResult } from '../../properties/sweep.js';
import { makeColor } from '../color.js';
import { addOutputOptions } from '../output-options.js';
import { renderHeader, statusCell } from '../human-output.js';
import { addModeAndSeedOptions, addPlanOption, addWorldOptions, buildRunSpec } from '../run-options.js';
import type { RunOptionValues, RunSpec } from '../run-options.js';
import { parseInteger } from '../setting-flags.js';
import { replayCommand } from '../shell-quote.js';
import { envelope } from '../json-contract.js';
import { faultSourceJson } from '../json-output.js';
import { layoutTable } from '../table.js';
import { EXIT_OK, EXIT_VIOLATED, UsageError } from '../usage-error.js';
import { runSimulation } from '../../models/engine.js';
import { quoteInput } from '../../models/quote.js';
import { samplingTally } from '../../properties/coverage.js';
import { coverageJson, coverageLines } from '../search-coverage.js';

export interface SweepValues extends RunOptionValues {
  seeds?: string;
  json?: boolean;
  color?: boolean;
}

export const DEFAULT_SWEEP_SEEDS = '1..1000';

export function registerSweep(program: Command): void {
  const command = program.command('sweep').description('run one configuration over a range of seeds: how often each invariant breaks, and which seed to replay');
  addModeAndSeedOptions(command);
  // --seed belongs to single runs; a sweep takes a range.
  command.options.find((option) => option.long === '--seed')?.hideHelp();
  command.option('--seeds <range>', `seeds to run: from..to (inclusive) or a count n meaning 1..n (default ${DEFAULT_SWEEP_SEEDS})`);
  addPlanOption(command);
  addWorldOptions(command);
  addOutputOptions(command, { force: false }).action((values: SweepValues) => {
    process.exitCode = sweepCommand(values);
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

export function sweepCommand(values: SweepValues): number {
  if (values.seed !== undefined) throw new UsageError('sweep takes --seeds <from..to>, not --seed');
  const { fromSeed, toSeed } = parseSeedRange(values.seeds ?? DEFAULT_SWEEP_SEEDS);
  const spec = buildRunSpec({ ...values, seed: String(fromSeed) }, { fixedSeed: true });
  const started = performance.now();
  const tally = samplingTally(spec.config);
  const sweep = sweepSeeds({ config: spec.config, faults: spec.faults, fromSeed, toSeed, onRun: (result) => tally.run(result.injected.faults) });
  const wallMs = Math.round((performance.now() - started) * 1000) / 1000;
  const coverage = tally.result();
  if (values.json === true) process.stdout.write(JSON.stringify({ ...sweepJson(spec, sweep, fromSeed, toSeed, wallMs), coverage: coverageJson(coverage) }, null, 2) + '\n');
  else process.stdout.write(renderSweep(spec, sweep, fromSeed, toSeed, makeColor(values.color)) + coverageLines(coverage, makeColor(values.color), 'seeds').map((line) => `${line}\n`).join(''));
  return sweep.verdict === 'violated' ? EXIT_VIOLATED : EXIT_OK;
}

function firstViolation(spec: RunSpec, sweep: SweepResult): string | undefined {
  const seeds = INVARIANT_NAMES.filter((name) => sweep.invariants[name].status === 'VIOLATED').map((name) => sweep.invariants[name].examples[0]);
  return seeds.length === 0 ? undefined : replayForSeed(spec, Math.min(...seeds));
}

export function sweepJson(spec: RunSpec, sweep: SweepResult, fromSeed: number, toSeed: number, wallMs: number): Record<string, unknown> {
  const { seed: _seed, ...config } = spec.config;
  return envelope('sweep', {
    mode: spec.config.mode,
    seeds: { from: fromSeed, to: toSeed },
    scenario: spec.scenario?.name ?? null,
    config,
    faultSource: faultSourceJson(spec),
    invariants: sweep.invariants,
    faultKindsFired: sweep.faultKindsFired,
    unsettled: sweep.unsettled,
    parked: sweep.parked,
    lag: sweep.lag,
    verdict: sweep.verdict,
    firstViolationReplay: firstViolation(spec, sweep) ?? null,
    stats: { runs: sweep.runs, events: sweep.events, wallMs },
  });
}

export function renderSweep(spec: RunSpec, sweep: SweepResult, fromSeed: number, toSeed: number, color: ReturnType<typeof makeColor>): string {
  // The header describes the world; render it from the first seed's run (only the seed differs between runs).
  const [, ...header] = renderHeader(runSimulation(spec.config, spec.faults), spec, color);
  const lines = [color.bold(`simulate sweep · ${spec.config.mode} · seeds ${fromSeed}..${toSeed}`) + (spec.scenario ? color.dim(` · scenario ${spec.scenario.name}`) : ''), ...header, ''];
  const table = layoutTable([
    ['invariant', 'promised', 'seeds broken', 'status', 'first seeds'],
    ...INVARIANT_NAMES.map((name) => {
      const invariant = sweep.invariants[name];
      return [name, invariant.promised ? 'yes' : 'no', `${invariant.seedsBroken} of ${sweep.runs}`, statusCell(invariant.status, color), invariant.examples.join(', ')];
    }),
  ]);
  lines.push(color.bold(table[0]), ...table.slice(1));
  const fired = FAULT_KINDS.filter((kind) => sweep.faultKindsFired[kind] > 0).map((kind) => `${kind} ${sweep.faultKindsFired[kind]}`);
  lines.push('', `${color.bold('faults')}  seeds in which each kind fired: ${fired.length > 0 ? fired.join(', ') : 'none'}`);
  if (sweep.unsettled > 0) lines.push(color.red(`${sweep.unsettled} seed(s) did not settle (limit or stall): see liveness`));
  if (sweep.parked.seeds > 0) lines.push(`${color.bold('parked')}  ${sweep.parked.records} record(s) in the dead-letter topic, in ${sweep.parked.seeds} seed(s)`);
  lines.push(`${color.bold('lag')}  at most ${sweep.lag.maxRecords} records waiting; the longest wait ${sweep.lag.maxMs} ms (seed ${sweep.lag.seed})`);
  lines.push(color.dim(`${sweep.runs} runs, ${sweep.events} events`), '');
  const replay = firstViolation(spec, sweep);
  if (replay === undefined) {
    lines.push(color.green(`verdict: ok — every invariant ${spec.config.mode} promises held in all ${sweep.runs} seeds (exit 0)`));
    const example = INVARIANT_NAMES.find((name) => sweep.invariants[name].examples.length > 0);
    if (example !== undefined) lines.push(`see a break: ${replayForSeed(spec, sweep.invariants[example].examples[0])}`);
  } else {
    const violated = INVARIANT_NAMES.filter((name) => sweep.invariants[name].status === 'VIOLATED');
    lines.push(color.red.bold(`verdict: VIOLATED — ${violated.join(', ')} broke in some seeds although ${spec.config.mode} promises ${violated.length === 1 ? 'it' : 'them'} (exit 1)`));
    lines.push(`replay the first violation: ${replay}`);
  }
  return lines.join('\n') + '\n';
}
