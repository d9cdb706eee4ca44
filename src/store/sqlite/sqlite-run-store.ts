import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
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
import { migrateSqlite } from '../migrations/sqlite-migrator.js';
import { SQLITE_MIGRATIONS } from '../migrations/sqlite-migrations.js';
import { zeroCounts } from '../query-limits.js';
import {
  API_CALL_COLUMNS, BATCH_COLUMNS, RECORD_STATE_COLUMNS, RECORD_STATUSES, apiCallColumns, batchColumns,
  readApiCall, readBatch, readRecordState, recordStateColumns,
} from '../sql/record-tables.js';
import { readApiUsage, readFailureCategory, readOperationApiUsage, RowReader } from '../sql/row-reader.js';
import type { SqlRow, SqlValue } from '../sql/row-reader.js';
import { RunStoreSql } from '../sql/run-store-sql.js';
import { CHANGE_COLUMNS, ChangeStoreSql, changeColumns, readChange, readChangeCount, readPartitionApiUsage } from '../sql/change-tables.js';
import type { Query } from '../sql/run-store-sql.js';
import {
  ATTEMPT_COLUMNS, PARTITION_COLUMNS, RATE_LIMIT_COLUMNS, RUN_COLUMNS, RUN_MUTABLE_COLUMNS, attemptColumns,
  partitionColumns, rateLimitColumns, readAttempt, readCancelRequest, readPartition, readRateLimit, readRun,
  runColumns,
} from '../sql/run-tables.js';
import { valuesIn } from '../sql/sql-text.js';
import { LeaseSql, readLease } from '../sql/lease-sql.js';
import { isUniqueViolation, sqliteStoreError } from './sqlite-store-error.js';

export interface SqliteRunStoreOptions {
  /** Database file; its directory is created if missing. `:memory:` keeps a private in-memory database. */
  path: string;
  /** How long a write waits for another process's lock before failing with TIMEOUT. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Open for reading only: nothing is created, migrated or written (read-only commands). */
  readonly?: boolean;
}

type Bindable = string | number | null | Uint8Array;

const SQL = new RunStoreSql((name) => name);
const CHANGES = new ChangeStoreSql((name) => name);
const LEASES = new LeaseSql((name) => name);

/**
 * The embedded run store: one SQLite file in WAL mode, so the CLI, `serve` and readers such as
 * `syncscope show` can use it at the same time. better-sqlite3 is synchronous; the methods are
 * async only to fit the port. Call `migrate()` (or use `openRunStore`) before anything else.
 */
export class SqliteRunStore implements RunStore {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement<Bindable[]>>();
  private readonly readonly: boolean;

