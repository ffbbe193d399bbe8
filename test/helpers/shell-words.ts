/** Shell words of a command line, for tests that run printed or documented commands. */

/** Split a printed command the way a POSIX shell would: plain words, '...' quoting and backslash escapes (how shell-quote.ts writes them, and the README). */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (let index = 0; index < command.length; index++) {
    const char = command[index];
    if (quoted) {
      if (char === "'") quoted = false;
      else current += char;
    } else if (char === "'") {
      quoted = true;
      started = true;
    } else if (char === '\\') {
      current += command[++index];
      started = true;
    } else if (char === ' ') {
      if (started) words.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) words.push(current);
  return words;
}
