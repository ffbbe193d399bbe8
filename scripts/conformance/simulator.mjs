// The simulator side of the comparison, in one place so it can follow the RabbitMQ family as it lands:
//   simArgs(sim)        a case's simulator spec -> the CLI's arguments (flags named by issue 12, plan inline);
//   simOutcome(json, trace, sim)  the CLI's --json output and --trace records -> the outcome fields (outcome.mjs).
// Everything the contract leaves open (trace kinds for confirms, nacks, processing, dead-lettering) is a named
// table below, not spread through the code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { byNumber } from './outcome.mjs';

// CONFORMANCE_SIM_CLI points at another build of simulate (e.g. a worktree's dist/cli/main.js).
export const CLI = process.env.CONFORMANCE_SIM_CLI ?? new URL('../../dist/cli/main.js', import.meta.url).pathname;
/** Arguments before the flags: a run is simulate's default command on main (there is no `run` subcommand). */
export const RUN_COMMAND = [];
const SIM_TIMEOUT_MS = 60_000;
/** A case's faulty phase when it has a plan: longer than any case runs (virtual ms), so every planned fault can fire. */
export const PLAN_FAULTY_PHASE_MS = 60_000;

/** Trace record kinds the outcome reads beyond `deliver` (which issue 12 fixes: msg, delivery, redelivered). */
export const TRACE_KINDS = {
  confirmed: ['confirmed', 'confirm', 'publish-confirmed'],
  nacked: ['nacked', 'publish-nacked', 'publish-nack'],
  processed: ['processed'],
  deadLettered: ['dead-lettered', 'dead-letter', 'parked'],
  handover: ['handover'],
};
/** A `processed` record whose result matches this did not complete (the handler threw). */
const FAILED_RESULT = /fail|error|throw/;

/**
 * sim: { settings: { publisherConfirms: true, queueType: 'quorum', ... } (camelCase of the CLI flags),
 *        workload: { messages, burst, ... }, topology: { consumers, groups }, timing: { faultyPhaseMs, ... },
 *        faults: [plan faults],
 *        scenario?, mode? }
 */
export function simArgs(sim, traceFile) {
  const args = [...RUN_COMMAND, '--broker', 'rabbitmq', '--mode', sim.mode ?? 'at-least-once', '--seed', String(sim.seed ?? 1)];
  if (sim.scenario) args.push('--scenario', sim.scenario);
  // The simulator injects faults only in its faulty phase (by default the hand-overs + 50 virtual ms); a case's
  // fault happens whenever its message gets there (after 300 ms of processing, say), as on the real broker.
  const timing = sim.faults && sim.faults.length > 0 ? { faultyPhaseMs: PLAN_FAULTY_PHASE_MS, ...sim.timing } : sim.timing;
  for (const [key, value] of Object.entries({ ...sim.workload, ...sim.topology, ...timing, ...sim.settings })) args.push(flag(key), String(value));
  if (sim.faults && sim.faults.length > 0) args.push('--plan', JSON.stringify({ version: 1, faults: sim.faults }));
  else if (!sim.scenario) args.push('--faults', 'none');
  args.push('--json', '--trace', traceFile);
  return args;
}

