/**
 * The markdown report of `simulate compare`: the same workload and faults under every mode, side by side.
 * The invariants × modes table comes first (it is the answer); then, for each mode that broke something,
 * the story and the sequence diagram of its first broken invariant, so a reader sees exactly which guarantee
 * each mode gives up and how.
 */
import type { SimulationResult } from '../models/engine.js';
import { modePreset } from '../models/families.js';
import { INVARIANT_NAMES } from '../models/modes.js';
import { faultPlanBlock, faultPlanJson, faultPlanTable } from './fault-plan.js';
import { plural, trimNumber } from './format.js';
import { code, escapeText, fenced, raw, table } from './markdown.js';
import type { RawCell } from './markdown.js';
import { allStories, scenarioMechanism, brokenInvariants, figuresTable, invariantSection, observed, outcomeWords, statusMarkdown } from './report-parts.js';
import type { WallFigures } from './report-parts.js';
import { differingSettings } from './settings-table.js';
import { TraceFacts } from './trace-facts.js';

export interface CompareReportMeta {
  toolVersion: string;
  /** The exact command line that reproduces this report (including its `--report` flag). */
  replayCommand: string;
  planFile?: string;
  /** The named setup: its summary, and the mechanism it shows (in every mode's terms). */
  scenario?: { name: string; summary: string; mechanism?: string };
  faultsLabel?: string;
  /** Wall-clock figures for the whole comparison, only when asked for. */
  wall?: WallFigures;
}

export function compareTitle(results: readonly SimulationResult[]): string {
  const seeds = [...new Set(results.map((result) => result.config.seed))];
  const perMode = results.map((result) => `${result.config.mode}: ${outcomeWords(result, ' ')}`);
  return ['compare', `seed ${seeds.join(', ')}`, ...perMode].join(' · ');
}

