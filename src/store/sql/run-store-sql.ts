import type { ApiCallQuery, RecordStateQuery, RunFilter } from '../../ports/run-store.js';
import { DEFAULT_RUN_LIMIT, normalizeLimit } from '../query-limits.js';
import { API_CALL_COLUMNS, BATCH_COLUMNS, RECORD_STATE_COLUMNS } from './record-tables.js';
import type { SqlValue } from './row-reader.js';
import { ATTEMPT_COLUMNS, PARTITION_COLUMNS, RATE_LIMIT_COLUMNS, RUN_COLUMNS, RUN_MUTABLE_COLUMNS } from './run-tables.js';
import { ORDER, insertSql, updateSql } from './sql-text.js';

/** A statement with `?` placeholders and the values to bind to them. */
export interface Query {
  text: string;
  values: SqlValue[];
}

/** Tables holding a run's rows, children first so they are deleted before `runs`. */
/** The predicate of the partial index `record_states_unsynced`. */
const UNSYNCED = "status <> 'synced'";

const RUN_CHILD_TABLES = ['run_leases', 'destination_changes', 'run_rate_limits', 'checkpoints', 'api_calls', 'record_states', 'batches', 'partitions', 'run_attempts'] as const;

/**
 * Every statement of the run store, written once for both SQL adapters. `table` qualifies a table
 * name (identity for SQLite, `"schema".name` for PostgreSQL).
 */
export class RunStoreSql {
  readonly insertRun: string;
  readonly updateRun: string;
  readonly getRun: string;
  /** Binds: requested at, requested by, sync ID. Changes a row only if it is running with no request yet. */
  readonly requestCancel: string;
  /** Binds: sync ID. */
  readonly getCancelRequest: string;
  /** Binds: sync ID. */
  readonly clearCancelRequest: string;
  readonly upsertRateLimit: string;
  /** Binds: sync ID. */
  readonly listRateLimits: string;
  /** Binds: reference sync ID, pipeline, reference sync ID. */
  readonly previousRun: string;
  readonly upsertAttempt: string;
  readonly listAttempts: string;
  readonly upsertPartition: string;
  readonly listPartitions: string;
  readonly upsertBatch: string;
  readonly listBatches: string;
  readonly upsertRecordState: string;
  readonly countRecordStates: string;
  /** Binds: sync ID. API calls per connector and resource. */
  readonly apiUsage: string;
  readonly apiUsageByOperation: string;
  /** Binds: sync ID. Failed records per error category, most frequent first. */
  readonly failuresByCategory: string;
  readonly insertApiCall: string;
  /** Binds: sync ID, partition key, cursor, updated at. */
  readonly upsertCheckpoint: string;
  readonly getCheckpoints: string;
  /** Binds: cutoff. Oldest first. */
  readonly selectRunsBefore: string;
  /** Each binds the cutoff; run in order inside one transaction. */
  readonly deleteRunsBefore: readonly string[];
  /** Binds: cutoff. Clears the bodies of the calls of runs started before it; the rows stay. */
  readonly dropApiCallBodiesBefore: string;

