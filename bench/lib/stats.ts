/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `values` rounded for a note, e.g. "4.81, 4.93, 5.02 s". */
export function list(values: readonly number[], scale = 1, digits = 2, unit = ''): string {
  return `${values.map((v) => (v / scale).toFixed(digits)).join(', ')}${unit ? ` ${unit}` : ''}`;
}

/** Milliseconds to seconds, for notes. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/**
 * A distribution-free ~95% confidence interval for the median of `values` (n ≥ 6): the order
 * statistics k and n − 1 − k with k = ⌊n/2 − 0.98·√n⌋ (the binomial's normal approximation), so
 * that a figure near its target says whether the target is inside the noise.
 */
export function medianInterval(values: readonly number[]): [number, number] {
  if (values.length < 6) throw new RangeError(`a median interval needs at least 6 values, got ${values.length}`);
  const sorted = [...values].sort((a, b) => a - b);
  const k = Math.max(0, Math.floor(sorted.length / 2 - 0.98 * Math.sqrt(sorted.length)));
  return [sorted[k]!, sorted[sorted.length - 1 - k]!];
}
