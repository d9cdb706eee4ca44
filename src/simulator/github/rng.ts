/**
 * Deterministic randomness. Data uses stateless hashes of (seed, field, ids) so any object can be
 * computed on its own, in any order, without generating its neighbours; faults use a sequential
 * stream so a run's decisions are reproducible from the seed.
 */

import { mulberry32 } from '../mulberry32.js';

const TWO_32 = 0x1_0000_0000;

/** murmur3's fmix32 finalizer: nearby inputs give unrelated outputs. */
function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of non-negative integers up to 2^53 (both halves are mixed in). */
export function hash32(...parts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = fmix32(h ^ (part >>> 0));
    h = fmix32(h + Math.floor(part / TWO_32) + 0x9e3779b9);
  }
  return h;
}

/** A float in [0, 1) from a hash of the parts. */
export function unit(...parts: readonly number[]): number {
  return hash32(...parts) / TWO_32;
}

/** An integer in [min, maxExclusive) from a hash of the parts; `min` when the range is empty. */
export function intIn(min: number, maxExclusive: number, ...parts: readonly number[]): number {
  if (maxExclusive <= min) return min;
  return min + Math.floor(unit(...parts) * (maxExclusive - min));
}

/** 40 hex characters, shaped like a git SHA-1. */
export function fakeSha(...parts: readonly number[]): string {
  let out = '';
  for (let i = 0; i < 5; i += 1) out += hash32(...parts, i).toString(16).padStart(8, '0');
  return out;
}

/** A sequential stream of floats in [0, 1) from the seed (mulberry32, its state hashed from the seed). */
export function sequence(seed: number): () => number {
  return mulberry32(hash32(seed));
}
