/**
 * sweep and check at scale, through the built CLI: --workers gives the one-thread JSON, shards plus merge give
 * the unsharded JSON (and merge refuses what it cannot join), --vary shows how breaks grow with a rate, --report
 * writes charts mermaid parses, and progress is drawn on a terminal only.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mermaidBlocks, parseMermaid } from '../reports/mermaid-parser.js';
import { CLI_MAIN, ROOT } from '../helpers/build.js';
import { expectOneLineError, requireBuiltCli, runCli } from '../helpers/cli.js';

let dir = '';
beforeAll(() => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'simulate-scale-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The JSON text without its wall-clock field: what must match byte for byte. */
const withoutWallClock = (json: string): string => json.replace(/"wallMs": [\d.e+-]+/g, '"wallMs": 0');

// Violated in some seeds, so examples, replays, lag and statuses all carry something.
const WORLD = ['--mode', 'at-least-once', '--faults', 'chaos', '--producer-buffer', 'memory'];

describe.concurrent('every core', () => {
  it('sweep --workers 2 prints the --workers 1 JSON', async () => {
    const args = ['sweep', ...WORLD, '--seeds', '1..400', '--json'];
    const [one, two] = await Promise.all([runCli([...args, '--workers', '1']), runCli([...args, '--workers', '2'])]);
    expect(one.status, one.stderr).toBe(1);
    expect(two.status, two.stderr).toBe(1);
    expect(withoutWallClock(two.stdout)).toBe(withoutWallClock(one.stdout));
  });

  it('check --workers 2 finds, shrinks and counts as --workers 1', async () => {
    const args = ['check', '--mode', 'at-least-once', '--acks', '1', '--runs', '200', '--json'];
    const [one, two] = await Promise.all([runCli([...args, '--workers', '1']), runCli([...args, '--workers', '2'])]);
    expect(one.status, one.stderr).toBe(1);
    expect(withoutWallClock(two.stdout)).toBe(withoutWallClock(one.stdout));
    expect(two.status).toBe(1);
  });
});

describe.concurrent('bad input: one line, exit 2, before any run', () => {
  it.each([
    [['sweep', '--workers', '0'], 'invalid --workers "0": expected an integer from 1 to 256'],
    [['check', '--mode', 'at-least-once', '--workers', 'many'], 'invalid --workers "many"'],
    [['sweep', '--shard', '3/2'], 'invalid --shard "3/2": expected k/n'],
    [['sweep', '--seeds', '1..2', '--shard', '1/3'], 'more shards than the 2 seed(s)'],
    [['sweep', '--vary', 'drop=0..0.1:0.05', '--shard', '1/2'], '--vary and --shard do not combine'],
    [['sweep', '--vary', 'speed=1..2:1'], 'neither a fault rate'],
    [['sweep', '--vary', 'max-in-flight=0..2:1'], 'invalid --max-in-flight "0"'],
    [['merge'], "missing required argument 'files'"],
  ])('simulate %s', async (args, fragment) => {
    expectOneLineError(await runCli(args), [fragment]);
  });
});

