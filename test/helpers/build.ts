/**
 * Build dist/ once for every test file that runs the CLI, and only when the sources changed: a content
 * hash of the build inputs is stamped beside the output, and a lock directory keeps two concurrent test
 * runs (or two vitest projects) from writing dist/ at the same time.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The shipped bin (package.json's `bin`): the bundled CLI that scripts/bundle-cli.mjs builds. */
export const CLI_MAIN = join(ROOT, 'dist', 'bin', 'simulate.cjs');
const STAMP = join(ROOT, 'dist', '.build-stamp');
const LOCK = join(ROOT, 'dist', '.build-lock');
const LOCK_STALE_MS = 180_000;

function buildInputs(): string[] {
  const config = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
  const files = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/bundle-cli.mjs'].map((name) => join(ROOT, name));
  const walk = (path: string): void => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) walk(join(path, entry));
    } else if (path.endsWith('.ts') || path.endsWith('.json')) {
      files.push(path);
    }
  };
  for (const entry of config.include) walk(join(ROOT, entry));
  return files;
}

export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of buildInputs()) {
    hash.update(file.slice(ROOT.length));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

function withLock<T>(body: () => T): T {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + LOCK_STALE_MS + 10_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      let age: number;
      try {
        age = Date.now() - statSync(LOCK).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      // A build killed half-way leaves its lock behind; nobody's tsc takes minutes.
      if (age > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`could not take the build lock ${LOCK}`);
      sleep(200);
    }
  }
  try {
    return body();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Runs `npm run build` unless dist/ was built from exactly these sources. Returns an error text, or undefined. */
export function ensureBuilt(): string | undefined {
  return withLock(() => {
    const hash = sourceHash();
    if (existsSync(CLI_MAIN) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash) return undefined;
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const build = spawnSync(npm, ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) return `npm run build failed (exit ${build.status}):\n${build.stdout}${build.stderr}`;
    writeFileSync(STAMP, hash);
    return undefined;
  });
}
