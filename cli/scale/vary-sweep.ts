/**
 * A `--vary` sweep: the same seeds at every value of one rate or setting, then a table and a text chart of how
 * often each invariant broke at each value, and the JSON (`points`, ordered by value).
 */
import { FAULT_KINDS } from '../../models/faults/catalog.js';
import type { SeedRange } from '../../properties/seed-ranges.js';
import { sweepSeries } from '../../properties/sweep.js';
import type { SweepResult, SweepSeries } from '../../properties/sweep.js';
import type { makeColor } from '../color.js';
import { handlerTask } from '../handler-option.js';
import { envelope } from '../json-contract.js';
import { faultSourceJson } from '../json-output.js';
import { buildRunSpec, drawsOnRate, rateAbsence } from '../run-options.js';
import type { RunOptionValues, RunSpec } from '../run-options.js';
import { replayCommand } from '../shell-quote.js';
import { layoutTable } from '../table.js';
import { sweepOn } from './parallel-sweep.js';
import type { TaskRunner } from './pool.js';
import { valuesAt, varyWords } from './vary.js';
import type { Vary, VaryValue } from './vary.js';
import { UsageError } from '../usage-error.js';
import { quoteInput } from '../../models/quote.js';

export interface VaryPoint {
  value: VaryValue;
  spec: RunSpec;
  sweep: SweepResult;
}

export interface VarySweep {
  vary: Vary;
  range: SeedRange;
  /** The world without the varied value (the header's). */
  spec: RunSpec;
  points: VaryPoint[];
  verdict: 'ok' | 'violated';
}

/** The spec at every value of the varied rate or setting, in order. */
export function varySpecs(values: RunOptionValues, vary: Vary, range: SeedRange): RunSpec[] {
  const seedSpec = { ...values, seed: String(range.fromSeed) };
  if (vary.target === 'fault rate') {
    // Checked here, against the world without the varied value, so the refusal names --vary, which the user wrote.
    const world = buildRunSpec(seedSpec, { fixedSeed: true, takesHandler: true }).config;
    if (!drawsOnRate(world, vary.name)) throw new UsageError(`invalid --vary ${quoteInput(values.vary ?? vary.name)}: no fault of this world draws on the rate ${quoteInput(vary.name)} (${rateAbsence(world, vary.name)})`);
  }
  return vary.values.map((value) => buildRunSpec(valuesAt(seedSpec, vary, value), { fixedSeed: true, takesHandler: true }));
}

/** Every point's spec first (bad input is refused before any work), then all points' chunks on one runner. */
export async function runVary(values: RunOptionValues, vary: Vary, range: SeedRange, runner: TaskRunner, onProgress?: (done: number, breaks: string) => void): Promise<VarySweep> {
  const spec = buildRunSpec({ ...values, seed: String(range.fromSeed) }, { fixedSeed: true, takesHandler: true });
  const specs = varySpecs(values, vary, range);
  const handler = await handlerTask(spec.handler, { config: spec.config, faults: spec.faults });
  const done = new Array<number>(specs.length).fill(0);
  const breaks = new Array<string>(specs.length).fill('');
  const sweeps = await Promise.all(
    specs.map((pointSpec, index) =>
      sweepOn(runner, { config: pointSpec.config, faults: pointSpec.faults, ...range }, (pointDone, pointBreaks) => {
        done[index] = pointDone;
        breaks[index] = pointBreaks;
        onProgress?.(done.reduce((total, count) => total + count, 0), `at ${vary.name}=${vary.values[index]}: ${pointBreaks}`);
      }, handler),
    ),
  );
  const points = sweeps.map((sweep, index) => ({ value: vary.values[index], spec: specs[index], sweep }));
  return { vary, range, spec, points, verdict: points.some((point) => point.sweep.verdict === 'violated') ? 'violated' : 'ok' };
}

/** "as drop grows" for a range; "at each value of acks" for a list, whose order says nothing. */
export function growthWords(vary: Vary): string {
  return vary.range === undefined ? `at each value of ${vary.name}` : `as ${vary.name} grows`;
}

/** Invariants that broke at some value: the built-in ones in INVARIANT_NAMES order, then a handler's own. */
export function brokenAnywhere(run: VarySweep): string[] {
  const points = run.points.map((point) => sweepSeries(point.sweep));
  return points[0].map((series) => series.name).filter((name) => points.some((series) => seedsBrokenOf(series, name) > 0));
}

/** Seeds that broke the invariant `name` in one point's series. */
export function seedsBrokenOf(series: readonly SweepSeries[], name: string): number {
  return series.find((invariant) => invariant.name === name)?.seedsBroken ?? 0;
}

export function replayAt(spec: RunSpec, seed: number): string {
  const args = [...spec.replayArgs];
  args[args.indexOf('--seed') + 1] = String(seed);
  return replayCommand(args);
}

