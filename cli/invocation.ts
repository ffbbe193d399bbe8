/**
 * How the user runs this CLI where they are, for the replay commands it prints. A printed `simulate ...` that
 * the user's shell cannot find is a dead end, so the prefix follows the install, read off this module's own
 * (symlink-resolved) path: deterministic for one install, whatever the working directory.
 */
import { fileURLToPath } from 'node:url';

export type Invocation = 'simulate' | 'npx simulate' | 'npx delivery-sim';

/**
 * - a global install (`npm i -g`: `<prefix>/lib/node_modules/...`, Windows `...\npm\node_modules\...`, pnpm's and
 *   yarn's global folders): the `simulate` bin is on the PATH;
 * - a one-off `npx delivery-sim` (npm's `_npx` cache): the bin is nowhere once it exits, so repeat the npx;
 * - a project's own dependency, or the project itself (a clone, `node dist/cli/main.js`): `npx simulate`, which
 *   finds the local bin from anywhere inside the project.
 * The first `node_modules` on the path decides: pnpm's real paths nest a second one inside the project's.
 */
export function invocationFor(scriptPath: string): Invocation {
  const segments = scriptPath.split(/[\\/]+/);
  const at = segments.indexOf('node_modules');
  if (at < 0) return 'npx simulate';
  if (segments.includes('_npx')) return 'npx delivery-sim';
  const parent = segments[at - 1] ?? '';
  const grandparent = segments[at - 2] ?? '';
  const global = parent === 'lib' || parent === 'npm' || (parent === 'global' && grandparent === 'yarn') || (grandparent === 'global' && segments[at - 3] === 'pnpm');
  return global ? 'simulate' : 'npx simulate';
}

/** This install's prefix (computed once: the path does not change while the process runs). */
export const INVOCATION: Invocation = invocationFor(fileURLToPath(import.meta.url));
