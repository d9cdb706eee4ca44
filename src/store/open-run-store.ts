import type { RunStore } from '../ports/run-store.js';
import { storeOpenError } from './store-open-error.js';

/** Which run store to open; `config/` turns the user's settings into one of these. */
export type RunStoreConfig =
  /** `readonly`: for commands that only read (`runs`, `show`, `status`, `report`); works on a 444 file. */
  | { kind: 'sqlite'; path: string; readonly?: boolean }
  | { kind: 'postgres'; url: string; schema?: string }
  | { kind: 'memory' };

/**
 * Opens the configured run store and applies its pending migrations. Adapters are imported on
 * demand so that a SQLite user never loads `pg`, and the reverse. On a failed migration the
 * store is closed before the error propagates.
 */
export async function openRunStore(config: RunStoreConfig): Promise<RunStore> {
  let store: RunStore;
  try {
    store = await create(config);
  } catch (error) {
    throw storeOpenError(config, error);
  }
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw storeOpenError(config, error);
  }
  return store;
}

async function create(config: RunStoreConfig): Promise<RunStore> {
  switch (config.kind) {
    case 'sqlite': {
      const { SqliteRunStore } = await import('./sqlite/sqlite-run-store.js');
      return new SqliteRunStore({ path: config.path, readonly: config.readonly });
    }
    case 'postgres': {
      const { PostgresRunStore } = await import('./postgres/postgres-run-store.js');
      return new PostgresRunStore({ connectionString: config.url, schema: config.schema });
    }
    case 'memory': {
      const { InMemoryRunStore } = await import('./memory/in-memory-run-store.js');
      return new InMemoryRunStore();
    }
  }
}
