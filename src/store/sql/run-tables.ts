import type { PartitionKind } from '../../ports/records.js';
import { HOLD_REASONS, RUN_STATUSES } from '../../ports/run-store.js';
import type {
  PartitionRow,
  PartitionStatus,
  RateLimitRow,
  RunAttemptRow,
  RunRow,
} from '../../ports/run-store.js';
import { RowReader } from './row-reader.js';
import type { SqlRow, SqlValue } from './row-reader.js';

/*
 * Column layout of `runs`, `run_attempts` and `partitions`, shared by the SQLite and PostgreSQL
 * adapters so both flatten a row the same way. Each `*Columns` function is typed against its
 * column list, so a column added to the list without a value fails to compile.
 */

export { RUN_STATUSES };
export const PARTITION_STATUSES: readonly PartitionStatus[] = ['pending', 'running', 'succeeded', 'failed', 'interrupted'];
export const PARTITION_KINDS: readonly PartitionKind[] = ['repo', 'customer'];

/** Columns `updateRun` may change; the rest are fixed when the run is created. */
export const RUN_MUTABLE_COLUMNS = [
  'status', 'finished_at', 'duration_ms', 'resume_count',
  'records_synced', 'records_failed', 'records_skipped', 'records_pending',
  'partitions_total', 'partitions_succeeded', 'partitions_failed',
  'batches_total', 'batches_succeeded', 'batches_failed',
  'api_requests', 'api_retries', 'api_rate_limit_waits', 'api_rate_limit_wait_seconds',
  'api_rate_limit_rejections', 'error_category', 'error_message',
] as const;

/** Written only by `requestCancel` / `clearCancelRequest` (and as NULL by `createRun`). */
export const RUN_CANCEL_COLUMNS = ['cancel_requested_at', 'cancel_requested_by'] as const;

export const RUN_COLUMNS = [
  'sync_id', 'pipeline', 'organization', 'options', 'started_at', 'trace_id', 'root_span_id', 'retry_of',
  ...RUN_MUTABLE_COLUMNS,
  ...RUN_CANCEL_COLUMNS,
] as const;
export type RunColumn = (typeof RUN_COLUMNS)[number];

/** `options` is JSON text; PostgreSQL casts it to JSONB on insert. */
export function runColumns(run: RunRow): Record<RunColumn, SqlValue> {
  return {
    sync_id: run.syncId,
    pipeline: run.pipeline,
    organization: run.organization,
    options: JSON.stringify(run.options),
    started_at: run.startedAt,
    trace_id: run.traceId,
    root_span_id: run.rootSpanId,
    retry_of: run.retryOf,
    status: run.status,
    finished_at: run.finishedAt,
    duration_ms: run.durationMs,
    resume_count: run.resumeCount,
    records_synced: run.records.synced,
    records_failed: run.records.failed,
    records_skipped: run.records.skipped,
    records_pending: run.records.pending,
    partitions_total: run.partitions.total,
    partitions_succeeded: run.partitions.succeeded,
    partitions_failed: run.partitions.failed,
    batches_total: run.batches.total,
    batches_succeeded: run.batches.succeeded,
    batches_failed: run.batches.failed,
    api_requests: run.api.requests,
    api_retries: run.api.retries,
    api_rate_limit_waits: run.api.rateLimitWaits,
    api_rate_limit_wait_seconds: run.api.rateLimitWaitSeconds,
    api_rate_limit_rejections: run.api.rateLimitRejections,
    error_category: run.errorCategory,
    error_message: run.errorMessage,
    cancel_requested_at: run.cancelRequest?.requestedAt ?? null,
    cancel_requested_by: run.cancelRequest?.requestedBy ?? null,
  };
}

export function readRun(row: SqlRow): RunRow {
  const r = new RowReader(row, 'runs');
  return {
    syncId: r.string('sync_id'),
    pipeline: r.string('pipeline'),
    organization: r.string('organization'),
    status: r.oneOf('status', RUN_STATUSES),
    options: r.object('options'),
    startedAt: r.timestamp('started_at'),
    finishedAt: r.nullableTimestamp('finished_at'),
    durationMs: r.nullableNumber('duration_ms'),
    traceId: r.string('trace_id'),
    rootSpanId: r.string('root_span_id'),
    resumeCount: r.number('resume_count'),
    retryOf: r.nullableString('retry_of'),
    records: {
      synced: r.number('records_synced'),
      failed: r.number('records_failed'),
      skipped: r.number('records_skipped'),
      pending: r.number('records_pending'),
    },
    partitions: {
      total: r.number('partitions_total'),
      succeeded: r.number('partitions_succeeded'),
      failed: r.number('partitions_failed'),
    },
    batches: {
      total: r.number('batches_total'),
      succeeded: r.number('batches_succeeded'),
      failed: r.number('batches_failed'),
    },
    api: {
      requests: r.number('api_requests'),
      retries: r.number('api_retries'),
      rateLimitWaits: r.number('api_rate_limit_waits'),
      rateLimitWaitSeconds: r.number('api_rate_limit_wait_seconds'),
      rateLimitRejections: r.number('api_rate_limit_rejections'),
    },
    errorCategory: r.errorCategory('error_category'),
    errorMessage: r.nullableString('error_message'),
    cancelRequest: readCancelRequest(row),
  };
}

