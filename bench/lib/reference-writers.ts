import Database from 'better-sqlite3';
import { GITHUB_ENTITIES, type Cell, type EntitySpec } from '../../src/connectors/sqlite/github-entities.js';
import type { SourceRecord } from '../../src/ports/records.js';

/*
 * Other ways to write a batch into the SQLite destination's tables, measured beside the product's
 * (bench `writes`). Same schema, same validation (the entities' zod schemas), same counts of
 * created and updated; only the write strategy differs.
 */

/** Writes one batch; returns [created, updated]. Each also keys the external ids by record, as the destination does. */
export type BatchWriterFn = (records: SourceRecord[], syncedAt: string) => [number, number];

interface Item {
  key: string;
  spec: EntitySpec;
  githubId: number;
  row: Cell[];
}

function validItems(records: SourceRecord[]): Item[] {
  const items: Item[] = [];
  for (const record of records) {
    const spec = GITHUB_ENTITIES.get(record.entity);
    const parsed = spec?.toRow(record.data);
    if (spec && parsed?.ok) items.push({ key: record.key, spec, githubId: parsed.githubId, row: parsed.row });
  }
  return items;
}

function columnsOf(spec: EntitySpec): string[] {
  return [...spec.columns, 'synced_at'];
}

function conflictUpdate(spec: EntitySpec): string {
  return columnsOf(spec).filter((c) => c !== 'github_id').map((c) => `${c} = excluded.${c}`).join(', ');
}

/**
 * The destination before set-based writes: per record a `SELECT 1` for created vs updated and the
 * upsert inside its own savepoint (a nested better-sqlite3 transaction).
 */
export function perRecordSavepoints(db: Database.Database): BatchWriterFn {
  const inTransaction = db.transaction((work: () => void) => work());
  const statements = new Map<string, Database.Statement<Cell[]>>();
  const statement = (sql: string) => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare<Cell[]>(sql)));
    return s;
  };
  return (records, syncedAt) => {
    let created = 0;
    let updated = 0;
    const items = validItems(records);
    const externalIds: Record<string, string> = {};
    inTransaction(() => {
      for (const { key, spec, githubId, row } of items) {
        const existed = statement(`SELECT 1 FROM ${spec.table} WHERE github_id = ?`).get(githubId) !== undefined;
        const columns = columnsOf(spec);
        const sql = `INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
          ON CONFLICT (github_id) DO UPDATE SET ${conflictUpdate(spec)}`;
        inTransaction(() => statement(sql).run(...row, syncedAt));
        if (existed) updated += 1;
        else created += 1;
        externalIds[key] = String(githubId);
      }
    });
    return [created, updated];
  };
}

/**
 * Set-wise created vs updated (one json_each lookup per entity), then one prepared single-row
 * upsert per record inside the transaction, without savepoints.
 */
export function perRecordStatements(db: Database.Database): BatchWriterFn {
  const inTransaction = db.transaction((work: () => void) => work());
  const upserts = new Map<EntitySpec, Database.Statement<Cell[]>>();
  const upsert = (spec: EntitySpec) => {
    let s = upserts.get(spec);
    if (!s) {
      const columns = columnsOf(spec);
      const sql = `INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
        ON CONFLICT (github_id) DO UPDATE SET ${conflictUpdate(spec)}`;
      upserts.set(spec, (s = db.prepare<Cell[]>(sql)));
    }
    return s;
  };
  const lookups = new Map<EntitySpec, Database.Statement<[string], number>>();
  const lookup = (spec: EntitySpec) => {
    let s = lookups.get(spec);
    if (!s) {
      const sql = `SELECT github_id FROM ${spec.table} WHERE github_id IN (SELECT value FROM json_each(?))`;
      lookups.set(spec, (s = db.prepare<[string], number>(sql).pluck()));
    }
    return s;
  };
  return (records, syncedAt) => {
    let created = 0;
    let updated = 0;
    const externalIds: Record<string, string> = {};
    const bySpec = new Map<EntitySpec, Item[]>();
    for (const item of validItems(records)) {
      const list = bySpec.get(item.spec);
      if (list) list.push(item);
      else bySpec.set(item.spec, [item]);
    }
    inTransaction(() => {
      for (const [spec, items] of bySpec) {
        const stored = new Set(lookup(spec).all(JSON.stringify(items.map((i) => i.githubId))));
        for (const item of items) {
          upsert(spec).run(...item.row, syncedAt);
          if (stored.has(item.githubId)) updated += 1;
          else {
            created += 1;
            stored.add(item.githubId);
          }
          externalIds[item.key] = String(item.githubId);
        }
      }
    });
    return [created, updated];
  };
}
