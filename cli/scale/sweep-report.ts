/**
 * `sweep --report out.md`: a markdown matrix report GitHub renders as is: how often each invariant broke (a table
 * and a mermaid xychart-beta chart, per value with --vary), the first failing seeds with the commands that replay
 * them, and the fault kinds that fired. Pure: the sweep command writes it (atomically) where --report says.
 */
import { FAULT_KINDS } from '../../models/faults/catalog.js';
import type { SeedRange } from '../../properties/seed-ranges.js';
import { sweepSeries } from '../../properties/sweep.js';
import type { SweepResult } from '../../properties/sweep.js';
import { code, escapeText, fenced, raw, table } from '../../reports/markdown.js';
import type { RunSpec } from '../run-options.js';
import { brokenAnywhere, growthWords, percent, replayAt, seedsBrokenOf } from './vary-sweep.js';
import { varyWords } from './vary.js';
import type { VarySweep } from './vary-sweep.js';

/** Examples listed per broken invariant, each with its replay command (one per value with --vary). */
const FIRST_SEEDS = 3;

export interface SweepReportInput {
  spec: RunSpec;
  range: SeedRange;
  /** The command that regenerates this report. */
  command: string;
  toolVersion: string;
}

/** A label mermaid's grammar takes inside quotes. */
function chartText(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}

function share(broken: number, runs: number): number {
  return runs === 0 ? 0 : Math.round((broken / runs) * 1000) / 10;
}

function heading(input: SweepReportInput, extra: string): string[] {
  const { spec, range } = input;
  return [
    `# Sweep: ${escapeText(spec.config.mode)}, seeds ${range.fromSeed}..${range.toSeed}${extra}`,
    '',
    `Faults: ${escapeText(spec.faultsLabel)}${spec.scenario !== undefined ? ` · scenario ${escapeText(spec.scenario.name)}` : ''} · delivery-sim ${escapeText(input.toolVersion)}`,
    '',
    `Regenerate this report: ${code(input.command)}`,
    '',
  ];
}

function firstSeeds(spec: RunSpec, sweep: SweepResult, label: string | undefined, perInvariant: number): string[][] {
  return sweepSeries(sweep)
    .filter((series) => series.seedsBroken > 0)
    .flatMap((series) => series.examples.slice(0, perInvariant).map((seed) => [...(label === undefined ? [] : [label]), series.name, series.status, String(seed), raw(code(replayAt(spec, seed))).markdown]));
}

export function sweepReport(input: SweepReportInput, sweep: SweepResult): string {
  const lines = heading(input, '');
  lines.push(`**Verdict: ${sweep.verdict === 'violated' ? 'VIOLATED' : 'ok'}**: ${sweep.verdict === 'violated' ? `a promised invariant broke in some of the ${sweep.runs} seeds` : `every invariant ${escapeText(input.spec.config.mode)} promises held in all ${sweep.runs} seeds`}.`, '');
  lines.push('## How often each invariant broke', '');
  // A handler's own invariants follow the built-in ones, promised in every mode.
  const series = sweepSeries(sweep);
  lines.push(
    table(
      ['invariant', 'promised', 'seeds broken', 'share', 'status', 'first seeds'],
      series.map((invariant) => [invariant.name, invariant.promised ? 'yes' : 'no', `${invariant.seedsBroken} of ${sweep.runs}`, percent(invariant.seedsBroken, sweep.runs), invariant.status, invariant.examples.join(', ')]),
      ['l', 'l', 'r', 'r', 'l', 'l'],
    ),
    '',
  );
  const chart = [
    'xychart-beta',
    `    title ${chartText(`Share of ${sweep.runs} seeds that broke each invariant`)}`,
    `    x-axis [${series.map((invariant) => chartText(invariant.name)).join(', ')}]`,
    `    y-axis ${chartText('seeds broken (%)')} 0 --> 100`,
    `    bar [${series.map((invariant) => share(invariant.seedsBroken, sweep.runs)).join(', ')}]`,
  ];
  lines.push(fenced('mermaid', chart.join('\n')), '');
  lines.push(...firstSeedsSection(firstSeeds(input.spec, sweep, undefined, FIRST_SEEDS), false));
  lines.push(...faultsSection([['all seeds', sweep]], sweep.runs));
  return lines.join('\n');
}

