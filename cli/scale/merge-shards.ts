/**
 * `simulate merge`: the `sweep --shard k/n --json` outputs of one sweep, joined into the JSON the unsharded sweep
 * prints (only the wall-clock time differs). Anything that would make the join wrong is refused with one line:
 * a file that is not a sweep's JSON, shards of different worlds or modes, overlaps, gaps.
 */
import { FAULT_KINDS } from '../../models/faults/catalog.js';
import { INVARIANT_NAMES } from '../../models/modes.js';
import { mergeSweepResults } from '../../properties/sweep-merge.js';
import type { SweepResult } from '../../properties/sweep.js';
import { UsageError } from '../usage-error.js';
import type { SimulationConfig } from '../../models/config.js';
import { sweepCoverage } from '../../properties/coverage.js';
import type { WindowsFaulted } from '../../properties/coverage.js';
import { coverageJson } from '../search-coverage.js';

type Json = Record<string, unknown>;

/** One input: its name (for messages) and its parsed JSON. */
export interface ShardInput {
  name: string;
  json: unknown;
}

/** What must be equal in every shard: the same tool, world, fault source and whole seed range. */
const SAME_WORLD = ['schemaVersion', 'tool', 'mode', 'scenario', 'handler', 'config', 'faultSource'] as const;

export function mergeShards(inputs: readonly ShardInput[]): Json {
  if (inputs.length === 0) throw new UsageError('merge needs the sweep --json files of the shards, e.g. simulate merge shard-1.json shard-2.json');
  const shards = inputs.map(readShard).sort((a, b) => a.from - b.from);
  const first = shards[0];
  for (const shard of shards.slice(1)) {
    for (const field of SAME_WORLD) {
      if (JSON.stringify(shard.json[field]) !== JSON.stringify(first.json[field])) throw new UsageError(`cannot merge ${shard.name} with ${first.name}: they differ in ${field} (the shards of one sweep share tool, mode, world and faults)`);
    }
    if (JSON.stringify(shard.whole) !== JSON.stringify(first.whole)) throw new UsageError(`cannot merge ${shard.name} with ${first.name}: they split different seed ranges (${rangeText(shard.whole)} and ${rangeText(first.whole)})`);
  }
  let next = first.whole.from;
  for (const shard of shards) {
    if (shard.from < next) throw new UsageError(`cannot merge: ${shard.name} (seeds ${shard.from}..${shard.to}) overlaps the seeds before it`);
    if (shard.from > next) throw new UsageError(`cannot merge: seeds ${next}..${shard.from - 1} of ${rangeText(first.whole)} are in no file (a shard is missing)`);
    next = shard.to + 1;
  }
  if (next <= first.whole.to) throw new UsageError(`cannot merge: seeds ${next}..${first.whole.to} of ${rangeText(first.whole)} are in no file (a shard is missing)`);
  // The seeds tile the range; a shard's k/n must agree with that (a file edited by hand might not).
  const split = (shard: ReadShard): { index: number; count: number } => shard.json.shard as { index: number; count: number };
  const count = split(first).count;
  const odd = shards.find((shard) => split(shard).count !== count);
  if (odd !== undefined) throw new UsageError(`cannot merge ${odd.name} with ${first.name}: one is a shard of ${split(odd).count}, the other of ${count}`);
  if (shards.length !== count) throw new UsageError(`cannot merge: the shards are of ${count} (--shard k/${count}), and ${shards.length} file${shards.length === 1 ? ' was' : 's were'} given`);
  const twice = shards.find((shard, at) => shards.findIndex((other) => split(other).index === split(shard).index) !== at);
  if (twice !== undefined) throw new UsageError(`cannot merge: two files are shard ${split(twice).index}/${count}`);
  const merged = mergeSweepResults(shards.map((shard) => shard.result));
  const { shard: _shard, ...rest } = first.json;
  const stats = (json: Json): Json => json.stats as Json;
  return {
    ...rest,
    seeds: { from: first.whole.from, to: first.whole.to },
    invariants: merged.invariants,
    ...(merged.handlerInvariants !== undefined ? { handlerInvariants: merged.handlerInvariants } : {}),
    faultKindsFired: merged.faultKindsFired,
    unsettled: merged.unsettled,
    parked: merged.parked,
    lag: merged.lag,
    verdict: merged.verdict,
    // Each shard names its own first violation; the earliest seed's is the whole range's.
    firstViolationReplay: shards.map((shard) => shard.json.firstViolationReplay).find((replay) => typeof replay === 'string') ?? null,
    stats: { ...stats(first.json), runs: merged.runs, events: merged.events, wallMs: Math.round(shards.reduce((total, shard) => total + (stats(shard.json).wallMs as number), 0) * 1000) / 1000 },
    // The union of the points the shards' faults hit, against the points the whole range's first seed reaches.
    coverage: coverageJson(sweepCoverage(first.json.config as SimulationConfig, first.whole.from, merged.windows, first.json.handler === undefined)),
  };
}

