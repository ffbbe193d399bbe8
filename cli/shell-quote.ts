/** Quote arguments so a printed command can be pasted back into a POSIX shell. */
export function shellQuote(args: readonly string[]): string {
  return args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function replayCommand(args: readonly string[]): string {
  return shellQuote(['simulate', ...args]);
}
