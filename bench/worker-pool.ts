/**
 * The worker pool's figures for `npm run bench`: a 20,000-seed sweep through the shipped bin (as a user runs it,
 * thread start-up and JIT warm-up included) on 1 worker and on every core: wall clock, speed-up and whether the two
 * JSONs agree; and, because wall clock on a shared machine measures the other tenants too, the CPU time per seed of
 * each run by thread (bench/thread-cpu-probe.ts, Linux), from which the speed-up on idle cores follows:
 * one worker runs the sweep on this thread while V8's helpers (GC, JIT compilation) take another core, so its wall time
 * is this thread's CPU; n workers share n cores with their helpers, so theirs is at least the total CPU over n, and at
 * least the busiest worker's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ThreadCpuReport } from './thread-cpu-probe.js';

const SEEDS = 20_000;
const BIN = fileURLToPath(new URL('../bin/simulate.cjs', import.meta.url));
const PROBE = new URL('./thread-cpu-probe.js', import.meta.url).href;

interface SweepRun {
  ms: number;
  json: string;
  cpu: ThreadCpuReport | undefined;
}

function sweep(workers: number): SweepRun {
  const dir = mkdtempSync(join(tmpdir(), 'pool-bench-'));
  const out = join(dir, 'cpu.json');
  const probing = existsSync('/proc/self/task');
  const args = [...(probing ? ['--import', PROBE] : []), BIN, 'sweep', '--seeds', `1..${SEEDS}`, '--json', '--workers', String(workers)];
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, THREAD_CPU_PROBE_OUT: out } });
  const ms = performance.now() - started;
  if (child.status !== 0 && child.status !== 1) throw new Error(`sweep --workers ${workers} exited ${child.status}: ${child.stderr}`);
  const cpu = probing && existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as ThreadCpuReport) : undefined;
  rmSync(dir, { recursive: true, force: true });
  return { ms, json: child.stdout.replace(/"wallMs": [\d.e+-]+/g, ''), cpu };
}

/**
 * The reference for the speed-up: the same seeds as `processes` independent one-worker sweeps started together
 * (no pool, no threads: separate processes through a shell), each with its share of the range. Their wall clock is
 * what this machine's cores give this work, shared caches and memory bandwidth included; the pool can only approach it.
 */
function independentSweeps(processes: number): number {
  const share = Math.ceil(SEEDS / processes);
  const commands = Array.from({ length: processes }, (_, index) => {
    const from = index * share + 1;
    const to = Math.min(SEEDS, (index + 1) * share);
    return `"${process.execPath}" "${BIN}" sweep --seeds ${from}..${to} --json --workers 1 > /dev/null`;
  });
  const started = performance.now();
  const child = spawnSync('sh', ['-c', `${commands.map((command) => `${command} &`).join(' ')} wait`], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the independent sweeps exited ${child.status}: ${child.stderr}`);
  return performance.now() - started;
}

const perSeed = (seconds: number): string => `${Math.round((seconds * 1e6) / SEEDS)}`;

function cpuLine(label: string, cpu: ThreadCpuReport): string {
  const workers = cpu.workersS.reduce((sum, seconds) => sum + seconds, 0);
  const helpers = cpu.totalS - cpu.mainS - workers;
  const threads = cpu.workersS.length === 0 ? `main thread ${perSeed(cpu.mainS)}` : `main thread ${perSeed(cpu.mainS)}, workers ${cpu.workersS.map(perSeed).join(' + ')}`;
  return `  ${label}: CPU ${perSeed(cpu.totalS)} µs/seed = ${threads}, V8 helper threads ${perSeed(helpers)}`;
}

export function benchWorkerPool(): string[] {
  const cores = availableParallelism();
  const load = loadavg()[0].toFixed(1);
  const one = sweep(1);
  const all = sweep(cores);
  const rate = (ms: number): string => Math.round((SEEDS * 1000) / ms).toLocaleString('en-US');
  const lines = [
    `worker pool, sweep of ${SEEDS.toLocaleString('en-US')} seeds through the shipped bin: 1 worker ${rate(one.ms)} runs/s (${(one.ms / 1000).toFixed(1)} s), ${cores} workers ${rate(all.ms)} runs/s (${(all.ms / 1000).toFixed(1)} s): ${(one.ms / all.ms).toFixed(2)}x wall clock (target >= 1.8x on 2 cores; load average ${load} on ${cores} cores)${one.json === all.json ? '' : ' — JSON DIFFERS'}`,
  ];
  if (cores > 1) {
    const independent = independentSweeps(cores);
    lines.push(`  reference: the same seeds as ${cores} independent one-worker processes started together (no pool): ${(independent / 1000).toFixed(1)} s, ${(one.ms / independent).toFixed(2)}x the one worker: what ${cores} cores give this work here`);
  }
  if (one.cpu !== undefined && all.cpu !== undefined && cores > 1) {
    const idleOne = one.cpu.mainS;
    const idleAll = Math.max(all.cpu.totalS / cores, ...all.cpu.workersS);
    lines.push(
      cpuLine('1 worker', one.cpu),
      cpuLine(`${cores} workers`, all.cpu),
      `  so on ${cores} idle cores: 1 worker ${(idleOne).toFixed(1)} s (its thread), ${cores} workers ${idleAll.toFixed(1)} s (total CPU / ${cores}): ${(idleOne / idleAll).toFixed(2)}x expected`,
    );
  }
  return lines;
}
