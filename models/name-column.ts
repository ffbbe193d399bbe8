/**
 * Message ids and keys kept as numbers in a column's rows. A run's ids are m1..mN and its keys k0..k(K-1)
 * (generateWorkload), so a row keeps the number, and the string is read from a table of the names given (a short
 * run's every row, a run's every key) or built when asked (the ids of a long run). A pointer to a shared string took 8 bytes a row and kept every id string
 * alive: at a million messages, the Kafka logs' and the DB's id and key pointers and the ids they held were about 60
 * MB of a run's heap. Any other string (a hand-built input) is kept whole beside the rows, so every name comes back
 * exactly as it was given.
 */

/** The largest number a row holds (an Int32Array's). */
const NUMBER_MAX = 2 ** 31 - 1;
/**
 * Rows below this keep their names as given, unparsed: a run of a few thousand messages parses none (parsing cost a
 * 1,000-message run 1-2% of its time), and a long run's first rows cost it 32 KB a column.
 */
const ROWS_KEPT = 4096;
/** What a row below ROWS_KEPT keeps in place of a number. */
const BY_ROW = -2;
/** What a row whose name is not canonical keeps. */
const OTHER = -1;

/**
 * The number `n` when `name` is exactly `${prefix}${n}` (n written without leading zeros, at most NUMBER_MAX, and
 * at least `min`), else -1. No string is built.
 */
export function canonicalNumber(name: string, prefixCode: number, min: number): number {
  const length = name.length;
  if (length < 2 || length > 11 || name.charCodeAt(0) !== prefixCode) return -1;
  if (name.charCodeAt(1) === 48 /* 0 */ && length > 2) return -1;
  let n = 0;
  for (let at = 1; at < length; at++) {
    const digit = name.charCodeAt(at) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n >= min && n <= NUMBER_MAX ? n : -1;
}

/** Names with one prefix, as numbers: `encode` gives what a row keeps, `decode` the name back. */
export class NameColumn {
  private readonly prefixCode: number;
  /** The names given, by number, below `keptBelow`: decoded without building a string (a short run builds none). */
  private readonly kept: string[] = [];
  /** The names of the first ROWS_KEPT rows, by row. */
  private readonly firstRows: string[] = [];
  /** Rows whose name is not `${prefix}${n}`, by row. */
  private readonly others = new Map<number, string>();

  /**
   * `prefix`: one character. `min`: the smallest number a canonical name has (m1 is the first id, k0 the first key).
   * `keptBelow`: names numbered below it are kept as given (their strings), past it built at each decode.
   */
  constructor(
    private readonly prefix: string,
    private readonly min: number,
    private readonly keptBelow: number,
  ) {
    if (prefix.length !== 1) throw new RangeError(`a name column's prefix is one character, got "${prefix}"`);
    this.prefixCode = prefix.charCodeAt(0);
  }

  /** What `row` keeps for `name`: its number, or a negative mark with the name kept beside the rows. */
  encode(row: number, name: string): number {
    if (row < ROWS_KEPT && row === this.firstRows.length) {
      this.firstRows.push(name);
      return BY_ROW;
    }
    const n = canonicalNumber(name, this.prefixCode, this.min);
    if (n < 0) {
      this.others.set(row, name);
      return OTHER;
    }
    if (n < this.keptBelow && this.kept[n] === undefined) this.kept[n] = name;
    return n;
  }

  /** The name `row` was given, from what it keeps. */
  decode(row: number, n: number): string {
    if (n < 0) return (n === BY_ROW ? this.firstRows[row] : this.others.get(row)) as string;
    return n < this.keptBelow ? this.kept[n] : `${this.prefix}${n}`;
  }
}

/**
 * Message ids: past the first rows, built when read (a row past the first 4,096 holds an id past them, but for a
 * retry's). Keys: a run has a few, all kept (up to 65,536).
 */
export const messageIdColumn = (): NameColumn => new NameColumn('m', 1, 0);
export const keyColumn = (): NameColumn => new NameColumn('k', 0, 65_536);
