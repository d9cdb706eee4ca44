import pg from 'pg';
import type { PoolClient, QueryResult } from 'pg';
import { SyncError } from '../../errors/sync-error.js';
import type {
  ApiUsageRow,
  OperationApiUsageRow,
  DestinationChangeCount, DestinationChangeQuery, DestinationChangeRow, PartitionApiUsageRow,
  FailureCategoryRow,
  ApiCallQuery, ApiCallRow, BatchCommit, BatchRow, CancelOutcome, CancelRequest, PartitionRow, RateLimitRow,
  RecordCounts, RecordStateQuery, RecordStateRow, RunAttemptRow, RunFilter, RunRow, RunStore,
  LeaseOutcome, LeaseRequest, RunLease,
} from '../../ports/run-store.js';
import { migratePostgres } from '../migrations/postgres-migrator.js';
import { postgresMigrations } from '../migrations/postgres-migrations.js';
import { zeroCounts } from '../query-limits.js';
import { BATCH_COLUMNS, RECORD_STATUSES, batchColumns, readApiCall, readBatch, readRecordState } from '../sql/record-tables.js';
import { readApiUsage, readFailureCategory, readOperationApiUsage, RowReader } from '../sql/row-reader.js';
import type { SqlRow } from '../sql/row-reader.js';
import { RunStoreSql } from '../sql/run-store-sql.js';
import {
  ATTEMPT_COLUMNS, PARTITION_COLUMNS, RATE_LIMIT_COLUMNS, RUN_COLUMNS, RUN_MUTABLE_COLUMNS, attemptColumns,
  partitionColumns, rateLimitColumns, readAttempt, readCancelRequest, readPartition, readRateLimit, readRun,
  runColumns,
} from '../sql/run-tables.js';
import { numberPlaceholders, valuesIn } from '../sql/sql-text.js';
import { insertApiCalls, upsertChanges, upsertRecordStates } from './postgres-bulk.js';
import { ChangeStoreSql, readChange, readChangeCount, readPartitionApiUsage } from '../sql/change-tables.js';
import { LeaseSql, readLease } from '../sql/lease-sql.js';
import { isUniqueViolation, postgresStoreError } from './postgres-store-error.js';

export interface PostgresRunStoreOptions {
  /** `postgres://user@host:5432/db`. */
  connectionString: string;
  /** Schema holding the tables, created by `migrate()` if missing. Default `public`. */
  schema?: string;
  /** Pool size. Default 10. */
  maxConnections?: number;
  /** Receives errors of idle pooled connections (e.g. a server restart). Default: a process warning. */
  onBackgroundError?: (error: SyncError) => void;
}

/** A statement with `?` placeholders; values may be arrays (see postgres-bulk.ts). */
interface PgQuery {
  text: string;
  values: readonly unknown[];
}

type Execute = (query: PgQuery) => Promise<QueryResult<SqlRow>>;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * The shared run store, for teams and distributed mode: every worker writes to one PostgreSQL
 * database through a `pg` pool. Multi-row writes go through `unnest` (see postgres-bulk.ts).
 */
export class PostgresRunStore implements RunStore {
  private readonly pool: pg.Pool;
  private readonly schemaName: string;
  private readonly schema: string;
  private readonly sql: RunStoreSql;
  private readonly changes: ChangeStoreSql;
  private readonly leases: LeaseSql;
  private closed = false;

