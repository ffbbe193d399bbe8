/**
 * `sweep --report out.md`: a markdown matrix report GitHub renders as is: how often each invariant broke (a table
 * and a mermaid xychart-beta chart, per value with --vary), the first failing seeds with the commands that replay
 * them, and the fault kinds that fired. Pure: the sweep command writes it (atomically) where --report says.
 */
import { FAULT_KINDS } from '../../models/faults/catalog.js';
import { INVARIANT_NAMES } from '../../models/modes.js';
import type { InvariantName } from '../../models/modes.js';
import type { SeedRange } from '../../properties/seed-ranges.js';
import type { SweepResult } from '../../properties/sweep.js';
import { code, escapeText, fenced, raw, table } from '../../reports/markdown.js';
import type { RunSpec } from '../run-options.js';
import { percent, replayAt } from './vary-sweep.js';
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
  return INVARIANT_NAMES.filter((name) => sweep.invariants[name].seedsBroken > 0).flatMap((name) =>
    sweep.invariants[name].examples.slice(0, perInvariant).map((seed) => [...(label === undefined ? [] : [label]), name, sweep.invariants[name].status, String(seed), raw(code(replayAt(spec, seed))).markdown]),
  );
}

export function sweepReport(input: SweepReportInput, sweep: SweepResult): string {
  const lines = heading(input, '');
  lines.push(`**Verdict: ${sweep.verdict === 'violated' ? 'VIOLATED' : 'ok'}**: ${sweep.verdict === 'violated' ? `a promised invariant broke in some of the ${sweep.runs} seeds` : `every invariant ${escapeText(input.spec.config.mode)} promises held in all ${sweep.runs} seeds`}.`, '');
  lines.push('## How often each invariant broke', '');
  lines.push(
    table(
      ['invariant', 'promised', 'seeds broken', 'share', 'status', 'first seeds'],
      INVARIANT_NAMES.map((name) => {
        const invariant = sweep.invariants[name];
        return [name, invariant.promised ? 'yes' : 'no', `${invariant.seedsBroken} of ${sweep.runs}`, percent(invariant.seedsBroken, sweep.runs), invariant.status, invariant.examples.join(', ')];
      }),
      ['l', 'l', 'r', 'r', 'l', 'l'],
    ),
    '',
  );
  const chart = [
    'xychart-beta',
    `    title ${chartText(`Share of ${sweep.runs} seeds that broke each invariant`)}`,
    `    x-axis [${INVARIANT_NAMES.map(chartText).join(', ')}]`,
    `    y-axis ${chartText('seeds broken (%)')} 0 --> 100`,
    `    bar [${INVARIANT_NAMES.map((name) => share(sweep.invariants[name].seedsBroken, sweep.runs)).join(', ')}]`,
  ];
  lines.push(fenced('mermaid', chart.join('\n')), '');
  lines.push(...firstSeedsSection(firstSeeds(input.spec, sweep, undefined, FIRST_SEEDS), false));
  lines.push(...faultsSection([['all seeds', sweep]], sweep.runs));
  return lines.join('\n');
}

export function varyReport(input: SweepReportInput, run: VarySweep): string {
  const { vary } = run;
  const lines = heading(input, `, ${escapeText(vary.name)} from ${vary.from} to ${vary.to} by ${vary.step}`);
  const violatedAt = run.points.filter((point) => point.sweep.verdict === 'violated').map((point) => point.value);
  lines.push(`**Verdict: ${violatedAt.length > 0 ? 'VIOLATED' : 'ok'}**: ${violatedAt.length > 0 ? `a promised invariant broke at ${escapeText(vary.name)} = ${violatedAt.join(', ')}` : 'every promised invariant held at every value'}.`, '');
  lines.push(`## Seeds broken as ${escapeText(vary.name)} grows`, '');
  const runs = run.range.toSeed - run.range.fromSeed + 1;
  lines.push(
    table(
      [vary.name, ...INVARIANT_NAMES.map((name) => `${name}${run.points[0].sweep.invariants[name].promised ? ' (promised)' : ''}`), 'verdict'],
      run.points.map((point) => [String(point.value), ...INVARIANT_NAMES.map((name) => `${point.sweep.invariants[name].seedsBroken} (${percent(point.sweep.invariants[name].seedsBroken, runs)})`), point.sweep.verdict === 'violated' ? 'VIOLATED' : 'ok']),
      ['r', ...INVARIANT_NAMES.map(() => 'r' as const), 'l'],
    ),
    '',
  );
  const broken: InvariantName[] = INVARIANT_NAMES.filter((name) => run.points.some((point) => point.sweep.invariants[name].seedsBroken > 0));
  if (broken.length === 0) lines.push(`No invariant broke at any value of ${escapeText(vary.name)}.`, '');
  // One chart per invariant: xychart-beta draws several lines without a legend, which would not say which is which.
  for (const name of broken) {
    const chart = [
      'xychart-beta',
      `    title ${chartText(`${name}: share of ${runs} seeds broken`)}`,
      `    x-axis ${chartText(vary.name)} [${run.points.map((point) => chartText(String(point.value))).join(', ')}]`,
      `    y-axis ${chartText('seeds broken (%)')} 0 --> 100`,
      `    line [${run.points.map((point) => share(point.sweep.invariants[name].seedsBroken, runs)).join(', ')}]`,
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
