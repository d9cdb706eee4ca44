import type Database from 'better-sqlite3';

/*
 * Schema of the SQLite destination (the GitHub data itself, not the run store). Versioned in its
 * own `destination_migrations` table, so the destination file may also hold the run store.
 * Rows are keyed by GitHub's id, which is what makes replayed batches idempotent.
 */

interface DestinationMigration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS: readonly DestinationMigration[] = [
  {
    version: 1,
    name: 'github repositories, pull requests and reviews',
    sql: `
      CREATE TABLE repositories (
        github_id INTEGER PRIMARY KEY,
        full_name TEXT NOT NULL,
        name TEXT NOT NULL,
        owner TEXT NOT NULL,
        private INTEGER NOT NULL,
        default_branch TEXT NOT NULL,
        html_url TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        synced_at TEXT NOT NULL
      );
      CREATE TABLE pull_requests (
        github_id INTEGER PRIMARY KEY,
        repo_full_name TEXT NOT NULL,
        number INTEGER NOT NULL,
        title TEXT NOT NULL,
        state TEXT NOT NULL,
        draft INTEGER NOT NULL,
        author TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        closed_at TEXT,
        merged_at TEXT,
        head_ref TEXT NOT NULL,
        base_ref TEXT NOT NULL,
        html_url TEXT NOT NULL,
        synced_at TEXT NOT NULL,
        UNIQUE (repo_full_name, number)
      );
      CREATE TABLE reviews (
        github_id INTEGER PRIMARY KEY,
        pull_request_github_id INTEGER NOT NULL,
        repo_full_name TEXT NOT NULL,
        pr_number INTEGER NOT NULL,
        reviewer TEXT,
        state TEXT NOT NULL,
        submitted_at TEXT,
        synced_at TEXT NOT NULL
      );
      CREATE INDEX reviews_pull_request ON reviews (pull_request_github_id);
    `,
  },
];

/**
 * Applies pending destination migrations in one IMMEDIATE transaction (the write lock is taken
 * before the applied versions are read, so two writers cannot apply the same version).
 */
export function migrateDestination(db: Database.Database): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS destination_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const applied = new Set(db.prepare('SELECT version FROM destination_migrations').pluck().all());
    const record = db.prepare('INSERT INTO destination_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
  }).immediate();
}
