import type { DestinationAction } from '../../ports/records.js';
import type { DestinationChangeCount, DestinationChangeQuery, DestinationChangeRow, PartitionApiUsageRow } from '../../ports/run-store.js';
import { normalizeLimit } from '../query-limits.js';
import { readApiUsage, RowReader } from './row-reader.js';
import type { SqlRow, SqlValue } from './row-reader.js';
import type { Query } from './run-store-sql.js';

/* The `destination_changes` table (migration 4) and the per-partition quota query, for both SQL adapters. */

export const DESTINATION_ACTIONS: readonly DestinationAction[] = ['created', 'updated', 'found'];

export const CHANGE_COLUMNS = [
  'sync_id', 'kind', 'name', 'partition_key', 'external_id', 'action', 'scope', 'batch_id', 'recorded_at',
] as const;
export type ChangeColumn = (typeof CHANGE_COLUMNS)[number];

export function changeColumns(c: DestinationChangeRow): Record<ChangeColumn, SqlValue> {
  return {
    sync_id: c.syncId,
    kind: c.kind,
    name: c.name,
    partition_key: c.partitionKey,
    external_id: c.externalId,
    action: c.action,
    scope: c.scope === undefined ? null : JSON.stringify(c.scope),
    batch_id: c.batchId,
    recorded_at: c.recordedAt,
  };
}

export function readChange(row: SqlRow): DestinationChangeRow {
  const r = new RowReader(row, 'destination_changes');
  const scope = row.scope === null ? undefined : (r.object('scope') as Record<string, string | null>);
  return {
    syncId: r.string('sync_id'),
    partitionKey: r.string('partition_key'),
    kind: r.string('kind'),
    name: r.string('name'),
    externalId: r.nullableString('external_id'),
    action: r.oneOf('action', DESTINATION_ACTIONS),
    ...(scope ? { scope } : {}),
    batchId: r.string('batch_id'),
    recordedAt: r.timestamp('recorded_at'),
  };
}

export function readChangeCount(row: SqlRow): DestinationChangeCount {
  const r = new RowReader(row, 'destination_changes');
  return { partitionKey: r.string('partition_key'), kind: r.string('kind'), action: r.oneOf('action', DESTINATION_ACTIONS), count: r.number('n') };
}

export function readPartitionApiUsage(row: SqlRow): PartitionApiUsageRow {
  return { partitionKey: new RowReader(row, 'api_calls').nullableString('partition_key'), ...readApiUsage(row) };
}

/**
 * The upsert's conflict clause (the table aliased `t`): the strongest action wins (created >
 * updated > found), the latest non-null external ID and scope are kept.
 */
export const CHANGE_ON_CONFLICT = `ON CONFLICT (sync_id, kind, name) DO UPDATE SET
  action = CASE WHEN t.action = 'created' OR excluded.action = 'created' THEN 'created'
    WHEN t.action = 'updated' OR excluded.action = 'updated' THEN 'updated' ELSE 'found' END,
  external_id = COALESCE(excluded.external_id, t.external_id), scope = COALESCE(excluded.scope, t.scope),
  partition_key = excluded.partition_key, batch_id = excluded.batch_id, recorded_at = excluded.recorded_at`;

export class ChangeStoreSql {
  /** Binds the `CHANGE_COLUMNS` values of one row. */
  readonly upsertChange: string;
  /** Binds: sync ID. */
  readonly countChanges: string;
  /** Binds: sync ID. */
  readonly apiUsageByPartition: string;

  constructor(private readonly table: (name: string) => string) {
    const changes = table('destination_changes');
    this.upsertChange = `INSERT INTO ${changes} AS t (${CHANGE_COLUMNS.join(', ')}) VALUES (${CHANGE_COLUMNS.map(() => '?').join(', ')}) ${CHANGE_ON_CONFLICT}`;
    this.countChanges = `SELECT partition_key, kind, action, COUNT(*) AS n FROM ${changes} WHERE sync_id = ?
      GROUP BY partition_key, kind, action ORDER BY partition_key, kind, action`;
    this.apiUsageByPartition = `SELECT partition_key, connector, resource, COUNT(*) AS calls,
        SUM(CASE WHEN error_category IS NULL THEN 0 ELSE 1 END) AS errors,
        COALESCE(SUM(cost), 0) AS cost, COALESCE(SUM(duration_ms), 0) AS total_duration_ms
      FROM ${table('api_calls')} WHERE sync_id = ?
      GROUP BY partition_key, connector, resource ORDER BY (partition_key IS NULL), partition_key, connector, resource`;
  }

  listChanges(syncId: string, query: DestinationChangeQuery = {}): Query {
    const conditions = ['sync_id = ?'];
    const values: SqlValue[] = [syncId];
    for (const [column, value] of [['kind', query.kind], ['partition_key', query.partitionKey], ['action', query.action]] as const) {
      if (value === undefined) continue;
      conditions.push(`${column} = ?`);
      values.push(value);
    }
    const limit = normalizeLimit(query.limit);
    const text = `SELECT * FROM ${this.table('destination_changes')} WHERE ${conditions.join(' AND ')} ORDER BY kind, name`;
    return limit === undefined ? { text, values } : { text: `${text} LIMIT ?`, values: [...values, limit] };
  }
}
