import { SyncError, UsageError } from '../errors/sync-error.js';
import type { RunStoreConfig } from './open-run-store.js';

/**
 * One line naming the store and what is wrong with it, for a store that cannot be opened or
 * migrated (issue #10: a raw `SqliteError` with a stack trace and no path). A file to fix (garbage,
 * read-only, missing directory) is a usage error (exit 2); an unreachable server is a
 * `NETWORK_ERROR` (exit 1: try again later). The PostgreSQL URL is named by host and port only.
 */
export function storeOpenError(config: RunStoreConfig, error: unknown): SyncError {
  const cause = causeOf(error);
  if (config.kind === 'postgres') {
    const where = serverOf(config.url);
    if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET|timeout/i.test(cause.code + ' ' + cause.message)) {
      return new SyncError('NETWORK_ERROR', `run store postgres ${where}: cannot connect (${cause.code || cause.message})`, { cause: error });
    }
    return new UsageError(`run store postgres ${where}: cannot open: ${cause.message}`, { cause: error });
  }
  if (config.kind !== 'sqlite') return error instanceof SyncError ? error : new SyncError('INTERNAL', cause.message, { cause: error });
  return new UsageError(`run store ${config.path}: ${sqliteReason(cause)}`, { cause: error });
}

function sqliteReason(cause: { code: string; message: string }): string {
  const { code, message } = cause;
  if (code === 'SQLITE_NOTADB' || /not a database/.test(message)) return 'not a SQLite database (the file is damaged or something else); move it away or point --store elsewhere';
  if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EROFS' || /readonly/.test(message)) return 'read-only: the file (or its directory) cannot be written; fix its permissions';
  if (code === 'ENOENT' || code === 'SQLITE_CANTOPEN' || /directory does not exist|unable to open/.test(message)) return 'cannot be opened: its directory does not exist or cannot be created';
  return `cannot be opened: ${message}`;
}

/** The driver's code and message, looking through our own wrappers' `cause`. */
function causeOf(error: unknown): { code: string; message: string } {
  let current: unknown = error;
  for (let depth = 0; current instanceof SyncError && current.cause !== undefined && depth < 5; depth++) current = current.cause;
  const code = (current as { code?: unknown } | undefined)?.code;
  return { code: typeof code === 'string' ? code : '', message: current instanceof Error ? current.message : String(current) };
}

/** `host:port` of a connection string, never its user or password. */
function serverOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}`;
  } catch {
    return '(unparsable URL)';
  }
}
