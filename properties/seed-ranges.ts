/**
 * Cutting a seed range into consecutive pieces: shards (one per machine) and chunks (one per worker task).
 * Pure arithmetic, so every machine computes the same cut from the same numbers.
 */

export interface SeedRange {
  /** First seed, inclusive. */
  fromSeed: number;
  /** Last seed, inclusive. */
  toSeed: number;
}

/** `parts` consecutive ranges covering from..to, sizes differing by at most one (the larger first); empty ones dropped. */
export function splitSeedRange(range: SeedRange, parts: number): SeedRange[] {
  const total = range.toSeed - range.fromSeed + 1;
  const base = Math.floor(total / parts);
  const larger = total % parts;
  const pieces: SeedRange[] = [];
  let next = range.fromSeed;
  for (let index = 0; index < parts; index++) {
    const size = base + (index < larger ? 1 : 0);
    if (size > 0) pieces.push({ fromSeed: next, toSeed: next + size - 1 });
    next += size;
  }
  return pieces;
}

/** Consecutive ranges of at most `size` seeds covering from..to. */
export function chunkSeedRange(range: SeedRange, size: number): SeedRange[] {
  const pieces: SeedRange[] = [];
  for (let from = range.fromSeed; from <= range.toSeed; from += size) pieces.push({ fromSeed: from, toSeed: Math.min(range.toSeed, from + size - 1) });
  return pieces;
}
