/**
 * Seeded randomness. One root seed forks named, independent streams (workload, network, one per fault
 * kind...), so turning one fault kind on never changes what another stream draws.
 * Probabilities are integer thresholds over 2^32 so every platform decides the same way.
 */
// Only seedrandom's alea module: the package index would load all its generators at every start.
import alea from 'seedrandom/lib/alea.js';

const TWO_POW_32 = 4294967296;

/** A probability in [0, 1] turned into an integer threshold over 2^32 (0 never fires, 2^32 always fires). */
export function probabilityThreshold(probability: number): number {
  if (!(probability >= 0 && probability <= 1)) throw new RangeError(`probability must be in [0, 1], got ${probability}`);
  return Math.round(probability * TWO_POW_32);
}

export class RandomStream {
  readonly name: string;
  // Alea's state, stepped inline: calling seedrandom's closure per draw cost a fifth of the kernel's time.
  // seedrandom still does the seeding (its Mash hash), so the draws are exactly seedrandom.alea's.
  private c: number;
  private s0: number;
  private s1: number;
  private s2: number;

  /** `seeded`: states already seeded for this root seed, by name (see RandomStreams), read and filled. */
  constructor(rootSeed: string, name: string, seeded?: Map<string, AleaState>) {
    this.name = name;
    let state = seeded?.get(name);
    if (state === undefined) {
      // alea is fast and has good statistical quality; the default ARC4 generator is several times slower.
      state = aleaState(`${rootSeed}\u0000${name}`);
      seeded?.set(name, state);
    }
    this.c = state.c;
    this.s0 = state.s0;
    this.s1 = state.s1;
    this.s2 = state.s2;
  }

  /** Unsigned 32-bit integer: seedrandom's `alea().int32() >>> 0`. */
  uint32(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    const carry = t | 0;
    this.c = carry;
    const next = t - carry;
    this.s2 = next;
    return (next * TWO_POW_32) >>> 0;
  }

  /** True with probability threshold / 2^32 (see probabilityThreshold). Draws exactly once. */
  chance(threshold: number): boolean {
    return this.uint32() < threshold;
  }

  /** Integer in [min, max], both inclusive. Draws exactly once. */
  intBetween(min: number, max: number): number {
    const draw = this.uint32();
    if (max <= min) return min;
    return min + Math.floor((draw / TWO_POW_32) * (max - min + 1));
  }
}

/** Alea's state right after seeding: a pure function of the seed string. */
interface AleaState {
  readonly c: number;
  readonly s0: number;
  readonly s1: number;
  readonly s2: number;
}

/**
 * seedrandom's Mash (lib/alea.js), one pass over `data` from hash state `n`: the new state, and the pass's value
 * in [0, 1) as `mashed`. Inlined because seedrandom's alea builds closures and state copies per seeding, which
 * cost a 40-message run about 5% of its time (a run seeds a dozen streams).
 */
let mashed = 0;
function mashPass(n: number, data: string): number {
  let state = n;
  for (let index = 0; index < data.length; index++) {
    state += data.charCodeAt(index);
    let h = 0.02519603282416938 * state;
    state = h >>> 0;
    h -= state;
    h *= state;
    state = h >>> 0;
    h -= state;
    state += h * 0x100000000;
  }
  mashed = (state >>> 0) * 2.3283064365386963e-10;
  return state;
}

/** Alea's seeding: three passes of ' ' from Mash's initial state (the same for every seed), then three of the seed. */
const MASH_START = 0xefc8249d;
const SPACES = ((): { n: number; s: [number, number, number] } => {
  let n = MASH_START;
  const s: [number, number, number] = [0, 0, 0];
  for (let index = 0; index < 3; index++) {
    n = mashPass(n, ' ');
    s[index] = mashed;
  }
  return { n, s };
})();

/** `alea(seed, { state: true }).state()` of seedrandom, without its closures (checked against it below). */
export function aleaState(seed: string): AleaState {
  let n = SPACES.n;
  const s = [SPACES.s[0], SPACES.s[1], SPACES.s[2]];
  for (let index = 0; index < 3; index++) {
    n = mashPass(n, seed);
    s[index] -= mashed;
    if (s[index] < 0) s[index] += 1;
  }
  return { c: 1, s0: s[0], s1: s[1], s2: s[2] };
}

// seedrandom stays the reference: should its alea ever seed differently, every run would change, so refuse to load.
{
  const reference = alea('seedrandom\u0000check', { state: true }).state();
  const inlined = aleaState('seedrandom\u0000check');
  if (reference.c !== inlined.c || reference.s0 !== inlined.s0 || reference.s1 !== inlined.s1 || reference.s2 !== inlined.s2) throw new Error('sim/random: the inlined alea seeding differs from seedrandom\'s');
}

/**
 * The last root seed's streams as seeded, by name. A search (check, shrink, explore) runs one seed again and again,
 * and seeding a stream (seedrandom's Mash over the seed and the name, and the closures seedrandom builds) took
 * 1.4 µs: a run seeds a dozen, 7% of a 40-message run. A state is a function of the seed and the name alone, so
 * reusing it cannot change a draw. One root seed only: a sweep's runs each have their own.
 */
let lastSeeded: { readonly seed: string; readonly states: Map<string, AleaState> } | undefined;

/** The root of a run's randomness: hands out one stream per subsystem name, created on first use. */
export class RandomStreams {
  readonly seed: string;
  private readonly streams = new Map<string, RandomStream>();
  private readonly seeded: Map<string, AleaState>;

  constructor(seed: number | string) {
    this.seed = String(seed);
    if (lastSeeded?.seed !== this.seed) lastSeeded = { seed: this.seed, states: new Map() };
    this.seeded = lastSeeded.states;
  }

  stream(name: string): RandomStream {
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = new RandomStream(this.seed, name, this.seeded);
      this.streams.set(name, stream);
    }
    return stream;
  }
}
