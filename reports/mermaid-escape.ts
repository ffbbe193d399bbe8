/**
 * Label escaping for mermaid sequence diagrams. A label runs to the end of its line, `;` ends a statement and
 * `#...;` is mermaid's entity syntax, so any of `;`, `#`, a quote, HTML brackets or a line break in a label
 * could end or corrupt the diagram. Everything outside a small safe set is written as a decimal entity code
 * (`#59;`), which mermaid decodes when it renders: the diagram shows the original characters, and no label
 * can break the syntax. Non-ASCII is encoded too, so the block is plain ASCII whatever the label holds.
 */

/** Characters that are safe as themselves inside a message or note label. */
const SAFE = /[A-Za-z0-9 .,:()[\]/=+*'!?@_-]/;

export function escapeMermaidLabel(text: string): string {
  let escaped = '';
  // for..of walks code points, so a character outside the BMP becomes one entity, not two halves.
  for (const char of text.replace(/\r\n|\r|\n|\t/g, ' ')) {
    escaped += SAFE.test(char) ? char : `#${char.codePointAt(0) as number};`;
  }
  // Leading or trailing blanks are trimmed by mermaid; a label is never empty (mermaid needs text after `:`).
  const trimmed = escaped.trim();
  return trimmed === '' ? '#160;' : trimmed;
}
