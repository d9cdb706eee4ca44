import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SyncError } from '../../errors/sync-error.js';
import type { ErrorCategory } from '../../errors/sync-error.js';
import type { Clock } from '../../ports/clock.js';
import type { Destination } from '../../ports/destination.js';
import type { Partition, RecordFailure, SourceRecord, WriteResult } from '../../ports/records.js';
import { migrateDestination } from './destination-migrations.js';
import { GITHUB_ENTITIES, REPOSITORY_ENTITY } from './github-entities.js';
import type { Cell, EntitySpec } from './github-entities.js';

export interface SqliteDestinationOptions {
  /** Database file; its directory is created if missing. `:memory:` for tests. */
  path: string;
  /** Source of each row's `synced_at`. Default: the system clock. */
  clock?: Pick<Clock, 'now'>;
  /** How long a write waits for another connection's lock before failing with TIMEOUT. Default 5000 ms. */
  busyTimeoutMs?: number;
}

/** Rows per table, for tests, the demo and `syncscope show`. */
export interface DestinationCounts {
  repositories: number;
  pullRequests: number;
  reviews: number;
}

/** A record that passed validation, ready to upsert. */
interface ValidRecord {
  record: SourceRecord;
  spec: EntitySpec;
  githubId: number;
  row: Cell[];
}

/**
 * Writes GitHub repositories, pull requests and reviews into a SQLite file, upserting by GitHub
 * id so a batch replayed after a crash creates nothing twice. Repositories come either as
 * `repository` records or from a repo partition's metadata (`preparePartition`). Each batch is one transaction;
 * a record that fails validation or a constraint is returned in `failures` and the rest is
 * written.
 */
export class SqliteDestination implements Destination {
  readonly name = 'sqlite';
  private readonly db: Database.Database;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly statements = new Map<string, Database.Statement<Cell[]>>();
  /**
   * Built once: better-sqlite3 prepares its BEGIN/SAVEPOINT statements when a transaction
   * function is made, which per record cost more than the upserts themselves.
   */
  private readonly inTransaction: (work: () => void) => void;

