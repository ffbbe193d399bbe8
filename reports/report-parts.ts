/**
 * Sections shared by the run and compare reports: the outcome in words, the verdict table, the stories of a
 * broken invariant with their sequence diagram, and the figures.
 */
import type { InvariantResult } from '../models/invariants/index.js';
import type { HandlerInvariantResult } from '../models/handler/invariants.js';
import { INVARIANT_NAMES } from '../models/modes.js';
import type { InvariantName } from '../models/modes.js';
import type { SimulationResult } from '../models/engine.js';
import { at, plural, trimNumber } from './format.js';
import { code, escapeText, fenced, raw, table } from './markdown.js';
import { drawDiagram } from './sequence-diagram.js';
import { explainInvariant } from './story.js';
import { storyText } from './story-types.js';
import type { Story } from './story-types.js';
import { TraceFacts } from './trace-facts.js';

/** Wall-clock figures: only in a report when asked for, since they differ run to run. */
export interface WallFigures {
  wallMs: number;
  eventsPerSecond: number;
}

/** Broken invariants, VIOLATED ones first (they are the bugs), then in the usual order. */
export function brokenInvariants(result: Pick<SimulationResult, 'invariants'>): InvariantResult[] {
  const broken = INVARIANT_NAMES.map((name) => result.invariants[name]).filter((invariant) => !invariant.holds);
  return [...broken.filter((invariant) => invariant.status === 'VIOLATED'), ...broken.filter((invariant) => invariant.status !== 'VIOLATED')];
}

/** A handler's own invariants that broke, by name (each promised in every mode: VIOLATED). */
export function brokenOwnInvariants(result: Pick<SimulationResult, 'handlerInvariants'>): [string, HandlerInvariantResult][] {
  return Object.entries(result.handlerInvariants).filter(([, invariant]) => !invariant.holds);
}

/** "loss: VIOLATED; duplicates: broken, as expected", or "every invariant holds"; a handler's own after the violations. */
export function outcomeWords(result: Pick<SimulationResult, 'invariants' | 'handlerInvariants'>, separator = ': '): string {
  const broken = brokenInvariants(result);
  const words = broken.map((invariant) => `${invariant.name}${separator}${invariant.status}`);
  const own = brokenOwnInvariants(result).map(([name, invariant]) => `${name}${separator}${invariant.status}`);
  const violated = broken.filter((invariant) => invariant.status === 'VIOLATED').length;
  const all = [...words.slice(0, violated), ...own, ...words.slice(violated)];
  return all.length === 0 ? 'every invariant holds' : all.join('; ');
}

export function observed(invariant: InvariantResult): string {
  if (invariant.name === 'loss' && invariant.acknowledgedCount !== undefined && invariant.acknowledgedCount > 0) return `${invariant.count} (${invariant.acknowledgedCount} acknowledged)`;
  return String(invariant.count);
}

export function statusMarkdown(invariant: InvariantResult): string {
  if (invariant.status === 'VIOLATED') return '**VIOLATED**';
  if (invariant.status === 'broken, as expected') return '**broken**, as expected';
  return 'holds';
}

export function verdictTable(result: SimulationResult): string {
  const rows = INVARIANT_NAMES.map((name) => {
    const invariant = result.invariants[name];
    return [name, invariant.promised ? 'yes' : 'no', observed(invariant), raw(statusMarkdown(invariant))];
  });
  // A handler's own invariants: the team's promise, in every mode.
  const own = Object.entries(result.handlerInvariants).map(([name, invariant]) => [name, "yes (your handler's own)", String(invariant.count), raw(invariant.holds ? 'holds' : '**VIOLATED**')]);
  return table(['invariant', `promised by ${result.config.mode}`, 'observed (count)', 'status'], [...rows, ...own], ['l', 'l', 'r', 'l']);
}

/** What a verdict means for the user, in one sentence. */
export function verdictSentence(result: SimulationResult): string {
  const violated = INVARIANT_NAMES.filter((name) => result.invariants[name].status === 'VIOLATED');
  const expected = INVARIANT_NAMES.filter((name) => result.invariants[name].status === 'broken, as expected');
  const own = brokenOwnInvariants(result).map(([name]) => name);
  if (violated.length > 0) {
    const alsoOwn = own.length === 0 ? '' : `, and your handler's own ${own.join(', ')} broke`;
    return `**VIOLATED**: ${violated.join(', ')} broke although ${result.config.mode} promises ${violated.length === 1 ? 'it' : 'them'}${alsoOwn} — a misconfiguration or a bug in the model (exit code 1).`;
  }
  if (own.length > 0) return `**VIOLATED**: your handler's own ${own.length === 1 ? 'invariant' : 'invariants'} ${own.join(', ')} broke (promised in every mode; exit code 1).`;
  if (expected.length > 0) {
    return `**ok**: every invariant ${result.config.mode} promises held; ${expected.join(', ')} broke, which ${result.config.mode} does not promise.`;
  }
  return `**ok**: every invariant held.`;
}

