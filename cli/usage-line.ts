/**
 * Commander's usage errors as the CLI's one line: "error: unknown command 'chek'\n(Did you mean check?)" becomes
 * "unknown command 'chek' — did you mean 'check'?"; without a suggestion, where to look (`see simulate --help`).
 */
export function usageLine(commanderMessage: string, helpHint: string): string {
  const [first, ...rest] = commanderMessage.replace(/^error: /, '').split('\n');
  const suggestion = /^\(Did you mean (one of )?(.+)\?\)$/.exec(rest.join(' ').trim());
  if (suggestion === null) return `${first} (see ${helpHint})`;
  const names = suggestion[2].split(', ').map((name) => `'${name}'`);
  return `${first} — did you mean ${suggestion[1] === undefined ? names[0] : `one of ${names.join(', ')}`}?`;
}