/** The cancel request columns of a `runs` row (or of a narrower SELECT of them). */
export function readCancelRequest(row: SqlRow): RunRow['cancelRequest'] {
  const r = new RowReader(row, 'runs');
  const requestedAt = r.nullableTimestamp('cancel_requested_at');
  return requestedAt === null ? null : { requestedAt, requestedBy: r.nullableString('cancel_requested_by') ?? 'unknown' };
}

export const ATTEMPT_COLUMNS = [
  'sync_id', 'attempt', 'started_at', 'finished_at', 'status', 'trace_id', 'span_id',
] as const;
export type AttemptColumn = (typeof ATTEMPT_COLUMNS)[number];

export function attemptColumns(a: RunAttemptRow): Record<AttemptColumn, SqlValue> {
  return {
    sync_id: a.syncId,
    attempt: a.attempt,
    started_at: a.startedAt,
    finished_at: a.finishedAt,
    status: a.status,
    trace_id: a.traceId,
    span_id: a.spanId,
  };
}

export function readAttempt(row: SqlRow): RunAttemptRow {
  const r = new RowReader(row, 'run_attempts');
  return {
    syncId: r.string('sync_id'),
    attempt: r.number('attempt'),
    startedAt: r.timestamp('started_at'),
    finishedAt: r.nullableTimestamp('finished_at'),
    status: r.oneOf('status', RUN_STATUSES),
    traceId: r.string('trace_id'),
    spanId: r.string('span_id'),
  };
}

export const PARTITION_COLUMNS = [
  'sync_id', 'partition_key', 'kind', 'status',
  'records_synced', 'records_failed', 'records_skipped', 'records_pending',
  'batches_total', 'batches_failed', 'started_at', 'finished_at', 'duration_ms',
  'error_category', 'error_message', 'records_expected',
] as const;
export type PartitionColumn = (typeof PARTITION_COLUMNS)[number];

export function partitionColumns(p: PartitionRow): Record<PartitionColumn, SqlValue> {
  return {
    sync_id: p.syncId,
    partition_key: p.partitionKey,
    kind: p.kind,
    status: p.status,
    records_synced: p.records.synced,
    records_failed: p.records.failed,
    records_skipped: p.records.skipped,
    records_pending: p.records.pending,
    batches_total: p.batchesTotal,
    batches_failed: p.batchesFailed,
    started_at: p.startedAt,
    finished_at: p.finishedAt,
    duration_ms: p.durationMs,
    error_category: p.errorCategory,
    error_message: p.errorMessage,
    records_expected: p.recordsExpected,
  };
}

export function readPartition(row: SqlRow): PartitionRow {
  const r = new RowReader(row, 'partitions');
  return {
    syncId: r.string('sync_id'),
    partitionKey: r.string('partition_key'),
    kind: r.oneOf('kind', PARTITION_KINDS),
    status: r.oneOf('status', PARTITION_STATUSES),
    records: {
      synced: r.number('records_synced'),
      failed: r.number('records_failed'),
      skipped: r.number('records_skipped'),
      pending: r.number('records_pending'),
    },
    batchesTotal: r.number('batches_total'),
    batchesFailed: r.number('batches_failed'),
    startedAt: r.nullableTimestamp('started_at'),
    finishedAt: r.nullableTimestamp('finished_at'),
    durationMs: r.nullableNumber('duration_ms'),
    errorCategory: r.errorCategory('error_category'),
    errorMessage: r.nullableString('error_message'),
    recordsExpected: r.nullableNumber('records_expected'),
  };
}

export const RATE_LIMIT_COLUMNS = [
  'sync_id', 'connector', 'resource', 'limit_total', 'remaining', 'reset_at', 'observed_at', 'held_until', 'hold_reason',
] as const;
export type RateLimitColumn = (typeof RATE_LIMIT_COLUMNS)[number];

export function rateLimitColumns(l: RateLimitRow): Record<RateLimitColumn, SqlValue> {
  return {
    sync_id: l.syncId,
    connector: l.connector,
    resource: l.resource,
    limit_total: l.limit,
    remaining: l.remaining,
    reset_at: l.resetAt,
    observed_at: l.observedAt,
    held_until: l.heldUntil ?? null,
    hold_reason: l.heldUntil === undefined ? null : (l.holdReason ?? null),
  };
}

export function readRateLimit(row: SqlRow): RateLimitRow {
  const r = new RowReader(row, 'run_rate_limits');
  const limit: RateLimitRow = {
    syncId: r.string('sync_id'),
    connector: r.string('connector'),
    resource: r.string('resource'),
    limit: r.number('limit_total'),
    remaining: r.number('remaining'),
    resetAt: r.timestamp('reset_at'),
    observedAt: r.timestamp('observed_at'),
  };
  const heldUntil = r.nullableTimestamp('held_until');
  if (heldUntil === null) return limit;
  const reason = row.hold_reason === null ? null : r.oneOf('hold_reason', HOLD_REASONS);
  return { ...limit, heldUntil, ...(reason ? { holdReason: reason } : {}) };
}
