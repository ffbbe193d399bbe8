/** The terminal rendering of one run: header with every effective option, faults, verdict table, groups, replay. */
import type { ChalkInstance } from 'chalk';
import { FAMILIES } from '../models/families.js';
import type { FamilyName } from '../models/config.js';
import { specOf } from '../models/faults/catalog.js';
import { outsideWorld } from '../models/plan-fit.js';
import { plural, trimNumber } from '../reports/format.js';
import type { SimulationConfig } from '../models/config.js';
import { describeFault, FAULT_KINDS } from '../models/faults/catalog.js';
import type { InvariantResult, InvariantStatus } from '../models/invariants/index.js';
import { familyOf, modePreset } from '../models/families.js';
import { INVARIANT_NAMES } from '../models/modes.js';
import type { ModeName } from '../models/modes.js';
import { isBuiltInInvariant, violatedInvariants } from '../properties/breaks.js';
import type { SimulationResult } from '../models/engine.js';
import { settingText } from '../models/settings/spec.js';
import { TraceFacts, explainWitness } from '../reports/index.js';
import { storyFaults, storyHow } from './json-contract.js';
import type { RunSpec } from './run-options.js';
import { layoutTable } from './table.js';
import type { Cell } from './table.js';
import { deadLetterWords, topologyWords, workloadWords } from '../reports/world-words.js';

/** `key=value ...` of every setting of one component, read off the family's setting specs. */
function componentLine(config: SimulationConfig, component: string): string {
  const settings = config.settings as unknown as Record<string, unknown>;
  return familyOf(config)
    .settings.filter((spec) => spec.component === component)
    .map((spec) => `${spec.key}=${settingText(settings[spec.key])}`)
    .join(' ');
}

function workloadLine(config: SimulationConfig): string {
  const burst = config.workload.burst > 1 ? `; the first ${config.workload.burst} at once` : '';
  return `${workloadWords(config)}${burst}`;
}

export function renderHeader(config: SimulationConfig, spec: RunSpec, color: ChalkInstance): string[] {
  const t = config.timing;
  const components = [...new Set(familyOf(config).settings.map((item) => item.component))];
  const rows: [string, string][] = [
    ['mode', modePreset(config).summary],
    ['topology', topologyWords(config)],
    // The mode's summary tells the built-in processing: say what runs in its place.
    ...(spec.handler === undefined ? [] : [['handler', `${spec.handler} (your handler, in place of the built-in processing and dedup)`] as [string, string]]),
    ['workload', workloadLine(config)],
    ...components.map((component): [string, string] => [component, componentLine(config, component)]),
    ['timing', `faulty phase 0..${t.faultyPhaseMs}ms, latency ${t.latencyMsMin}..${t.latencyMsMax}ms, restart after ${t.restartDelayMs}ms (broker ${t.brokerRestartDelayMs}ms)`],
    ['limits', `${config.limits.maxEvents} events, ${config.limits.maxVirtualTimeMs}ms virtual time, stalled after ${config.limits.progressTimeoutMs}ms without progress`],
    ['faults', `${spec.faultsLabel}${'rates' in spec.faults ? ` (${Object.entries(spec.faults.rates).filter(([name, rate]) => rate > 0 && familyDraws(spec.config.family, name)).map(([name, rate]) => `${name}=${rate}`).join(', ') || 'none'})` : ''}`],
  ];
  // One blank between label and text, the labels as wide as the longest (a family's new component included).
  return [color.bold(`simulate · ${config.mode} · seed ${config.seed}`) + (spec.scenario ? color.dim(` · scenario ${spec.scenario.name}`) : ''), ...layoutTable(rows, { gap: ' ' }).map((line) => `  ${line}`)];
}

function faultLines(result: SimulationResult, color: ChalkInstance): string[] {
  const counts = FAULT_KINDS.filter((kind) => result.faultCounts[kind] > 0).map((kind) => `${kind} ${result.faultCounts[kind]}`);
  const lines = [`${color.bold('faults injected')}  ${result.injected.faults.length}${counts.length > 0 ? ` — ${counts.join(', ')}` : ''}`];
  for (const fault of result.injected.faults.slice(0, 8)) lines.push(color.dim(`  · ${describeFault(fault, result.config.family)}`));
  if (result.injected.faults.length > 8) lines.push(color.dim(`  · … ${result.injected.faults.length - 8} more (--json lists them all)`));
  return [...lines, ...unusedPlanLines(result, color)];
}

