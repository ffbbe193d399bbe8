/**
 * `sweep --shard k/n`: the k-th of n consecutive, near-equal pieces of the seed range. Every machine computes the
 * same cut from the same flags, so n jobs given k = 1..n cover the range once, and `simulate merge` joins them.
 */
import { splitSeedRange } from '../../properties/seed-ranges.js';
import type { SeedRange } from '../../properties/seed-ranges.js';
import { UsageError } from '../usage-error.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export const MAX_SHARDS = 10_000;

export function parseShard(raw: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const index = match === null ? NaN : Number(match[1]);
  const count = match === null ? NaN : Number(match[2]);
  if (!(count >= 1 && count <= MAX_SHARDS && index >= 1 && index <= count)) {
    throw new UsageError(`invalid --shard ${JSON.stringify(raw)}: expected k/n with 1 <= k <= n <= ${MAX_SHARDS}, e.g. 2/4`);
  }
  return { index, count };
}

/** The seeds shard k of n runs: consecutive, sizes differing by at most one. */
export function shardSeeds(whole: SeedRange, shard: Shard): SeedRange {
  const seeds = whole.toSeed - whole.fromSeed + 1;
  if (shard.count > seeds) throw new UsageError(`invalid --shard ${shard.index}/${shard.count}: more shards than the ${seeds} seed(s) of --seeds ${whole.fromSeed}..${whole.toSeed}`);
  return splitSeedRange(whole, shard.count)[shard.index - 1];
}
