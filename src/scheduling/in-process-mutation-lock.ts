import type { MutationLock } from '../ports/mutation-lock.js';

/**
 * One process's mutation lock: per key, holders take turns in arrival order. Enough when one
 * process writes (a CLI run, its partitions in parallel); distributed workers share
 * `RedisMutationLock` instead.
 */
export class InProcessMutationLock implements MutationLock {
  private readonly tails = new Map<string, Promise<void>>();

  async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