/** The plan's faults that never matched, the first few in words, each with the reason when the world alone gives it. */
function unusedPlanLines(result: SimulationResult, color: ChalkInstance): string[] {
  const unused = result.unusedPlanFaults;
  if (unused.length === 0) return [];
  const lines = [color.yellow(`  ! ${plural(unused.length, 'fault')} of the plan never matched anything in this run (the run never reached that point, or reached it after healing):`)];
  for (const fault of unused.slice(0, 8)) {
    const outside = outsideWorld(fault, result.config);
    lines.push(color.yellow(`    · ${describeFault(fault, result.config.family)}${outside === undefined ? '' : ` — never here: ${outside}`}`));
  }
  if (unused.length > 8) lines.push(color.yellow(`    · … ${unused.length - 8} more (--json lists them all as unusedPlanFaults)`));
  return lines;
}

/** What became of the parked records: their own outcome, unless a redelivery after the publish applied some too. */
function parkedOutcome(parked: SimulationResult['parked']): string {
  const also = parked.alsoApplied ?? 0;
  if (also === 0) return ': neither applied nor lost';
  const twice = `(processing the dead letters again would apply ${also === 1 ? 'it' : 'them'} twice)`;
  if (also === parked.count) return `, ${also === 1 ? 'which' : 'all of which'} a later redelivery applied too ${twice}`;
  return `: neither applied nor lost, but a later redelivery applied ${also} of them too ${twice}`;
}

/** An invariant's status as a table cell, in its colour. */
export function statusCell(status: InvariantStatus, color: ChalkInstance): Cell {
  if (status === 'holds') return { text: 'holds', paint: color.green };
  if (status === 'VIOLATED') return { text: 'VIOLATED', paint: color.red.bold };
  return { text: 'broken, as expected', paint: color.yellow };
}

function observedText(invariant: InvariantResult): string {
  const text = invariant.name === 'loss' && invariant.acknowledgedCount ? `${invariant.count} (${invariant.acknowledgedCount} acknowledged)` : String(invariant.count);
  // Messages a limit kept from being handed over: never produced, so never lost; and those it caught on their way.
  const notProduced = invariant.notProducedCount ? `; ${invariant.notProducedCount} not produced` : '';
  return invariant.inFlightAtLimitCount ? `${text}${notProduced}; ${invariant.inFlightAtLimitCount} in flight at the limit` : text + notProduced;
}

export function renderVerdictTable(result: SimulationResult, color: ChalkInstance): string[] {
  const table = layoutTable([
    ['invariant', 'promised', 'observed', 'status'],
    ...INVARIANT_NAMES.map((name) => {
      const invariant = result.invariants[name];
      return [name, invariant.promised ? 'yes' : 'no', observedText(invariant), statusCell(invariant.status, color)];
    }),
    // A handler's own invariants, promised in every mode.
    ...Object.entries(result.handlerInvariants).map(([name, invariant]) => [name, 'yes', String(invariant.count), statusCell(invariant.status, color)]),
  ]);
  const lines = [color.bold(table[0])];
  // The story builder finds the cause even when the fault named another message (a crash while handling m3 re-delivers m2).
  const facts = new TraceFacts(result);
  INVARIANT_NAMES.forEach((name, row) => {
    const invariant = result.invariants[name];
    lines.push(table[row + 1]);
    invariant.witnesses.forEach((witness) => {
      lines.push(color.dim(`    · ${witness.summary}`));
      const story = explainWitness(facts, invariant, witness);
      const how = storyHow(story);
      if (how !== null) lines.push(color.dim(`        how: ${how}`));
      for (const cause of storyFaults(story, result.config.family).slice(0, 3)) lines.push(color.dim(`        because ${cause}`));
    });
    if (invariant.count > invariant.witnesses.length && invariant.witnesses.length > 0) lines.push(color.dim(`    · … ${invariant.count - invariant.witnesses.length} more`));
  });
  Object.values(result.handlerInvariants).forEach((invariant, index) => {
    lines.push(table[INVARIANT_NAMES.length + index + 1]);
    for (const witness of invariant.witnesses) lines.push(color.dim(`    · ${witness}`));
  });
  return lines;
}

