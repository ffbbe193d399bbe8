/**
 * Plain-text tables for the terminal, every column as wide as its widest cell: a hard-coded width breaks the
 * moment a cell grows ("47 (47 acknowledged)"). Widths are measured on the plain text; colour is applied after
 * padding, so escape codes never count.
 */

/** A cell: plain text, or text with the colour to paint it in. */
export type Cell = string | { readonly text: string; readonly paint: (text: string) => string };

export interface TableOptions {
  /** Between two columns (default two spaces). */
  readonly gap?: string;
  /** Columns at least this wide, by index (e.g. to line up with another table). */
  readonly minWidths?: readonly number[];
}

function plain(cell: Cell): string {
  return typeof cell === 'string' ? cell : cell.text;
}

/** Column widths of `rows` (header included): the widest cell's length, or the minimum given. */
export function columnWidths(rows: readonly (readonly Cell[])[], minWidths: readonly number[] = []): number[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? minWidths[index] ?? 0, plain(cell).length)));
  return widths;
}

/**
 * One line per row, in order (the caller styles the header line and may interleave lines of its own between rows).
 * The last column is not padded and lines carry no trailing blanks.
 */
export function layoutTable(rows: readonly (readonly Cell[])[], options: TableOptions = {}): string[] {
  const widths = columnWidths(rows, options.minWidths);
  const gap = options.gap ?? '  ';
  return rows.map((row) => {
    const cells = row.map((cell, index) => {
      const text = plain(cell);
      const padding = index === row.length - 1 ? '' : ' '.repeat(widths[index] - text.length);
      return (typeof cell === 'string' ? text : cell.paint(text)) + padding;
    });
    return cells.join(gap).trimEnd();
  });
}
