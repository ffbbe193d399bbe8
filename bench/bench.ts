/**
 * `npm run bench`: throughput of the kernel and of the full delivery model, and the CLI's start-to-exit time.
 * Figures are wall-clock and vary by machine; they are measured here, never asserted in a timed test.
 * Targets (issue 2): kernel >= 10 M events/s, full model >= 5 M events/s, >= 1,000 seeds/s on one core,
 * `simulate --seed 42` under 150 ms.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { simulate } from '../models/simulation.js';
import { benchFindAndShrink } from './find-and-shrink.js';
import { World } from '../sim/world.js';
import type { Actor, ActorContext } from '../sim/world.js';

/** Run `body` repeatedly for at least `budgetMs` of wall time (after one warm-up call); returns calls and ms. */
function measure(budgetMs: number, body: () => number): { units: number; ms: number; calls: number } {
  body();
  let units = 0;
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    units += body();
    calls++;
    elapsed = performance.now() - started;
  }
  return { units, ms: elapsed, calls };
}

const perSecond = (units: number, ms: number): number => (units * 1000) / ms;
const millions = (value: number): string => `${(value / 1e6).toFixed(2)} M`;
const thousands = (value: number): string => Math.round(value).toLocaleString('en-US');

interface Ball {
  hops: number;
}

/** Bounces every ball it receives back to its peer until the ball has made `hopsMax` hops. */
class Bouncer implements Actor<Ball> {
  constructor(
    readonly id: string,
    private readonly peer: string,
    private readonly balls: number,
    private readonly hopsMax: number,
  ) {}
  start(ctx: ActorContext<Ball>): void {
    for (let ball = 0; ball < this.balls; ball++) ctx.send(this.peer, { hops: 0 });
  }
  receive(ctx: ActorContext<Ball>, _from: string, message: Ball): void {
    if (++message.hops < this.hopsMax) ctx.send(this.peer, message);
  }
  timer(): void {}
  crash(): void {}
}

/** Kernel only: two actors bounce `balls` messages through the World (network latency draw, FIFO link, heap). */
function pingPong(balls: number, hopsPerBall: number): number {
  const world = new World<Ball>({ seed: 1, latencyUsMin: 100, latencyUsMax: 1000, healAtUs: 1_000_000_000_000, maxEvents: 1_000_000_000, maxVirtualTimeUs: 1_000_000_000_000_000 });
  world.addActor(new Bouncer('ping', 'pong', balls, hopsPerBall));
  world.addActor(new Bouncer('pong', 'ping', 0, hopsPerBall));
  const result = world.run();
  if (result.outcome.kind !== 'quiescent') throw new Error('ping-pong did not settle');
  return result.events;
}

function modelRun(messages: number, seed: number): number {
  const result = simulate({ mode: 'at-least-once', seed, faults: 'default', workload: { messages, ...(messages > 100 ? { keys: 16, partitions: 4 } : {}) } });
  if (result.outcome.kind !== 'quiescent') throw new Error(`seed ${seed} hit a limit`);
  return result.stats.events;
}

function benchKernel(): string[] {
  const lines: string[] = [];
  for (const balls of [1, 1000]) {
    const { units, ms } = measure(1500, () => pingPong(balls, Math.ceil(1_000_000 / balls)));
    lines.push(`kernel ping-pong (${balls === 1 ? '1 message' : `${balls} messages in flight`}): ${millions(perSecond(units, ms))} events/s`);
  }
  return lines;
}

function benchModel(messages: number): string[] {
  let seed = 0;
  const { units, ms, calls } = measure(2000, () => modelRun(messages, ++seed));
  const label = `full model, at-least-once, ${messages} messages, default faults`;
  return [`${label}: ${millions(perSecond(units, ms))} events/s, ${thousands(perSecond(calls, ms))} seeds/s (${Math.round(units / calls)} events/seed, ${calls} seeds)`];
}

function benchCli(): string[] {
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const spawns = 11;
  const times: number[] = [];
  for (let index = 0; index <= spawns; index++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, [main, '--seed', '42', '--no-color'], { encoding: 'utf8' });
    const ms = performance.now() - started;
    if (child.status !== 0) throw new Error(`simulate --seed 42 exited ${child.status}: ${child.stderr}`);
    if (index > 0) times.push(ms); // the first spawn warms the file cache
  }
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1];
  return [`CLI simulate --seed 42, start to exit: ${median.toFixed(1)} ms median of ${spawns} spawns (min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)})`];
}

async function main(): Promise<void> {
  const print = (lines: string[]): void => {
    for (const line of lines) process.stdout.write(line + '\n');
  };
  process.stdout.write(`node ${process.version}, one core, wall-clock figures (targets: kernel >= 10 M events/s, model >= 5 M events/s, >= 1,000 seeds/s, CLI < 150 ms)\n`);
  print(benchKernel());
  print(benchModel(1000));
  print(benchModel(40));
  print(benchCli());
  // Issue 3's figures: time to find and shrink each mode's expected break.
  print(await benchFindAndShrink());
}

await main();
