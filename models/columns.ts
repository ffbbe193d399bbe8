/**
 * Growing columns of numbers: a plain array while short, a typed array that doubles once long. The Kafka replica
 * logs and the DB's effects keep a long run's rows in them.
 */

/**
 * Numbers past which a column moves from a plain array to a typed array. A typed array's buffer costs a short run
 * its allocation (about 0.6 µs, against 0.1 for a small plain array); a plain array takes 8 bytes a number where an
 * Int32Array takes 4, and the young generation's GC copies it again at every growth, where a buffer outside the heap
 * is never copied (at 4,096 a 1,000-message seed spent a quarter more in the GC than with record objects).
 */
export const TYPED_FROM = 256;

/**
 * Rows past which a column of rows (several numbers a row: a log's records, the DB's effects) moves to a typed
 * array: counted in rows, so a field more does not move a short run's columns to typed arrays (a 40-message run's
 * effects crossing it cost it 1% of its time).
 */
export const TYPED_FROM_ROWS = 64;

/**
 * `values` as a typed array (`Typed`: Int32Array, Float64Array) with room to write up to position `end` (excluded):
 * itself, or a copy in a larger one. (Writers take the plain array and the typed array on separate paths, so each
 * path's stores see one kind of array; this runs only when a column grows.)
 */
export function typedWithRoom<T extends Int32Array | Float64Array>(values: number[] | T, end: number, Typed: new (length: number) => T): T {
  if (!Array.isArray(values) && end <= values.length) return values;
  const grown = new Typed(Math.max(end, values.length * 2, TYPED_FROM));
  grown.set(values);
  return grown;
}
