/**
 * Temporary folders for one test file, removed once its tests are done: `npm test` left some forty folders in the
 * system's temp folder on every run (a thousand after a day of runs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Call at a test file's top level (or in a describe): the factory it returns makes fresh folders, all removed after the file. */
export function tempDirs(prefix: string, root: string = tmpdir()): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(root, prefix));
    made.push(dir);
    return dir;
  };
}
