import type Database from 'better-sqlite3';
import { appliedVersions, pendingMigrations } from './migration.js';
import type { Migration } from './migration.js';

/**
 * Applies the pending migrations to a SQLite database and returns the versions it applied.
 *
 * One IMMEDIATE transaction takes the write lock before reading `schema_migrations`, so two
 * processes starting on the same file cannot both apply a version; the loser waits
 * (busy_timeout), then sees nothing pending. A failing statement rolls back every step.
 */
export function migrateSqlite(db: Database.Database, migrations: readonly Migration[]): number[] {
  const apply = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const applied = appliedVersions(db.prepare('SELECT version FROM schema_migrations').pluck().all());
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    const done: number[] = [];
    for (const migration of pendingMigrations(migrations, applied)) {
      for (const statement of migration.statements) db.exec(statement);
      record.run(migration.version, migration.name, new Date().toISOString());
      done.push(migration.version);
    }
    return done;
  });
  return apply.immediate();
}
