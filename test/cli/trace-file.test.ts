/** `--trace <file>`: NDJSON written atomically, never over an existing file without --force. */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, constants, existsSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { traceHash } from '../../sim/trace.js';
import type { TraceRecord } from '../../sim/trace.js';
import { expectOneLineError, requireBuiltCli, runCli } from '../helpers/cli.js';
import type { CliRun } from '../helpers/cli.js';
import { tempDirs } from '../helpers/temp-dirs.js';

beforeAll(requireBuiltCli);

const freshDir = tempDirs('simulate-trace-');
const freshShmDir = tempDirs('simulate-', '/dev/shm');

describe.concurrent('--trace', () => {
  it('writes one JSON record per line, the records the trace hash is computed over', async () => {
    const dir = freshDir();
    const file = join(dir, 'run.ndjson');
    const run = await runCli(['--mode', 'at-least-once', '--seed', '42', '--trace', file, '--json']);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as { traceHash: string; stats: { traceRecords: number } };
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(json.stats.traceRecords);
    const records = lines.map((line) => JSON.parse(line) as TraceRecord);
    for (const record of records) {
      expect(Number.isInteger(record.t)).toBe(true);
      expect(typeof record.actor).toBe('string');
      expect(typeof record.kind).toBe('string');
    }
    expect(records.some((record) => record.kind === 'heal')).toBe(true);
    expect(traceHash(records)).toBe(json.traceHash);
    // Nothing else was left in the folder (no temp file).
    expect(readdirSync(dir)).toEqual(['run.ndjson']);
  });

  it('creates missing parent folders', async () => {
    const dir = freshDir();
    const file = join(dir, 'a', 'b', 'trace.ndjson');
    const run = await runCli(['--seed', '2', '--trace', file]);
    expect(run.status).toBe(0);
    expect(readFileSync(file, 'utf8').length).toBeGreaterThan(100);
  });

  it('is written for a VIOLATED run too (exit 1)', async () => {
    const file = join(freshDir(), 'violated.ndjson');
    const run = await runCli(['--mode', 'at-least-once', '--commit', 'before-process', '--scenario', 'crash-after-early-commit', '--trace', file]);
    expect(run.status).toBe(1);
    expect(readFileSync(file, 'utf8')).toContain('"kind":"crash"');
  });

  it('refuses to overwrite an existing file without --force, and leaves it untouched', async () => {
    const file = join(freshDir(), 'existing.ndjson');
    writeFileSync(file, 'keep me\n');
    const run = await runCli(['--seed', '3', '--trace', file]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^simulate: refusing to overwrite .*existing\.ndjson .*--force.*\n$/);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
  });

  it('replaces it with --force', async () => {
    const file = join(freshDir(), 'existing.ndjson');
    writeFileSync(file, 'old\n');
    const run = await runCli(['--seed', '3', '--trace', file, '--force']);
    expect(run.status).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('old');
    expect(JSON.parse(text.split('\n')[0])).toMatchObject({ t: 0 });
  });

  it('a directory as target is bad input: exit 2, one line', async () => {
    const dir = freshDir();
    for (const force of [[], ['--force']]) {
      const run = await runCli(['--seed', '3', '--trace', dir, ...force]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^simulate: invalid --trace ".*": it is a directory, expected a file path\n$/);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an unwritable path is bad input found before the run: exit 2, one line, no report, nothing written', async () => {
    const dir = freshDir();
    // A file where a folder should be: cannot be created, whoever runs the tests (root included).
    writeFileSync(join(dir, 'blocker'), 'x');
    for (const target of [join(dir, 'blocker', 'trace.ndjson'), join(dir, 'blocker', 'deeper', 'trace.ndjson')]) {
      const run = await runCli(['--seed', '3', '--trace', target]);
      expect(run.status).toBe(2);
      // Refused before running: no report on stdout that would claim another exit code.
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n')).toHaveLength(2);
      expect(run.stderr).toMatch(/^simulate: invalid --trace ".*blocker\/.*trace\.ndjson": .*blocker is a file, expected a folder on the way\n$/);
      expect(run.stderr).not.toContain('    at ');
    }
    expect(readdirSync(dir)).toEqual(['blocker']);
  });

  it('a read-only folder is refused before the run, and nothing is left in it', async () => {
    if (process.getuid?.() === 0) return; // root writes anywhere; the blocker test above covers the failure path
    const dir = freshDir();
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    const run = await runCli(['--seed', '3', '--trace', join(locked, 'trace.ndjson')]);
    chmodSync(locked, 0o755);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/is not writable\n$/);
    expect(existsSync(join(locked, 'trace.ndjson'))).toBe(false);
    expect(readdirSync(locked)).toEqual([]);
  });
});

