/**
 * Output files (--trace, --emit-plan, --report) written so that nothing is lost, half-written or silently
 * replaced:
 * - Checked before the run, together: a bad path, an existing file without --force, something that is not a
 *   regular file, or two options naming one file (by any spelling) is exit 2 before anything runs.
 * - Written to a temp file beside the target and moved into place. Without --force by a hard link, which
 *   fails when a file appeared at the target during the run (it is then not replaced); with --force by a
 *   rename, and only over a regular file. An interrupted write leaves the old file or none, never half a file.
 * - Devices and pipes (`/dev/stdout`, `/dev/null`, a FIFO) are written straight to: a rename would replace the
 *   node itself. A symlink is followed (the file it points to is replaced, not the link).
 * - Temp files are named `.simulate-<pid>-<n>.tmp` (short, so any name that fits NAME_MAX can be written); one
 *   left behind by a run that was killed (no process with its pid runs) is removed the next time a file is
 *   written into that folder.
 */
import { accessSync, closeSync, constants, copyFileSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { quoteInput } from '../models/quote.js';
import { UsageError } from './usage-error.js';

/** An output target the running command checked: the write at the end needs its --force and its identity. */
interface CheckedTarget {
  path: string;
  force: boolean;
  /** The file it names, whatever the spelling (undefined for streams, which several outputs may share). */
  identity?: string;
}

/** By option (`--trace`): the targets of the command this process runs. */
const checkedTargets = new Map<string, CheckedTarget>();

/**
 * Check every output target of a command before it runs (fail fast, exit 2): each as checkWritableTarget does,
 * and no two naming the same file. `targets` maps options to paths (undefined: the option was not given).
 */
export function checkOutputTargets(targets: Readonly<Record<string, string | undefined>>, force: boolean): void {
  checkedTargets.clear();
  for (const [option, path] of Object.entries(targets)) if (path !== undefined) checkWritableTarget(option, path, force);
}

const NAME_BYTES_MAX = 255;

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/** What an fs error code means, in words, for the messages that echo it (the code stays, for searching). */
export function reasonOf(code: string): string {
  const words: Record<string, string> = {
    ENAMETOOLONG: `a name on the path is too long (at most ${NAME_BYTES_MAX} bytes each)`,
    ELOOP: 'too many symbolic links (a loop?)',
    EACCES: 'permission denied',
    ENOSPC: 'no space left on the device',
  };
  return Object.hasOwn(words, code) ? `${words[code]} (${code})` : code;
}

/** "a socket", "a character device": what a non-regular file is, for messages. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isSocket()) return 'a socket';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

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
    if (!stats.isDirectory()) throw new UsageError(`invalid ${option} ${quoteInput(path)}: ${directory} is a file, expected a folder on the way`);
    try {
      accessSync(directory, constants.W_OK);
    } catch {
      throw new UsageError(`invalid ${option} ${quoteInput(path)}: the folder ${directory} is not writable`);
    }
    return;
  }
}

/**
 * A stream rather than a file: a device or pipe, a file descriptor's name (`/dev/stdout` may lead to the very
 * file the shell redirected stdout to; renaming over it would lose what was printed before), or under /proc.
 * Other paths under /dev are what they are: a regular file in /dev/shm is replaced only with --force.
 */
function isStream(path: string): boolean {
  if (/^\/(proc\/|dev\/(fd\/|stdin$|stdout$|stderr$))/.test(resolve(path))) return true;
  try {
    const stats = statSync(path);
    return stats.isCharacterDevice() || stats.isBlockDevice() || stats.isFIFO();
  } catch {
    return false;
  }
}

/**
 * What is at `path`, links followed: undefined when nothing is (or a folder on the way is missing or a file:
 * checkParentWritable explains that). A link to nothing and a path the system cannot look up are bad input.
 */
function statTarget(option: string, path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new UsageError(`invalid ${option} ${quoteInput(path)}: ${reasonOf(code)}`);
  }
  let link;
  try {
    link = lstatSync(path);
  } catch {
    return undefined;
  }
  // Writing would replace the link itself with a regular file (or create a file where the link points).
  if (link.isSymbolicLink()) throw new UsageError(`invalid ${option} ${quoteInput(path)}: it is a symbolic link to a missing file; give the file it should point to`);
  return undefined;
}

/** The file a path names, whatever its spelling: `o.txt`, `./o.txt`, a link to it, or a hard link all give one identity. */
function identityOf(path: string, stats: Stats | undefined): string {
  if (stats !== undefined) return `file ${stats.dev}:${stats.ino}`;
  // Not there yet: the real path of its nearest existing folder, plus the names below it.
  const names: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      return `path ${join(realpathSync(current), ...names.reverse())}`;
    } catch {
      const parent = dirname(current);
      if (parent === current) return `path ${join(current, ...names.reverse())}`;
      names.push(basename(current));
      current = parent;
    }
  }
}

