/** Quoting user input in error messages: JSON for short values, bounded for huge or deeply nested ones. */
import { describe, expect, it } from 'vitest';
import { LINE_CHARS_MAX, QUOTE_CHARS_MAX, boundedLine, quoteInput } from '../../models/quote.js';

describe('quoteInput', () => {
  it('is JSON for short values, as messages always printed them', () => {
    for (const value of ['abc', 'a\nb', 2, 0.5, true, null, [1, 'x'], { a: 1, b: [null] }]) expect(quoteInput(value)).toBe(JSON.stringify(value));
    expect(quoteInput(undefined)).toBe('undefined');
  });

  it('shows a number past a double (1e400 in a plan parses as Infinity) as Infinity, not as null', () => {
    expect(quoteInput(JSON.parse('1e400'))).toBe('Infinity');
    expect(quoteInput(JSON.parse('{"attempt":-1e400}'))).toBe('{"attempt":-Infinity}');
  });

  it('keeps the start and the end of a long string, and says how long it was', () => {
    const text = `${'a'.repeat(50_000_000)}/file.json`;
    const quoted = quoteInput(text);
    expect(quoted.length).toBeLessThan(QUOTE_CHARS_MAX + 40);
    expect(quoted).toMatch(/^"aaa+"…"a*\/file\.json" \(50000010 characters\)$/);
  });

  it('is bounded for huge arrays and objects', () => {
    const big = Array.from({ length: 1_000_000 }, (_, index) => index);
    expect(quoteInput(big)).toMatch(/^\[0,1,2,.*…$/);
    expect(quoteInput(big).length).toBeLessThanOrEqual(QUOTE_CHARS_MAX + 1);
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, index) => [`key${index}`, index]));
    expect(quoteInput(wide).length).toBeLessThanOrEqual(QUOTE_CHARS_MAX + 1);
  });

  it('does not overflow the stack on values nested thousands deep (JSON.stringify does)', () => {
    let deep: unknown = [];
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(quoteInput(deep)).toBe('[[[[[[…]]]]]]');
  });

  it('shows a "__proto__" key JSON.parse made an own property', () => {
    expect(quoteInput(JSON.parse('{"__proto__": {"x": 1}}'))).toBe('{"__proto__":{"x":1}}');
  });

  it('boundedLine leaves a normal line alone and cuts a huge one, saying how long it was', () => {
    expect(boundedLine("unknown option '--bogus'")).toBe("unknown option '--bogus'");
    const line = `unknown option '--${'z'.repeat(100_000)}'`;
    expect(boundedLine(line)).toBe(`${line.slice(0, LINE_CHARS_MAX)}… (${line.length} characters)`);
  });
});
