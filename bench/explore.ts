/**
 * Issue 8's figures: bounded exhaustive exploration. Exactly-once with every plan of at most 2 faults on a
 * 3-message, 1-partition workload must come out exhaustively clean in under 60 s on one core; at-least-once with
 * K=1 lists its single-fault causes of duplicates. Then the same exploration through the CLI on 1 worker and on
 * 2 (thread start-up included), side by side, with the speed-up and whether the two JSONs agree. Wall-clock,
 * measured here, never asserted in a timed test.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../models/engine.js';
import { explore } from '../properties/explore.js';

const SMALL = { messages: 3, partitions: 1 };

/** `workers` undefined: the CLI's own choice (a thread per PLANS_PER_DEFAULT_WORKER_MIN plans of a level). */
function exploreCliMs(workers: number | undefined): { ms: number; json: string; plans: number } {
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const args = ['explore', '--mode', 'exactly-once', '--messages', String(SMALL.messages), '--partitions', String(SMALL.partitions), '--max-faults', '2', '--json', ...(workers === undefined ? [] : ['--workers', String(workers)])];
  const started = performance.now();
  const child = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (child.status !== 0 && child.status !== 1) throw new Error(`explore --workers ${workers} exited ${child.status}: ${child.stderr}`);
  const plans = (JSON.parse(child.stdout) as { plansRun: number }).plansRun;
  return { ms, json: child.stdout.replace(/"wallMs": [\d.e+-]+/g, ''), plans };
}

export function benchExplore(): string[] {
  const lines: string[] = [];
  const started = performance.now();
  const clean = explore({ config: resolveConfig({ mode: 'exactly-once', seed: 1, workload: SMALL }), maxFaults: 2 });
  const seconds = (performance.now() - started) / 1000;
  const verdict = clean.exhaustive && clean.breaks.length === 0 ? 'exhaustive, no break' : `${clean.exhaustive ? 'exhaustive' : 'NOT exhaustive'}, ${clean.breaks.length} cause(s) of a break`;
  lines.push(`explore exactly-once K=2, 3 messages, 1 partition: ${verdict}; ${clean.plansRun.toLocaleString('en-US')} plans over ${clean.decisionPointsTotal} decision points in ${seconds.toFixed(1)} s (${Math.round(clean.plansRun / seconds).toLocaleString('en-US')} plans/s; target < 60 s)`);
  const duplicates = explore({ config: resolveConfig({ mode: 'at-least-once', seed: 1, workload: SMALL }), maxFaults: 1 }).breaks.filter((found) => found.invariant === 'duplicates');
  lines.push(`explore at-least-once K=1: ${duplicates.length} single-fault causes of duplicates: ${duplicates.map((found) => found.cause).join(', ')}`);
  const load = loadavg()[0].toFixed(1);
  const one = exploreCliMs(1);
  const two = exploreCliMs(2);
  const chosen = exploreCliMs(undefined);
  const rate = (run: { ms: number; plans: number }): string => `${Math.round((run.plans * 1000) / run.ms).toLocaleString('en-US')} plans/s (${(run.ms / 1000).toFixed(1)} s)`;
  const same = one.json === two.json && one.json === chosen.json;
  lines.push(`explore exactly-once K=2 through the CLI: 1 worker ${rate(one)}, 2 workers ${rate(two)}: ${(one.ms / two.ms).toFixed(2)}x; without --workers (a job this small stays in one thread) ${rate(chosen)} (load average ${load})${same ? '' : ' — JSON DIFFERS'}`);
  return lines;
}