/** Check a target path before the (possibly long) run, so bad paths fail fast with exit 2. */
export function checkWritableTarget(option: string, path: string, force: boolean): void {
  if (path.trim() === '') throw new UsageError(`invalid ${option} "": expected a file path`);
  // `-` is stdout to many tools; here it would silently become a file named "-" next to the user's work.
  if (path === '-') throw new UsageError(`invalid ${option} "-": expected a file path (for standard output, give /dev/stdout)`);
  if (isStream(path)) {
    checkedTargets.set(option, { path, force });
    return;
  }
  if (Buffer.byteLength(basename(resolve(path))) > NAME_BYTES_MAX) throw new UsageError(`invalid ${option} ${quoteInput(path)}: ${reasonOf('ENAMETOOLONG')}`);
  const stats = statTarget(option, path);
  if (stats === undefined) checkParentWritable(option, path);
  else if (stats.isDirectory()) throw new UsageError(`invalid ${option} ${quoteInput(path)}: it is a directory, expected a file path`);
  else if (!stats.isFile()) throw new UsageError(`invalid ${option} ${quoteInput(path)}: it is ${kindOf(stats)}, expected a file path`);
  else if (!force) throw new UsageError(`refusing to overwrite ${path} (given as ${option}); pass --force to replace it`);
  const identity = identityOf(path, stats);
  for (const [other, target] of checkedTargets) {
    if (other !== option && target.identity === identity) {
      throw new UsageError(`${other} ${quoteInput(target.path)} and ${option} ${quoteInput(path)} name the same file: one would replace the other; give each output its own file`);
    }
  }
  checkedTargets.set(option, { path, force, identity });
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

/** Temp files this process wrote: numbered, so two outputs in one folder never share one. */
let tempFilesWritten = 0;

const TEMP_FILE = /^\.simulate-(\d+)-\d+\.tmp$/;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return errorCode(error) === 'EPERM';
  }
}

/**
 * Remove temp files that runs killed mid-write left in `directory` (their process is gone): ours, and the
 * `.<name>.<pid>.tmp` files earlier versions wrote beside `name`. Best effort: a folder we cannot list is left as is.
 */
