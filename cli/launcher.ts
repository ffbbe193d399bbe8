#!/usr/bin/env node
/**
 * The shipped bin, built by scripts/bundle-cli.mjs into dist/bin/simulate.cjs: it runs the bundled CLI (cli.cjs beside
 * it) through V8's code cache. Most of a short run's own time is V8 parsing and compiling the CLI (the bundle at load,
 * then each function on its first call); the build makes that cache once, after a warm-up run, so a run starts from
 * compiled bytecode. Node 20 has no module compile cache (module.enableCompileCache is Node 22), hence vm.Script.
 * A cache that V8 rejects (another Node version, other V8 flags) or that is missing only costs the speed-up.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

/** The bundle's content hash, set by the build (esbuild's define): a cache made from another bundle is never read. */
declare const SIMULATE_BUNDLE_HASH: string;

const bundle = join(__dirname, 'cli.cjs');
const cacheFile = join(__dirname, `cli-${SIMULATE_BUNDLE_HASH}.cache`);

function readCache(): Buffer | undefined {
  try {
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

// CommonJS's own wrapper, so the bundle sees the require, module and __filename it would have if node loaded it, and
// this module's import() (cli/import-module.ts): V8 gives code compiled from a cache none of its own.
const script = new Script(`(function (exports, require, module, __filename, __dirname, __simulateImport) {${readFileSync(bundle, 'utf8')}\n})`, {
  filename: bundle,
  cachedData: readCache(),
});
// The build's warm-up run writes the cache at exit, when it holds every function that run compiled.
if (process.env.SIMULATE_WRITE_CODE_CACHE === '1') process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
const bundleModule = { exports: {} };
const importModule = (specifier: string): Promise<unknown> => import(specifier);
(script.runInThisContext() as (...args: unknown[]) => void).call(bundleModule.exports, bundleModule.exports, createRequire(bundle), bundleModule, bundle, __dirname, importModule);