function rangeText(range: { from: number; to: number }): string {
  return `${range.from}..${range.to}`;
}

interface ReadShard {
  name: string;
  json: Json;
  from: number;
  to: number;
  whole: { from: number; to: number };
  result: SweepResult;
}

function readShard(input: ShardInput): ReadShard {
  const bad = (why: string): never => {
    throw new UsageError(`invalid shard ${input.name}: ${why} (expected the output of simulate sweep --json)`);
  };
  const json = input.json;
  if (!isObject(json) || json.command !== 'sweep') return bad('not a sweep --json object');
  if ('points' in json) return bad('a --vary sweep has one result per value; merge shards of a plain sweep');
  const seeds = json.seeds;
  if (!isObject(seeds) || !isCount(seeds.from) || !isCount(seeds.to) || seeds.to < seeds.from) return bad('no valid seeds.from..seeds.to');
  let whole = { from: seeds.from, to: seeds.to };
  if (json.shard !== undefined) {
    const shard = json.shard;
    if (!isObject(shard) || !isObject(shard.seeds) || !isCount(shard.seeds.from) || !isCount(shard.seeds.to)) return bad('a malformed shard field');
    if (!isCount(shard.count) || !isCount(shard.index) || shard.index < 1 || shard.index > shard.count) return bad('a malformed shard.index or shard.count (expected k and n of --shard k/n)');
    whole = { from: shard.seeds.from, to: shard.seeds.to };
  }
  const invariants = json.invariants;
  if (!isObject(invariants)) return bad('no invariants');
  for (const name of INVARIANT_NAMES) {
    const invariant = invariants[name];
    if (!isObject(invariant) || typeof invariant.promised !== 'boolean' || typeof invariant.status !== 'string' || !isCount(invariant.seedsBroken) || !isCount(invariant.count) || !Array.isArray(invariant.examples) || !invariant.examples.every(isCount)) return bad(`a malformed invariants.${name}`);
  }
  const fired = json.faultKindsFired;
  if (!isObject(fired) || !FAULT_KINDS.every((kind) => isCount(fired[kind]))) return bad('a malformed faultKindsFired');
  const parked = json.parked;
  const lag = json.lag;
  const stats = json.stats;
  if (!isCount(json.unsettled)) return bad('a malformed unsettled');
  if (!isObject(parked) || !isCount(parked.seeds) || !isCount(parked.records)) return bad('a malformed parked');
  if (!isObject(lag) || !isCount(lag.maxRecords) || typeof lag.maxMs !== 'number' || !isCount(lag.seed)) return bad('a malformed lag');
  if (!isObject(stats) || !isCount(stats.runs) || !isCount(stats.events) || typeof stats.wallMs !== 'number') return bad('malformed stats');
  if (stats.runs !== seeds.to - seeds.from + 1) return bad(`stats.runs ${stats.runs} is not the ${seeds.to - seeds.from + 1} seeds of ${seeds.from}..${seeds.to}`);
  if (json.firstViolationReplay !== null && typeof json.firstViolationReplay !== 'string') return bad('a malformed firstViolationReplay');
  const result = {
    runs: stats.runs,
    invariants,
    faultKindsFired: fired,
    events: stats.events,
    unsettled: json.unsettled,
    parked,
    lag,
    verdict: json.verdict,
    windows: readWindows(json.shard, bad),
    ...(isObject(json.handlerInvariants) ? { handlerInvariants: json.handlerInvariants } : {}),
  } as unknown as SweepResult;
  return { name: input.name, json, from: seeds.from, to: seeds.to, whole, result };
}

/** The points a shard's faults hit (`shard.faulted`): without them the shards' coverage cannot be joined exactly. */
function readWindows(shard: unknown, bad: (why: string) => never): WindowsFaulted {
  const faulted = isObject(shard) ? shard.faulted : undefined;
  if (!isObject(faulted) || !Array.isArray(faulted.keys) || !Array.isArray(faulted.runs)) return bad('no shard.faulted: merge joins the outputs of sweep --shard k/n --json');
  const keys = faulted.keys as unknown[];
  const runs = faulted.runs as unknown[];
  if (!keys.every((list) => Array.isArray(list) && list.every((key) => typeof key === 'string')) || !runs.every(isCount) || keys.length !== runs.length) return bad('a malformed shard.faulted');
  return { keys: keys, runs: runs };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