function removeLeftoverTempFiles(directory: string, name: string): void {
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch {
    return;
  }
  const legacyPrefix = `.${name}.`;
  for (const entry of entries) {
    const legacy = entry.startsWith(legacyPrefix) ? /^(\d+)\.tmp$/.exec(entry.slice(legacyPrefix.length)) : null;
    const pid = TEMP_FILE.exec(entry)?.[1] ?? legacy?.[1];
    if (pid === undefined || isRunning(Number(pid))) continue;
    try {
      if (lstatSync(join(directory, entry)).isFile()) unlinkSync(join(directory, entry));
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/** Hard links are not available on every file system (FAT, some network and FUSE mounts). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS', 'EMLINK']);

/** Without --force: put the temp file in place only if nothing is at the target now (link fails when something is). */
function createExclusive(option: string, given: string, temp: string, path: string): void {
  const refuse = (): UsageError => new UsageError(`refusing to overwrite ${given} (given as ${option}; it appeared during the run); pass --force to replace it`);
  try {
    linkSync(temp, path);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') throw refuse();
    if (!NO_HARD_LINKS.has(code)) throw error;
    // Still exclusive (O_EXCL), though a crash mid-write could leave part of the file.
    try {
      copyFileSync(temp, path, constants.COPYFILE_EXCL);
    } catch (fallbackError) {
      if (errorCode(fallbackError) === 'EEXIST') throw refuse();
      throw fallbackError;
    }
  }
}

/** With --force: rename over the target, unless it is (now) something other than a regular file. */
function replaceRegular(option: string, given: string, temp: string, path: string): void {
  let stats: Stats | undefined;
  try {
    stats = lstatSync(path);
  } catch {
    stats = undefined;
  }
  if (stats !== undefined && !stats.isFile()) throw new UsageError(`refusing to replace ${quoteInput(given)} (given as ${option}): it is ${kindOf(stats)}, not a regular file`);
  renameSync(temp, path);
}

export function writeFileAtomic(option: string, given: string, content: string): void {
  if (isStream(given)) return writeStraight(option, given, content);
  const checked = checkedTargets.get(option);
  const force = checked !== undefined && checked.path === given && checked.force;
  const path = followLink(option, given);
  const directory = dirname(path);
  let temp: string | undefined;
  try {
    makeParents(directory);
    removeLeftoverTempFiles(directory, basename(path));
    temp = join(directory, `.simulate-${process.pid}-${++tempFilesWritten}.tmp`);
    writeFileSync(temp, content, { flag: 'wx' });
    if (force) replaceRegular(option, given, temp, path);
    else createExclusive(option, given, temp, path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot write ${option} ${quoteInput(given)}: ${reasonOf(errorCode(error))}`);
  } finally {
    // After a rename it is gone already; after a link it is the second name of the written file.
    if (temp !== undefined) removeQuietly(temp);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // nothing to remove
  }
}

/** The file a symlink points to (renaming over the link would replace the link); the path itself otherwise. */
function followLink(option: string, path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // A link to nothing (it may have appeared during the run): refused rather than replaced by a file.
    statTarget(option, path);
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
    throw new UsageError(`cannot write ${option} ${quoteInput(path)}: ${reasonOf(errorCode(error))}`);
  }
}

/** Bytes gathered before a write to a streamed output: few system calls, little memory. */
const STREAM_CHUNK_CHARS = 1 << 20;

/**
 * An output written as the command goes (a trace too long to hold in memory), with writeFileAtomic's guarantees:
 * into a temp file beside the target, put in place by `finish` (after the run), removed by `abandon`. A device or
 * pipe is written straight to; the CLI's own stdout or stderr gets the text after the printed run (`finish`), so
 * that is gathered in memory as before.
 */
export class StreamedOutput {
  private fd: number | undefined;
  private temp: string | undefined;
  private pending = '';
  private readonly gathered: string[] | undefined;

  constructor(
    private readonly option: string,
    private readonly given: string,
  ) {
    if (ownStream(given) !== undefined) {
      this.gathered = [];
      return;
    }
    this.guard(() => {
      if (isStream(given)) {
        this.fd = openSync(given, 'w');
        return;
      }
      const directory = dirname(followLink(option, given));
      makeParents(directory);
      removeLeftoverTempFiles(directory, basename(given));
      this.temp = join(directory, `.simulate-${process.pid}-${++tempFilesWritten}.tmp`);
      this.fd = openSync(this.temp, 'wx');
    });
  }

  write(text: string): void {
    if (this.gathered !== undefined) {
      this.gathered.push(text);
      return;
    }
    this.pending += text;
    if (this.pending.length >= STREAM_CHUNK_CHARS) this.flush();
  }

  /** Put the file in place (refusing, as writeFileAtomic does, a file that appeared without --force). */
  finish(): void {
    if (this.gathered !== undefined) {
      writeStraight(this.option, this.given, this.gathered.join(''));
      return;
    }
    this.flush();
    this.close();
    const temp = this.temp;
    if (temp === undefined) return;
    const checked = checkedTargets.get(this.option);
    const force = checked !== undefined && checked.path === this.given && checked.force;
    try {
      this.guard(() => {
        const path = followLink(this.option, this.given);
        if (force) replaceRegular(this.option, this.given, temp, path);
        else createExclusive(this.option, this.given, temp, path);
      });
    } finally {
      removeQuietly(temp);
    }
  }

  /** The command failed before its files were due: leave nothing behind. */
  abandon(): void {
    this.close();
    if (this.temp !== undefined) removeQuietly(this.temp);
  }

  /** True when the output follows the printed text on the CLI's own stdout or stderr. */
  get followsText(): boolean {
    return this.gathered !== undefined;
  }

  private flush(): void {
    if (this.pending.length === 0 || this.fd === undefined) return;
    const fd = this.fd;
    const text = this.pending;
    this.pending = '';
    this.guard(() => writeSync(fd, text));
  }

  private close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private guard(body: () => void): void {
    try {
      body();
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`cannot write ${this.option} ${quoteInput(this.given)}: ${reasonOf(errorCode(error))}`);
    }
  }
}

/** A file a command writes: the option that named it, its path, its content. */
export interface OutputFile {
  option: string;
  path: string;
  content: string;
}

/**
 * Write a command's files, then print its text: a write that fails is exit 2 before the text claims another
 * exit code. Files bound for the CLI's own stdout or stderr (`--trace /dev/stdout`) follow the text, in order.
 */
export function writeFilesThenPrint(files: readonly OutputFile[], print: () => void): void {
  const afterText = files.filter((file) => ownStream(file.path) !== undefined);
  for (const file of files) if (!afterText.includes(file)) writeFileAtomic(file.option, file.path, file.content);
  print();
  for (const file of afterText) writeFileAtomic(file.option, file.path, file.content);
}
