/** The shared table layout: columns as wide as their widest cell, colour not counted, no trailing blanks. */
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { columnWidths, layoutTable } from '../../cli/table.js';

const color = new Chalk({ level: 1 });
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

describe('layoutTable', () => {
  it('widens a column to its widest cell, so the next column stays in line', () => {
    const lines = layoutTable([
      ['invariant', 'observed', 'status'],
      ['loss', '47 (47 acknowledged)', 'VIOLATED'],
      ['order', '0', 'holds'],
    ]);
    const column = lines[0].indexOf('status');
    expect(lines[1].indexOf('VIOLATED')).toBe(column);
    expect(lines[2].indexOf('holds')).toBe(column);
    expect(column).toBe('invariant'.length + 2 + '47 (47 acknowledged)'.length + 2);
  });

  it('measures painted cells by their text, not their escape codes', () => {
    const rows = [
      ['a', { text: 'VIOLATED', paint: color.red.bold }, 'x'],
      ['bb', 'ok', 'y'],
    ];
    const lines = layoutTable(rows);
    expect(lines[0]).toMatch(ANSI);
    const plain = lines.map((line) => line.replace(ANSI, ''));
    expect(plain[0].indexOf('x')).toBe(plain[1].indexOf('y'));
    expect(columnWidths(rows)).toEqual([2, 8, 1]);
  });

  it('pads no last column and leaves no trailing blanks, even when the last cells are empty', () => {
    const lines = layoutTable([
      ['name', 'first seeds'],
      ['loss', ''],
      ['a-much-longer-name', '1, 2'],
    ]);
    for (const line of lines) expect(line).toBe(line.trimEnd());
    expect(lines[1]).toBe('loss');
  });

  it('keeps a minimum width and a custom gap', () => {
    expect(layoutTable([['a', 'b']], { gap: ' | ', minWidths: [4] })).toEqual(['a    | b']);
  });
});