describe.concurrent('--trace to a stream or through a link', () => {
  const small = ['--seed', '1', '--faults', 'none', '--messages', '2'];

  it('"-" is refused with a pointer to /dev/stdout, and no file named "-" appears', async () => {
    const dir = freshDir();
    expectOneLineError(await runCli([...small, '--trace', '-'], { cwd: dir }), ['--trace "-"', '/dev/stdout']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('/dev/stdout gets the trace after the printed run, needs no --force, and stays what it was', async () => {
    const before = lstatSync('/dev/stdout');
    const run = await runCli([...small, '--trace', '/dev/stdout']);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n').filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(5);
    expect(JSON.parse(lines[0])).toMatchObject({ t: 0 });
    expect(run.stdout).toContain('verdict: ok');
    const after = lstatSync('/dev/stdout');
    expect([after.isSymbolicLink(), after.isFile(), after.ino]).toEqual([before.isSymbolicLink(), before.isFile(), before.ino]);
  });

  it('/dev/null takes it without --force', async () => {
    expect((await runCli([...small, '--trace', '/dev/null'])).status).toBe(0);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('a symlink is followed: with --force the file it points to is replaced, the link stays a link', async () => {
    const dir = freshDir();
    const file = join(dir, 'real.ndjson');
    const link = join(dir, 'link.ndjson');
    writeFileSync(file, 'old\n');
    symlinkSync(file, link);
    expectOneLineError(await runCli([...small, '--trace', link]), ['refusing to overwrite']);
    expect((await runCli([...small, '--trace', link, '--force'])).status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/^\{"t":0,/);
    expect(readdirSync(dir).sort()).toEqual(['link.ndjson', 'real.ndjson']);
  });
});

/**
 * Run the CLI with `--plan <fifo>`: it checks its output targets, then blocks reading the plan until `during`
 * has run — a deterministic "meanwhile", between the check before the run and the write after it.
 */
async function runWhileBlocked(dir: string, args: readonly string[], during: () => void): Promise<CliRun> {
  const fifo = join(dir, 'plan.fifo');
  execFileSync('mkfifo', [fifo]);
  const running = runCli([...args, '--plan', fifo]);
  // Opening the write end returns once the CLI opened the read end: its targets are checked by then.
  const exited = running.then((run) => {
    // Release our open if the CLI never came to read (then fail with what it said).
    closeSync(openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK));
    throw new Error(`the CLI exited before reading the plan: ${run.stderr}`);
  });
  const writer = await Promise.race([open(fifo, 'w'), exited]);
  exited.catch(() => undefined);
  during();
  await writer.writeFile('{"version":1,"faults":[]}');
  await writer.close();
  return running;
}

const world = ['--seed', '1', '--messages', '2'];
const tiny = [...world, '--faults', 'none'];

describe.concurrent('output files at the edges', () => {
  it('two outputs naming one file, by any spelling, are refused before the run, and nothing is written', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'kept.txt'), 'keep\n');
    symlinkSync('kept.txt', join(dir, 'link.txt'));
    linkSync(join(dir, 'kept.txt'), join(dir, 'hard.txt'));
    mkdirSync(join(dir, 'sub'));
    const cases: [string[], string[]][] = [
      [['--trace', 'o.txt', '--emit-plan', 'o.txt'], ['--trace "o.txt" and --emit-plan "o.txt" name the same file']],
      [['--trace', 'o.txt', '--report', './sub/../o.txt'], ['--trace "o.txt" and --report "./sub/../o.txt" name the same file']],
      [['--emit-plan', join(dir, 'o.txt'), '--report', 'o.txt'], ['and --report "o.txt" name the same file']],
      [['--trace', 'kept.txt', '--report', 'link.txt', '--force'], ['--trace "kept.txt" and --report "link.txt" name the same file']],
      [['--trace', 'kept.txt', '--emit-plan', 'hard.txt', '--force'], ['--trace "kept.txt" and --emit-plan "hard.txt" name the same file']],
      [['compare', ...tiny, '--emit-plan', 'p.json', '--report', './p.json'], ['--emit-plan "p.json" and --report "./p.json" name the same file']],
      [['check', '--mode', 'at-least-once', '--runs', '1', '--emit-plan', 'p.json', '--report', 'sub/../p.json'], ['--emit-plan "p.json" and --report "sub/../p.json"']],
      [['shrink', '--mode', 'at-least-once', '--seed', '3', '--emit-plan', 'p.json', '--report', 'p.json'], ['--emit-plan "p.json" and --report "p.json"']],
    ];
    for (const [args, fragments] of cases) {
      const command = args[0] === 'compare' || args[0] === 'check' || args[0] === 'shrink' ? args : [...tiny, ...args];
      expectOneLineError(await runCli(command, { cwd: dir }), fragments);
    }
    expect(readdirSync(dir).sort()).toEqual(['hard.txt', 'kept.txt', 'link.txt', 'sub']);
    expect(readFileSync(join(dir, 'kept.txt'), 'utf8')).toBe('keep\n');
    // Streams are written to, not replaced: outputs may share one.
    expect((await runCli([...tiny, '--trace', '/dev/null', '--report', '/dev/null', '--emit-plan', '/dev/null'])).status).toBe(0);
  });

  it('a file that appears at the target during the run is not replaced without --force', async () => {
    for (const command of [[], ['compare']]) {
      const dir = freshDir();
      const target = join(dir, 'out.md');
      const option = command.length === 0 ? '--trace' : '--report';
      const run = await runWhileBlocked(dir, [...command, ...world, option, target], () => writeFileSync(target, 'keep me\n'));
      expectOneLineError(run, [`refusing to overwrite ${target} (given as ${option}; it appeared during the run); pass --force`]);
      expect(readFileSync(target, 'utf8')).toBe('keep me\n');
      expect(readdirSync(dir).sort()).toEqual(['out.md', 'plan.fifo']);
    }
  });

  it('with --force, what appears during the run is replaced only when it is a regular file', async () => {
    const dir = freshDir();
    const target = join(dir, 'trace.ndjson');
    const replaced = await runWhileBlocked(dir, [...world, '--trace', target, '--force'], () => writeFileSync(target, 'old\n'));
    expect(replaced.status).toBe(0);
    expect(readFileSync(target, 'utf8')).toMatch(/^\{"t":0,/);
    const linkDir = freshDir();
    const link = join(linkDir, 'trace.ndjson');
    const refused = await runWhileBlocked(linkDir, [...world, '--trace', link, '--force'], () => symlinkSync(join(linkDir, 'missing', 'file'), link));
    expectOneLineError(refused, ['invalid --trace', 'it is a symbolic link to a missing file']);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    // A device node, there before the run or appearing during it, is written to (mknod needs root).
    if (process.getuid?.() !== 0) return;
    const deviceDir = freshDir();
    const device = join(deviceDir, 'null');
    execFileSync('mknod', [device, 'c', '1', '3']);
    expect((await runCli([...tiny, '--trace', device, '--force'])).status).toBe(0);
    const later = join(deviceDir, 'later');
    expect((await runWhileBlocked(deviceDir, [...world, '--report', later, '--force'], () => execFileSync('mknod', [later, 'c', '1', '3']))).status).toBe(0);
    for (const path of [device, later]) expect(lstatSync(path).isCharacterDevice()).toBe(true);
    expect(readdirSync(deviceDir).sort()).toEqual(['later', 'null', 'plan.fifo']);
  });

  it('a failed write after the run prints no report claiming another exit code', async () => {
    const dir = freshDir();
    const run = await runWhileBlocked(dir, [...world, '--trace', join(dir, 'sub', 'trace.ndjson')], () => writeFileSync(join(dir, 'sub'), 'a file where the folder goes'));
    expectOneLineError(run, ['cannot write --trace', 'sub/trace.ndjson']);
    expect(readdirSync(dir).sort()).toEqual(['plan.fifo', 'sub']);
  });

  it('a link to nothing, a socket, or a regular file in /dev are not replaced', async () => {
    const dir = freshDir();
    symlinkSync(join(dir, 'nowhere', 'x'), join(dir, 'dangling'));
    for (const force of [[], ['--force']]) expectOneLineError(await runCli([...tiny, '--trace', join(dir, 'dangling'), ...force]), ['it is a symbolic link to a missing file']);
    expect(lstatSync(join(dir, 'dangling')).isSymbolicLink()).toBe(true);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'socket'), resolve));
    try {
      expectOneLineError(await runCli([...tiny, '--trace', join(dir, 'socket'), '--force']), ['it is a socket, expected a file path']);
    } finally {
      server.close();
    }
  });

  const shm = existsSync('/dev/shm') && lstatSync('/dev/shm').isDirectory();
  it.skipIf(!shm)(`a regular file under /dev (/dev/shm) needs --force like any other${shm ? '' : ' (skipped: no /dev/shm here)'}`, async () => {
    const file = join(freshShmDir(), 'kept.ndjson');
    writeFileSync(file, 'keep me\n');
    expectOneLineError(await runCli([...tiny, '--trace', file]), ['refusing to overwrite']);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
    expect((await runCli([...tiny, '--trace', file, '--force'])).status).toBe(0);
    expect(lstatSync(file).isFile()).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/^\{"t":0,/);
  });

  it('a 253-byte file name is written (the temp name is short); a 256-byte one is refused before the run', async () => {
    const dir = freshDir();
    const name = `${'n'.repeat(246)}.ndjson`;
    expect(Buffer.byteLength(name)).toBe(253);
    const run = await runCli([...tiny, '--trace', join(dir, name)]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readdirSync(dir)).toEqual([name]);
    const tooLong = `${'é'.repeat(124)}.ndjson`;
    expect(Buffer.byteLength(tooLong)).toBe(255);
    expect((await runCli([...tiny, '--trace', join(dir, tooLong), '--force'])).status).toBe(0);
    expectOneLineError(await runCli([...tiny, '--trace', join(dir, `${'n'.repeat(249)}.ndjson`)]), ['invalid --trace', 'too long (at most 255 bytes each) (ENAMETOOLONG)']);
    expect(readdirSync(dir).sort()).toEqual([name, tooLong].sort());
  });

  it('temp files left by a run killed mid-write are removed by the next write into that folder', async () => {
    const dir = freshDir();
    // The pid of a process that has exited: what `kill -9` during a write leaves behind.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const leftovers = [`.simulate-${dead}-1.tmp`, `.trace.ndjson.${dead}.tmp`];
    // A live process's temp file is its write in progress: left alone.
    const live = `.simulate-${process.pid}-1.tmp`;
    const unrelated = `.other.${dead}.tmp`;
    for (const name of [...leftovers, live, unrelated]) writeFileSync(join(dir, name), 'partial');
    const run = await runCli([...tiny, '--trace', join(dir, 'trace.ndjson')]);
    expect(run.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([live, unrelated, 'trace.ndjson'].sort());
  });
});
