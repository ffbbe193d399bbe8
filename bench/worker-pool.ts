/**
 * The worker pool's figure for `npm run bench`: a 20,000-seed sweep through the CLI (as a user runs it, thread
 * start-up and JIT warm-up included) on 1 worker and on every core, in runs/s and as a speed-up, with the load
 * average beside it (on a shared machine other work takes cores too). Also checks the two JSONs agree.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const SEEDS = 20_000;

function sweepMs(workers: number): { ms: number; json: string } {
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const started = performance.now();
  const child = spawnSync(process.execPath, [main, 'sweep', '--seeds', `1..${SEEDS}`, '--json', '--workers', String(workers)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (child.status !== 0 && child.status !== 1) throw new Error(`sweep --workers ${workers} exited ${child.status}: ${child.stderr}`);
  return { ms, json: child.stdout.replace(/"wallMs": [\d.e+-]+/g, '') };
}

export function benchWorkerPool(): string[] {
  const cores = availableParallelism();
  const load = loadavg()[0].toFixed(1);
  const one = sweepMs(1);
  const all = sweepMs(cores);
  const rate = (ms: number): string => Math.round((SEEDS * 1000) / ms).toLocaleString('en-US');
  return [
    `worker pool, sweep of ${SEEDS.toLocaleString('en-US')} seeds through the CLI: 1 worker ${rate(one.ms)} runs/s (${(one.ms / 1000).toFixed(1)} s), ${cores} workers ${rate(all.ms)} runs/s (${(all.ms / 1000).toFixed(1)} s): ${(one.ms / all.ms).toFixed(2)}x (target >= 1.8x on 2 cores; load average ${load} on ${cores} cores)${one.json === all.json ? '' : ' — JSON DIFFERS'}`,
  ];
}
