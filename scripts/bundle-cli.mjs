// The shipped CLI, after tsc has built the library (npm run build): one bundle instead of ~180 ES modules, because
// loading those was most of `simulate --seed 42`'s start-up time. dist/bin/ holds:
//   simulate.cjs             the bin: runs cli.cjs through V8's code cache (cli/launcher.ts)
//   cli.cjs                  cli/main.ts and everything it imports, commander, chalk and markdown-table included
//   cli-<hash>.cache         V8's code cache of cli.cjs, written by a warm-up run of the bin
//   scale-worker.mjs         the worker pool's module (cli/scale/worker.ts)
//   handler-sync-worker.mjs  the --handler worker of the synchronous searches (cli/handler-sync/worker.ts)
// CommonJS, not ESM, for the CLI: vm.Script can take a code cache on Node 20, an ES module cannot. The packages kept
// out are loaded only by some commands (tinypool by import(), being ESM-only), or are the user's (fast-check, a peer).
// cli/launcher.ts is CommonJS by nature (__dirname): tsconfig.build.json leaves it to this script.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const out = new URL('dist/bin/', root);
const path = (url) => decodeURIComponent(url.pathname);

rmSync(out, { recursive: true, force: true });

const common = {
  absWorkingDir: path(root),
  bundle: true,
  platform: 'node',
  // package.json's engines.
  target: 'node20.19',
  logLevel: 'warning',
  // builtWorker (cli/built-worker.ts) finds the bundled workers beside the bundle.
  define: { SIMULATE_BUNDLE: 'true' },
  // Folds the `SIMULATE_BUNDLE` branches and drops the code they make dead; names and layout stay readable.
  minifySyntax: true,
};

await build({
  ...common,
  entryPoints: ['cli/main.ts'],
  outfile: path(new URL('cli.cjs', out)),
  format: 'cjs',
  external: ['tinypool', 'synckit', 'fast-check', 'cli-progress'],
  define: { ...common.define, 'import.meta.url': '__bundleUrl', SIMULATE_IMPORT: '__simulateImport', SIMULATE_LAUNCHER_IMPORT: 'true' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

await build({
  ...common,
  entryPoints: { 'scale-worker': 'cli/scale/worker.ts', 'handler-sync-worker': 'cli/handler-sync/worker.ts' },
  outdir: path(out),
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  packages: 'external',
});

// The launcher reads the bundle inside its own function wrapper: no hashbang line there.
const bundleFile = path(new URL('cli.cjs', out));
const bundle = readFileSync(bundleFile, 'utf8').replace(/^#!.*\n/, '');
writeFileSync(bundleFile, bundle);
// Code from V8's cache has no import() of its own: every one must go through cli/import-module.ts.
if (/\bimport\(/.test(bundle)) throw new Error('dist/bin/cli.cjs calls import() directly; use importModule (cli/import-module.ts)');
const hash = createHash('sha256').update(bundle).digest('hex').slice(0, 16);

await build({
  ...common,
  entryPoints: ['cli/launcher.ts'],
  outfile: path(new URL('simulate.cjs', out)),
  format: 'cjs',
  define: { SIMULATE_BUNDLE_HASH: JSON.stringify(hash) },
});

// The warm-up run: V8 caches what it compiled for a plain run. Without NODE_OPTIONS, whose flags would make V8 reject
// the cache in a user's run without them.
const env = { ...process.env, SIMULATE_WRITE_CODE_CACHE: '1' };
delete env.NODE_OPTIONS;
const warmUp = spawnSync(process.execPath, [path(new URL('simulate.cjs', out)), '--seed', '42', '--no-color'], { env, encoding: 'utf8' });
if (warmUp.status !== 0) throw new Error(`the bundled CLI's warm-up run failed (exit ${warmUp.status}): ${warmUp.stderr}`);
if (!readdirSync(out).includes(`cli-${hash}.cache`)) throw new Error('the warm-up run wrote no code cache');
