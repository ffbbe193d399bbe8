/**
 * The markdown report of one run — a plain `simulate` run, a counterexample found by `simulate check`, or a
 * plan shrunk by `simulate shrink` — for a reviewer who has never seen the code: what was run, what broke and
 * whether the mode promised it, why (a story per witness and a sequence diagram), the faults in words and as
 * a plan file, and the command that reproduces this exact report. Pure: the same inputs give the same bytes.
 */
import { modePreset } from '../models/families.js';
import { describeFault } from '../models/faults/catalog.js';
import { outsideWorld } from '../models/plan-fit.js';
import { presetSettings } from '../models/resolve.js';
import { INVARIANT_NAMES } from '../models/modes.js';
import type { SimulationResult } from '../models/engine.js';
import { embedsPlan, faultPlanBlock, faultPlanTable } from './fault-plan.js';
import { plural, trimNumber } from './format.js';
import { code, escapeText, fenced, raw, table } from './markdown.js';
import { allStories, brokenInvariants, scenarioMechanism, brokenOwnInvariants, figuresTable, invariantSection, ownInvariantSection, observed, outcomeSentence, outcomeWords, statusMarkdown, verdictSentence, verdictTable } from './report-parts.js';
import { parkedStory } from './story-failures.js';
import type { WallFigures } from './report-parts.js';
import { settingRows, settingValue } from './settings-table.js';
import { TraceFacts } from './trace-facts.js';
import { deadLetterWords, topologyWords, workloadWords } from './world-words.js';

export type ReportKind = 'run' | 'check' | 'shrink';

/** One invariant's search in `simulate check`: how many plans were tried and, if it broke, the plan's size. */
export interface SearchSummary {
  /** A built-in invariant, or (check --handler) one of the handler's own. */
  invariant: string;
  promised: boolean;
  plansTried: number;
  /** Faults in the minimal plan, when the search found a break. */
  minimalFaults?: number;
}

export interface RunReportMeta {
  /** Which command produced the result: a plain run, a `check` counterexample, or a `shrink` result. */
  kind: ReportKind;
  /** The simulator's version (package.json), printed in the header. */
  toolVersion: string;
  /** The exact command line that reproduces this report (including its `--report` flag). */
  replayCommand: string;
  /** The plan file the command wrote or read, when there is one. */
  planFile?: string;
  /** The named scenario the run used, if any. */
  /** The named setup: its summary, and the mechanism it shows (in every mode's terms). */
  scenario?: { name: string; summary: string; mechanism?: string };
  /** How the faults were given (a preset, rates, a plan file), for the header. */
  faultsLabel?: string;
  /** check/shrink: how many faults the failing plan had before shrinking. */
  originalFaultCount?: number;
  /** check/shrink: how many successful shrink steps it took. */
  shrinkSteps?: number;
  /** check: how many generated plans were tried before the counterexample. */
  runsSearched?: number;
  /**
   * check/shrink: the command that replays just the counterexample's plan (a plain run: same trace hash as
   * this report's run), beside `replayCommand`, which reruns the search and rewrites this report.
   */
  counterexampleReplay?: string;
  /** check: what the search found per invariant, for a summary table. */
  search?: readonly SearchSummary[];
  /** Wall-clock figures, only when the user asked for them (they make the report differ run to run). */
  wall?: WallFigures;
}

const INTRO: Record<ReportKind, string> = {
  run: 'One deterministic run',
  check: 'A counterexample found by `simulate check` (generated fault plans, shrunk to the fewest faults that still break the invariant)',
  shrink: 'A failing run shrunk by `simulate shrink` to the fewest faults that still break the same invariant',
};

export function reportTitle(result: SimulationResult): string {
  return `${result.config.mode} · seed ${result.config.seed} · ${outcomeWords(result)}`;
}

