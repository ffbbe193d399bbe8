/**
 * The command line's shape: the program (one run), its subcommands, their options grouped for --help, examples,
 * and how a word or option commander does not know is reported. Building it has no side effects (tests build it).
 */
import { Command, CommanderError, Option } from 'commander';
import { registerList } from './commands/list.js';
import { registerRun } from './commands/run.js';
import { decorateHelp } from './help.js';
import { INVOCATION } from './invocation.js';
import { toolVersion } from './report-output.js';

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
    .showSuggestionAfterError(true)
    // The run options live on the program itself and again on check/shrink/compare: without this, the
    // program would take `simulate check --mode x`'s --mode for itself.
    .enablePositionalOptions()
    // The program runs itself (one run) and has subcommands: a word it does not know is an unknown command, said
    // by commander's own machinery with its suggestion (below), not "too many arguments".
    .allowExcessArguments(true)
    .helpCommand(false);
  registerRun(program);
  program.hook('preAction', (_program, action) => {
    if (action === program && program.args.length > 0) unknownCommand(program, program.args[0]);
  });
  registerList(program);
  if (mayNameSubcommand(program, args)) {
    const [{ registerCheck }, { registerShrink }, { registerCompare }, { registerSweep }, { registerExplore }, { registerMerge }] = await Promise.all([
      import('./commands/check.js'),
      import('./commands/shrink.js'),
      import('./commands/compare.js'),
      import('./commands/sweep.js'),
      import('./commands/explore.js'),
      import('./commands/merge.js'),
    ]);
    registerCheck(program);
    registerShrink(program);
    registerCompare(program);
    registerSweep(program);
    registerExplore(program);
    registerMerge(program);
  }
  registerHelp(program);
  // -V as well: the flag commander offered before -v, kept working for scripts that use it.
  program.addOption(new Option('-V').hideHelp()).on('option:V', () => {
    process.stdout.write(`${toolVersion()}\n`);
    throw new CommanderError(0, 'commander.version', toolVersion());
  });
  program.optionsGroup('Help:').version(toolVersion(), '-v, --version', 'print the version');
  decorateHelp(program, 'simulate');
  program.exitOverride(stampHelpHint(`${INVOCATION} --help`)).configureOutput({ outputError: () => {} });
  for (const command of program.commands) {
    if (command.name() !== 'help') decorateHelp(command, command.name());
    command.exitOverride(stampHelpHint(`${INVOCATION} ${command.name()} --help`)).configureOutput({ outputError: () => {} }).allowExcessArguments(false);
  }
  return program;
}

/**
 * commander's own "unknown command 'chek'" error, with its suggestion from the visible commands. Command#unknownCommand
 * is not in commander's typings; it reads the name from `args[0]`.
 */
function unknownCommand(program: Command, name: string): never {
  program.args = [name];
  (program as unknown as { unknownCommand(): never }).unknownCommand();
  throw new Error('unreachable: commander did not throw for an unknown command');
}

/** `simulate help [command]`: the program's help, or a command's; an unknown name is an unknown command. */
function registerHelp(program: Command): void {
  program
    .command('help')
    .argument('[command]', 'a command: check, shrink, compare, sweep, explore, merge, list')
    .description("show the help of a command (or of simulate itself)")
    .action((name: string | undefined) => {
      if (name === undefined) program.help();
      const command = program.commands.find((item) => item.name() === name && item.name() !== 'help');
      if (command === undefined) unknownCommand(program, name);
      command.help();
    });
}

/** Which help to point at when a command's line is wrong (carried on the error to the one-line message). */
function stampHelpHint(hint: string): (error: CommanderError) => never {
  return (error) => {
    throw Object.assign(error, { helpHint: hint });
  };
}

