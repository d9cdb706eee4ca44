import { existsSync } from 'node:fs';
import { UsageError } from '../errors/sync-error.js';
import type { RunStore } from '../ports/run-store.js';
import { DEFAULT_STORE_PATH, openStoreAt } from './store-access.js';

/**
 * For commands that read or prune an existing store (`show`, `report`, `prune`): a SQLite path
 * that does not exist is a usage error, not a new empty store created as a side effect of a typo.
 */
export function openExistingStore(location: string | undefined, access: { readonly?: boolean } = {}): Promise<RunStore> {
  const target = location ?? DEFAULT_STORE_PATH;
  if (!/^postgres(ql)?:\/\//.test(target) && !existsSync(target)) {
    throw new UsageError(`no run store at ${target} (pass --store <path-or-url>)`);
  }
  return openStoreAt(target, access);
}

/** Where `--store` points, for messages (a postgres URL without its credentials). */
export function describeStore(location: string | undefined): string {
  const target = location ?? DEFAULT_STORE_PATH;
  return target.replace(/^(postgres(?:ql)?:\/\/)[^@/]*@/, '$1');
}
