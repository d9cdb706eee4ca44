/**
 * mulberry32: a small, fast sequential PRNG returning floats in [0, 1), from a 32-bit starting
 * state. Both simulators draw their reproducible streams (faults, latencies) from it, each
 * deriving the starting state from its seed in its own way.
 */
export function mulberry32(initialState: number): () => number {
  let state = initialState >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}
