/**
 * Types for seedrandom's alea module imported on its own: the package index also loads six other
 * generators, and every CLI start paid for them.
 */
declare module 'seedrandom/lib/alea.js' {
  interface AleaState {
    c: number;
    s0: number;
    s1: number;
    s2: number;
  }
  interface AleaPrng {
    (): number;
    int32(): number;
    state(): AleaState;
  }
  function alea(seed: string, options: { state: true }): AleaPrng;
  export default alea;
}
