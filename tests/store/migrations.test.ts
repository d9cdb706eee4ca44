import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SyncError } from '../../src/errors/sync-error.js';
import { assertMigrationsOrdered, pendingMigrations } from '../../src/store/migrations/migration.js';
import type { Migration } from '../../src/store/migrations/migration.js';
import { postgresMigrations } from '../../src/store/migrations/postgres-migrations.js';
import { SQLITE_MIGRATIONS } from '../../src/store/migrations/sqlite-migrations.js';
import { migrateSqlite } from '../../src/store/migrations/sqlite-migrator.js';

const step = (version: number, ...statements: string[]): Migration => ({ version, name: `step ${version}`, statements });

function tables(db: Database.Database): unknown[] {
  return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
}

describe('migration lists', () => {
  it('ship in ascending order for both dialects, with the same versions', () => {
    expect(() => assertMigrationsOrdered(SQLITE_MIGRATIONS)).not.toThrow();
    expect(() => assertMigrationsOrdered(postgresMigrations('"s"'))).not.toThrow();
    expect(postgresMigrations('"s"').map((m) => [m.version, m.name])).toEqual(SQLITE_MIGRATIONS.map((m) => [m.version, m.name]));
  });

  it('reject a list out of order or with a repeated version', () => {
    expect(() => assertMigrationsOrdered([step(1), step(3), step(2)])).toThrow(SyncError);
    expect(() => assertMigrationsOrdered([step(1), step(1)])).toThrow(/must follow 1/);
    expect(() => assertMigrationsOrdered([step(0)])).toThrow(SyncError);
  });

  it('leave out the versions already applied', () => {
    expect(pendingMigrations([step(1), step(2), step(3)], new Set([1, 3])).map((m) => m.version)).toEqual([2]);
  });
});

describe('migrateSqlite', () => {
  it('applies pending steps once, in order, and records them', () => {
    const db = new Database(':memory:');
    expect(migrateSqlite(db, [step(1, 'CREATE TABLE a (x)')])).toEqual([1]);
    expect(migrateSqlite(db, [step(1, 'CREATE TABLE a (x)'), step(2, 'CREATE TABLE b (y)')])).toEqual([2]);
    expect(migrateSqlite(db, [step(1, 'CREATE TABLE a (x)'), step(2, 'CREATE TABLE b (y)')])).toEqual([]);
    expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual([
      { version: 1, name: 'step 1' },
      { version: 2, name: 'step 2' },
    ]);
    expect(tables(db)).toEqual(['a', 'b', 'schema_migrations']);
  });

  it('rolls every step back when one fails', () => {
    const db = new Database(':memory:');
    const broken = [step(1, 'CREATE TABLE a (x)'), step(2, 'CREATE TABLE b (y)', 'CREATE TABLE a (z)')];
    expect(() => migrateSqlite(db, broken)).toThrow(/already exists/);
    expect(tables(db)).toEqual([]);
  });
});
