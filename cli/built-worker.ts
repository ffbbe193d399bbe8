/**
 * A worker thread's compiled module. The shipped bin is a bundle (scripts/bundle-cli.mjs) with its workers bundled
 * beside it; tsc's dist/ has each worker beside its caller; under vitest the caller is TypeScript source, and a thread
 * cannot load that, so this points at the build (test/global-setup.ts makes it).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Replaced by `true` in the bundle (esbuild's define); undeclared everywhere else. */
declare const SIMULATE_BUNDLE: boolean | undefined;

/** `callerUrl`: the caller's import.meta.url; `folder`: its folder under cli/ (e.g. `scale`). */
export function builtWorker(callerUrl: string, folder: string): string {
  const here = fileURLToPath(callerUrl);
  if (typeof SIMULATE_BUNDLE !== 'undefined' && SIMULATE_BUNDLE) return join(dirname(here), `${folder}-worker.mjs`);
  if (here.endsWith('.js')) return join(dirname(here), 'worker.js');
  const built = join(dirname(here), '..', '..', 'dist', 'cli', folder, 'worker.js');
  if (!existsSync(built)) throw new Error(`the worker threads run the built ${built}; run npm run build first`);
  return built;
}