/** publisherConfirms -> --publisher-confirms */
export function flag(key) {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Whether this build's CLI knows the RabbitMQ family (`simulate list` names it among the families). */
export function familyAvailable() {
  const r = spawnSync(process.execPath, [CLI, 'list'], { encoding: 'utf8', timeout: SIM_TIMEOUT_MS });
  if (r.status !== 0) return false;
  const families = /^families:\n((?:\s+.+\n)+)/m.exec(r.stdout);
  return families !== null && /^\s+rabbitmq\s/m.test(families[1]);
}

/**
 * The release this build of simulate models for a real broker's version ("3.10.8" -> "3.10"), read off the values
 * `simulate list` gives --rabbitmq-version; undefined when it models no such release (or has no such flag).
 */
export function modelledRelease(serverVersion) {
  const release = /^(\d+\.\d+)/.exec(String(serverVersion))?.[1];
  if (release === undefined) return undefined;
  const r = spawnSync(process.execPath, [CLI, 'list'], { encoding: 'utf8', timeout: SIM_TIMEOUT_MS });
  const values = /^\s+--rabbitmq-version\s.*\[([^\];]+)/m.exec(r.stdout ?? '')?.[1];
  return values?.split(', ').includes(release) ? release : undefined;
}

/** A case run as the real broker's release, unless the case names one itself. */
export function asRelease(sim, release) {
  if (release === undefined || sim.settings?.rabbitmqVersion !== undefined) return sim;
  return { ...sim, settings: { ...sim.settings, rabbitmqVersion: release } };
}

/** Run one case in the simulator; returns { outcome, command } or throws one line. */
export function runSimulator(sim) {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
  try {
    const traceFile = join(dir, 'trace.jsonl');
    const args = simArgs(sim, traceFile);
    const shown = args.map((a) => (a === traceFile ? 'trace.jsonl' : a));
    const command = `node ${relative(process.cwd(), CLI)} ${shown.map(quote).join(' ')}`;
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: SIM_TIMEOUT_MS, maxBuffer: 64 << 20 });
    if (r.error) throw new Error(`simulator: ${r.error.message}`);
    // 0: promises held; 1: a promised invariant broke, which is an outcome like any other here.
    if (r.status !== 0 && r.status !== 1) throw new Error(`simulator exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n')[0]} (${command})`);
    const json = JSON.parse(r.stdout);
    const trace = readFileSync(traceFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line));
    return { outcome: simOutcome(json, trace, sim), command };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const quote = (a) => (/^[\w./:=,-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
const msgsOf = (witnesses) => (witnesses ?? []).map((w) => w.msg).filter((m) => typeof m === 'string');
/** "g1/c2" -> ["g1", "c2"] */
const actorParts = (actor) => String(actor).split('/');

/**
 * The message ids of a --json section ({ count, witnesses }). The CLI lists at most a few witnesses
 * (MAX_WITNESSES); past that the ids come from the trace when it accounts for exactly `count` of them, else the
 * list says how many it leaves out (so a comparison shows it rather than passing or failing on a cut list).
 */
export function witnessed(section, fromTrace) {
  if (section === undefined) return undefined;
  const listed = [...new Set(msgsOf(section.witnesses))].sort(byNumber);
  const count = section.count ?? listed.length;
  if (listed.length >= count) return listed;
  const derived = fromTrace?.();
  if (derived !== undefined && derived.length === count) return derived;
  return [...listed, `(+${count - listed.length} not listed)`];
}

/** The simulator's --json and --trace, read as the outcome fields of outcome.mjs. */
export function simOutcome(json, trace, sim = {}) {
  const delivers = trace.filter((r) => r.kind === 'deliver');
  const ofKind = (kinds) => trace.filter((r) => kinds.includes(r.kind));
  const redelivered = {};
  const deliveryCount = {};
  const byConsumer = {};
  for (const r of delivers) {
    (redelivered[r.msg] ??= []).push(r.redelivered);
    // x-delivery-count: absent on a first delivery, then the number of earlier deliveries (quorum queues).
    (deliveryCount[r.msg] ??= []).push(r.deliveryCount ?? (r.delivery > 1 ? r.delivery - 1 : null));
    // Named by the topology (g1/c2 -> c2); the comparison reads the split, not the names (outcome.mjs consumerSplit).
    if (r.delivery === 1) (byConsumer[actorParts(r.actor)[1]] ??= []).push(r.msg);
  }
  const processed = ofKind(TRACE_KINDS.processed).filter((r) => !FAILED_RESULT.test(String(r.result ?? '')));
  const byQueue = {};
  for (const r of processed) (byQueue[actorParts(r.actor)[0]] ??= []).push(r.msg);
  const deadLetterRecords = [...new Set(ofKind(TRACE_KINDS.deadLettered).map((r) => r.msg))];
  const deadLettered = deadLetterRecords.length > 0 ? deadLetterRecords : witnessed(json.parked ?? { witnesses: [] });
  const returned = witnessed(json.returned);
  // Lost, from the trace: handed over, and never processed, dead-lettered or returned.
  const lostFromTrace = () => {
    const settled = new Set([...processed.map((r) => r.msg), ...deadLettered, ...(returned ?? [])]);
    return [...new Set(ofKind(TRACE_KINDS.handover).map((r) => r.msg))].filter((m) => !settled.has(m)).sort(byNumber);
  };
  const publisher = (r) => String(r.actor).startsWith('p');
  const schedule = json.invariants?.schedule;
  const confirms = ofKind(TRACE_KINDS.confirmed).filter(publisher);
  const nacks = ofKind(TRACE_KINDS.nacked).filter(publisher);
  const answered = confirms.length + nacks.length > 0; // no such records at all: the simulator does not report them
  return {
    lost: witnessed(json.invariants?.loss ?? { witnesses: [] }, lostFromTrace),
    deadLettered,
    returned,
    redelivered,
    deliveryCount: sim.settings?.queueType === 'quorum' ? deliveryCount : undefined,
    processed: processed.map((r) => r.msg),
    byConsumer,
    byQueue,
    confirmed: answered ? confirms.length : undefined,
    nacked: answered ? nacks.length : undefined,
    nackedAny: answered ? nacks.length > 0 : undefined,
    lateDelivery: schedule === undefined ? undefined : (schedule.lateMsMax ?? 0) > 0,
  };
}
