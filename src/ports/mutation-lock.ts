/**
 * Mutual exclusion for writes to one shared resource (a Monday board): whoever holds a key's lock
 * is the only writer to it, in this process or — with a shared adapter — across every worker.
 * Keys name the resource (a board ID), never a credential.
 */
export interface MutationLock {
  /**
   * Waits for `key`'s lock, runs `work` while holding it and releases it whatever `work` does.
   * Rejects with `work`'s own error.
   */
  withLock<T>(key: string, work: () => Promise<T>): Promise<T>;
}
