/**
 * Markdown building blocks with escaping, so that text coming from a run (messages, settings, fault words,
 * a user's plan file name) can never break a table, a code span or a fenced block.
 */
import { markdownTable } from 'markdown-table';

/** Text safe inside a table cell: pipes escaped, line breaks folded into `<br>`. */
export function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r\n|\r|\n/g, '<br>');
}

/** A GFM table; every cell is escaped here so callers pass plain text (or already-built inline markdown via `raw`). */
export function table(header: readonly string[], rows: readonly (readonly (string | RawCell)[])[], align?: readonly ('l' | 'r' | 'c')[], compact = false): string {
  const cell = (value: string | RawCell): string => (typeof value === 'string' ? escapeCell(value) : escapeCell(value.markdown));
  // Compact: no padding to column width (wide reference tables read better in a diff and in narrow editors).
  return markdownTable([header.map(cell), ...rows.map((row) => row.map(cell))], { ...(align === undefined ? {} : { align }), ...(compact ? { alignDelimiters: false, padding: true } : {}) });
}

/** Cell content that is already markdown (bold, code spans): only pipes and line breaks are escaped. */
export interface RawCell {
  markdown: string;
}

export function raw(markdown: string): RawCell {
  return { markdown };
}

/** An inline code span that survives backticks in its text (CommonMark: a longer backtick run as delimiter). */
export function code(text: string): string {
  const flat = text.replace(/\r\n|\r|\n/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced block whose fence is longer than any backtick run inside, so the content cannot close it early. */
export function fenced(info: string, content: string): string {
  const longest = Math.max(0, ...[...content.matchAll(/`{3,}/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${content.endsWith('\n') ? content : `${content}\n`}${fence}`;
}

/** Plain text that must not be read as markdown (emphasis, links, headings, HTML) in running prose. */
export function escapeText(text: string): string {
  // An underscore inside a word (NOT_LEADER_OR_FOLLOWER) never starts emphasis in GFM: leave it readable.
  return text.replace(/[\\`*[\]<>#|]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (char) => `\\${char}`);
}
