/**
 * The worker pool's figure for `npm run bench`: a 20,000-seed sweep through the CLI (as a user runs it, thread
 * start-up and JIT warm-up included) on 1 worker and on every core, in runs/s and as a speed-up, with the load
 * average beside it (on a shared machine other work takes cores too). Also checks the two JSONs agree.
 *
 * Beside it, why the speed-up has a ceiling (Linux, from /proc): the same sweep in this process, with the CPU time
 * of this thread and of V8's helper threads (concurrent GC and JIT compilation) apart. The one-thread run already
 * keeps more than one core busy, so n cores can give at most n / (the cores it keeps busy).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../models/engine.js';
import { FAULT_PRESETS } from '../models/faults/catalog.js';
import { sweepSeeds } from '../properties/sweep.js';

const SEEDS = 20_000;

function sweepMs(workers: number): { ms: number; json: string } {
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const started = performance.now();
  const child = spawnSync(process.execPath, [main, 'sweep', '--seeds', `1..${SEEDS}`, '--json', '--workers', String(workers)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (child.status !== 0 && child.status !== 1) throw new Error(`sweep --workers ${workers} exited ${child.status}: ${child.stderr}`);
  return { ms, json: child.stdout.replace(/"wallMs": [\d.e+-]+/g, '') };
}

/** CPU seconds per thread of this process (user + system), by thread id; empty where /proc is not there. */
function threadCpuSeconds(): Map<string, number> {
  const seconds = new Map<string, number>();
  if (!existsSync('/proc/self/task')) return seconds;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
      seconds.set(tid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return seconds;
}

function inProcessSplit(): string | undefined {
  const before = threadCpuSeconds();
  if (before.size === 0) return undefined;
  const started = performance.now();
  sweepSeeds({ config: resolveConfig({ mode: 'at-least-once', seed: 1 }), faults: { rates: FAULT_PRESETS.default }, fromSeed: 1, toSeed: SEEDS });
  const wallS = (performance.now() - started) / 1000;
  let mainS = 0;
  let helpersS = 0;
  for (const [tid, seconds] of threadCpuSeconds()) {
    const spent = seconds - (before.get(tid) ?? 0);
    if (tid === String(process.pid)) mainS += spent;
    else helpersS += spent;
  }
  const cores = (mainS + helpersS) / mainS;
  return `  in this process (warm): this thread ${mainS.toFixed(1)} s CPU, V8 helper threads (GC, JIT) ${helpersS.toFixed(1)} s, ${wallS.toFixed(1)} s wall: one thread keeps ${cores.toFixed(2)} cores busy, so 2 cores give at most ${(2 / cores).toFixed(2)}x`;
}

export function benchWorkerPool(): string[] {
  const cores = availableParallelism();
  const load = loadavg()[0].toFixed(1);
  const one = sweepMs(1);
  const all = sweepMs(cores);
  const rate = (ms: number): string => Math.round((SEEDS * 1000) / ms).toLocaleString('en-US');
  const split = inProcessSplit();
  return [
    `worker pool, sweep of ${SEEDS.toLocaleString('en-US')} seeds through the CLI: 1 worker ${rate(one.ms)} runs/s (${(one.ms / 1000).toFixed(1)} s), ${cores} workers ${rate(all.ms)} runs/s (${(all.ms / 1000).toFixed(1)} s): ${(one.ms / all.ms).toFixed(2)}x (target >= 1.8x on 2 cores; load average ${load} on ${cores} cores)${one.json === all.json ? '' : ' — JSON DIFFERS'}`,
    ...(split === undefined ? [] : [split]),
  ];
}
