/** `--trace <file>`: NDJSON written atomically, never over an existing file without --force. */
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { traceHash } from '../../sim/trace.js';
import type { TraceRecord } from '../../sim/trace.js';
import { expectOneLineError, requireBuiltCli, runCli } from '../helpers/cli.js';

beforeAll(requireBuiltCli);

const freshDir = (): string => mkdtempSync(join(tmpdir(), 'simulate-trace-'));

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
