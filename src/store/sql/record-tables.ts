import type { RecordStatus } from '../../ports/records.js';
import { BODY_ENCODING, decodeBody, encodeBody } from './body-encoding.js';
import type { ApiCallRow, BatchRow, BatchStatus, RecordStateRow } from '../../ports/run-store.js';
import { RowReader } from './row-reader.js';
import type { SqlRow, SqlValue } from './row-reader.js';

/* Column layout of `batches`, `record_states` and `api_calls` (see run-tables.ts for why). */

export const RECORD_STATUSES: readonly RecordStatus[] = ['synced', 'failed', 'skipped', 'pending'];
export const BATCH_STATUSES: readonly BatchStatus[] = ['success', 'failure'];

export const BATCH_COLUMNS = [
  'sync_id', 'batch_id', 'partition_key', 'sequence', 'status', 'records', 'synced', 'failed',
  'attempt', 'started_at', 'duration_ms', 'error_category', 'error_message',
] as const;
export type BatchColumn = (typeof BATCH_COLUMNS)[number];

export function batchColumns(b: BatchRow): Record<BatchColumn, SqlValue> {
  return {
    sync_id: b.syncId,
    batch_id: b.batchId,
    partition_key: b.partitionKey,
    sequence: b.sequence,
    status: b.status,
    records: b.records,
    synced: b.synced,
    failed: b.failed,
    attempt: b.attempt,
    started_at: b.startedAt,
    duration_ms: b.durationMs,
    error_category: b.errorCategory,
    error_message: b.errorMessage,
  };
}

export function readBatch(row: SqlRow): BatchRow {
  const r = new RowReader(row, 'batches');
  return {
    syncId: r.string('sync_id'),
    partitionKey: r.string('partition_key'),
    batchId: r.string('batch_id'),
    sequence: r.number('sequence'),
    status: r.oneOf('status', BATCH_STATUSES),
    records: r.number('records'),
    synced: r.number('synced'),
    failed: r.number('failed'),
    attempt: r.number('attempt'),
    startedAt: r.timestamp('started_at'),
    durationMs: r.number('duration_ms'),
    errorCategory: r.errorCategory('error_category'),
    errorMessage: r.nullableString('error_message'),
  };
}

export const RECORD_STATE_COLUMNS = [
  'sync_id', 'record_key', 'partition_key', 'entity', 'status', 'external_id',
  'error_category', 'error_message', 'updated_at', 'request_id',
] as const;
export type RecordStateColumn = (typeof RECORD_STATE_COLUMNS)[number];

export function recordStateColumns(s: RecordStateRow): Record<RecordStateColumn, SqlValue> {
  return {
    sync_id: s.syncId,
    record_key: s.recordKey,
    partition_key: s.partitionKey,
    entity: s.entity,
    status: s.status,
    external_id: s.externalId,
    error_category: s.errorCategory,
    error_message: s.errorMessage,
    updated_at: s.updatedAt,
    request_id: s.requestId,
  };
}

export function readRecordState(row: SqlRow): RecordStateRow {
  const r = new RowReader(row, 'record_states');
  return {
    syncId: r.string('sync_id'),
    recordKey: r.string('record_key'),
    partitionKey: r.string('partition_key'),
    entity: r.string('entity'),
    status: r.oneOf('status', RECORD_STATUSES),
    externalId: r.nullableString('external_id'),
    errorCategory: r.errorCategory('error_category'),
    errorMessage: r.nullableString('error_message'),
    requestId: r.nullableString('request_id'),
    updatedAt: r.timestamp('updated_at'),
  };
}

/** Every column but the generated `id`, which only orders calls recorded in the same instant. */
export const API_CALL_COLUMNS = [
  'sync_id', 'partition_key', 'connector', 'operation', 'method', 'route', 'url', 'status',
  'duration_ms', 'attempt', 'error_category', 'trace_id', 'span_id', 'request_id', 'resource',
  'cost', 'rate_limit_remaining', 'request_headers', 'request_body', 'response_body', 'truncated',
  'started_at', 'body_encoding', 'request_body_bin', 'response_body_bin',
] as const;
export type ApiCallColumn = (typeof API_CALL_COLUMNS)[number];

/**
 * `request_headers` is JSON text; PostgreSQL casts it to JSONB. Bodies are written compressed
 * into the `_bin` columns (migration 8); the text columns stay for rows written before it.
 */
export function apiCallColumns(c: ApiCallRow): Record<ApiCallColumn, SqlValue> {
  const compress = c.requestBody !== null || c.responseBody !== null;
  return {
    sync_id: c.syncId,
    partition_key: c.partitionKey,
    connector: c.connector,
    operation: c.operation,
    method: c.method,
    route: c.route,
    url: c.url,
    status: c.status,
    duration_ms: c.durationMs,
    attempt: c.attempt,
    error_category: c.errorCategory,
    trace_id: c.traceId,
    span_id: c.spanId,
    request_id: c.requestId,
    resource: c.resource,
    cost: c.cost,
    rate_limit_remaining: c.rateLimitRemaining,
    request_headers: JSON.stringify(c.requestHeaders),
    request_body: null,
    response_body: null,
    truncated: c.truncated,
    started_at: c.startedAt,
    body_encoding: compress ? BODY_ENCODING : null,
    request_body_bin: compress ? encodeBody(c.requestBody) : null,
    response_body_bin: compress ? encodeBody(c.responseBody) : null,
  };
}

export function readApiCall(row: SqlRow): ApiCallRow {
  const r = new RowReader(row, 'api_calls');
  return {
    syncId: r.string('sync_id'),
    partitionKey: r.nullableString('partition_key'),
    connector: r.string('connector'),
    operation: r.string('operation'),
    method: r.string('method'),
    route: r.string('route'),
    url: r.string('url'),
    status: r.nullableNumber('status'),
    durationMs: r.number('duration_ms'),
    attempt: r.number('attempt'),
    errorCategory: r.errorCategory('error_category'),
    traceId: r.string('trace_id'),
    spanId: r.string('span_id'),
    requestId: r.nullableString('request_id'),
    resource: r.nullableString('resource'),
    cost: r.nullableNumber('cost'),
    rateLimitRemaining: r.nullableNumber('rate_limit_remaining'),
    requestHeaders: r.stringRecord('request_headers'),
    requestBody: readBody(r, 'request_body'),
    responseBody: readBody(r, 'response_body'),
    truncated: r.boolean('truncated'),
    startedAt: r.timestamp('started_at'),
  };
}

/** A body from its compressed column when the row has one, else from the text column (older rows). */
function readBody(r: RowReader, column: 'request_body' | 'response_body'): string | null {
  const encoding = r.nullableString('body_encoding');
  if (encoding === null) return r.nullableString(column);
  return decodeBody(encoding, r.nullableBytes(`${column}_bin`), 'api_calls');
}
