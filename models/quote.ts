/**
 * User input quoted in an error message, bounded: an error is one line on stderr, and a 50 MB plan or a plan
 * nested 5,000 deep must not turn it into 50 MB (nor overflow the stack, as JSON.stringify does on deep
 * values). Every message that echoes what the user gave goes through here.
 */

/** The longest quote, in characters: enough to recognise the value, short enough to read the line. */
export const QUOTE_CHARS_MAX = 120;

/** Objects and arrays are shown this many levels deep; deeper ones become `…`. */
const QUOTE_DEPTH_MAX = 6;

/**
 * A value as JSON (`"abc"`, `2`, `{"a":[1]}`), cut to about `charsMax` characters. A long string keeps its
 * start and its end (a path's file name is at its end) and says how long it was.
 */
export function quoteInput(value: unknown, charsMax = QUOTE_CHARS_MAX): string {
  if (typeof value === 'string') return quoteString(value, charsMax);
  const out: string[] = [];
  const budget = { chars: charsMax };
  render(value, 0, out, budget);
  const text = out.join('');
  return text.length > charsMax ? `${text.slice(0, charsMax)}…` : text;
}

function quoteString(value: string, charsMax: number): string {
  if (value.length <= charsMax) return JSON.stringify(value);
  const tailChars = Math.floor(charsMax / 3);
  const head = value.slice(0, charsMax - tailChars);
  const tail = value.slice(value.length - tailChars);
  return `${JSON.stringify(head)}…${JSON.stringify(tail)} (${value.length} characters)`;
}

/** Appends the value's JSON to `out` until the budget is spent (then the caller cuts); never deeper than QUOTE_DEPTH_MAX. */
function render(value: unknown, depth: number, out: string[], budget: { chars: number }): void {
  const push = (text: string): void => {
    out.push(text);
    budget.chars -= text.length;
  };
  if (value === undefined) return push('undefined');
  if (typeof value === 'string') return push(quoteString(value, Math.max(budget.chars, 8)));
  // A number too large for a double (JSON's 1e400) is Infinity, which JSON would show as null.
  if (typeof value === 'number' && !Number.isFinite(value)) return push(String(value));
  if (typeof value !== 'object' || value === null) return push(String(JSON.stringify(value)));
  if (depth >= QUOTE_DEPTH_MAX) return push('…');
  const array = Array.isArray(value);
  push(array ? '[' : '{');
  let first = true;
  // Lazily, so a quote costs about its budget even for an array of millions of items.
  for (const [key, item] of array ? arrayEntries(value as unknown[]) : ownEntries(value as Record<string, unknown>)) {
    if (budget.chars <= 0) {
      push('…');
      break;
    }
    if (!first) push(',');
    first = false;
    if (!array) push(`${quoteString(key, Math.max(budget.chars, 8))}:`);
    render(item, depth + 1, out, budget);
  }
  push(array ? ']' : '}');
}

function* arrayEntries(value: readonly unknown[]): Generator<[string, unknown]> {
  for (let index = 0; index < value.length; index++) yield [String(index), value[index]];
}

function* ownEntries(value: Record<string, unknown>): Generator<[string, unknown]> {
  for (const key in value) if (Object.hasOwn(value, key)) yield [key, value[key]];
}

/** The longest error line, in characters, whoever composed it. */
export const LINE_CHARS_MAX = 500;

/**
 * A message line cut to LINE_CHARS_MAX: the last resort for messages other code composed with the user's
 * input in them (commander's `unknown option '--…'` quotes the whole argument).
 */
export function boundedLine(line: string): string {
  return line.length <= LINE_CHARS_MAX ? line : `${line.slice(0, LINE_CHARS_MAX)}… (${line.length} characters)`;
}