export function renderRunReport(result: SimulationResult, meta: RunReportMeta): string {
  const facts = new TraceFacts(result);
  const stories = allStories(result, facts);
  const out: string[] = [`# ${reportTitle(result)}`, ''];
  const scenario = meta.scenario === undefined ? '' : `, scenario ${code(meta.scenario.name)} (${escapeText(meta.scenario.summary)})`;
  // A check that found nothing reports the search and the fault-free run it searched around.
  const intro = meta.kind === 'check' && brokenInvariants(result).length === 0 ? 'A search by `simulate check` that found no counterexample; below, the run without faults' : INTRO[meta.kind];
  out.push(`${intro}, with delivery-sim ${escapeText(meta.toolVersion)}${scenario}.${scenarioMechanism(meta.scenario)}`, '', `Verdict — ${verdictSentence(result)}`, '');
  const rows = settingRows(result.config);
  const overrides = rows.filter((row) => row.note !== '');
  if (overrides.length > 0) {
    // Overrides are why a mode can break its own promise: say so up front, not only in the settings table.
    out.push(`This run overrides the ${result.config.mode} preset: ${overrides.map((row) => `${code(`${row.setting}=${row.value}`)} (preset ${code(String(settingValue((presetSettings(result.config) as unknown as Record<string, unknown>)[row.setting])))})`).join(', ')}.`, '');
  }

  out.push(...header(result, meta), '');
  out.push(`<details><summary>Every effective setting (${rows.length})</summary>`, '');
  out.push(table(['component', 'setting', 'real-system name', 'value', 'note'], rows.map((row) => [row.component, raw(code(row.setting)), row.realName, raw(code(row.value)), row.note])), '', '</details>', '');

  if (meta.search !== undefined && meta.search.length > 0) out.push(...searchSection(meta.search));
  out.push('## Verdict', '', verdictTable(result), '');
  out.push(...groupsSection(result));
  for (const invariant of brokenInvariants(result)) out.push(...invariantSection(result, invariant, stories.get(invariant.name) ?? [], facts, 2));
  for (const [name, invariant] of brokenOwnInvariants(result)) out.push(...ownInvariantSection(name, invariant, 2));
  out.push(...parkedSection(result, facts));

  out.push(...planSection(result, meta, [...stories.values()].flat()));
  out.push('## Replay', '', 'This command reproduces this exact report (the run is deterministic: same seed and options, same trace; add `--force` to replace an existing file):', '', fenced('sh', meta.replayCommand), '');
  if (meta.counterexampleReplay !== undefined) out.push('This one replays only the counterexample, as a plain run with the same trace hash:', '', fenced('sh', meta.counterexampleReplay), '');
  if (meta.planFile !== undefined) out.push(`Plan file: ${code(meta.planFile)}.`, '');
  out.push('## Figures', '', figuresTable([{ result }], meta.wall), '');
  if (meta.wall !== undefined) out.push('Wall time and events/s were asked for: they vary from run to run, everything else in this report does not.', '');
  return out.join('\n');
}

function header(result: SimulationResult, meta: RunReportMeta): string[] {
  const { config } = result;
  const injected = result.injected.faults.length;
  const faults = `${plural(injected, 'fault')} injected${meta.faultsLabel === undefined ? '' : `; source: ${meta.faultsLabel}`}${result.unusedPlanFaults.length > 0 ? `; ${result.unusedPlanFaults.length} of the plan never matched anything` : ''}`;
  const rows: [string, string][] = [
    ['mode', `${config.mode} — ${modePreset(config).summary}`],
    ['seed', String(config.seed)],
    ['tool', `delivery-sim ${meta.toolVersion}`],
    ['workload', `${workloadWords(config)}${config.workload.burst > 1 ? `, the first ${config.workload.burst} at once` : ''}`],
    ['topology', topologyWords(config)],
    ['fault plan', faults],
    ['outcome', outcomeSentence(result)],
  ];
  if (meta.scenario !== undefined) rows.splice(2, 0, ['scenario', meta.scenario.name]);
  return [table(['run', ''], rows)];
}

