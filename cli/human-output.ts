/** The terminal rendering of one run: header with every effective option, faults, verdict table, replay. */
import type { ChalkInstance } from 'chalk';
import { plural } from '../reports/format.js';
import { FAULT_KINDS, describeFault } from '../models/faults/catalog.js';
import type { InvariantResult } from '../models/invariants/index.js';
import { modePreset } from '../models/families.js';
import { INVARIANT_NAMES } from '../models/modes.js';
import type { SimulationResult } from '../models/engine.js';
import { TraceFacts, explainWitness } from '../reports/index.js';
import type { Story } from '../reports/index.js';
import type { RunSpec } from './run-options.js';

const onOff = (value: boolean): string => (value ? 'on' : 'off');

export function renderHeader(result: SimulationResult, spec: RunSpec, color: ChalkInstance): string[] {
  const { config } = result;
  const s = config.settings;
  const w = config.workload;
  const t = config.timing;
  return [
    color.bold(`simulate · ${config.mode} · seed ${config.seed}`) + (spec.scenario ? color.dim(` · scenario ${spec.scenario.name}`) : ''),
    `  mode        ${modePreset(config).summary}`,
    `  workload    ${plural(w.messages, 'message')}, ${plural(w.keys, 'key')}, ${plural(w.partitions, 'partition')}, one every ${w.produceIntervalMs} ms`,
    `  producer    acks=${String(s.acks)} retries=${s.retries} backoff=${s.retryBackoffMs}..${s.retryBackoffMaxMs}ms requestTimeout=${s.requestTimeoutMs}ms idempotence=${onOff(s.enableIdempotence)} maxInFlight=${s.maxInFlight} buffer=${s.producerBuffer}`,
    `  broker      replicationFactor=${s.replicationFactor} minInsyncReplicas=${s.minInsyncReplicas} replicationDelay=${s.replicationDelayMs}ms leaderElection=${s.leaderElectionMs}ms`,
    `  consumer    commit=${s.commit}${s.commit === 'auto' ? ` autoCommitInterval=${s.autoCommitIntervalMs}ms` : ''} processing=${s.processingMs}ms maxPollRecords=${s.maxPollRecords} pollInterval=${s.pollIntervalMs}ms timeout=${s.consumerTimeoutMs}ms dbRetries=${s.dbRetries} dedup=${s.dedup}`,
    `  timing      faulty phase 0..${t.faultyPhaseMs}ms, latency ${t.latencyMsMin}..${t.latencyMsMax}ms, restart after ${t.restartDelayMs}ms (broker ${t.brokerRestartDelayMs}ms)`,
    `  limits      ${config.limits.maxEvents} events, ${config.limits.maxVirtualTimeMs}ms virtual time`,
    `  faults      ${spec.faultsLabel}${'rates' in spec.faults ? ` (${Object.entries(spec.faults.rates).filter(([, rate]) => rate > 0).map(([name, rate]) => `${name}=${rate}`).join(', ') || 'none'})` : ''}`,
  ];
}

function faultLines(result: SimulationResult, color: ChalkInstance): string[] {
  const counts = FAULT_KINDS.filter((kind) => result.faultCounts[kind] > 0).map((kind) => `${kind} ${result.faultCounts[kind]}`);
  const lines = [`${color.bold('faults injected')}  ${result.injected.faults.length}${counts.length > 0 ? ` — ${counts.join(', ')}` : ''}`];
  for (const fault of result.injected.faults.slice(0, 8)) lines.push(color.dim(`  · ${describeFault(fault)}`));
  if (result.injected.faults.length > 8) lines.push(color.dim(`  · … ${result.injected.faults.length - 8} more (--json lists them all)`));
  if (result.unusedPlanFaults.length > 0) lines.push(color.yellow(`  ! ${result.unusedPlanFaults.length} fault(s) of the plan never matched anything in this run`));
  return lines;
}

function statusText(invariant: InvariantResult, color: ChalkInstance): string {
  if (invariant.status === 'holds') return color.green('holds');
  if (invariant.status === 'VIOLATED') return color.red.bold('VIOLATED');
  return color.yellow('broken, as expected');
}

/** Faults a story cites, in words (once each, in trace order). */
function storyFaults(story: Story): string[] {
  const words = story.records.filter((record) => record.kind === 'fault').map((record) => describeFault(record.fault));
  return words.filter((text, index) => words.indexOf(text) === index);
}

export function renderVerdictTable(result: SimulationResult, color: ChalkInstance): string[] {
  const rows = INVARIANT_NAMES.map((name) => {
    const invariant = result.invariants[name];
    const observed = name === 'loss' && invariant.acknowledgedCount ? `${invariant.count} (${invariant.acknowledgedCount} acknowledged)` : String(invariant.count);
    return [name, invariant.promised ? 'yes' : 'no', observed, invariant];
  }) as [string, string, string, InvariantResult][];
  const width = [10, 8, 18];
  const lines = [color.bold(['invariant'.padEnd(width[0]), 'promised'.padEnd(width[1]), 'observed'.padEnd(width[2]), 'status'].join('  '))];
  // The story builder finds the cause even when the fault named another message (a crash while handling m3 re-delivers m2).
  const facts = new TraceFacts(result);
  for (const [name, promised, observed, invariant] of rows) {
    lines.push([name.padEnd(width[0]), promised.padEnd(width[1]), observed.padEnd(width[2]), statusText(invariant, color)].join('  '));
    invariant.witnesses.forEach((witness) => {
      lines.push(color.dim(`    · ${witness.summary}`));
      const story = explainWitness(facts, invariant, witness);
      if (story.mechanism !== 'see the trace') lines.push(color.dim(`        how: ${story.mechanism}`));
      for (const cause of storyFaults(story).slice(0, 3)) lines.push(color.dim(`        because ${cause}`));
    });
    if (invariant.count > invariant.witnesses.length && invariant.witnesses.length > 0) lines.push(color.dim(`    · … ${invariant.count - invariant.witnesses.length} more`));
  }
  return lines;
}

export function renderRun(result: SimulationResult, spec: RunSpec, color: ChalkInstance, replay: string): string {
  const outcome =
    result.outcome.kind === 'quiescent'
      ? 'settled after healing'
      : result.outcome.kind === 'stalled'
        ? color.red('stalled (nothing left to run, yet not settled)')
        : color.red(`stopped at the ${result.outcome.limit} limit (${result.outcome.value})`);
  const violated = INVARIANT_NAMES.filter((name) => result.invariants[name].status === 'VIOLATED');
  const verdict =
    violated.length === 0
      ? color.green(`verdict: ok — every invariant ${result.config.mode} promises held (exit 0)`)
      : color.red.bold(`verdict: VIOLATED — ${violated.join(', ')} broke although ${result.config.mode} promises ${violated.length === 1 ? 'it' : 'them'} (exit 1)`);
  return [
    ...renderHeader(result, spec, color),
    '',
    ...faultLines(result, color),
    `${color.bold('run')}  ${outcome} at t=${result.stats.virtualTimeMs.toFixed(3)} ms; ${result.stats.events} events, ${result.stats.traceRecords} trace records, trace hash ${result.traceHash()}`,
    '',
    ...renderVerdictTable(result, color),
    '',
    verdict,
    `replay: ${replay}`,
    '',
  ].join('\n');
}
