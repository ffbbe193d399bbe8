/**
 * The determinism probe for a team's handler (FoundationDB's and the VOPR's habit: run it twice, compare). A seed
 * replays only when the handler reads nothing but its record and its db; one that reads Math.random(), Date.now() or
 * module state carried from run to run makes a search report breaks that its own replay command does not show (a
 * module-level "seen" set made `check` report a loss with no fault at all). Before a command trusts a handler, the
 * first run is played again, its first PROBE_EVENTS_MAX events at most, and the two traces must agree record for
 * record; where they part is named in one line.
 */
import type { SimulationConfig } from '../models/config.js';
import { runSimulationAsync } from '../models/engine.js';
import type { SimulationResult } from '../models/engine.js';
import type { FaultSource } from '../models/faults/catalog.js';
import type { HandlerModule } from '../models/handler/contract.js';
import type { TraceEvent } from '../models/events.js';
import { HandlerError } from '../models/handler/contract.js';
import { quoteInput } from '../models/quote.js';
import { traceLine } from '../sim/trace.js';

/** Events the replay runs: all of a short run, the start of a long one (what a handler's first deliveries did). */
export const PROBE_EVENTS_MAX = 20_000;

/** What the probe compares of a run: its config (its limits) and its whole trace. */
type RunTrace = Pick<SimulationResult, 'config' | 'trace'>;

/** Characters of each differing value quoted in the message. */
const QUOTE_MAX = 60;

/** The config of the probe's replay: the run's own, stopped after PROBE_EVENTS_MAX events at most. */
export function probeConfig(config: SimulationConfig): SimulationConfig {
  if (config.limits.maxEvents <= PROBE_EVENTS_MAX) return config;
  return { ...config, limits: { ...config.limits, maxEvents: PROBE_EVENTS_MAX } };
}

/** The records a run appended before its end: without the record a limit appends when it stops the run. */
function played(trace: readonly TraceEvent[]): readonly TraceEvent[] {
  return trace.at(-1)?.kind === 'limit-hit' ? trace.slice(0, -1) : trace;
}

/** "record 19 (5.826 ms, g1/c1 handler-call m1)": where in the run a record is. */
function where(index: number, record: TraceEvent): string {
  const msg = 'msg' in record && typeof record.msg === 'string' ? ` ${record.msg}` : '';
  return `trace record ${index + 1} (${record.t / 1000} ms, ${record.actor} ${record.kind}${msg})`;
}

/** How two records at the same place differ: the first field whose value differs, both values quoted. */
function difference(index: number, first: TraceEvent | undefined, second: TraceEvent | undefined): string {
  if (first === undefined || second === undefined) {
    const record = (first ?? second) as TraceEvent;
    return `${where(index, record)}, which only the ${first === undefined ? 'second' : 'first'} run had`;
  }
  const a = first as unknown as Record<string, unknown>;
  const b = second as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const key = keys.find((name) => JSON.stringify(a[name]) !== JSON.stringify(b[name])) ?? 'kind';
  return `${where(index, first)}: ${key} ${quoteInput(a[key], QUOTE_MAX)} the first time, ${quoteInput(b[key], QUOTE_MAX)} the second`;
}

/**
 * Where a replay of `run` (by probeConfig) parted from it, in words, or undefined when the replay's records are the
 * run's first records (the whole run, when neither was cut short).
 */
export function partedAt(run: RunTrace, replay: RunTrace): string | undefined {
  const first = played(run.trace);
  const second = played(replay.trace);
  const replayCut = replay.trace.length !== second.length && replay.config.limits.maxEvents < run.config.limits.maxEvents;
  const length = Math.min(first.length, second.length);
  for (let index = 0; index < length; index++) {
    if (traceLine(first[index]) !== traceLine(second[index])) return difference(index, first[index], second[index]);
  }
  // A replay cut short by its own limit may end earlier; otherwise both must end together.
  if (first.length === second.length || (replayCut && second.length < first.length)) return undefined;
  return difference(length, first[length], second[length]);
}

/** The one line a handler that did not replay gets (HandlerError: the user's input, exit 2 in the CLI). */
export function notDeterministic(parted: string): HandlerError {
  return new HandlerError(
    `the handler is not deterministic: the same run, played twice, parted at ${parted}. It reads something besides its record and its db (Math.random(), Date.now(), module state kept between runs), so a seed would not replay`,
  );
}

/** Throws notDeterministic when the replay parted from the run. */
export function assertReplayed(run: RunTrace, replay: RunTrace): void {
  const parted = partedAt(run, replay);
  if (parted !== undefined) throw notDeterministic(parted);
}

/** Plays the start of a handler's run again (same config, faults and handler) and throws notDeterministic where they part. */
export async function assertHandlerReplays(run: SimulationResult, source: FaultSource, handler: HandlerModule): Promise<void> {
  assertReplayed(run, await runSimulationAsync(probeConfig(run.config), source, handler));
}