/** The first violation's replay at each value (none where every promise held). */
function firstViolationAt(point: VaryPoint): string | null {
  const seeds = sweepSeries(point.sweep)
    .filter((invariant) => invariant.status === 'VIOLATED')
    .map((invariant) => invariant.examples[0]);
  return seeds.length === 0 ? null : replayAt(point.spec, Math.min(...seeds));
}

export function varyJson(run: VarySweep, wallMs: number): Record<string, unknown> {
  const { seed: _seed, ...config } = run.spec.config;
  return envelope('sweep', {
    mode: run.spec.config.mode,
    seeds: { from: run.range.fromSeed, to: run.range.toSeed },
    scenario: run.spec.scenario?.name ?? null,
    config,
    faultSource: faultSourceJson(run.spec),
    ...(run.spec.handler !== undefined ? { handler: run.spec.handler } : {}),
    vary: { name: run.vary.name, target: run.vary.target, ...(run.vary.range ?? { values: run.vary.values }) },
    points: run.points.map((point) => ({
      value: point.value,
      invariants: point.sweep.invariants,
      ...(point.sweep.handlerInvariants !== undefined ? { handlerInvariants: point.sweep.handlerInvariants } : {}),
      faultKindsFired: point.sweep.faultKindsFired,
      unsettled: point.sweep.unsettled,
      verdict: point.sweep.verdict,
      firstViolationReplay: firstViolationAt(point),
    })),
    verdict: run.verdict,
    stats: { runs: run.points.reduce((total, point) => total + point.sweep.runs, 0), events: run.points.reduce((total, point) => total + point.sweep.events, 0), wallMs },
  });
}

const CHART_WIDTH = 40;

/** Percent of seeds, to one decimal. */
export function percent(broken: number, runs: number): string {
  return `${runs === 0 ? 0 : Math.round((broken / runs) * 1000) / 10}%`;
}

export function renderVary(run: VarySweep, header: readonly string[], color: ReturnType<typeof makeColor>): string {
  const { vary, range } = run;
  const lines = [color.bold(`simulate sweep · ${run.spec.config.mode} · seeds ${range.fromSeed}..${range.toSeed} · ${vary.name} ${varyWords(vary)}`), ...header, ''];
  const points = run.points.map((point) => sweepSeries(point.sweep));
  const table = layoutTable([
    [vary.name, ...points[0].map((invariant) => `${invariant.name}${invariant.promised ? ' *' : ''}`), 'verdict'],
    ...run.points.map((point, index) => [String(point.value), ...points[index].map((invariant) => `${invariant.seedsBroken} (${percent(invariant.seedsBroken, point.sweep.runs)})`), point.sweep.verdict === 'violated' ? color.red('VIOLATED') : color.green('ok')]),
  ]);
  lines.push(color.dim(`seeds broken of ${range.toSeed - range.fromSeed + 1} at each value (* promised by ${run.spec.config.mode})`), color.bold(table[0]), ...table.slice(1), '');
  const broken = brokenAnywhere(run);
  if (broken.length === 0) lines.push(`no invariant broke at any value of ${vary.name}`);
  for (const name of broken) {
    lines.push(color.bold(`${name}: share of seeds broken ${growthWords(vary)}`));
    const labels = run.points.map((point) => String(point.value));
    const labelWidth = Math.max(...labels.map((label) => label.length));
    run.points.forEach((point, index) => {
      const broken = seedsBrokenOf(points[index], name);
      const bar = '█'.repeat(Math.round((broken / point.sweep.runs) * CHART_WIDTH));
      lines.push(`  ${labels[index].padStart(labelWidth)} │${bar}${bar === '' ? '' : ' '}${percent(broken, point.sweep.runs)}`);
    });
    lines.push('');
  }
  const fired = FAULT_KINDS.filter((kind) => run.points.some((point) => point.sweep.faultKindsFired[kind] > 0));
  lines.push(`${color.bold('faults')}  kinds that fired at some value: ${fired.length > 0 ? fired.join(', ') : 'none'}`);
  const violatedAt = run.points.filter((point) => point.sweep.verdict === 'violated');
  if (violatedAt.length === 0) {
    lines.push(color.green(`verdict: ok — every invariant ${run.spec.config.mode} promises held at every value (exit 0)`));
  } else {
    lines.push(color.red.bold(`verdict: VIOLATED — a promised invariant broke at ${vary.name} = ${violatedAt.map((point) => point.value).join(', ')} (exit 1)`));
    lines.push(`replay the first violation (at ${vary.name}=${violatedAt[0].value}): ${firstViolationAt(violatedAt[0]) ?? ''}`);
  }
  return lines.join('\n') + '\n';
}
