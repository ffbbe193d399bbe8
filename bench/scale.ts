/**
 * Issue 13's scale figures for `npm run bench`, each beside a reference measured in the same run (on a shared
 * machine the reference says how much of a core the figure got):
 * - 1,000,000 messages, at-least-once, default faults, in a process of its own: wall time and peak memory
 *   (targets <= 10 s, <= 400 MB on one core), with `node -e 0`'s own peak memory beside it; and the same as a
 *   user's CLI run, which also keeps the first trace records for its witnesses' stories;
 * - microseconds per message at 1,000,000 against 10,000 (target within 1.3x): linear cost;
 * - a user's CLI run of 100,000 messages (`simulate --messages 100000 --json`): events per second of its whole
 *   process time (target >= 1.5 M events/s), beside the kernel's ping-pong rate in this same run;
 * - the RabbitMQ family's microseconds per message at 1,000,000 against 10,000 (its broker restarts and channel
 *   closes touch the queue's backlog, which a long run makes long: quadratic until they looked only at what they change).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const engine = fileURLToPath(new URL('../models/engine.js', import.meta.url));
const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));

interface ChildRun {
  ms: number;
  events: number;
  peakMb: number;
}

/** One run of `messages` in a fresh process (nothing kept of its trace, as a search or `--json` run keeps it). */
function modelProcess(messages: number, family: 'kafka' | 'rabbitmq' = 'kafka'): ChildRun {
  const script = [
    `const { runSimulation, resolveConfig, toFaultSource } = await import(${JSON.stringify(engine)});`,
    `const config = resolveConfig({ family: '${family}', mode: 'at-least-once', seed: 1, workload: { messages: ${messages} } });`,
    `const started = performance.now();`,
    `const result = runSimulation(config, toFaultSource('default'), { trace: { keepMax: 0 } });`,
    `const ms = performance.now() - started;`,
    `if (result.outcome.kind !== 'quiescent') throw new Error('did not settle: ' + JSON.stringify(result.outcome));`,
    `process.stdout.write(JSON.stringify({ ms, events: result.stats.events, peakMb: process.resourceUsage().maxRSS / 1024 }));`,
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the ${messages}-message run exited ${child.status}: ${child.stderr}`);
  return JSON.parse(child.stdout) as ChildRun;
}

function barePeakMb(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS / 1024))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/**
 * Preloaded into the CLI's process: its peak memory, written to stderr as it exits (a parent cannot read a child's).
 * The heap guard may re-run the command in a child with a larger heap; that child's figure is then the last line.
 */
const PEAK_AT_EXIT = `data:text/javascript,process.on('exit', () => process.stderr.write('peak-mb ' + process.resourceUsage().maxRSS / 1024 + '\\n'))`;

/** `simulate --messages N --json` as a user runs it: process start to exit, and the process's peak memory. */
function cliRun(messages: number): { ms: number; events: number; peakMb: number } {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', PEAK_AT_EXIT, main, '--mode', 'at-least-once', '--messages', String(messages), '--json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (child.status !== 0 && child.status !== 1) throw new Error(`simulate --messages ${messages} exited ${child.status}: ${child.stderr}`);
  const peaks = [...child.stderr.matchAll(/^peak-mb (\S+)$/gm)].map((match) => Number(match[1]));
  return { ms, events: (JSON.parse(child.stdout) as { stats: { events: number } }).stats.events, peakMb: Math.max(0, ...peaks) };
}

/** `kernelEventsPerSecond`: the kernel's ping-pong rate measured by the caller in this same run (the reference). */
export function benchScale(kernelEventsPerSecond: number): string[] {
  const kernel = `kernel ping-pong ${(kernelEventsPerSecond / 1e6).toFixed(2)} M events/s in this run`;
  const small = modelProcess(10_000);
  const large = modelProcess(1_000_000);
  const perMessage = (run: ChildRun, messages: number): number => (run.ms * 1000) / messages;
  const ratio = perMessage(large, 1_000_000) / perMessage(small, 10_000);
  const cli = cliRun(100_000);
  const cliLarge = cliRun(1_000_000);
  const rabbitSmall = modelProcess(10_000, 'rabbitmq');
  const rabbitLarge = modelProcess(1_000_000, 'rabbitmq');
  const rabbitRatio = perMessage(rabbitLarge, 1_000_000) / perMessage(rabbitSmall, 10_000);
  return [
    `1,000,000 messages, at-least-once, default faults: ${(large.ms / 1000).toFixed(1)} s, peak ${Math.round(large.peakMb)} MB, ${(large.events / large.ms / 1000).toFixed(2)} M events/s (targets <= 10 s, <= 400 MB; reference: bare node peak ${Math.round(barePeakMb())} MB, ${kernel})`,
    `the same through the CLI (simulate --messages 1000000 --json, start to exit): ${(cliLarge.ms / 1000).toFixed(1)} s, peak ${Math.round(cliLarge.peakMb)} MB (it also keeps the first 1,000,000 trace records for the witnesses' stories)`,
    `linearity: ${perMessage(small, 10_000).toFixed(2)} us/message at 10,000, ${perMessage(large, 1_000_000).toFixed(2)} us/message at 1,000,000: ${ratio.toFixed(2)}x (target <= 1.3x)`,
    `RabbitMQ linearity: ${perMessage(rabbitSmall, 10_000).toFixed(2)} us/message at 10,000, ${perMessage(rabbitLarge, 1_000_000).toFixed(2)} us/message at 1,000,000: ${rabbitRatio.toFixed(2)}x`,
    `CLI simulate --messages 100000 --json, start to exit: ${(cli.ms / 1000).toFixed(2)} s, ${(cli.events / cli.ms / 1000).toFixed(2)} M events/s (target >= 1.5 M events/s; reference: ${kernel})`,
  ];
}
