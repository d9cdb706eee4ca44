import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from '../../src/cli/heap-growth.js';

describe('heapGrowthFlag', () => {
  it('limits the old generation\'s growth when the user chose nothing', () => {
    expect(heapGrowthFlag([], '')).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag(['--enable-source-maps'], '--max-old-space-size=1024')).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  });

  it('leaves a growth the user set in the node options or NODE_OPTIONS alone', () => {
    expect(heapGrowthFlag(['--heap-growing-percent=200'], '')).toBeUndefined();
    expect(heapGrowthFlag([], '--max-old-space-size=1024 --heap_growing_percent=10')).toBeUndefined();
  });
});
