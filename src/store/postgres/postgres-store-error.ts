import pg from 'pg';
import { SyncError } from '../../errors/sync-error.js';
import type { ErrorCategory } from '../../errors/sync-error.js';

/** Socket errors that mean the database is unreachable rather than that we sent a bad query. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH']);

/**
 * Maps a `pg` failure to a `SyncError`, keeping the driver error as `cause`. By SQLSTATE class
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html): 23 integrity constraint
 * violation → CONFLICT, 22 data exception (e.g. a malformed timestamp) → VALIDATION_ERROR,
 * 08 connection exception → NETWORK_ERROR, 57014 statement timeout → TIMEOUT; else INTERNAL.
 */
export function postgresStoreError(error: unknown, operation: string): SyncError {
  if (error instanceof SyncError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SyncError(categoryOf(error), `run store (postgres): ${operation} failed: ${message}`, {
    cause: error,
  });
}

function categoryOf(error: unknown): ErrorCategory {
  if (error instanceof pg.DatabaseError) {
    const code = error.code ?? '';
    if (code.startsWith('23')) return 'CONFLICT';
    if (code.startsWith('22')) return 'VALIDATION_ERROR';
    if (code.startsWith('08')) return 'NETWORK_ERROR';
    if (code === '57014') return 'TIMEOUT';
    return 'INTERNAL';
  }
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && NETWORK_CODES.has(code) ? 'NETWORK_ERROR' : 'INTERNAL';
}

/** True when `error` is a PostgreSQL unique (or primary key) violation. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === '23505';
}
