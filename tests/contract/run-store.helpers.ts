import { expect } from 'vitest';
import { SyncError } from '../../src/errors/sync-error.js';
import type { ErrorCategory } from '../../src/errors/sync-error.js';
import type { RunStore } from '../../src/ports/run-store.js';

/** What a test gets from an adapter's factory. */
export interface RunStoreFixture {
  /** A migrated store with no rows, for this test alone. */
  store: RunStore;
  /** Closes the store and removes its storage (file, schema). Must tolerate a closed store. */
  cleanup: () => Promise<void>;
  /**
   * Opens a second, not yet migrated store on the same storage (SQLite file, PostgreSQL schema),
   * to show that migrating again on restart keeps the data. Omitted by the in-memory store.
   */
  reopen?: () => Promise<RunStore>;
}

export type RunStoreFactory = () => Promise<RunStoreFixture>;

/** Gives each test of a sub-suite the fixture `describeRunStore` opened for it. */
export interface StoreContext {
  readonly store: RunStore;
  readonly fixture: RunStoreFixture;
}

/** Awaits `promise`, expects it to reject with a `SyncError` of `category`, and returns it. */
export async function expectSyncError(promise: Promise<unknown>, category: ErrorCategory): Promise<SyncError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, 'expected a rejection with a SyncError').toBeInstanceOf(SyncError);
  const syncError = error as SyncError;
  expect(syncError.category).toBe(category);
  return syncError;
}
