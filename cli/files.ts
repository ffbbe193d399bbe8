/**
 * Output files written so that nothing is lost: parent folders created, content written to a temp file
 * beside the target and renamed over it (an interrupted run leaves the old file or none, never half a
 * file), and an existing file is only replaced when the user asked with --force.
 */
import { accessSync, constants, mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

/**
 * The nearest existing folder on the way to `path` must be a folder we may write in (missing ones are
 * created at write time). Checked before the run: finding out after it printed its report would leave a
 * report that says "exit 0" followed by an exit 2.
 */
function checkParentWritable(option: string, path: string): void {
  let directory = dirname(resolve(path));
  for (;;) {
    let stats;
    try {
      stats = statSync(directory);
    } catch {
      const parent = dirname(directory);
      if (parent === directory) return;
      directory = parent;
      continue;
    }
    if (!stats.isDirectory()) throw new UsageError(`invalid ${option} ${JSON.stringify(path)}: ${directory} is a file, expected a folder on the way`);
    try {
      accessSync(directory, constants.W_OK);
    } catch {
      throw new UsageError(`invalid ${option} ${JSON.stringify(path)}: the folder ${directory} is not writable`);
    }
    return;
  }
}

/** Check a target path before the (possibly long) run, so bad paths fail fast with exit 2. */
export function checkWritableTarget(option: string, path: string, force: boolean): void {
  if (path.trim() === '') throw new UsageError(`invalid ${option} "": expected a file path`);
  checkParentWritable(option, path);
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return;
  }
  if (stats.isDirectory()) throw new UsageError(`invalid ${option} ${JSON.stringify(path)}: it is a directory, expected a file path`);
  if (!force) throw new UsageError(`refusing to overwrite ${path} (given as ${option}); pass --force to replace it`);
}

/**
 * Create missing parent folders one level at a time. Node's `mkdirSync(..., { recursive: true })` spins
 * forever on some paths (e.g. under /proc, where mkdir answers ENOENT for an existing parent).
 */
function makeParents(directory: string): void {
  const missing: string[] = [];
  let current = resolve(directory);
  for (;;) {
    try {
      statSync(current);
      break;
    } catch {
      missing.push(current);
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  for (const folder of missing.reverse()) mkdirSync(folder);
}

export function writeFileAtomic(option: string, path: string, content: string): void {
  const directory = dirname(path);
  const temp = join(directory, `.${basename(path)}.${process.pid}.tmp`);
  try {
    makeParents(directory);
    writeFileSync(temp, content);
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing was written
    }
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot write ${option} ${JSON.stringify(path)}: ${reason}`);
  }
}