function planSection(result: SimulationResult, meta: RunReportMeta, stories: Parameters<typeof faultPlanTable>[1]): string[] {
  const plan = result.injected;
  const size = plural(plan.faults.length, 'fault');
  let heading: string;
  let intro: string;
  if (meta.kind === 'run' || plan.faults.length === 0) {
    heading = `## Fault plan (${size})`;
    intro = `The faults this run injected, in order, named by what they hit (so removing one leaves the others meaning the same thing). Saved as a plan file, ${embedsPlan(plan) ? 'the JSON below replays them' : 'they replay this run'}.`;
  } else {
    heading = `## Minimal fault plan (${size})`;
    const from = meta.originalFaultCount === undefined ? '' : `, shrunk from ${plural(meta.originalFaultCount, 'fault')}`;
    const steps = meta.shrinkSteps === undefined ? '' : ` in ${plural(meta.shrinkSteps, 'step')}`;
    const searched = meta.runsSearched === undefined ? '' : ` after ${plural(meta.runsSearched, 'generated plan')}`;
    intro = `The fewest faults that still break the invariant${from}${steps}${searched}. The shrinker could not remove any one of them and keep the break.`;
  }
  const out = [heading, '', intro, ''];
  if (plan.faults.length > 0) out.push(faultPlanTable(plan, stories, result.config.family), '');
  out.push(faultPlanBlock(plan), '');
  if (result.unusedPlanFaults.length > 0) {
    const outside = result.unusedPlanFaults.flatMap((fault) => {
      const why = outsideWorld(fault, result.config);
      return why === undefined ? [] : [`- ${escapeText(`${describeFault(fault, result.config.family)}: never here, ${why}`)}`];
    });
    out.push(`${plural(result.unusedPlanFaults.length, 'fault')} of the given plan never matched anything in this run (the run never reached that point, or reached it after healing):`, '', faultPlanBlock({ version: 1, faults: result.unusedPlanFaults }), '');
    if (outside.length > 0) out.push(`${outside.length === 1 ? 'One of them names' : `${outside.length} of them name`} what this world does not have:`, '', ...outside.slice(0, 20), ...(outside.length > 20 ? [`- … ${outside.length - 20} more`] : []), '');
  }
  return out;
}

/** With several groups: each group's verdicts, parked records and lag (every group must get every message). */
function groupsSection(result: SimulationResult): string[] {
  const groups = Object.entries(result.groups);
  if (groups.length === 1 && result.topology.consumers.length === 1) return [];
  const out: string[] = [];
  if (groups.length > 1) {
    const rows = groups.map(([name, group]) => [name, ...INVARIANT_NAMES.map((invariant) => raw(group.invariants[invariant].holds ? 'holds' : `${statusMarkdown(group.invariants[invariant])} (${observed(group.invariants[invariant])})`)), String(group.parked.count), `${group.lag.maxRecords} / ${trimNumber(group.lag.maxMs)} ms`]);
    out.push('### Per consumer group', '', 'Each group is a subscriber of its own and must get every message; the verdict above is the worst group\'s.', '');
    out.push(table(['group', ...INVARIANT_NAMES, 'parked', 'lag (records / wait)'], rows), '');
  }
  if (result.topology.consumers.length > 1) {
    const shares = Object.entries(result.stats.appliedByConsumer).map(([member, count]) => `${code(member)} ${count}`);
    out.push(`Effects applied per member: ${shares.join(', ')}.`, '');
  }
  return out;
}

/** Records the failure policy parked (Kafka's dead-letter topic, RabbitMQ's dead-letter queue): their own outcome, with a story each. */
function parkedSection(result: SimulationResult, facts: TraceFacts): string[] {
  if (result.parked.count === 0) return [];
  const where = deadLetterWords(result.config);
  const out = [`## Parked: ${plural(result.parked.count, 'record')} in ${where}`, '', `Neither applied nor lost: the failure policy gave these records up and published them to ${where}, where they wait for someone to look at them.`, ''];
  for (const witness of result.parked.witnesses) {
    const story = parkedStory(facts.scoped(witness.group), witness.msg);
    out.push(story === undefined ? escapeText(witness.summary) : `**${story.msg}** *${escapeText(story.mechanism)}.* ${escapeText(story.text)}`, '');
  }
  if (result.parked.count > result.parked.witnesses.length) out.push(`… and ${result.parked.count - result.parked.witnesses.length} more (\`--json\` lists them).`, '');
  return out;
}

function searchSection(search: readonly SearchSummary[]): string[] {
  const rows = search.map((item) => [
    item.invariant,
    item.promised ? 'yes' : 'no',
    String(item.plansTried),
    item.minimalFaults === undefined ? 'holds over every plan tried' : `broke: minimal plan of ${plural(item.minimalFaults, 'fault')}`,
  ]);
  return ['## Search', '', table(['invariant', 'promised', 'plans tried', 'result'], rows, ['l', 'l', 'r', 'l']), ''];
}
