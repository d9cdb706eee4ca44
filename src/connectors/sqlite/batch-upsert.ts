import Database from 'better-sqlite3';
import type { SourceRecord, WriteResult } from '../../ports/records.js';
import type { Cell, EntitySpec } from './github-entities.js';

/** A record that passed validation, ready to upsert. */
export interface ValidRecord {
  record: SourceRecord;
  spec: EntitySpec;
  githubId: number;
  row: Cell[];
}

/**
 * SQLite's default limit on bound parameters (SQLITE_MAX_VARIABLE_NUMBER, 32,766 since 3.32;
 * the better-sqlite3 12 build keeps it).
 */
const MAX_PARAMETERS = 32_766;
/** Rows of the largest statement: preparing one costs ~3 µs a row, so giant ones are not worth it. */
const MAX_ROWS = 256;

/**
 * The writes of one batch, called inside the batch's transaction. Per entity: one set-wise query
 * finds which rows exist already (created vs updated), then the rows go in as multi-row
 * `INSERT … VALUES (…), (…) ON CONFLICT DO UPDATE` statements. Their sizes come from a fixed
 * ladder (256, then 128, 64, … 1 for the rest: a batch of 100 is 64 + 32 + 4), so a handful of
 * prepared statements serve every batch size; preparing one per size would cost more than the
 * writes.
 *
 * A statement that breaks a constraint backs out its own rows and leaves the transaction open
 * (SQLite's default ABORT), so its rows are then written one statement each, and the one that
 * breaks the constraint fails alone as CONFLICT. No savepoints: the savepoint and the `SELECT 1`
 * per record of the previous writes cost more than the upsert itself (bench `writes`).
 */
export class BatchUpsert {
  private readonly upserts = new Map<string, Database.Statement<Cell[]>>();
  private readonly lookups = new Map<EntitySpec, Database.Statement<[string], number>>();

  constructor(private readonly db: Database.Database) {}

  /** The upsert of `rows` rows of one entity: each row's columns, then `synced_at`. */
  upsert(spec: EntitySpec, rows = 1): Database.Statement<Cell[]> {
    const key = `${spec.table}\u0000${rows}`;
    let statement = this.upserts.get(key);
    if (statement === undefined) this.upserts.set(key, (statement = this.db.prepare<Cell[]>(upsertSql(spec, rows))));
    return statement;
  }

  /**
   * Writes `items` (entity by entity, each in order), adding to `result`: created vs updated
   * from the rows stored before the batch (a key repeated within the batch is created once, then
   * updated), each record's external id, and a CONFLICT failure for a record that breaks a constraint.
   */
  write(items: readonly ValidRecord[], syncedAt: string, result: WriteResult): void {
    for (const [spec, group] of byEntity(items)) {
      const stored = new Set(this.lookup(spec).all(JSON.stringify(group.map((item) => item.githubId))));
      for (const chunk of chunks(group, Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / (spec.columns.length + 1))))) {
        const written = this.tryAll(spec, chunk, syncedAt) ? chunk : this.oneByOne(spec, chunk, syncedAt, result);
        for (const { record, githubId } of written) {
          if (stored.has(githubId)) result.updated += 1;
          else {
            result.created += 1;
            stored.add(githubId);
          }
          (result.externalIds ??= {})[record.key] = String(githubId);
        }
      }
    }
  }

  /** One statement for the chunk; false when a row broke a constraint (and nothing was written). */
  private tryAll(spec: EntitySpec, chunk: readonly ValidRecord[], syncedAt: string): boolean {
    const values: Cell[] = [];
    for (const item of chunk) values.push(...item.row, syncedAt);
    try {
      this.upsert(spec, chunk.length).run(...values);
      return true;
    } catch (error) {
      if (this.isRecordFailure(error)) return false;
      throw error;
    }
  }

  /** Per-record isolation, once the chunk's statement failed: returns the records written. */
  private oneByOne(spec: EntitySpec, chunk: readonly ValidRecord[], syncedAt: string, result: WriteResult): ValidRecord[] {
    const written: ValidRecord[] = [];
    for (const item of chunk) {
      try {
        this.upsert(spec).run(...item.row, syncedAt);
        written.push(item);
      } catch (error) {
        if (!this.isRecordFailure(error)) throw error;
        const { record, githubId } = item;
        const message = `${record.entity} ${record.key} (GitHub id ${githubId}) conflicts with a stored row: ${(error as Error).message}`;
        result.failures.push({ key: record.key, category: 'CONFLICT', message });
      }
    }
    return written;
  }

  /** A constraint the statement broke, with the transaction still open; anything else (disk full, I/O) fails the batch. */
  private isRecordFailure(error: unknown): boolean {
    return error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT') && this.db.inTransaction;
  }

  private lookup(spec: EntitySpec): Database.Statement<[string], number> {
    let statement = this.lookups.get(spec);
    if (statement === undefined) {
      // One JSON array parameter: any batch size, one statement text.
      const sql = `SELECT github_id FROM ${spec.table} WHERE github_id IN (SELECT value FROM json_each(?))`;
      this.lookups.set(spec, (statement = this.db.prepare<[string], number>(sql).pluck()));
    }
    return statement;
  }
}

function byEntity(items: readonly ValidRecord[]): Map<EntitySpec, ValidRecord[]> {
  const groups = new Map<EntitySpec, ValidRecord[]>();
  for (const item of items) {
    const group = groups.get(item.spec);
    if (group === undefined) groups.set(item.spec, [item]);
    else group.push(item);
  }
  return groups;
}

/** Full chunks of `max` rows, then the rest in powers of two, largest first. */
function* chunks<T>(items: readonly T[], max: number): Generator<T[]> {
  let at = 0;
  for (; items.length - at >= max; at += max) yield items.slice(at, at + max);
  for (let size = 2 ** Math.floor(Math.log2(max)); size >= 1; size /= 2) {
    if (items.length - at >= size) {
      yield items.slice(at, at + size);
      at += size;
    }
  }
}

function upsertSql(spec: EntitySpec, rows: number): string {
  const columns = [...spec.columns, 'synced_at'];
  const updates = columns.filter((c) => c !== 'github_id').map((c) => `${c} = excluded.${c}`);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  return `INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}
    ON CONFLICT (github_id) DO UPDATE SET ${updates.join(', ')}`;
}