/** Per group (when there are several), parked records, consumer lag, and how the members shared the work. */
export function renderGroups(result: SimulationResult, color: ChalkInstance): string[] {
  const lines: string[] = [];
  const groups = Object.entries(result.groups);
  if (groups.length > 1) {
    for (const [name, group] of groups) {
      const broken = INVARIANT_NAMES.filter((invariant) => !group.invariants[invariant].holds).map((invariant) => `${invariant} ${group.invariants[invariant].count} (${group.invariants[invariant].status})`);
      lines.push(`${color.bold(`group ${name}`)}  ${broken.length === 0 ? color.green('every invariant holds') : broken.join(', ')}; parked ${group.parked.count}; lag ${lagWords(group.lag)}`);
    }
  }
  if (result.parked.count > 0) {
    lines.push(`${color.bold('parked')}  ${plural(result.parked.count, 'record')} in ${deadLetterWords(result.config)}${parkedOutcome(result.parked)}`);
    for (const witness of result.parked.witnesses) lines.push(color.dim(`    · ${witness.summary}`));
  }
  lines.push(`${color.bold('lag')}  ${lagWords(result.stats.lag)}${groups.length > 1 ? ' (the worst group)' : ''}`);
  const logDuplicates = result.stats.logDuplicates;
  // Only a family with partition logs can say this: a RabbitMQ queue forgets a message once it is acked.
  if (familyOf(result.config).words.partitioned) lines.push(`${color.bold('log duplicates')}  ${logDuplicates.count === 0 ? 'none: every message is in its partition log at most once' : `${plural(logDuplicates.count, 'message')} in the log more than once`}`);
  for (const witness of logDuplicates.witnesses) lines.push(color.dim(`    · ${witness.summary}`));
  if (result.topology.consumers.length > 1) {
    const shares = Object.entries(result.stats.appliedByConsumer).map(([member, count]) => `${member} ${count}`);
    lines.push(`${color.bold('applied by')}  ${shares.join(', ')}`);
  }
  return lines;
}

function lagWords(lag: SimulationResult['stats']['lag']): string {
  return `at most ${plural(lag.maxRecords, 'record')} waiting, the longest wait ${trimNumber(lag.maxMs)} ms`;
}

/**
 * "verdict: VIOLATED — … broke although …": the mode promises the built-in invariants; a handler's own ones are the
 * team's promise, made in every mode.
 */
export function violatedVerdict(mode: ModeName, violated: readonly string[], where = ''): string {
  return `verdict: VIOLATED — ${brokeAlthoughPromised(mode, violated, where)} (exit 1)`;
}

/** "loss, myInvariant (your handler's own) broke although they are promised". */
export function brokeAlthoughPromised(mode: ModeName, violated: readonly string[], where = ''): string {
  const promise = violated.every(isBuiltInInvariant) ? `${mode} promises ${violated.length === 1 ? 'it' : 'them'}` : `${violated.length === 1 ? 'it is' : 'they are'} promised`;
  const names = violated.map((name) => (isBuiltInInvariant(name) ? name : `${name} (your handler's own)`));
  return `${names.join(', ')} broke${where} although ${promise}`;
}

export function renderRun(result: SimulationResult, spec: RunSpec, color: ChalkInstance, replay: string): string {
  const outcome =
    result.outcome.kind === 'quiescent'
      ? 'settled after healing'
      : result.outcome.kind === 'stalled'
        ? color.red(result.outcome.idleSinceUs === undefined ? 'stalled (nothing left to run, yet not settled)' : `stalled (no progress after t=${trimNumber(result.outcome.idleSinceUs / 1000)} ms, yet not settled)`)
        : color.red(`stopped at the ${result.outcome.limit} limit (${result.outcome.value})`);
  // A handler's own invariants count too (the exit code always did).
  const violated = violatedInvariants(result);
  const verdict = violated.length === 0 ? color.green(`verdict: ok — every invariant ${result.config.mode} promises held (exit 0)`) : color.red.bold(violatedVerdict(result.config.mode, violated));
  return [
    ...renderHeader(result.config, spec, color),
    '',
    ...faultLines(result, color),
    `${color.bold('run')}  ${outcome} at t=${result.stats.virtualTimeMs.toFixed(3)} ms; ${result.stats.events} events, ${result.stats.traceRecords} trace records, trace hash ${result.traceHash()}`,
    '',
    ...renderVerdictTable(result, color),
    ...renderGroups(result, color),
    '',
    verdict,
    `replay: ${replay}`,
    '',
  ].join('\n');
}

/** Does some fault kind of the family draw on this rate? (Only those rates are shown in a run's header.) */
function familyDraws(family: FamilyName, rate: string): boolean {
  return FAMILIES[family].faultKinds.some((kind) => specOf(kind).rate === rate);
}
