/**
 * Standard output that cannot be written. A reader that stopped early (`simulate | head`: EPIPE) is no error:
 * the rest of the output is dropped quietly, files are still written, and the exit code is the command's. A
 * full disk or device (`> /dev/full`: ENOSPC), or any other failure, is one line on stderr and exit 2 — never
 * a stack trace, and never exit 1, which means a violated promise.
 */
import { reasonOf } from './files.js';
import { EXIT_USAGE } from './usage-error.js';

export function guardStandardStreams(): void {
  let stdoutFailed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // After the first error the stream is destroyed, and later writes are dropped without another one.
    if (error.code === 'EPIPE' || stdoutFailed) return;
    stdoutFailed = true;
    process.stderr.write(`simulate: cannot write standard output: ${reasonOf(error.code ?? error.message)}\n`);
  });
  // Nowhere left to say that stderr failed; unheard, its error would crash the CLI with exit 1.
  process.stderr.on('error', () => {});
  // The command sets its exit code when it returns, possibly after the error arrived (it is emitted on a later tick).
  process.on('exit', () => {
    if (stdoutFailed) process.exitCode = EXIT_USAGE;
  });
}
