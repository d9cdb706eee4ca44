import Database from 'better-sqlite3';
import { SyncError } from '../../errors/sync-error.js';
import type { ErrorCategory } from '../../errors/sync-error.js';

/**
 * Maps a better-sqlite3 failure to a `SyncError`, keeping the driver error as `cause`.
 * Constraint violations (duplicate key, unknown sync ID) are CONFLICT; a lock still held after
 * busy_timeout is TIMEOUT, so callers may retry; anything else is INTERNAL.
 * See https://www.sqlite.org/rescode.html for the extended codes.
 */
export function sqliteStoreError(error: unknown, operation: string): SyncError {
  if (error instanceof SyncError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SyncError(categoryOf(error), `run store (sqlite): ${operation} failed: ${message}`, {
    cause: error,
  });
}

function categoryOf(error: unknown): ErrorCategory {
  if (!(error instanceof Database.SqliteError)) return 'INTERNAL';
  if (error.code.startsWith('SQLITE_CONSTRAINT')) return 'CONFLICT';
  if (error.code.startsWith('SQLITE_BUSY') || error.code.startsWith('SQLITE_LOCKED')) return 'TIMEOUT';
  return 'INTERNAL';
}

/** True when `error` is a SQLite primary-key or unique violation. */
export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError &&
    (error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || error.code === 'SQLITE_CONSTRAINT_UNIQUE')
  );
}