  constructor(options: SqliteDestinationOptions) {
    this.clock = options.clock ?? { now: () => Date.now() };
    try {
      if (options.path !== ':memory:' && options.path !== '') mkdirSync(dirname(options.path), { recursive: true });
      const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000));
      this.db = new Database(options.path, { timeout: busyTimeoutMs });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      migrateDestination(this.db);
      this.inTransaction = this.db.transaction((work: () => void) => work());
    } catch (error) {
      throw destinationError(error, `opening ${options.path}`);
    }
  }

  /**
   * Stores a repo partition's repository (the GitHub repository object the source put in
   * `metadata`). A repository that cannot be stored fails the partition rather than vanishing.
   */
  async preparePartition(partition: Partition): Promise<void> {
    if (partition.kind !== 'repo' || partition.metadata === undefined) return;
    const parsed = REPOSITORY_ENTITY.toRow(partition.metadata);
    if (!parsed.ok) {
      throw new SyncError('VALIDATION_ERROR', `sqlite destination: repository ${partition.key} is invalid: ${parsed.issues}`);
    }
    try {
      this.statement(upsertSql(REPOSITORY_ENTITY)).run(...parsed.row, new Date(this.clock.now()).toISOString());
    } catch (error) {
      throw destinationError(error, `storing repository ${partition.key}`);
    }
  }

  async writeBatch(partition: Partition, records: SourceRecord[]): Promise<WriteResult> {
    const failures: RecordFailure[] = [];
    const valid: ValidRecord[] = [];
    for (const record of records) {
      const checked = validate(record);
      if ('message' in checked) failures.push(checked);
      else valid.push(checked);
    }
    const syncedAt = new Date(this.clock.now()).toISOString();
    const result: WriteResult = { created: 0, updated: 0, failures, externalIds: {} };
    try {
      this.inTransaction(() => {
        for (const item of valid) this.upsert(item, syncedAt, result);
      });
    } catch (error) {
      throw destinationError(error, `writing ${valid.length} records of ${partition.key}`);
    }
    return result;
  }

  /** Row counts per table. */
  counts(): DestinationCounts {
    const count = (table: string) => Number(this.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get());
    return { repositories: count('repositories'), pullRequests: count('pull_requests'), reviews: count('reviews') };
  }

  /** Pull requests stored more than once under one repository and number (0 unless the schema broke). */
  duplicatePullRequests(): number {
    const sql = `SELECT COALESCE(SUM(n - 1), 0) FROM
      (SELECT COUNT(*) AS n FROM pull_requests GROUP BY repo_full_name, number HAVING n > 1)`;
    return Number(this.db.prepare(sql).pluck().get());
  }

  async close(): Promise<void> {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }

  /**
   * Upserts one record inside its own savepoint (a nested better-sqlite3 transaction), so a
   * constraint it breaks rolls back that record alone and becomes a CONFLICT failure.
   */
  private upsert(item: ValidRecord, syncedAt: string, result: WriteResult): void {
    const { spec, record, githubId } = item;
    const existed = this.statement(`SELECT 1 FROM ${spec.table} WHERE github_id = ?`).get(githubId) !== undefined;
    try {
      // Called inside the batch's transaction, the transaction function opens a savepoint.
      this.inTransaction(() => this.statement(upsertSql(spec)).run(...item.row, syncedAt));
    } catch (error) {
      if (!(error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT'))) throw error;
      const message = `${record.entity} ${record.key} (GitHub id ${githubId}) conflicts with a stored row: ${error.message}`;
      result.failures.push({ key: record.key, category: 'CONFLICT', message });
      return;
    }
    if (existed) result.updated += 1;
    else result.created += 1;
    (result.externalIds ??= {})[record.key] = String(githubId);
  }

  private statement(sql: string): Database.Statement<Cell[]> {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<Cell[]>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function validate(record: SourceRecord): ValidRecord | RecordFailure {
  const spec = GITHUB_ENTITIES.get(record.entity);
  if (spec === undefined) {
    const known = [...GITHUB_ENTITIES.keys()].join(', ');
    return { key: record.key, category: 'VALIDATION_ERROR', message: `unknown entity "${record.entity}": the sqlite destination writes ${known}` };
  }
  const parsed = spec.toRow(record.data);
  if (!parsed.ok) {
    return { key: record.key, category: 'VALIDATION_ERROR', message: `invalid ${record.entity} ${record.key}: ${parsed.issues}` };
  }
  return { record, spec, githubId: parsed.githubId, row: parsed.row };
}

const upsertSqlBySpec = new Map<EntitySpec, string>();

function upsertSql(spec: EntitySpec): string {
  let sql = upsertSqlBySpec.get(spec);
  if (sql === undefined) upsertSqlBySpec.set(spec, (sql = buildUpsertSql(spec)));
  return sql;
}

function buildUpsertSql(spec: EntitySpec): string {
  const columns = [...spec.columns, 'synced_at'];
  const updates = columns.filter((c) => c !== 'github_id').map((c) => `${c} = excluded.${c}`);
  return `INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
    ON CONFLICT (github_id) DO UPDATE SET ${updates.join(', ')}`;
}

/** A whole-batch failure: a lock held past busy_timeout is TIMEOUT (retryable), the rest INTERNAL. */
function destinationError(error: unknown, what: string): SyncError {
  if (error instanceof SyncError) return error;
  let category: ErrorCategory = 'INTERNAL';
  if (error instanceof Database.SqliteError) {
    if (error.code.startsWith('SQLITE_BUSY') || error.code.startsWith('SQLITE_LOCKED')) category = 'TIMEOUT';
    else if (error.code.startsWith('SQLITE_CONSTRAINT')) category = 'CONFLICT';
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SyncError(category, `sqlite destination: ${what} failed: ${message}`, { cause: error });
}