describe('shards and merge', () => {
  const seeds = ['--seeds', '1..90'];
  let whole = '';
  const shards: string[] = [];
  beforeAll(async () => {
    const runs = await Promise.all([runCli(['sweep', ...WORLD, ...seeds, '--json']), ...[1, 2, 3].map((index) => runCli(['sweep', ...WORLD, ...seeds, '--shard', `${index}/3`, '--json']))]);
    whole = runs[0].stdout;
    runs.slice(1).forEach((run, index) => {
      shards.push(join(dir, `shard-${index + 1}.json`));
      writeFileSync(shards[index], run.stdout);
    });
  });

  it('merge of the shards, in any order, is the unsharded JSON', async () => {
    const merged = await runCli(['merge', shards[2], shards[0], shards[1]]);
    expect(merged.status, merged.stderr).toBe(1);
    expect(withoutWallClock(merged.stdout)).toBe(withoutWallClock(whole));
    expect(JSON.parse(readFileSync(shards[1], 'utf8'))).toMatchObject({ seeds: { from: 31, to: 60 }, shard: { index: 2, count: 3, seeds: { from: 1, to: 90 } } });
  });

  it('refuses overlaps, gaps, other worlds and malformed files: one line, exit 2', async () => {
    const other = join(dir, 'other.json');
    writeFileSync(other, (await runCli(['sweep', '--mode', 'exactly-once', '--faults', 'chaos', ...seeds, '--shard', '2/3', '--json'])).stdout);
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '{}');
    const text = join(dir, 'text.json');
    writeFileSync(text, 'simulate sweep · at-least-once');
    // Shard fields edited by hand: the seeds still tile the range, but k/n do not agree.
    const edited = (name: string, edit: (shard: { index: unknown; count: unknown }) => void): string => {
      const json = JSON.parse(readFileSync(shards[1], 'utf8')) as { shard: { index: unknown; count: unknown } };
      edit(json.shard);
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(json));
      return path;
    };
    const cases: [string[], string][] = [
      [[shards[0], shards[0], shards[1], shards[2]], 'overlaps'],
      [[shards[0], shards[2]], 'seeds 31..60 of 1..90 are in no file'],
      [[shards[0], shards[1]], 'seeds 61..90 of 1..90 are in no file'],
      [[shards[0], other, shards[2]], 'differ in mode'],
      [[shards[0], empty], 'not a sweep --json object'],
      [[shards[0], text], 'not JSON'],
      [[join(dir, 'missing.json')], 'cannot read shard'],
      [[shards[0], edited('of-four.json', (shard) => (shard.count = 4)), shards[2]], 'one is a shard of 4, the other of 3'],
      [[shards[0], edited('index-half.json', (shard) => (shard.index = 2.5)), shards[2]], 'a malformed shard.index or shard.count'],
      [[shards[0], edited('index-text.json', (shard) => (shard.index = 'x')), shards[2]], 'a malformed shard.index or shard.count'],
      [[shards[0], edited('index-one.json', (shard) => (shard.index = 1)), shards[2]], 'two files are shard 1/3'],
    ];
    const runs = await Promise.all(cases.map(([files]) => runCli(['merge', ...files])));
    runs.forEach((run, index) => expectOneLineError(run, [cases[index][1]]));
  });
});

describe.concurrent('sweeps that teach', () => {
  it('--vary: at-most-once loses more seeds as the drop rate grows', async () => {
    const args = ['sweep', '--mode', 'at-most-once', '--faults', 'none', '--seeds', '40', '--vary', 'drop=0..0.03:0.01'];
    const [run, text] = await Promise.all([runCli([...args, '--json']), runCli([...args, '--no-color'])]);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { points: { value: number; invariants: Record<string, { seedsBroken: number }> }[] };
    expect(json.points.map((point) => point.value)).toEqual([0, 0.01, 0.02, 0.03]);
    const loss = json.points.map((point) => point.invariants.loss.seedsBroken);
    expect(loss[0]).toBe(0);
    expect(loss[1]).toBeGreaterThan(0);
    expect(loss[3]).toBeGreaterThan(loss[1]);
    for (let index = 1; index < loss.length; index++) expect(loss[index], String(loss)).toBeGreaterThanOrEqual(loss[index - 1]);
    expect(text.stdout).toContain('loss: share of seeds broken as drop grows');
    expect(text.stdout).toMatch(new RegExp(`0\\.03 │█+ ${Math.round((loss[3] / 40) * 1000) / 10}%`));
  });

  it('--vary with values listed: RabbitMQ 4.3 keeps redelivering a nacked poison message that 4.2 dead-letters, in text, JSON and a bar chart', async () => {
    const report = join(dir, 'releases.md');
    const args = ['sweep', '--broker', 'rabbitmq', '--scenario', 'delivery-limit-dead-letters', '--seeds', '3', '--vary', 'rabbitmq-version=4.2,4.3'];
    const [run, text] = await Promise.all([runCli([...args, '--json', '--report', report]), runCli([...args, '--no-color'])]);
    expect(run.status, run.stderr).toBe(1);
    const json = JSON.parse(run.stdout) as { vary: Record<string, unknown>; points: { value: string; verdict: string; invariants: Record<string, { seedsBroken: number }> }[] };
    expect(json.vary).toEqual({ name: 'rabbitmq-version', target: 'setting', values: ['4.2', '4.3'] });
    expect(json.points.map((point) => [point.value, point.verdict, point.invariants.liveness.seedsBroken])).toEqual([['4.2', 'ok', 0], ['4.3', 'violated', 3]]);
    expect(text.stdout).toContain('· rabbitmq-version over 4.2, 4.3');
    expect(text.stdout).toContain('liveness: share of seeds broken at each value of rabbitmq-version');
    expect(text.stdout).toContain('replay the first violation (at rabbitmq-version=4.3)');
    const markdown = readFileSync(report, 'utf8');
    expect(markdown).toContain('## Seeds broken at each value of rabbitmq-version');
    const blocks = mermaidBlocks(markdown);
    expect(blocks.some((block) => block.includes('    bar [0, 100]'))).toBe(true);
    for (const block of blocks) await expect(parseMermaid(block)).resolves.toBe('xychart');
  });

  it('--report: a matrix, charts mermaid parses, replay commands, fault kinds', async () => {
    const plain = join(dir, 'plain.md');
    const varied = join(dir, 'varied.md');
    const runs = await Promise.all([
      runCli(['sweep', ...WORLD, '--seeds', '60', '--report', plain, '--json']),
      runCli(['sweep', '--mode', 'at-most-once', '--seeds', '30', '--vary', 'max-in-flight=1..3:1', '--report', varied, '--json']),
    ]);
    expect(runs[0].status, runs[0].stderr).toBe(1);
    expect(runs[1].status, runs[1].stderr).toBe(0);
    for (const [file, charts] of [[plain, 1], [varied, 1]] as const) {
      const markdown = readFileSync(file, 'utf8');
      const blocks = mermaidBlocks(markdown);
      expect(blocks.length, file).toBeGreaterThanOrEqual(charts);
      for (const block of blocks) await expect(parseMermaid(block)).resolves.toBe('xychart');
      expect(markdown).toContain('## First failing seeds');
      expect(markdown).toMatch(/`[^`]*simulate --mode at-(least|most)-once --seed \d+ [^`]*`/);
      expect(markdown).toContain('## Fault kinds that fired');
    }
    const report = readFileSync(plain, 'utf8');
    const json = JSON.parse(runs[0].stdout) as { invariants: { loss: { seedsBroken: number; examples: number[] } } };
    expect(report).toMatch(new RegExp(`\\| loss +\\| yes +\\| +${json.invariants.loss.seedsBroken} of 60 \\|`));
    expect(report).toContain(`--seed ${json.invariants.loss.examples[0]} `);
  });
});

