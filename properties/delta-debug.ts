/**
 * Delta debugging (Zeller's ddmin): the smallest subset of `items` that still `fails`, found by trying
 * halves, then complements, then finer splits. The result is 1-minimal: removing any single item makes the
 * failure go away. Exact for fault plans because faults are named in domain terms (removing one leaves the
 * others meaning the same thing). Tests are memoised, so a subset is never run twice.
 */

export interface DeltaDebugOptions {
  /** Stop after this many tests and return the smallest failing subset so far. Default 10_000. */
  maxTests?: number;
}

export interface DeltaDebugResult<T> {
  items: T[];
  /** Calls of `fails` (distinct subsets tried). */
  tests: number;
  /** Sizes of the failing subset each time it got smaller, starting with the input's size. */
  sizes: number[];
  /** True when maxTests stopped the search before it reached a 1-minimal subset. */
  truncated: boolean;
}

export function deltaDebug<T>(items: readonly T[], fails: (subset: T[]) => boolean, options: DeltaDebugOptions = {}): DeltaDebugResult<T> {
  const search = ddmin(items, options);
  let step = search.next();
  while (step.done !== true) step = search.next(fails(step.value));
  return step.value;
}

/** The same search with a test that is asynchronous (a team's handler runs on the host's promises). */
export async function deltaDebugAsync<T>(items: readonly T[], fails: (subset: T[]) => Promise<boolean>, options: DeltaDebugOptions = {}): Promise<DeltaDebugResult<T>> {
  const search = ddmin(items, options);
  let step = search.next();
  while (step.done !== true) step = search.next(await fails(step.value));
  return step.value;
}

/** ddmin itself: yields each subset to test (never one already tested), is resumed with whether it fails. */
function* ddmin<T>(items: readonly T[], options: DeltaDebugOptions): Generator<T[], DeltaDebugResult<T>, boolean> {
  const maxTests = options.maxTests ?? 10_000;
  if (!(Number.isInteger(maxTests) && maxTests >= 1)) throw new RangeError(`maxTests must be an integer >= 1, got ${maxTests}`);
  const memo = new Map<string, boolean>();
  let tests = 0;
  let truncated = false;
  // Subsets are identified by the original positions they keep.
  function* test(indices: number[]): Generator<T[], boolean, boolean> {
    const key = indices.join(',');
    const known = memo.get(key);
    if (known !== undefined) return known;
    if (tests >= maxTests) {
      truncated = true;
      return false;
    }
    tests++;
    const outcome = yield indices.map((index) => items[index]);
    memo.set(key, outcome);
    return outcome;
  }

  let current = items.map((_item, index) => index);
  const sizes = [current.length];
  const shrunkTo = (next: number[]): void => {
    current = next;
    sizes.push(next.length);
  };
  if (current.length > 0 && (yield* test([]))) {
    shrunkTo([]);
    return { items: [], tests, sizes, truncated };
  }
  let granularity = 2;
  while (current.length >= 2 && !truncated) {
    const chunks = split(current, granularity);
    let failingChunk: number[] | undefined;
    for (const chunk of chunks) {
      if (yield* test(chunk)) {
        failingChunk = chunk;
        break;
      }
    }
    if (failingChunk !== undefined) {
      shrunkTo(failingChunk);
      granularity = 2;
      continue;
    }
    // With two chunks the complements are the chunks themselves, already tried.
    let complement: number[] | undefined;
    if (granularity > 2) {
      for (const chunk of chunks) {
        const rest = current.filter((index) => !chunk.includes(index));
        if (yield* test(rest)) {
          complement = rest;
          break;
        }
      }
    }
    if (complement !== undefined) {
      shrunkTo(complement);
      granularity = Math.max(granularity - 1, 2);
      continue;
    }
    if (granularity >= current.length) break;
    granularity = Math.min(granularity * 2, current.length);
  }
  return { items: current.map((index) => items[index]), tests, sizes, truncated };
}

function split(indices: readonly number[], parts: number): number[][] {
  const chunks: number[][] = [];
  let start = 0;
  for (let part = 0; part < parts; part++) {
    const end = start + Math.floor((indices.length - start) / (parts - part));
    chunks.push(indices.slice(start, end));
    start = end;
  }
  return chunks.filter((chunk) => chunk.length > 0);
}
