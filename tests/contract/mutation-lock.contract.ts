import { afterAll, describe, expect, it } from 'vitest';
import type { MutationLock } from '../../src/ports/mutation-lock.js';

/** A lock adapter under test: `holder()` is one more writer (for a shared adapter, another worker). */
export interface MutationLockFixture {
  holder(): MutationLock;
  cleanup(): Promise<void>;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** What every `MutationLock` promises, whoever holds it and however many of them there are. */
export function describeMutationLock(name: string, factory: () => Promise<MutationLockFixture>): void {
  describe(`MutationLock contract: ${name}`, () => {
    let fixture: MutationLockFixture | undefined;
    const open = async () => (fixture ??= await factory());
    afterAll(async () => {
      await fixture?.cleanup();
    });

    it('runs the work and answers with its value', async () => {
      const lock = (await open()).holder();
      await expect(lock.withLock('board:1', async () => 42)).resolves.toBe(42);
    });

    it('rejects with the work\'s own error and frees the lock for the next holder', async () => {
      const f = await open();
      const failure = new Error('Monday refused the mutation');
      await expect(f.holder().withLock('board:2', () => Promise.reject(failure))).rejects.toBe(failure);
      await expect(f.holder().withLock('board:2', async () => 'next')).resolves.toBe('next');
    });

    it('never lets two holders of one key work at once, and every one of them gets its turn', async () => {
      const f = await open();
      const holders = Array.from({ length: 4 }, () => f.holder());
      let inside = 0;
      let most = 0;
      const done: number[] = [];
      await Promise.all(holders.flatMap((lock, h) => Array.from({ length: 5 }, (_, i) => lock.withLock('board:3', async () => {
        inside += 1;
        most = Math.max(most, inside);
        // Yield a few times inside the lock, as a real request would.
        for (let k = 0; k < 3; k += 1) await new Promise((r) => setImmediate(r));
        inside -= 1;
        done.push(h * 10 + i);
      }))));
      expect(most).toBe(1);
      expect(done).toHaveLength(20);
    });

    it('lets holders of different keys work at the same time', async () => {
      const f = await open();
      const a = deferred();
      const b = deferred();
      // Each work waits for the other to have started: it only completes if both hold at once.
      const first = f.holder().withLock('board:4', async () => {
        a.resolve();
        await b.promise;
        return 'a';
      });
      const second = f.holder().withLock('board:5', async () => {
        b.resolve();
        await a.promise;
        return 'b';
      });
      await expect(Promise.all([first, second])).resolves.toEqual(['a', 'b']);
    });
  });
}
