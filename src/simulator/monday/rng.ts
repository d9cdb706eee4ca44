import { mulberry32 } from '../mulberry32.js';

/** A seeded stream of floats in [0, 1) (mulberry32), so fault and latency decisions replay from the seed. */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed ^ 0x9e3779b9);
}
