import type { ApiCallRow, RecordStateRow } from '../../ports/run-store.js';
import {
  API_CALL_COLUMNS, RECORD_STATE_COLUMNS, apiCallColumns, recordStateColumns,
} from '../sql/record-tables.js';
import type { ApiCallColumn, RecordStateColumn } from '../sql/record-tables.js';
import type { SqlValue } from '../sql/row-reader.js';

/*
 * Many-row writes as one statement: each column travels as one array parameter and `unnest`
 * turns them back into rows. The statement text and parameter count stay the same whatever the
 * batch size (a multi-row VALUES would hit the 65,535-parameter limit at ~7,000 record states).
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
};

export interface BulkStatement {
  text: string;
  values: SqlValue[][];
}

function unnest<C extends string>(columns: readonly C[], types: Record<C, string>): string {
  return `unnest(${columns.map((c, i) => `$${i + 1}::${types[c]}[]`).join(', ')})`;
}

function toArrays<C extends string>(columns: readonly C[], rows: Record<C, SqlValue>[]): SqlValue[][] {
  return columns.map((c) => rows.map((row) => row[c]));
}

/** Upsert of record states by (sync ID, record key); the last state of a repeated key wins. */
export function upsertRecordStates(table: string, states: readonly RecordStateRow[]): BulkStatement {
  // ON CONFLICT DO UPDATE refuses to touch one row twice in a statement, so repeats are folded.
  const latest = new Map(states.map((s) => [`${s.syncId}\u0000${s.recordKey}`, s]));
  const updates = RECORD_STATE_COLUMNS.filter((c) => c !== 'sync_id' && c !== 'record_key')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  return {
    text: `INSERT INTO ${table} (${RECORD_STATE_COLUMNS.join(', ')})
      SELECT * FROM ${unnest(RECORD_STATE_COLUMNS, RECORD_STATE_TYPES)}
      ON CONFLICT (sync_id, record_key) DO UPDATE SET ${updates}`,
    values: toArrays(RECORD_STATE_COLUMNS, [...latest.values()].map(recordStateColumns)),
  };
}

/** Append of API calls; WITH ORDINALITY keeps the generated ids in the order given. */
export function insertApiCalls(table: string, calls: readonly ApiCallRow[]): BulkStatement {
  const columns = API_CALL_COLUMNS.join(', ');
  return {
    text: `INSERT INTO ${table} (${columns})
      SELECT ${columns} FROM ${unnest(API_CALL_COLUMNS, API_CALL_TYPES)}
        WITH ORDINALITY AS u (${columns}, ord)
      ORDER BY ord`,
    values: toArrays(API_CALL_COLUMNS, calls.map(apiCallColumns)),
  };
}
