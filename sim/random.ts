/**
 * Seeded randomness. One root seed forks named, independent streams (workload, network, one per fault
 * kind...), so turning one fault kind on never changes what another stream draws.
 * Probabilities are integer thresholds over 2^32 so every platform decides the same way.
 */
import seedrandom from 'seedrandom';

const TWO_POW_32 = 4294967296;

/** A probability in [0, 1] turned into an integer threshold over 2^32 (0 never fires, 2^32 always fires). */
export function probabilityThreshold(probability: number): number {
  if (!(probability >= 0 && probability <= 1)) throw new RangeError(`probability must be in [0, 1], got ${probability}`);
  return Math.round(probability * TWO_POW_32);
}

export class RandomStream {
  readonly name: string;
  private readonly prng: seedrandom.PRNG;

  constructor(rootSeed: string, name: string) {
    this.name = name;
    // alea is fast and has good statistical quality; the default ARC4 generator is several times slower.
    this.prng = seedrandom.alea(`${rootSeed}\u0000${name}`);
  }

  /** Unsigned 32-bit integer. */
  uint32(): number {
    return this.prng.int32() >>> 0;
  }

  /** True with probability threshold / 2^32 (see probabilityThreshold). Draws exactly once. */
  chance(threshold: number): boolean {
    return this.uint32() < threshold;
  }

  /** Integer in [min, max], both inclusive. Draws exactly once. */
  intBetween(min: number, max: number): number {
    if (max <= min) {
      this.uint32();
      return min;
    }
    const span = max - min + 1;
    return min + Math.floor((this.uint32() / TWO_POW_32) * span);
  }
}

/** The root of a run's randomness: hands out one stream per subsystem name, created on first use. */
export class RandomStreams {
  readonly seed: string;
  private readonly streams = new Map<string, RandomStream>();

  constructor(seed: number | string) {
    this.seed = String(seed);
  }

  stream(name: string): RandomStream {
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = new RandomStream(this.seed, name);
      this.streams.set(name, stream);
    }
    return stream;
  }
}
