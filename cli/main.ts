#!/usr/bin/env node
/**
 * The composition root: the only place with process, fs and console. Exit codes: 0 every promised
 * invariant held, 1 a promised invariant was VIOLATED, 2 bad input (one line on stderr, never a stack trace).
 */
import { Command, CommanderError } from 'commander';
import { registerList } from './commands/list.js';
import { registerRun } from './commands/run.js';
import { guardStandardStreams } from './standard-streams.js';
import { boundedLine } from '../models/quote.js';
import { toolVersion } from './report-output.js';
import { EXIT_USAGE, UsageError } from './usage-error.js';

/**
 * check, shrink and compare load fast-check and the shrinker, most of a plain run's start-up time. They are
 * registered only when the command line may name a subcommand (a bare word that is not an option's value)
 * or asks for help, so `simulate --seed 42` does not pay for them.
 */
function mayNameSubcommand(program: Command, args: readonly string[]): boolean {
  const takesValue = new Set(program.options.filter((option) => option.required || option.optional).map((option) => option.long));
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (!arg.startsWith('-') || arg === '-h' || arg === '--help') return true;
    if (takesValue.has(arg)) index++;
  }
  return false;
}

export async function buildProgram(args: readonly string[] = process.argv.slice(2)): Promise<Command> {
  const program = new Command('simulate');
  program
    .description('Deterministic fault-injection simulator for message delivery guarantees (at-most-once, at-least-once, exactly-once).')
    .version(toolVersion(), '-V, --version')
    .showSuggestionAfterError(true)
    // The run options live on the program itself and again on check/shrink/compare: without this, the
    // program would take `simulate check --mode x`'s --mode for itself.
    .enablePositionalOptions()
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  registerRun(program);
  registerList(program);
  if (mayNameSubcommand(program, args)) {
    const [{ registerCheck }, { registerShrink }, { registerCompare }, { registerSweep }] = await Promise.all([
      import('./commands/check.js'),
      import('./commands/shrink.js'),
      import('./commands/compare.js'),
      import('./commands/sweep.js'),
    ]);
    registerCheck(program);
    registerShrink(program);
    registerCompare(program);
    registerSweep(program);
  }
  for (const command of program.commands) command.exitOverride().configureOutput({ outputError: () => {} }).allowExcessArguments(false);
  return program;
}

function fail(message: string): void {
  process.stderr.write(`simulate: ${boundedLine(message.replace(/^error: /, '').split('\n')[0])}\n`);
  process.exitCode = EXIT_USAGE;
}

guardStandardStreams();

try {
  // parseAsync: an action may load what it needs lazily (e.g. the report renderer only for --report).
  await (await buildProgram()).parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') process.exitCode = 0;
    else fail(`${error.message} (see simulate --help)`);
  } else if (error instanceof UsageError) {
    fail(error.message);
  } else {
    // A bug, not bad input: still one line, but say so, and exit 2 is not right either.
    process.stderr.write(`simulate: internal error: ${boundedLine(String((error as Error).message).split('\n')[0])}\n`);
    process.exitCode = 3;
  }
}