export function renderCompareReport(results: readonly SimulationResult[], meta: CompareReportMeta): string {
  if (results.length === 0) throw new RangeError('renderCompareReport needs at least one result');
  const out: string[] = [`# ${compareTitle(results)}`, ''];
  const scenario = meta.scenario === undefined ? '' : ` Scenario ${code(meta.scenario.name)}: ${escapeText(meta.scenario.summary)}.${scenarioMechanism(meta.scenario)}`;
  const first = results[0];
  out.push(`The same workload (${plural(first.config.workload.messages, 'message')}, ${plural(first.config.workload.keys, 'key')}, ${plural(first.config.workload.partitions, 'partition')}) and the same faults${meta.faultsLabel === undefined ? '' : ` (${escapeText(meta.faultsLabel)})`} under every mode, with delivery-sim ${escapeText(meta.toolVersion)}.${scenario}`, '');

  out.push('## Invariants × modes', '');
  const modes = results.map((result) => result.config.mode);
  const rows: (string | RawCell)[][] = INVARIANT_NAMES.map((name) => [name, ...results.map((result) => {
    const invariant = result.invariants[name];
    const promise = invariant.promised ? 'promised' : 'not promised';
    return raw(invariant.holds ? `holds (${promise})` : `${statusMarkdown(invariant)} (${observed(invariant)})`);
  })]);
  // A handler's own invariants, promised in every mode: a row each, so a VIOLATED verdict always has its reason.
  for (const name of Object.keys(results[0]?.handlerInvariants ?? {})) {
    rows.push([name, ...results.map((result) => raw(result.handlerInvariants[name].holds ? "holds (your handler's own)" : `**VIOLATED** (${result.handlerInvariants[name].count})`))]);
  }
  rows.push(['verdict', ...results.map((result) => raw(result.verdict === 'violated' ? '**VIOLATED** (exit 1)' : 'ok'))]);
  rows.push(['parked (dead-lettered)', ...results.map((result) => String(result.parked.count))]);
  rows.push(['faults injected', ...results.map((result) => `${result.injected.faults.length}${result.unusedPlanFaults.length > 0 ? ` (${result.unusedPlanFaults.length} never matched)` : ''}`)]);
  out.push(table(['invariant', ...modes], rows), '');
  out.push('A fault only fires where its mode reaches the point it names: with acks=0 there is no ack to lose, with offsets stored in the DB there is no offset commit to lose.', '');

  const differing = differingSettings(results.map((result) => result.config));
  if (differing.length > 0) {
    out.push('### Settings that differ between the modes', '');
    out.push(table(['setting', ...modes], differing.map(([setting, values]) => [raw(code(setting)), ...values.map((value) => raw(code(value)))])), '');
    out.push(results.map((result) => `- **${result.config.mode}**: ${escapeText(modePreset(result.config).summary)}.`).join('\n'), '');
  }

  for (const result of results) {
    const broken = brokenInvariants(result);
    if (broken.length === 0) continue;
    const facts = new TraceFacts(result);
    const stories = allStories(result, facts);
    out.push(`## ${result.config.mode}`, '');
    const [lead, ...others] = broken;
    // One story and one diagram per mode: the first broken invariant (VIOLATED ones come first).
    const leadStories = (stories.get(lead.name) ?? []).slice(0, 1);
    out.push(...invariantSection(result, { ...lead, witnesses: lead.witnesses.slice(0, 1) }, leadStories, facts, 3).filter((line) => !line.startsWith('… and ')));
    for (const other of others) {
      const story = (stories.get(other.name) ?? [])[0];
      out.push(`Also ${other.name}: ${other.status} (${observed(other)})${story === undefined ? '.' : ` — ${story.msg === '' ? '' : `${story.msg}: `}*${escapeText(story.mechanism)}*.`}`, '');
    }
  }

  out.push(...planSection(results));
  out.push('## Replay', '', 'This command reproduces this exact report (add `--force` to replace an existing file):', '', fenced('sh', meta.replayCommand), '');
  if (meta.planFile !== undefined) out.push(`Plan file: ${code(meta.planFile)}.`, '');
  out.push('## Figures', '', figuresTable(results.map((result) => ({ label: result.config.mode, result }))), '');
  if (meta.wall !== undefined) out.push(`Wall time for the whole comparison: ${trimNumber(meta.wall.wallMs)} ms (${Math.round(meta.wall.eventsPerSecond)} events/s); it varies from run to run, everything else in this report does not.`, '');
  return out.join('\n');
}

/**
 * One plan when every mode was given the same explicit plan (or injected the same faults); otherwise each
 * mode's own injected faults, so nothing is hidden.
 */
function planSection(results: readonly SimulationResult[]): string[] {
  const given = results.map((result) => ('plan' in result.faultSource ? faultPlanJson(result.faultSource.plan) : undefined));
  const injected = results.map((result) => faultPlanJson(result.injected));
  const stories = results.flatMap((result) => [...allStories(result).values()].flat());
  // Compared as their JSON text: the same faults in the same order.
  const shared = given.every((plan) => plan !== undefined && plan === given[0]) ? { source: results[0].faultSource, words: 'given to every mode' } : injected.every((plan) => plan === injected[0]) ? { words: 'the same in every mode' } : undefined;
  if (shared !== undefined) {
    const plan = 'source' in shared && shared.source !== undefined && 'plan' in shared.source ? shared.source.plan : results[0].injected;
    return [`## Fault plan (${plural(plan.faults.length, 'fault')}, ${shared.words})`, '', ...(plan.faults.length > 0 ? [faultPlanTable(plan, stories, results[0].config.family), ''] : []), faultPlanBlock(plan), ''];
  }
  const out = ['## Fault plans', '', 'Each mode drew or reached different faults; every mode\'s own, as a replayable plan:', ''];
  for (const result of results) {
    out.push(`<details><summary>${result.config.mode}: ${plural(result.injected.faults.length, 'fault')}</summary>`, '', faultPlanBlock(result.injected), '', '</details>', '');
  }
  return out;
}
