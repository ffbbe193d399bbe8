import { INVOCATION } from './invocation.js';

/** Quote arguments so a printed command can be pasted back into a POSIX shell. */
export function shellQuote(args: readonly string[]): string {
  return args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * The one place a replay command is made (text, JSON, plan files, reports): the arguments after the program, as
 * this install runs it (`simulate` or `npx simulate`, see invocation.ts).
 */
export function replayCommand(args: readonly string[]): string {
  return args.length === 0 ? INVOCATION : `${INVOCATION} ${shellQuote(args)}`;
}
