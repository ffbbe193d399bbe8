/**
 * Binary search over a range whose items answer `before` with true, then false (sorted by what `before` asks): the
 * first index in [low, high) for which it is false, or `high`. One helper for the many ordered lists a long run
 * keeps (partition windows, epoch caches, queue positions, trace positions).
 */
export function partitionPoint(low: number, high: number, before: (index: number) => boolean): number {
  let from = low;
  let to = high;
  while (from < to) {
    const middle = (from + to) >>> 1;
    if (before(middle)) from = middle + 1;
    else to = middle;
  }
  return from;
}