describe('progress', () => {
  const hasScript = spawnSync('script', ['--version']).status === 0;
  /** The CLI under a pseudo-terminal (util-linux script): everything the terminal received. */
  function underTerminal(args: string, env: Record<string, string> = {}): Promise<string> {
    const { CI: _ci, ...rest } = process.env;
    return new Promise((resolve) => {
      execFile('script', ['-qfc', `${JSON.stringify(process.execPath)} ${CLI_MAIN} ${args} >/dev/null`, '/dev/null'], { cwd: ROOT, env: { ...rest, ...env }, encoding: 'utf8' }, (_error, stdout) => resolve(stdout));
    });
  }

  it.skipIf(!hasScript)('is drawn on a terminal: done/total, rate, ETA and breaks; not with --json or CI=true', async () => {
    const [sweep, check, json, ci] = await Promise.all([
      underTerminal('sweep --mode at-least-once --faults chaos --seeds 100 --workers 1'),
      underTerminal('check --mode at-least-once --runs 40 --workers 1'),
      underTerminal('sweep --seeds 100 --workers 1 --json'),
      underTerminal('sweep --seeds 100 --workers 1', { CI: 'true' }),
    ]);
    expect(sweep).toMatch(/sweep .*\d+\/100 seeds · \d[\d,]*\/s · ETA \d+s · broken in duplicates \d+/);
    expect(check).toMatch(/check .*\/40 plans · .*\/s · ETA/);
    expect(json).not.toContain('seeds ·');
    expect(ci).not.toContain('seeds ·');
    expect(ci).toBe('');
  });

  it.skipIf(!hasScript)('is drawn for a single run that takes longer than a second, and cleared before its output', async () => {
    const [long, short, json, ci] = await Promise.all([
      underTerminal('--messages 60000'),
      underTerminal('--messages 40'),
      underTerminal('--messages 60000 --json'),
      underTerminal('--messages 60000', { CI: 'true' }),
    ]);
    expect(long).toMatch(/simulate \[.*\] \d+\/60000 messages applied · \d[\d,]*\/s · ETA [\dhms]+ · [\d.,]+( M)? events/);
    // The line is cleared when the run ends (the printed run follows on a clean line).
    expect(long).toContain('\u001b[2K');
    for (const quiet of [short, json, ci]) expect(quiet).not.toContain('messages applied');
  });

  it('never appears in a pipe', async () => {
    const run = await runCli(['sweep', '--seeds', '100', '--faults', 'chaos']);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain('ETA');
  });
});