  constructor(options: PostgresRunStoreOptions) {
    this.schemaName = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(this.schemaName)) {
      throw new SyncError('VALIDATION_ERROR', `run store (postgres): invalid schema name "${this.schemaName}"`);
    }
    this.schema = `"${this.schemaName}"`;
    this.sql = new RunStoreSql((name) => `${this.schema}.${name}`);
    this.changes = new ChangeStoreSql((name) => `${this.schema}.${name}`);
    this.leases = new LeaseSql((name) => `${this.schema}.${name}`);
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
    const report = options.onBackgroundError ?? ((error: SyncError) => process.emitWarning(error));
    // Without a listener, an idle connection's error would crash the process.
    this.pool.on('error', (error) => report(postgresStoreError(error, 'idle connection')));
  }

  async migrate(): Promise<void> {
    await this.transaction('migrate', (execute) =>
      migratePostgres(
        (text, values = []) => execute({ text, values }),
        this.schema,
        this.schemaName,
        postgresMigrations(this.schema),
      ),
    );
  }

  async createRun(run: RunRow): Promise<void> {
    try {
      await this.query('createRun', { text: this.sql.insertRun, values: valuesIn(RUN_COLUMNS, runColumns(run)) });
    } catch (error) {
      if (error instanceof SyncError && isUniqueViolation(error.cause)) {
        throw new SyncError('CONFLICT', `run ${run.syncId} already exists`, { cause: error.cause });
      }
      throw error;
    }
  }

  async updateRun(run: RunRow): Promise<void> {
    const values = [...valuesIn(RUN_MUTABLE_COLUMNS, runColumns(run)), run.syncId];
    const result = await this.query('updateRun', { text: this.sql.updateRun, values });
    if (result.rowCount === 0) throw new SyncError('NOT_FOUND', `run ${run.syncId} does not exist`);
  }

  async getRun(syncId: string): Promise<RunRow | undefined> {
    return optional(await this.rows('getRun', { text: this.sql.getRun, values: [syncId] }), readRun);
  }

  async listRuns(filter?: RunFilter): Promise<RunRow[]> {
    return (await this.rows('listRuns', this.sql.listRuns(filter))).map(readRun);
  }

  async requestCancel(syncId: string, request: CancelRequest): Promise<CancelOutcome> {
    const values = [request.requestedAt, request.requestedBy, syncId];
    const result = await this.query('requestCancel', { text: this.sql.requestCancel, values });
    if (result.rowCount === 1) return { result: 'requested', request };
    // The UPDATE is the atomic step; this read only explains why it changed nothing.
    const run = optional(await this.rows('requestCancel', { text: this.sql.getRun, values: [syncId] }), readRun);
    if (run === undefined) return { result: 'not_found' };
    if (run.status === 'running' && run.cancelRequest) return { result: 'already_requested', request: run.cancelRequest };
    return { result: 'not_running', status: run.status };
  }

  async getCancelRequest(syncId: string): Promise<CancelRequest | null> {
    const [row] = await this.rows('getCancelRequest', { text: this.sql.getCancelRequest, values: [syncId] });
    return row === undefined ? null : readCancelRequest(row);
  }

  async clearCancelRequest(syncId: string): Promise<void> {
    await this.query('clearCancelRequest', { text: this.sql.clearCancelRequest, values: [syncId] });
  }

  async acquireLease(request: LeaseRequest): Promise<LeaseOutcome> {
    await this.query('acquireLease', this.leases.acquire(request));
    const lease = optional(await this.rows('acquireLease', { text: this.leases.get, values: [request.syncId] }), readLease);
    if (!lease) throw new SyncError('INTERNAL', `run store (postgres): lease of ${request.syncId} vanished while acquiring it`);
    return { acquired: lease.owner === request.owner, lease };
  }

  async heartbeatLease(syncId: string, owner: string, now: string): Promise<boolean> {
    return (await this.query('heartbeatLease', { text: this.leases.heartbeat, values: [now, syncId, owner] })).rowCount === 1;
  }

  async releaseLease(syncId: string, owner: string): Promise<void> {
    await this.query('releaseLease', { text: this.leases.release, values: [syncId, owner] });
  }

  async getLease(syncId: string): Promise<RunLease | undefined> {
    return optional(await this.rows('getLease', { text: this.leases.get, values: [syncId] }), readLease);
  }

  async previousRun(pipeline: string, syncId: string): Promise<RunRow | undefined> {
    const query = { text: this.sql.previousRun, values: [syncId, pipeline, syncId] };
    return optional(await this.rows('previousRun', query), readRun);
  }

  async saveAttempt(attempt: RunAttemptRow): Promise<void> {
    const values = valuesIn(ATTEMPT_COLUMNS, attemptColumns(attempt));
    await this.query('saveAttempt', { text: this.sql.upsertAttempt, values });
  }

  async listAttempts(syncId: string): Promise<RunAttemptRow[]> {
    return (await this.rows('listAttempts', { text: this.sql.listAttempts, values: [syncId] })).map(readAttempt);
  }

  async savePartition(partition: PartitionRow): Promise<void> {
    const values = valuesIn(PARTITION_COLUMNS, partitionColumns(partition));
    await this.query('savePartition', { text: this.sql.upsertPartition, values });
  }

  async listPartitions(syncId: string): Promise<PartitionRow[]> {
    return (await this.rows('listPartitions', { text: this.sql.listPartitions, values: [syncId] })).map(readPartition);
  }

  async commitBatch(commit: BatchCommit): Promise<void> {
    await this.transaction('commitBatch', async (execute) => {
      await execute({ text: this.sql.upsertBatch, values: valuesIn(BATCH_COLUMNS, batchColumns(commit.batch)) });
      if (commit.records.length > 0) await execute(upsertRecordStates(this.table('record_states'), commit.records));
      const checkpoint = commit.checkpoint;
      if (checkpoint !== undefined) {
        const values = [commit.batch.syncId, checkpoint.partitionKey, checkpoint.cursor, new Date().toISOString()];
        await execute({ text: this.sql.upsertCheckpoint, values });
      }
      if (commit.changes?.length) await execute(upsertChanges(this.table('destination_changes'), commit.changes));
    });
  }

  async listBatches(syncId: string): Promise<BatchRow[]> {
    return (await this.rows('listBatches', { text: this.sql.listBatches, values: [syncId] })).map(readBatch);
  }

  async recordApiCalls(calls: ApiCallRow[]): Promise<void> {
    if (calls.length > 0) await this.query('recordApiCalls', insertApiCalls(this.table('api_calls'), calls));
  }

  async listApiCalls(syncId: string, query?: ApiCallQuery): Promise<ApiCallRow[]> {
    return (await this.rows('listApiCalls', this.sql.listApiCalls(syncId, query))).map(readApiCall);
  }

  async listRecordStates(syncId: string, query?: RecordStateQuery): Promise<RecordStateRow[]> {
    return (await this.rows('listRecordStates', this.sql.listRecordStates(syncId, query))).map(readRecordState);
  }

  async countRecordStates(syncId: string): Promise<RecordCounts> {
    const counts = zeroCounts();
    for (const row of await this.rows('countRecordStates', { text: this.sql.countRecordStates, values: [syncId] })) {
      const r = new RowReader(row, 'record_states');
      counts[r.oneOf('status', RECORD_STATUSES)] = r.number('n');
    }
    return counts;
  }

  async apiUsage(syncId: string): Promise<ApiUsageRow[]> {
    return (await this.rows('apiUsage', { text: this.sql.apiUsage, values: [syncId] })).map(readApiUsage);
  }

  async apiUsageByOperation(syncId: string): Promise<OperationApiUsageRow[]> {
    return (await this.rows('apiUsageByOperation', { text: this.sql.apiUsageByOperation, values: [syncId] })).map(readOperationApiUsage);
  }

  async apiUsageByPartition(syncId: string): Promise<PartitionApiUsageRow[]> {
    return (await this.rows('apiUsageByPartition', { text: this.changes.apiUsageByPartition, values: [syncId] })).map(readPartitionApiUsage);
  }

  async listDestinationChanges(syncId: string, query?: DestinationChangeQuery): Promise<DestinationChangeRow[]> {
    return (await this.rows('listDestinationChanges', this.changes.listChanges(syncId, query))).map(readChange);
  }

  async countDestinationChanges(syncId: string): Promise<DestinationChangeCount[]> {
    return (await this.rows('countDestinationChanges', { text: this.changes.countChanges, values: [syncId] })).map(readChangeCount);
  }

  async failuresByCategory(syncId: string): Promise<FailureCategoryRow[]> {
    return (await this.rows('failuresByCategory', { text: this.sql.failuresByCategory, values: [syncId] })).map(readFailureCategory);
  }

  async saveRateLimits(rows: RateLimitRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.transaction('saveRateLimits', async (execute) => {
      for (const row of rows) await execute({ text: this.sql.upsertRateLimit, values: valuesIn(RATE_LIMIT_COLUMNS, rateLimitColumns(row)) });
    });
  }

  async listRateLimits(syncId: string): Promise<RateLimitRow[]> {
    return (await this.rows('listRateLimits', { text: this.sql.listRateLimits, values: [syncId] })).map(readRateLimit);
  }

  async getCheckpoints(syncId: string): Promise<Map<string, string | null>> {
    const rows = await this.rows('getCheckpoints', { text: this.sql.getCheckpoints, values: [syncId] });
    return new Map(rows.map((row) => {
      const r = new RowReader(row, 'checkpoints');
      return [r.string('partition_key'), r.nullableString('cursor')];
    }));
  }

  async deleteRunsStartedBefore(before: string): Promise<string[]> {
    return this.transaction('deleteRunsStartedBefore', async (execute) => {
      const result = await execute({ text: this.sql.selectRunsBefore, values: [before] });
      const ids = result.rows.map((row) => new RowReader(row, 'runs').string('sync_id'));
      if (ids.length > 0) for (const text of this.sql.deleteRunsBefore) await execute({ text, values: [before] });
      return ids;
    });
  }

  async dropApiCallBodiesBefore(before: string): Promise<number> {
    const result = await this.query('dropApiCallBodiesBefore', { text: this.sql.dropApiCallBodiesBefore, values: [before] });
    return result.rowCount ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private table(name: string): string {
    return `${this.schema}.${name}`;
  }

  private async query(operation: string, query: PgQuery): Promise<QueryResult<SqlRow>> {
    try {
      return await this.pool.query<SqlRow>(numberPlaceholders(query.text), [...query.values]);
    } catch (error) {
      throw postgresStoreError(error, operation);
    }
  }

  private async rows(operation: string, query: PgQuery): Promise<SqlRow[]> {
    return (await this.query(operation, query)).rows;
  }

  /** Runs `work` in one transaction on one pooled connection; rolls back on any failure. */
  private async transaction<T>(operation: string, work: (execute: Execute) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw postgresStoreError(error, operation);
    }
    // A connection whose ROLLBACK failed is in an unknown state: release(error) destroys it.
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work((q) => client.query<SqlRow>(numberPlaceholders(q.text), [...q.values]));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw postgresStoreError(error, operation);
    } finally {
      client.release(broken);
    }
  }
}

function optional<T>(rows: SqlRow[], read: (row: SqlRow) => T): T | undefined {
  return rows[0] === undefined ? undefined : read(rows[0]);
}
