/**
 * The shipped bin is the bundle (scripts/bundle-cli.mjs): it prints what the unbundled build prints, its code cache
 * belongs to its bundle, and `npm pack` ships all of it. Every other CLI test runs the bin too (test/helpers/cli.ts),
 * the worker pool's and --handler's threads included.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_MAIN, ROOT } from '../helpers/build.js';
import { requireBuiltCli, runCli } from '../helpers/cli.js';
import type { CliRun } from '../helpers/cli.js';

beforeAll(requireBuiltCli);

const BIN_DIR = join(ROOT, 'dist', 'bin');

/** tsc's unbundled CLI, which the bundle is built from: the reference the bin must match. */
function runUnbundled(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), ...args], { cwd: ROOT, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

describe('the shipped bin', () => {
  it("is package.json's bin, executable, with a node hashbang", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(join(ROOT, manifest.bin.simulate)).toBe(CLI_MAIN);
    expect(statSync(CLI_MAIN).mode & 0o111).toBe(0o111);
    expect(readFileSync(CLI_MAIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it.each([
    [['--seed', '42', '--no-color']],
    [['--broker', 'rabbitmq', '--mode', 'exactly-once', '--seed', '7', '--no-color']],
    [['--seed', '3', '--messages', 'many']],
  ])('simulate %j prints exactly what the unbundled build prints, with its exit code', async (args) => {
    const [bundled, unbundled] = await Promise.all([runCli(args), runUnbundled(args)]);
    expect(bundled).toEqual(unbundled);
  });

  it("runs from V8's code cache of this very bundle", () => {
    const bundle = readFileSync(join(BIN_DIR, 'cli.cjs'));
    const hash = createHash('sha256').update(bundle).digest('hex').slice(0, 16);
    const caches = readdirSync(BIN_DIR).filter((name) => name.endsWith('.cache'));
    expect(caches).toEqual([`cli-${hash}.cache`]);
    expect(statSync(join(BIN_DIR, caches[0])).size).toBeGreaterThan(100_000);
    // The launcher reads the cache named after the bundle it was built with.
    expect(readFileSync(CLI_MAIN, 'utf8')).toContain(`cli-${hash}.cache`);
  });

  it('npm pack ships the bin, its bundle, cache and workers', () => {
    const pack = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    const [{ files }] = JSON.parse(pack.stdout) as [{ files: { path: string; mode: number }[] }];
    const shipped = new Map(files.map((file) => [file.path, file.mode]));
    for (const name of readdirSync(BIN_DIR)) expect(shipped.has(`dist/bin/${name}`), name).toBe(true);
    expect(shipped.get('dist/bin/simulate.cjs')! & 0o111).toBe(0o111);
    expect([...shipped.keys()].filter((path) => /^dist\/bin\/(?:scale|handler-sync)-worker\.mjs$/.test(path))).toHaveLength(2);
  });
});