  constructor(private readonly table: (name: string) => string) {
    const runs = table('runs');
    this.insertRun = insertSql(runs, RUN_COLUMNS);
    this.updateRun = updateSql(runs, RUN_MUTABLE_COLUMNS, 'sync_id = ?');
    this.getRun = `SELECT * FROM ${runs} WHERE sync_id = ?`;
    this.requestCancel = `UPDATE ${runs} SET cancel_requested_at = ?, cancel_requested_by = ?
      WHERE sync_id = ? AND status = 'running' AND cancel_requested_at IS NULL`;
    this.getCancelRequest = `SELECT cancel_requested_at, cancel_requested_by FROM ${runs} WHERE sync_id = ?`;
    this.clearCancelRequest = `UPDATE ${runs} SET cancel_requested_at = NULL, cancel_requested_by = NULL WHERE sync_id = ?`;
    this.upsertRateLimit = insertSql(table('run_rate_limits'), RATE_LIMIT_COLUMNS, ['sync_id', 'connector', 'resource']);
    this.listRateLimits = `SELECT * FROM ${table('run_rate_limits')} WHERE sync_id = ? ORDER BY connector, resource`;
    this.previousRun = `WITH ref AS (SELECT started_at FROM ${runs} WHERE sync_id = ?)
      SELECT r.* FROM ${runs} r, ref WHERE r.pipeline = ?
        AND (r.started_at < ref.started_at OR (r.started_at = ref.started_at AND r.sync_id < ?))
      ORDER BY r.started_at DESC, r.sync_id DESC LIMIT 1`;
    this.upsertAttempt = insertSql(table('run_attempts'), ATTEMPT_COLUMNS, ['sync_id', 'attempt']);
    this.listAttempts = `SELECT * FROM ${table('run_attempts')} WHERE sync_id = ? ORDER BY ${ORDER.attempts}`;
    this.upsertPartition = insertSql(table('partitions'), PARTITION_COLUMNS, ['sync_id', 'partition_key']);
    this.listPartitions = `SELECT * FROM ${table('partitions')} WHERE sync_id = ? ORDER BY ${ORDER.partitions}`;
    this.upsertBatch = insertSql(table('batches'), BATCH_COLUMNS, ['sync_id', 'batch_id']);
    this.listBatches = `SELECT * FROM ${table('batches')} WHERE sync_id = ? ORDER BY ${ORDER.batches}`;
    this.upsertRecordState = insertSql(table('record_states'), RECORD_STATE_COLUMNS, ['sync_id', 'record_key']);
    this.countRecordStates = `SELECT status, COUNT(*) AS n FROM ${table('record_states')} WHERE sync_id = ? GROUP BY status`;
    this.apiUsage = `SELECT connector, resource, COUNT(*) AS calls,
        SUM(CASE WHEN error_category IS NULL THEN 0 ELSE 1 END) AS errors,
        COALESCE(SUM(cost), 0) AS cost, COALESCE(SUM(duration_ms), 0) AS total_duration_ms
      FROM ${table('api_calls')} WHERE sync_id = ? GROUP BY connector, resource ORDER BY connector, resource`;
    this.apiUsageByOperation = `SELECT connector, resource, operation, COUNT(*) AS calls,
        SUM(CASE WHEN error_category IS NULL THEN 0 ELSE 1 END) AS errors,
        COALESCE(SUM(cost), 0) AS cost, COALESCE(SUM(duration_ms), 0) AS total_duration_ms
      FROM ${table('api_calls')} WHERE sync_id = ? GROUP BY connector, resource, operation
      ORDER BY cost DESC, calls DESC, connector, resource, operation`;
    this.failuresByCategory = `SELECT COALESCE(error_category, 'INTERNAL') AS category, COUNT(*) AS n
      FROM ${table('record_states')} WHERE sync_id = ? AND status = 'failed' AND ${UNSYNCED}
      GROUP BY COALESCE(error_category, 'INTERNAL') ORDER BY n DESC, category`;
    this.insertApiCall = insertSql(table('api_calls'), API_CALL_COLUMNS);
    this.upsertCheckpoint = insertSql(
      table('checkpoints'),
      ['sync_id', 'partition_key', 'cursor', 'updated_at'],
      ['sync_id', 'partition_key'],
    );
    this.getCheckpoints = `SELECT partition_key, cursor FROM ${table('checkpoints')} WHERE sync_id = ? ORDER BY partition_key`;
    this.selectRunsBefore = `SELECT sync_id FROM ${runs} WHERE started_at < ? ORDER BY started_at, sync_id`;
    const old = `SELECT sync_id FROM ${runs} WHERE started_at < ?`;
    this.deleteRunsBefore = [
      ...RUN_CHILD_TABLES.map((child) => `DELETE FROM ${table(child)} WHERE sync_id IN (${old})`),
      `DELETE FROM ${runs} WHERE started_at < ?`,
    ];
    this.dropApiCallBodiesBefore = `UPDATE ${table('api_calls')}
      SET request_body = NULL, response_body = NULL, body_encoding = NULL, request_body_bin = NULL, response_body_bin = NULL
      WHERE sync_id IN (${old})
        AND (body_encoding IS NOT NULL OR request_body IS NOT NULL OR response_body IS NOT NULL)`;
  }

  listRuns(filter: RunFilter = {}): Query {
    const where = new Where();
    if (filter.status !== undefined) where.add('status = ?', filter.status);
    if (filter.pipeline !== undefined) where.add('pipeline = ?', filter.pipeline);
    if (filter.organization !== undefined) where.add('organization = ?', filter.organization);
    if (filter.since !== undefined) where.add('started_at >= ?', filter.since);
    if (filter.after !== undefined) {
      const { startedAt, syncId } = filter.after;
      where.add('(started_at < ? OR (started_at = ? AND sync_id < ?))', startedAt, startedAt, syncId);
    }
    return {
      text: `SELECT * FROM ${this.table('runs')} ${where.clause()} ORDER BY ${ORDER.runsNewestFirst} LIMIT ?`,
      values: [...where.values, normalizeLimit(filter.limit) ?? DEFAULT_RUN_LIMIT],
    };
  }

  listApiCalls(syncId: string, query: ApiCallQuery = {}): Query {
    const where = new Where();
    where.add('sync_id = ?', syncId);
    if (query.onlyErrors === true) where.add('error_category IS NOT NULL');
    const order = query.order === 'slowest' ? ORDER.apiCallsSlowest : ORDER.apiCallsChronological;
    return withLimit(`SELECT * FROM ${this.table('api_calls')} ${where.clause()} ORDER BY ${order}`, where.values, query.limit);
  }

  listRecordStates(syncId: string, query: RecordStateQuery = {}): Query {
    const where = new Where();
    where.add('sync_id = ?', syncId);
    if (query.status !== undefined) where.add('status = ?', query.status);
    // Spelled out so the planner may use the partial index of records not synced (migration 8).
    if (query.status !== undefined && query.status !== 'synced') where.add(UNSYNCED);
    if (query.partitionKey !== undefined) where.add('partition_key = ?', query.partitionKey);
    if (query.afterKey !== undefined) where.add('record_key > ?', query.afterKey);
    const text = `SELECT * FROM ${this.table('record_states')} ${where.clause()} ORDER BY ${ORDER.recordStates}`;
    return withLimit(text, where.values, query.limit);
  }
}

function withLimit(text: string, values: SqlValue[], limit: number | undefined): Query {
  const normalized = normalizeLimit(limit);
  return normalized === undefined ? { text, values } : { text: `${text} LIMIT ?`, values: [...values, normalized] };
}

/** Collects AND-ed conditions with their bound values, in placeholder order. */
class Where {
  private readonly conditions: string[] = [];
  readonly values: SqlValue[] = [];

  add(condition: string, ...values: SqlValue[]): void {
    this.conditions.push(condition);
    this.values.push(...values);
  }

  clause(): string {
    return this.conditions.length === 0 ? '' : `WHERE ${this.conditions.join(' AND ')}`;
  }
}
