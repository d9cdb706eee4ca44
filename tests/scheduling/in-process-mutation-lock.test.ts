import { describe, expect, it } from 'vitest';
import { InProcessMutationLock } from '../../src/scheduling/in-process-mutation-lock.js';
import { describeMutationLock } from '../contract/mutation-lock.contract.js';

// One process: every writer shares the one instance.
describeMutationLock('in-process', async () => {
  const lock = new InProcessMutationLock();
  return { holder: () => lock, cleanup: async () => undefined };
});

describe('the in-process mutation lock', () => {
  it('serves waiters in arrival order', async () => {
    const lock = new InProcessMutationLock();
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => lock.withLock('board:1', async () => {
      await new Promise((r) => setImmediate(r));
      order.push(n);
    })));
    expect(order).toEqual([1, 2, 3, 4]);
  });
});