  constructor(options: SqliteRunStoreOptions) {
    const inMemory = options.path === ':memory:' || options.path === '';
    this.readonly = options.readonly === true && !inMemory;
    if (!inMemory && !this.readonly) mkdirSync(dirname(options.path), { recursive: true });
    const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000));
    this.db = new Database(options.path, { timeout: busyTimeoutMs, readonly: this.readonly, fileMustExist: this.readonly });
    // A reader leaves the journal mode to the writers (setting it writes the file).
    if (!this.readonly) this.db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; a power loss may drop the last
    // commits, which a resumed run redoes from its checkpoint. It makes commits much cheaper.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    this.db.pragma('foreign_keys = ON');
    // better-sqlite3 builds SQLite with a 16 MB page cache per connection; a run mostly appends
    // (states, audit rows) and reads back little, so at 100k+ records that cache was 16 MB of RSS
    // holding pages written once. SQLite's own default, 2 MB, holds the hot index pages.
    this.db.pragma('cache_size = -2000');
  }

  async migrate(): Promise<void> {
    // A read-only store is read as it is; the next writer migrates it.
    if (this.readonly) return;
    this.guard('migrate', () => migrateSqlite(this.db, SQLITE_MIGRATIONS));
  }

  async createRun(run: RunRow): Promise<void> {
    this.guard('createRun', () => {
      try {
        this.write(SQL.insertRun, valuesIn(RUN_COLUMNS, runColumns(run)));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new SyncError('CONFLICT', `run ${run.syncId} already exists`, { cause: error });
      }
    });
  }

  async updateRun(run: RunRow): Promise<void> {
    this.guard('updateRun', () => {
      const changes = this.write(SQL.updateRun, [...valuesIn(RUN_MUTABLE_COLUMNS, runColumns(run)), run.syncId]);
      if (changes === 0) throw new SyncError('NOT_FOUND', `run ${run.syncId} does not exist`);
    });
  }

  async getRun(syncId: string): Promise<RunRow | undefined> {
    return this.guard('getRun', () => optional(this.all({ text: SQL.getRun, values: [syncId] })[0], readRun));
  }

  async listRuns(filter?: RunFilter): Promise<RunRow[]> {
    return this.guard('listRuns', () => this.all(SQL.listRuns(filter)).map(readRun));
  }

  async requestCancel(syncId: string, request: CancelRequest): Promise<CancelOutcome> {
    return this.guard('requestCancel', () =>
      this.db.transaction((): CancelOutcome => {
        if (this.write(SQL.requestCancel, [request.requestedAt, request.requestedBy, syncId]) === 1) {
          return { result: 'requested', request };
        }
        const run = optional(this.all({ text: SQL.getRun, values: [syncId] })[0], readRun);
        if (run === undefined) return { result: 'not_found' };
        if (run.status === 'running' && run.cancelRequest) return { result: 'already_requested', request: run.cancelRequest };
        return { result: 'not_running', status: run.status };
      }).immediate(),
    );
  }

  async getCancelRequest(syncId: string): Promise<CancelRequest | null> {
    return this.guard('getCancelRequest', () => {
      const row = this.all({ text: SQL.getCancelRequest, values: [syncId] })[0];
      return row === undefined ? null : readCancelRequest(row);
    });
  }

  async clearCancelRequest(syncId: string): Promise<void> {
    this.guard('clearCancelRequest', () => this.write(SQL.clearCancelRequest, [syncId]));
  }

  async acquireLease(request: LeaseRequest): Promise<LeaseOutcome> {
    return this.guard('acquireLease', () =>
      this.db.transaction((): LeaseOutcome => {
        const query = LEASES.acquire(request);
        this.write(query.text, query.values);
        const lease = readLease(this.all({ text: LEASES.get, values: [request.syncId] })[0] as SqlRow);
        return { acquired: lease.owner === request.owner, lease };
      }).immediate(),
    );
  }

  async heartbeatLease(syncId: string, owner: string, now: string): Promise<boolean> {
    return this.guard('heartbeatLease', () => this.write(LEASES.heartbeat, [now, syncId, owner]) === 1);
  }

  async releaseLease(syncId: string, owner: string): Promise<void> {
    this.guard('releaseLease', () => this.write(LEASES.release, [syncId, owner]));
  }

  async getLease(syncId: string): Promise<RunLease | undefined> {
    return this.guard('getLease', () => optional(this.all({ text: LEASES.get, values: [syncId] })[0], readLease));
  }

  async previousRun(pipeline: string, syncId: string): Promise<RunRow | undefined> {
    return this.guard('previousRun', () =>
      optional(this.all({ text: SQL.previousRun, values: [syncId, pipeline, syncId] })[0], readRun),
    );
  }

  async saveAttempt(attempt: RunAttemptRow): Promise<void> {
    this.guard('saveAttempt', () => this.write(SQL.upsertAttempt, valuesIn(ATTEMPT_COLUMNS, attemptColumns(attempt))));
  }

  async listAttempts(syncId: string): Promise<RunAttemptRow[]> {
    return this.guard('listAttempts', () => this.all({ text: SQL.listAttempts, values: [syncId] }).map(readAttempt));
  }

  async savePartition(partition: PartitionRow): Promise<void> {
    this.guard('savePartition', () =>
      this.write(SQL.upsertPartition, valuesIn(PARTITION_COLUMNS, partitionColumns(partition))),
    );
  }

  async listPartitions(syncId: string): Promise<PartitionRow[]> {
    return this.guard('listPartitions', () => this.all({ text: SQL.listPartitions, values: [syncId] }).map(readPartition));
  }

  async commitBatch(commit: BatchCommit): Promise<void> {
    this.guard('commitBatch', () => {
      const record = this.statement(SQL.upsertRecordState);
      this.db.transaction(() => {
        this.write(SQL.upsertBatch, valuesIn(BATCH_COLUMNS, batchColumns(commit.batch)));
        // One prepared statement run per row inside the transaction: better-sqlite3 makes each
        // run a plain C call, so 1,000 rows cost about a millisecond.
        for (const state of commit.records) {
          record.run(...bind(valuesIn(RECORD_STATE_COLUMNS, recordStateColumns(state))));
        }
        const checkpoint = commit.checkpoint;
        if (checkpoint !== undefined) {
          const now = new Date().toISOString();
          this.write(SQL.upsertCheckpoint, [commit.batch.syncId, checkpoint.partitionKey, checkpoint.cursor, now]);
        }
        for (const change of commit.changes ?? []) this.write(CHANGES.upsertChange, valuesIn(CHANGE_COLUMNS, changeColumns(change)));
      })();
    });
  }

  async listBatches(syncId: string): Promise<BatchRow[]> {
    return this.guard('listBatches', () => this.all({ text: SQL.listBatches, values: [syncId] }).map(readBatch));
  }

  async recordApiCalls(calls: ApiCallRow[]): Promise<void> {
    this.guard('recordApiCalls', () => {
      const insert = this.statement(SQL.insertApiCall);
      this.db.transaction(() => {
        for (const call of calls) insert.run(...bind(valuesIn(API_CALL_COLUMNS, apiCallColumns(call))));
      })();
    });
  }

  async listApiCalls(syncId: string, query?: ApiCallQuery): Promise<ApiCallRow[]> {
    return this.guard('listApiCalls', () => this.all(SQL.listApiCalls(syncId, query)).map(readApiCall));
  }

  async listRecordStates(syncId: string, query?: RecordStateQuery): Promise<RecordStateRow[]> {
    return this.guard('listRecordStates', () => this.all(SQL.listRecordStates(syncId, query)).map(readRecordState));
  }

  async countRecordStates(syncId: string): Promise<RecordCounts> {
    return this.guard('countRecordStates', () => {
      const counts = zeroCounts();
      for (const row of this.all({ text: SQL.countRecordStates, values: [syncId] })) {
        const r = new RowReader(row, 'record_states');
        counts[r.oneOf('status', RECORD_STATUSES)] = r.number('n');
      }
      return counts;
    });
  }

  async apiUsage(syncId: string): Promise<ApiUsageRow[]> {
    return this.guard('apiUsage', () => this.all({ text: SQL.apiUsage, values: [syncId] }).map(readApiUsage));
  }

  async apiUsageByOperation(syncId: string): Promise<OperationApiUsageRow[]> {
    return this.guard('apiUsageByOperation', () => this.all({ text: SQL.apiUsageByOperation, values: [syncId] }).map(readOperationApiUsage));
  }

  async apiUsageByPartition(syncId: string): Promise<PartitionApiUsageRow[]> {
    return this.guard('apiUsageByPartition', () => this.all({ text: CHANGES.apiUsageByPartition, values: [syncId] }).map(readPartitionApiUsage));
  }

  async listDestinationChanges(syncId: string, query?: DestinationChangeQuery): Promise<DestinationChangeRow[]> {
    return this.guard('listDestinationChanges', () => this.all(CHANGES.listChanges(syncId, query)).map(readChange));
  }

  async countDestinationChanges(syncId: string): Promise<DestinationChangeCount[]> {
    return this.guard('countDestinationChanges', () => this.all({ text: CHANGES.countChanges, values: [syncId] }).map(readChangeCount));
  }

  async failuresByCategory(syncId: string): Promise<FailureCategoryRow[]> {
    return this.guard('failuresByCategory', () => this.all({ text: SQL.failuresByCategory, values: [syncId] }).map(readFailureCategory));
  }

  async saveRateLimits(rows: RateLimitRow[]): Promise<void> {
    this.guard('saveRateLimits', () => {
      const upsert = this.statement(SQL.upsertRateLimit);
      this.db.transaction(() => {
        for (const row of rows) upsert.run(...bind(valuesIn(RATE_LIMIT_COLUMNS, rateLimitColumns(row))));
      })();
    });
  }

  async listRateLimits(syncId: string): Promise<RateLimitRow[]> {
    return this.guard('listRateLimits', () => this.all({ text: SQL.listRateLimits, values: [syncId] }).map(readRateLimit));
  }

  async getCheckpoints(syncId: string): Promise<Map<string, string | null>> {
    return this.guard('getCheckpoints', () => {
      const rows = this.all({ text: SQL.getCheckpoints, values: [syncId] });
      return new Map(rows.map((row) => {
        const r = new RowReader(row, 'checkpoints');
        return [r.string('partition_key'), r.nullableString('cursor')];
      }));
    });
  }

  async deleteRunsStartedBefore(before: string): Promise<string[]> {
    return this.guard('deleteRunsStartedBefore', () =>
      this.db.transaction((): string[] => {
        const rows = this.all({ text: SQL.selectRunsBefore, values: [before] });
        const ids = rows.map((row) => new RowReader(row, 'runs').string('sync_id'));
        if (ids.length > 0) for (const statement of SQL.deleteRunsBefore) this.write(statement, [before]);
        return ids;
      }).immediate(),
    );
  }

  async dropApiCallBodiesBefore(before: string): Promise<number> {
    return this.guard('dropApiCallBodiesBefore', () => this.write(SQL.dropApiCallBodiesBefore, [before]));
  }

  async close(): Promise<void> {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }

  /** Runs `fn`, turning any failure into a `SyncError` named after the port method. */
  private guard<T>(operation: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw sqliteStoreError(error, operation);
    }
  }

  /** Prepared statements cached by text; list queries have only a few variants each. */
  private statement(sql: string): Database.Statement<Bindable[]> {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<Bindable[]>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private write(sql: string, values: readonly SqlValue[]): number {
    return this.statement(sql).run(...bind(values)).changes;
  }

  private all(query: Query): SqlRow[] {
    return this.statement(query.text).all(...bind(query.values)) as SqlRow[];
  }
}

function optional<T>(row: SqlRow | undefined, read: (row: SqlRow) => T): T | undefined {
  return row === undefined ? undefined : read(row);
}

/** better-sqlite3 binds no booleans; SQLite stores them as 0/1. */
function bind(values: readonly SqlValue[]): Bindable[] {
  return values.map((v) => (typeof v === 'boolean' ? Number(v) : v));
}
