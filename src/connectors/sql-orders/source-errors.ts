import { ConfigError, SyncError, type ErrorCategory } from '../../errors/sync-error.js';

/** PostgreSQL SQLSTATE classes and codes, and SQLite codes, by what a user can do about them. */
const PG_CODES: Array<[RegExp, ErrorCategory]> = [
  [/^28/, 'INVALID_CREDENTIALS'],
  [/^42501$/, 'PERMISSION_DENIED'],
  [/^42P01$|^42703$/, 'VALIDATION_ERROR'],
  [/^08|^57P0[1-3]$/, 'NETWORK_ERROR'],
  [/^57014$/, 'TIMEOUT'],
  [/^40001$|^40P01$|^55P03$/, 'CONFLICT'],
  [/^53/, 'SERVER_ERROR'],
];

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);

/** Any failure of the order database as a categorised SyncError naming the operation. */
export function orderTableError(error: unknown, operation: string, table: string): SyncError {
  if (error instanceof SyncError) return error;
  const code = error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : '';
  const message = error instanceof Error ? error.message : String(error);
  const text = `order table ${table}: ${operation} failed: ${message}`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return new SyncError('TIMEOUT', text, { cause: error });
  if (code === 'SQLITE_CANTOPEN') return new ConfigError(text, { cause: error });
  if (NETWORK.has(code)) return new SyncError('NETWORK_ERROR', text, { cause: error });
  const category = PG_CODES.find(([pattern]) => pattern.test(code))?.[1];
  return new SyncError(category ?? 'INTERNAL', text, { cause: error });
}
