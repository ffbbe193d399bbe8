#!/usr/bin/env node
/**
 * The composition root: the only place with process, fs and console. Exit codes: 0 every promised
 * invariant held, 1 a promised invariant was VIOLATED, 2 bad input (one line on stderr, never a stack trace),
 * 3 an internal error (a bug; one line too).
 */
import { CommanderError } from 'commander';
import { boundedLine } from '../models/quote.js';
import { RanWithLargerHeap } from './heap-guard.js';
import { INVOCATION } from './invocation.js';
import { buildProgram } from './program.js';
import { guardStandardStreams } from './standard-streams.js';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';
import { usageLine } from './usage-line.js';

function fail(message: string): void {
  process.stderr.write(`simulate: ${boundedLine(message.split('\n')[0])}\n`);
  process.exitCode = EXIT_USAGE;
}

/** True once main has returned or failed: the process exiting before that means something it awaited never settled. */
let finished = false;

/** Parse the line and run the command; every failure becomes its exit code and at most one line on stderr. */
async function main(): Promise<void> {
  try {
    // parseAsync: an action may load what it needs lazily (e.g. the report renderer only for --report).
    await (await buildProgram()).parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help or version asked for: 0. Help shown because the line was incomplete: usage, like any other usage error.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') process.exitCode = error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      else fail(usageLine(error.message, (error as CommanderError & { helpHint?: string }).helpHint ?? `${INVOCATION} --help`));
    } else if (error instanceof UsageError) {
      fail(error.message);
    } else if (error instanceof RanWithLargerHeap) {
      // The command ran whole in that process, which printed its own output and errors.
      process.exitCode = error.exitCode;
    } else {
      // A bug, not bad input: still one line, but say so; exit 2 would blame the user.
      process.stderr.write(`simulate: internal error: ${boundedLine(String((error as Error).message).split('\n')[0])} (a bug in simulate; please report it with the command)\n`);
      process.exitCode = EXIT_INTERNAL;
    }
  } finally {
    finished = true;
  }
}

// Node exits (with 0) when nothing is left to wait for, even if main is still awaiting: a handler module whose
// top-level await never settles. That is the user's module: one line, exit 2, not a silent success.
process.on('exit', () => {
  if (finished) return;
  process.stderr.write('simulate: stopped before the command finished: a promise it awaited can never settle (a --handler module whose top-level await waits on nothing?)\n');
  process.exitCode = EXIT_USAGE;
});

guardStandardStreams();
// Not a top-level await: the shipped bin is a CommonJS bundle (scripts/bundle-cli.mjs), which cannot have one.
void main();