export function outcomeSentence(result: SimulationResult): string {
  if (result.outcome.kind === 'quiescent') return `settled after healing at ${at(result.stats.virtualTimeMs * 1000)}`;
  if (result.outcome.kind === 'stalled' && result.outcome.idleSinceUs !== undefined) return `stalled at ${at(result.stats.virtualTimeMs * 1000)}: nothing moved forward after ${at(result.outcome.idleSinceUs)}, yet not settled`;
  if (result.outcome.kind === 'stalled') return `stalled at ${at(result.stats.virtualTimeMs * 1000)}: nothing left to run, yet not settled`;
  return `stopped at the ${result.outcome.limit} limit (${result.outcome.value}) at ${at(result.stats.virtualTimeMs * 1000)}`;
}

/** Every story of every broken invariant, computed once per result (the report and the plan table share them). */
export function allStories(result: SimulationResult, facts: TraceFacts = new TraceFacts(result)): Map<InvariantName, Story[]> {
  const stories = new Map<InvariantName, Story[]>();
  for (const invariant of brokenInvariants(result)) stories.set(invariant.name, explainInvariant(result, invariant.name, facts));
  return stories;
}

/**
 * One broken invariant: each witness's story (the checker lists at most a few; the count is complete),
 * then the sequence diagram of the first witness.
 */
/** A handler's own invariant that broke: what its check said, line by line (it names no message the stories could tell). */
export function ownInvariantSection(name: string, invariant: HandlerInvariantResult, headingLevel: number): string[] {
  const lines = invariant.witnesses.slice(0, 10).map((witness) => `- ${escapeText(witness)}`);
  const more = invariant.count > lines.length ? [`- … and ${invariant.count - lines.length} more (\`--json\` has every line)`] : [];
  return [`${'#'.repeat(headingLevel)} ${escapeText(name)}: VIOLATED (your handler's own invariant, promised in every mode)`, '', 'What its check said about the final tables:', '', ...lines, ...more, ''];
}

export function invariantSection(result: SimulationResult, invariant: InvariantResult, stories: readonly Story[], facts: TraceFacts, headingLevel: number): string[] {
  const noun = invariant.name === 'liveness' ? 'run' : 'message';
  const heading = `${'#'.repeat(headingLevel)} ${invariant.name}: ${invariant.status} (${plural(invariant.count, noun)})`;
  const out = [heading, ''];
  // The diagram is drawn first so the first story can cite its step numbers (one numbering for both).
  const first = stories[0] as Story | undefined;
  const diagram = first !== undefined && first.records.length > 0 ? drawDiagram(facts, first) : undefined;
  for (const story of stories) {
    const lead = story.msg === '' ? '' : `**${story.msg}** `;
    out.push(`${lead}*${escapeText(story.mechanism)}.* ${escapeText(storyText(story, story === first ? diagram?.stepOf : undefined))}`, '');
  }
  if (invariant.count > stories.length) out.push(`… and ${invariant.count - stories.length} more (the checker lists ${stories.length}; \`--json\` has every witness).`, '');
  if (first !== undefined && diagram !== undefined) {
    const subject = first.msg === '' ? 'the end of the run' : first.msgs.join(' and ');
    const whose = stories.length > 1 ? 'the first story' : 'the story';
    out.push(`Sequence diagram of ${subject}: the steps ${whose} cites (its step numbers are this diagram's) and the deliveries behind its writes:`, '', fenced('mermaid', diagram.text), '');
  }
  return out;
}

/** "0", or "2: m3, m5" (the witnesses named; the count is complete). */
function logDuplicatesText(logDuplicates: SimulationResult['stats']['logDuplicates']): string {
  return logDuplicates.count === 0 ? '0' : `${logDuplicates.count}: ${logDuplicates.witnesses.map((witness) => witness.msg).join(', ')}`;
}

export function figuresTable(rows: readonly { label?: string; result: SimulationResult }[], wall?: WallFigures): string {
  const header = [...(rows.some((row) => row.label !== undefined) ? ['mode'] : []), 'events', 'virtual time', 'trace records', 'consumer lag (records / wait)', 'log duplicates', 'trace hash', ...(wall === undefined ? [] : ['wall time', 'events/s'])];
  const body = rows.map(({ label, result }) => [
    ...(label === undefined ? [] : [label]),
    String(result.stats.events),
    `${trimNumber(result.stats.virtualTimeMs)} ms`,
    String(result.stats.traceRecords),
    `${result.stats.lag.maxRecords} / ${trimNumber(result.stats.lag.maxMs)} ms`,
    logDuplicatesText(result.stats.logDuplicates),
    raw(code(result.traceHash())),
    ...(wall === undefined ? [] : [`${trimNumber(wall.wallMs)} ms`, String(Math.round(wall.eventsPerSecond))]),
  ]);
  return table(header, body);
}

/** " The scenario's mechanism: …." — what the setup shows, worded for every mode (its summary may speak of one). */
export function scenarioMechanism(scenario: { mechanism?: string } | undefined): string {
  return scenario?.mechanism === undefined ? '' : ` The scenario's mechanism: ${escapeText(scenario.mechanism)}.`;
}
