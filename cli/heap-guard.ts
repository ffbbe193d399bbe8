/**
 * The heap guard every simulating command passes before it starts: a run of millions of messages needs more heap
 * than node gives by default, and V8 kills a process (or a worker thread) that outgrows its limit with a crash, not
 * an error. Worker threads inherit this process's limit, so one check covers them; several at once must also fit
 * the machine together, so the guard lowers the thread count to what does (the result never depends on it).
 */
import { spawnSync } from 'node:child_process';
import { totalmem } from 'node:os';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import type { SimulationConfig } from '../models/config.js';
import { gb, heapGrowthFlag, heapNeededBytes, heapPlan, workersThatFit } from './heap-budget.js';
import { EXIT_INTERNAL, UsageError } from './usage-error.js';

/** Set in a process started by the guard: it never starts another. */
const HEAP_RAISED = 'SIMULATE_HEAP_RAISED';

/** Thrown once the command line ran again in a process with a larger heap: its exit code is this command's. */
export class RanWithLargerHeap extends Error {
  override name = 'RanWithLargerHeap';
  constructor(readonly exitCode: number) {
    super(`the command ran again with a larger heap and exited ${exitCode}`);
  }
}

/**
 * Before running `configs` in this process: returns when the largest fits its heap, with `resultsKept` finished
 * runs' results held beside it (compare keeps one per mode, shrink its original, check its baseline and findings).
 * Otherwise the same command line runs again in a process whose heap limit fits (its output is this command's
 * output), and RanWithLargerHeap carries its exit code to cli/main.ts. Refuses with a UsageError, naming a run that
 * fits, what the machine cannot hold.
 */
export function guardHeap(configs: readonly SimulationConfig[], resultsKept = 0): void {
  const largest = largestRun(configs);
  const plan = heapPlan(largest, { heapLimitBytes: getHeapStatistics().heap_size_limit, totalMemBytes: totalmem(), raised: process.env[HEAP_RAISED] === '1' }, resultsKept);
  if (plan.action === 'refuse') throw new UsageError(plan.message);
  if (plan.action === 'run') {
    capHeapGrowth(largest);
    return;
  }
  process.stderr.write(`simulate: this run needs a larger heap than this process may have: running it again with --max-old-space-size=${plan.heapMb}\n`);
  const child = spawnSync(process.execPath, [...process.execArgv, `--max-old-space-size=${plan.heapMb}`, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, [HEAP_RAISED]: '1' } });
  if (child.error !== undefined) throw new UsageError(`could not start a process with a larger heap: ${child.error.message}`);
  throw new RanWithLargerHeap(child.status ?? EXIT_INTERNAL);
}

/**
 * A long run: cap V8's heap growing factor in this process (see heapGrowthFlag). V8 reads the flag at every full GC,
 * so setting it before the run takes effect; worker threads share the process's flags.
 */
function capHeapGrowth(config: SimulationConfig): void {
  const flag = heapGrowthFlag(config.workload.messages, [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]);
  if (flag !== undefined) setFlagsFromString(flag);
}

/**
 * The worker threads that may run `configs` at once: `workers`, or fewer when that many of the largest run at their
 * peak would not fit the machine's memory together (said on stderr, since it makes the job slower).
 */
export function workersWithinMemory(configs: readonly SimulationConfig[], workers: number): number {
  const config = largestRun(configs);
  const fitting = workersThatFit(config, workers, totalmem());
  if (fitting < workers) {
    process.stderr.write(`simulate: ${workers} runs of ${config.workload.messages} messages at once would need about ${gb(heapNeededBytes(config) * workers)} of memory: running ${fitting} at a time\n`);
  }
  return fitting;
}

function largestRun(configs: readonly SimulationConfig[]): SimulationConfig {
  if (configs.length === 0) throw new Error('guardHeap needs a configuration');
  return configs.reduce((largest, config) => (heapNeededBytes(config) > heapNeededBytes(largest) ? config : largest));
}
