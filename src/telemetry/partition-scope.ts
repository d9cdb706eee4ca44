import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The partition (repo, customer) whose work is running, so deep layers (the HTTP audit trail)
 * can attribute a call to it without every signature carrying it.
 */
const scope = new AsyncLocalStorage<string>();

export function withPartition<T>(partitionKey: string, fn: () => Promise<T>): Promise<T> {
  return scope.run(partitionKey, fn);
}

export function currentPartitionKey(): string | undefined {
  return scope.getStore();
}
