import type { ApiCallRow, DestinationChangeRow, RecordStateRow } from '../../ports/run-store.js';
import { CHANGE_COLUMNS, CHANGE_ON_CONFLICT, changeColumns, type ChangeColumn } from '../sql/change-tables.js';
import {
  API_CALL_COLUMNS, RECORD_STATE_COLUMNS, apiCallColumns, recordStateColumns,
} from '../sql/record-tables.js';
import type { ApiCallColumn, RecordStateColumn } from '../sql/record-tables.js';
import type { SqlValue } from '../sql/row-reader.js';

/*
 * Many-row writes as one statement: each column travels as one array parameter and `unnest`
 * turns them back into rows (a multi-row VALUES would hit the 65,535-parameter limit at ~7,000
 * record states). A column whose value is the same in every row — a batch's sync ID, partition,
 * entity, timestamp, and for a clean batch its status and empty error fields — is bound once as
 * a scalar instead of an array of copies: at 1,000 record states that leaves two arrays of nine,
 * and costs about half the client CPU and a tenth less time than nine arrays.
 * COPY into a staging table and `json_populate_recordset` were measured too, and were slower
 * (bench `commit-batch` prints the comparison).
 */

const RECORD_STATE_TYPES: Record<RecordStateColumn, string> = {
  sync_id: 'text', record_key: 'text', partition_key: 'text', entity: 'text', status: 'text',
  external_id: 'text', error_category: 'text', error_message: 'text', updated_at: 'timestamptz', request_id: 'text',
};

const API_CALL_TYPES: Record<ApiCallColumn, string> = {
  sync_id: 'text', partition_key: 'text', connector: 'text', operation: 'text', method: 'text',
  route: 'text', url: 'text', status: 'integer', duration_ms: 'float8', attempt: 'integer',
  error_category: 'text', trace_id: 'text', span_id: 'text', request_id: 'text', resource: 'text',
  cost: 'float8', rate_limit_remaining: 'integer', request_headers: 'jsonb', request_body: 'text',
  response_body: 'text', truncated: 'boolean', started_at: 'timestamptz',
  body_encoding: 'text', request_body_bin: 'bytea', response_body_bin: 'bytea',
};

export interface BulkStatement {
  text: string;
  /** One scalar or one array per placeholder. */
  values: (SqlValue | SqlValue[])[];
}

interface RowsSource {
  /** The select list, in `columns` order: `$1::text` for a shared value, `u.<column>` for an array's. */
  select: string;
  /** `unnest($2::text[], ...) AS u (...)`, with `WITH ORDINALITY` (column `ord`) when asked. */
  from: string;
  values: (SqlValue | SqlValue[])[];
}

/** `rows` (at least one) as a row source for `INSERT … SELECT`; see the file comment. */
function unnestRows<C extends string>(
  columns: readonly C[],
  types: Record<C, string>,
  rows: readonly Record<C, SqlValue>[],
  withOrdinality = false,
): RowsSource {
  const values: (SqlValue | SqlValue[])[] = [];
  const select: string[] = [];
  const arrays: string[] = [];
  const arrayColumns: string[] = [];
  for (const column of columns) {
    const first = rows[0]![column];
    // unnest needs one array at least: the last column goes as one if all before were shared.
    const shared = rows.every((row) => row[column] === first) && !(arrays.length === 0 && column === columns.at(-1));
    if (shared) {
      values.push(first);
      select.push(`$${values.length}::${types[column]}`);
    } else {
      values.push(rows.map((row) => row[column]));
      arrays.push(`$${values.length}::${types[column]}[]`);
      arrayColumns.push(column);
      select.push(`u.${column}`);
    }
  }
  const ordinality = withOrdinality ? ' WITH ORDINALITY' : '';
  const aliases = withOrdinality ? [...arrayColumns, 'ord'] : arrayColumns;
  return { select: select.join(', '), from: `unnest(${arrays.join(', ')})${ordinality} AS u (${aliases.join(', ')})`, values };
}

/** Upsert of record states by (sync ID, record key); the last state of a repeated key wins. */
export function upsertRecordStates(table: string, states: readonly RecordStateRow[]): BulkStatement {
  // ON CONFLICT DO UPDATE refuses to touch one row twice in a statement, so repeats are folded.
  const latest = new Map(states.map((s) => [`${s.syncId}\u0000${s.recordKey}`, s]));
  const updates = RECORD_STATE_COLUMNS.filter((c) => c !== 'sync_id' && c !== 'record_key')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  const rows = unnestRows(RECORD_STATE_COLUMNS, RECORD_STATE_TYPES, [...latest.values()].map(recordStateColumns));
  return {
    text: `INSERT INTO ${table} (${RECORD_STATE_COLUMNS.join(', ')})
      SELECT ${rows.select} FROM ${rows.from}
      ON CONFLICT (sync_id, record_key) DO UPDATE SET ${updates}`,
    values: rows.values,
  };
}

/** Append of API calls; WITH ORDINALITY keeps the generated ids in the order given. */
export function insertApiCalls(table: string, calls: readonly ApiCallRow[]): BulkStatement {
  const rows = unnestRows(API_CALL_COLUMNS, API_CALL_TYPES, calls.map(apiCallColumns), true);
  return {
    text: `INSERT INTO ${table} (${API_CALL_COLUMNS.join(', ')})
      SELECT ${rows.select} FROM ${rows.from}
      ORDER BY u.ord`,
    values: rows.values,
  };
}

const CHANGE_TYPES: Record<ChangeColumn, string> = {
  sync_id: 'text', kind: 'text', name: 'text', partition_key: 'text', external_id: 'text', action: 'text',
  scope: 'jsonb', batch_id: 'text', recorded_at: 'timestamptz',
};

const RANK = { found: 0, updated: 1, created: 2 } as const;

/** Upsert of destination changes by (sync ID, kind, name); repeats in one batch fold to the strongest action. */
export function upsertChanges(table: string, changes: readonly DestinationChangeRow[]): BulkStatement {
  const folded = new Map<string, DestinationChangeRow>();
  for (const change of changes) {
    const key = `${change.syncId}\u0000${change.kind}\u0000${change.name}`;
    const prior = folded.get(key);
    folded.set(key, prior && RANK[prior.action] > RANK[change.action] ? { ...change, action: prior.action, externalId: change.externalId ?? prior.externalId } : change);
  }
  const rows = unnestRows(CHANGE_COLUMNS, CHANGE_TYPES, [...folded.values()].map(changeColumns));
  return {
    text: `INSERT INTO ${table} AS t (${CHANGE_COLUMNS.join(', ')})
      SELECT ${rows.select} FROM ${rows.from} ${CHANGE_ON_CONFLICT}`,
    values: rows.values,
  };
}
