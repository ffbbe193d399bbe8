/**
 * Output files written so that nothing is lost: parent folders created, content written to a temp file
 * beside the target and renamed over it (an interrupted run leaves the old file or none, never half a
 * file), and an existing file is only replaced when the user asked with --force. A symlink is followed (the
 * file it points to is replaced, not the link), and devices and pipes (`/dev/stdout`, a FIFO) are written
 * straight to: a rename would replace the device node itself.
 */
import { accessSync, constants, mkdirSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
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

/**
 * A stream rather than a file: a device or pipe, or anything under /dev or /proc (`/dev/stdout` may lead to
 * the very file the shell redirected stdout to; renaming over it would lose what was printed before).
 */
function isStream(path: string): boolean {
  if (/^\/(dev|proc)\//.test(resolve(path))) return true;
  try {
    const stats = statSync(path);
    return !stats.isFile() && !stats.isDirectory();
  } catch {
    return false;
  }
}

/** Check a target path before the (possibly long) run, so bad paths fail fast with exit 2. */
export function checkWritableTarget(option: string, path: string, force: boolean): void {
  if (path.trim() === '') throw new UsageError(`invalid ${option} "": expected a file path`);
  // `-` is stdout to many tools; here it would silently become a file named "-" next to the user's work.
  if (path === '-') throw new UsageError(`invalid ${option} "-": expected a file path (for standard output, give /dev/stdout)`);
  if (isStream(path)) return;
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

export function writeFileAtomic(option: string, given: string, content: string): void {
  if (isStream(given)) return writeStraight(option, given, content);
  const path = followLink(given);
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
    throw new UsageError(`cannot write ${option} ${JSON.stringify(given)}: ${reason}`);
  }
}

/** The file a symlink points to (renaming over the link would replace the link); the path itself otherwise. */
function followLink(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The process's own stdout or stderr, by any of its names: written through the stream the CLI prints on. */
function ownStream(path: string): NodeJS.WriteStream | undefined {
  const fd = /^\/dev\/(stdout|stderr)$/.exec(resolve(path))?.[1] ?? /^\/(?:dev|proc\/self)\/fd\/([12])$/.exec(resolve(path))?.[1];
  if (fd === 'stdout' || fd === '1') return process.stdout;
  if (fd === 'stderr' || fd === '2') return process.stderr;
  return undefined;
}

function writeStraight(option: string, path: string, content: string): void {
  // Opening /dev/stdout fails when stdout is a socket (ENXIO), and would interleave with what was printed.
  const stream = ownStream(path);
  if (stream !== undefined) {
    stream.write(content);
    return;
  }
  try {
    writeFileSync(path, content);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot write ${option} ${JSON.stringify(path)}: ${reason}`);
  }
}
