import type { SqlValue } from './row-reader.js';

/*
 * SQL text shared by the SQLite and PostgreSQL adapters. Both accept the same
 * INSERT ... ON CONFLICT syntax, so statements are written once with `?` placeholders; the
 * PostgreSQL adapter numbers them (`$1`, `$2`, ...) with `numberPlaceholders`.
 */

/** `INSERT INTO table (cols) VALUES (?, ...)`, upserting on `keys` when given. */
export function insertSql(table: string, columns: readonly string[], keys: readonly string[] = []): string {
  const marks = columns.map(() => '?').join(', ');
  const insert = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${marks})`;
  if (keys.length === 0) return insert;
  const updates = columns.filter((c) => !keys.includes(c)).map((c) => `${c} = excluded.${c}`);
  return `${insert} ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

/** `UPDATE table SET a = ?, b = ? WHERE <where>`. */
export function updateSql(table: string, columns: readonly string[], where: string): string {
  return `UPDATE ${table} SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE ${where}`;
}

/** The values of `row` in the order of `columns`, ready to bind after `insertSql`. */
export function valuesIn<C extends string>(columns: readonly C[], row: Record<C, SqlValue>): SqlValue[] {
  return columns.map((c) => row[c]);
}

/**
 * Rewrites `?` placeholders as `$1`, `$2`, ... for PostgreSQL. Our statements hold no string
 * literals or JSONB `?` operators, so every `?` is a placeholder.
 */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Orders the port promises; the in-memory store sorts the same way. */
export const ORDER = {
  runsNewestFirst: 'started_at DESC, sync_id DESC',
  attempts: 'attempt',
  partitions: 'partition_key',
  batches: 'partition_key, sequence, batch_id',
  recordStates: 'record_key',
  apiCallsChronological: 'started_at, id',
  apiCallsSlowest: 'duration_ms DESC, id',
} as const;