export function varyReport(input: SweepReportInput, run: VarySweep): string {
  const { vary } = run;
  const lines = heading(input, `, ${escapeText(`${vary.name} ${varyWords(vary)}`)}`);
  const violatedAt = run.points.filter((point) => point.sweep.verdict === 'violated').map((point) => point.value);
  lines.push(`**Verdict: ${violatedAt.length > 0 ? 'VIOLATED' : 'ok'}**: ${violatedAt.length > 0 ? `a promised invariant broke at ${escapeText(vary.name)} = ${violatedAt.join(', ')}` : 'every promised invariant held at every value'}.`, '');
  lines.push(`## Seeds broken ${escapeText(growthWords(vary))}`, '');
  const runs = run.range.toSeed - run.range.fromSeed + 1;
  const points = run.points.map((point) => sweepSeries(point.sweep));
  lines.push(
    table(
      [vary.name, ...points[0].map((invariant) => `${invariant.name}${invariant.promised ? ' (promised)' : ''}`), 'verdict'],
      run.points.map((point, index) => [String(point.value), ...points[index].map((invariant) => `${invariant.seedsBroken} (${percent(invariant.seedsBroken, runs)})`), point.sweep.verdict === 'violated' ? 'VIOLATED' : 'ok']),
      ['r', ...points[0].map(() => 'r' as const), 'l'],
    ),
    '',
  );
  const broken = brokenAnywhere(run);
  if (broken.length === 0) lines.push(`No invariant broke at any value of ${escapeText(vary.name)}.`, '');
  // One chart per invariant: xychart-beta draws several lines without a legend, which would not say which is which.
  for (const name of broken) {
    const chart = [
      'xychart-beta',
      `    title ${chartText(`${name}: share of ${runs} seeds broken`)}`,
      `    x-axis ${chartText(vary.name)} [${run.points.map((point) => chartText(String(point.value))).join(', ')}]`,
      `    y-axis ${chartText('seeds broken (%)')} 0 --> 100`,
      // A range is a line over a growing value; a list's values are categories side by side: bars.
      `    ${vary.range === undefined ? 'bar' : 'line'} [${points.map((series) => share(seedsBrokenOf(series, name), runs)).join(', ')}]`,
    ];
    lines.push(fenced('mermaid', chart.join('\n')), '');
  }
  lines.push(...firstSeedsSection(run.points.flatMap((point) => firstSeeds(point.spec, point.sweep, String(point.value), 1)), true, vary.name));
  lines.push(...faultsSection(run.points.map((point) => [`${vary.name}=${point.value}`, point.sweep] as const), runs));
  return lines.join('\n');
}

function firstSeedsSection(rows: string[][], perValue: boolean, name = ''): string[] {
  const lines = ['## First failing seeds', ''];
  if (rows.length === 0) return [...lines, 'No seed broke any invariant.', ''];
  const header = [...(perValue ? [name] : []), 'invariant', 'status', 'seed', 'replay'];
  lines.push(table(header, rows.map((row) => row.map((cell, index) => (index === row.length - 1 ? raw(cell) : cell)))), '');
  return lines;
}

function faultsSection(columns: readonly (readonly [string, SweepResult])[], runs: number): string[] {
  const fired = FAULT_KINDS.filter((kind) => columns.some(([, sweep]) => sweep.faultKindsFired[kind] > 0));
  const lines = ['## Fault kinds that fired', ''];
  if (fired.length === 0) return [...lines, 'No fault fired in any seed.', ''];
  lines.push(`Seeds (of ${runs}) in which each kind fired at least once.`, '');
  lines.push(table(['kind', ...columns.map(([label]) => label)], fired.map((kind) => [kind, ...columns.map(([, sweep]) => String(sweep.faultKindsFired[kind]))])), '');
  return lines;
}
