/**
 * The heap a long run needs, and what to do when the process may not have it: a run of millions of messages keeps
 * a few hundred bytes a message (the workload, the logs, the DB's effects, per-message bookkeeping), and V8 kills
 * a process that outgrows its heap limit (about 4 GB by default) with a crash, not an error. So before a long run
 * the CLI compares its estimate with the limit: it runs, re-runs itself with a larger limit the machine can give,
 * or refuses with one line naming the largest run that fits.
 */
import type { SimulationConfig } from '../models/config.js';

/**
 * Memory a run needs per message: the growth of a whole `simulate --json` run's peak RSS (garbage, the typed-array
 * columns and the code included) from 1,000,000 to 2,000,000 messages with default faults: Kafka at-least-once 270
 * bytes, exactly-once 296, transactions 327, 62 more per further group, 13 per further producer, 366 more with a
 * 3-broker cluster; RabbitMQ 339. (Before the workload, logs and effects went into columns: 685, 820 and 529 at
 * 200,000 messages.) Rounded up, as a generous estimate only raises the limit further; not so far up that a
 * 10,000,000-message run (2.5 GB at-least-once, 3.4 GB exactly-once) is refused on an 8 GB machine.
 */
const BYTES_PER_MESSAGE = 400;
const BYTES_PER_EXTRA_GROUP = 100;
const BYTES_PER_EXTRA_PRODUCER = 100;
const BYTES_WITH_A_CLUSTER = 500;
/** The code, the first million trace records a run keeps for its witnesses, and the output (measured: 260-410 MB). */
const BASE_BYTES = 400 * 2 ** 20;
/**
 * What a finished run's result holds while a command keeps it beside the next run (compare keeps one per mode,
 * check its baseline and findings): its workload, effects and other per-message results, and the first million
 * trace records its witnesses read. A 300,000-message compare held about 117 MB per result beside the running one.
 */
const RESULT_BYTES_PER_MESSAGE = 250;
const RESULT_BASE_BYTES = 100 * 2 ** 20;
/** A run fits when its estimate is at most this share of the heap limit. */
const FITS_SHARE = 0.8;
/** At most this share of the machine's memory is asked for. */
const MACHINE_SHARE = 0.75;

/**
 * From this many messages, the CLI caps V8's heap growing factor. Between two full GCs V8 lets the heap grow to a
 * factor of what the last one left live, up to 4x on a machine with a large heap limit: a 1,000,000-message CLI run
 * left 242-285 MB live and grew to 724-810 MB before the next full GC, a 1.08 GB peak. Capped at 1.6x
 * (HEAP_GROWING_PERCENT) it peaked at 726 MB, 6% slower (more full GCs). With the workload and the ids in columns
 * since, the same run peaks at 560 MB capped against 730 MB uncapped, 4% slower. Below about half a million
 * messages V8 picks a smaller factor itself: at 100,000 and 300,000 the cap saved 7-10% of the peak for 5-8% of the
 * time, so it is off.
 */
export const HEAP_GROWTH_CAPPED_FROM_MESSAGES = 500_000;
/** The cap: V8's `--heap-growing-percent`, the factor as (1 + percent / 100). */
export const HEAP_GROWING_PERCENT = 60;

/**
 * The V8 flag that caps the heap growing factor for a run of `messages`, or undefined: none for a shorter run, and
 * none when node was started with the user's own value (`nodeArgs`: process.execArgv and NODE_OPTIONS' words).
 */
export function heapGrowthFlag(messages: number, nodeArgs: readonly string[]): string | undefined {
  if (messages < HEAP_GROWTH_CAPPED_FROM_MESSAGES) return undefined;
  if (nodeArgs.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return undefined;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/** The heap a run of `config` needs at its peak, with `resultsKept` finished runs' results of the same size held beside it. */
export function heapNeededBytes(config: SimulationConfig, resultsKept = 0): number {
  const { groups, producers } = config.topology;
  const nodes = (config.settings as { nodes?: number }).nodes ?? 1;
  const perMessage = BYTES_PER_MESSAGE + BYTES_PER_EXTRA_GROUP * (groups - 1) + BYTES_PER_EXTRA_PRODUCER * (producers - 1) + (nodes > 1 ? BYTES_WITH_A_CLUSTER : 0);
  const messages = config.workload.messages;
  return BASE_BYTES + perMessage * messages + resultsKept * (RESULT_BASE_BYTES + RESULT_BYTES_PER_MESSAGE * messages);
}

export type HeapPlan =
  | { readonly action: 'run' }
  /** Run again in a process whose heap limit is `heapMb`. */
  | { readonly action: 'respawn'; readonly heapMb: number }
  | { readonly action: 'refuse'; readonly message: string };

export interface HeapFacts {
  /** This process's heap limit (v8.getHeapStatistics().heap_size_limit). */
  heapLimitBytes: number;
  /** The machine's memory (os.totalmem()). */
  totalMemBytes: number;
  /** True in a process already started with a raised limit: it never starts another. */
  raised: boolean;
}

/** `resultsKept`: finished runs' results the command holds beside the running one (see heapNeededBytes). */
export function heapPlan(config: SimulationConfig, facts: HeapFacts, resultsKept = 0): HeapPlan {
  const needed = heapNeededBytes(config, resultsKept);
  if (needed <= facts.heapLimitBytes * FITS_SHARE) return { action: 'run' };
  const available = facts.totalMemBytes * MACHINE_SHARE;
  if (!facts.raised && needed <= available * FITS_SHARE) return { action: 'respawn', heapMb: Math.floor(Math.min(available, needed / FITS_SHARE) / 2 ** 20) };
  const fixed = BASE_BYTES + resultsKept * RESULT_BASE_BYTES;
  const perMessage = (needed - fixed) / config.workload.messages;
  const usable = Math.max(facts.raised ? facts.heapLimitBytes : available, facts.heapLimitBytes) * FITS_SHARE;
  const fitting = Math.max(0, Math.floor((usable - fixed) / perMessage / 1000) * 1000);
  const advice = fitting > 0 ? `run at most ${fitting} messages with this topology, or split the workload over several seeds` : `give node a larger heap (NODE_OPTIONS=--max-old-space-size=...)`;
  return {
    action: 'refuse',
    message: `--messages ${config.workload.messages} needs about ${gb(needed)} of memory and this run may use ${gb(usable / FITS_SHARE)} (the machine has ${gb(facts.totalMemBytes)}): ${advice}`,
  };
}

/**
 * Of `workers` threads each running `config`, how many fit the machine's memory at once (at least 1: whether one
 * run fits at all is heapPlan's question).
 */
export function workersThatFit(config: SimulationConfig, workers: number, totalMemBytes: number): number {
  return Math.max(1, Math.min(workers, Math.floor((totalMemBytes * MACHINE_SHARE) / heapNeededBytes(config))));
}

/** Bytes as the guard's messages say them: `8.4 GB`. */
export function gb(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GB`;
}
