import { ERROR_CATEGORIES, SyncError } from '../../errors/sync-error.js';
import type { ErrorCategory } from '../../errors/sync-error.js';
import type { ApiUsageRow, FailureCategoryRow, OperationApiUsageRow } from '../../ports/run-store.js';

/** A row as a database driver returns it: column name → driver value. */
export type SqlRow = Record<string, unknown>;

/** A value a SQL adapter binds as a parameter. Booleans are converted by the SQLite adapter. */
export type SqlValue = string | number | boolean | null | Uint8Array;

/**
 * Reads typed values out of a driver row. Rows are outside input (another version of Syncscope,
 * or a human with `psql`, may have written them), so each column is checked rather than cast;
 * a mismatch is our bug or a corrupt store, hence `INTERNAL`.
 *
 * Accepts both drivers' encodings: SQLite returns timestamps and JSON as text and booleans as
 * 0/1; PostgreSQL returns `Date`, parsed JSONB and booleans.
 */
export class RowReader {
  constructor(
    private readonly row: SqlRow,
    private readonly table: string,
  ) {}

  string(column: string): string {
    const value = this.row[column];
    if (typeof value === 'string') return value;
    throw this.unexpected(column, 'a string');
  }

  nullableString(column: string): string | null {
    return this.row[column] === null ? null : this.string(column);
  }

  /** A BLOB (SQLite) or BYTEA (PostgreSQL) column; both drivers return a Buffer. */
  nullableBytes(column: string): Uint8Array | null {
    const value = this.row[column];
    if (value === null || value === undefined) return null;
    if (value instanceof Uint8Array) return value;
    throw this.unexpected(column, 'bytes');
  }

  number(column: string): number {
    const value = this.row[column];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    // COUNT(*) and BIGINT come back from `pg` as decimal strings.
    if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    if (typeof value === 'bigint') return Number(value);
    throw this.unexpected(column, 'a number');
  }

  nullableNumber(column: string): number | null {
    return this.row[column] === null ? null : this.number(column);
  }

  boolean(column: string): boolean {
    const value = this.row[column];
    if (typeof value === 'boolean') return value;
    if (value === 0 || value === 1) return value === 1;
    throw this.unexpected(column, 'a boolean');
  }

  /** ISO 8601 string; a PostgreSQL `timestamptz` comes back as a `Date`. */
  timestamp(column: string): string {
    const value = this.row[column];
    if (typeof value === 'string') return value;
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
    throw this.unexpected(column, 'a timestamp');
  }

  nullableTimestamp(column: string): string | null {
    return this.row[column] === null ? null : this.timestamp(column);
  }

  /** A JSON object column (TEXT in SQLite, JSONB in PostgreSQL). */
  object(column: string): Record<string, unknown> {
    let value = this.row[column];
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value) as unknown;
      } catch (error) {
        throw new SyncError('INTERNAL', `run store: ${this.table}.${column} is not valid JSON`, { cause: error });
      }
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    throw this.unexpected(column, 'a JSON object');
  }

  /** A JSON object whose values are all strings (HTTP headers). */
  stringRecord(column: string): Record<string, string> {
    const value = this.object(column);
    for (const entry of Object.values(value)) {
      if (typeof entry !== 'string') throw this.unexpected(column, 'an object of strings');
    }
    return value as Record<string, string>;
  }

  oneOf<T extends string>(column: string, allowed: readonly T[]): T {
    const value = this.string(column);
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw this.unexpected(column, `one of ${allowed.join(', ')}`);
  }

  errorCategory(column: string): ErrorCategory | null {
    return this.row[column] === null ? null : this.oneOf(column, ERROR_CATEGORIES);
  }

  private unexpected(column: string, expected: string): SyncError {
    const actual = this.row[column];
    const shown = typeof actual === 'string' ? JSON.stringify(actual.slice(0, 60)) : String(actual);
    return new SyncError('INTERNAL', `run store: ${this.table}.${column} should be ${expected}, got ${shown}`);
  }
}

export function readApiUsage(row: SqlRow): ApiUsageRow {
  const r = new RowReader(row, 'api_calls');
  return {
    connector: r.string('connector'),
    resource: r.nullableString('resource'),
    calls: r.number('calls'),
    errors: r.number('errors'),
    cost: r.number('cost'),
    totalDurationMs: r.number('total_duration_ms'),
  };
}

export function readOperationApiUsage(row: SqlRow): OperationApiUsageRow {
  return { ...readApiUsage(row), operation: new RowReader(row, 'api_calls').string('operation') };
}

export function readFailureCategory(row: SqlRow): FailureCategoryRow {
  const r = new RowReader(row, 'record_states');
  return { category: r.oneOf('category', ERROR_CATEGORIES), count: r.number('n') };
}
