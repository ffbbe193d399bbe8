/** Label escaping for mermaid and cell/code escaping for markdown, checked against mermaid's real parser. */
import { describe, expect, it } from 'vitest';
import { code, escapeCell, escapeText, fenced, table } from '../../reports/markdown.js';
import { escapeMermaidLabel } from '../../reports/mermaid-escape.js';
import { parseMermaid } from './mermaid-parser.js';

const ADVERSARIAL = [
  'He said "hi"; then left',
  'a --> b ->> c -x d',
  '#35; and # alone, #quot; too',
  'semi;colon;;',
  'café é à ü',
  '한글 메시지 손실',
  'emoji 😀 outside the BMP',
  'line one\nline two\r\nline three\ttab',
  '<b>bold</b> & <script>alert(1)</script>',
  '%% not a comment',
  'back`tick` and {braces} and |pipes|',
  'Note over A: nested',
  'end',
  '',
  '   ',
];

const diagram = (label: string): string => ['sequenceDiagram', '  participant A as Producer', '  participant B as Broker', `  A->>B: ${label}`, `  B--xA: ${label}`, `  Note over A,B: ${label}`].join('\n');

describe('escapeMermaidLabel', () => {
  it.each(ADVERSARIAL)('keeps the diagram valid for %j', async (text) => {
    const label = escapeMermaidLabel(text);
    // Plain ASCII, no statement separator, no raw quote, no HTML, no line break: only entity codes.
    expect(label).toMatch(/^[\x20-\x7e]+$/);
    expect(label.replace(/#\d+;/g, '')).not.toMatch(/[;#"<>\n`]/);
    await expect(parseMermaid(diagram(label))).resolves.toBe('sequence');
  });

  it('encodes each special character as the decimal entity mermaid decodes', () => {
    expect(escapeMermaidLabel('a;b')).toBe('a#59;b');
    expect(escapeMermaidLabel('say "x"')).toBe('say #34;x#34;');
    expect(escapeMermaidLabel('#1')).toBe('#35;1');
    expect(escapeMermaidLabel('é')).toBe('#233;');
    expect(escapeMermaidLabel('한')).toBe('#54620;');
    // A character outside the BMP is one code point, one entity (not two surrogate halves).
    expect(escapeMermaidLabel('😀')).toBe('#128512;');
    expect(escapeMermaidLabel('a\nb')).toBe('a b');
    expect(escapeMermaidLabel('  ')).toBe('#160;');
  });

  it('leaves ordinary labels readable', () => {
    expect(escapeMermaidLabel('t=4.245 ms: produce m3 (attempt 1) LOST')).toBe('t=4.245 ms: produce m3 (attempt 1) LOST');
    expect(escapeMermaidLabel('error for m5: NOT_LEADER_OR_FOLLOWER')).toBe('error for m5: NOT_LEADER_OR_FOLLOWER');
  });

  it('is needed: the parser rejects the same labels unescaped', async () => {
    // Negative controls, so a parser that accepted anything would fail this suite.
    await expect(parseMermaid(diagram('semi;colon'))).rejects.toThrow();
    await expect(parseMermaid(diagram('line one\nline two'))).rejects.toThrow();
  });
});

/** Cells of one table row, splitting on pipes that are not escaped. */
const cells = (line: string): string[] => line.replace(/^\||\|$/g, '').split(/(?<!\\)\|/);

describe('markdown escaping', () => {
  it('keeps pipes and line breaks inside their cell', () => {
    const text = table(['a', 'b'], [['x | y', 'line\nbreak'], ['plain', 'back\\slash']]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(cells(line)).toHaveLength(2);
    expect(escapeCell('a|b\nc')).toBe('a\\|b<br>c');
  });

  it('builds code spans that survive backticks', () => {
    expect(code('plain')).toBe('`plain`');
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`edge`')).toBe('`` `edge` ``');
  });

  it('builds fences longer than any backtick run inside', () => {
    const block = fenced('sh', 'echo ```not the end```');
    expect(block.startsWith('````sh\n')).toBe(true);
    expect(block.endsWith('\n````')).toBe(true);
    expect(fenced('json', '{}')).toBe('```json\n{}\n```');
  });

  it('escapes markdown syntax in prose but not underscores inside words', () => {
    expect(escapeText('a *b* [c] <d> #e `f`')).toBe('a \\*b\\* \\[c\\] \\<d\\> \\#e \\`f\\`');
    expect(escapeText('NOT_LEADER_OR_FOLLOWER _x_')).toBe('NOT_LEADER_OR_FOLLOWER \\_x\\_');
  });
});
