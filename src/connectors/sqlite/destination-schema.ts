import type Database from 'better-sqlite3';

/** Versioned migrations of the GitHub destination tables; applied in order, once each. */
const MIGRATIONS: Array<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'github tables',
    sql: `
      CREATE TABLE repositories (
        github_id INTEGER PRIMARY KEY, full_name TEXT NOT NULL UNIQUE, name TEXT NOT NULL, owner TEXT,
        private INTEGER, default_branch TEXT, html_url TEXT, created_at TEXT, updated_at TEXT, synced_at TEXT NOT NULL
      );
      CREATE TABLE pull_requests (
        github_id INTEGER PRIMARY KEY, repo_full_name TEXT NOT NULL, number INTEGER NOT NULL, title TEXT, state TEXT,
        draft INTEGER, author TEXT, created_at TEXT, updated_at TEXT, closed_at TEXT, merged_at TEXT,
        head_ref TEXT, base_ref TEXT, html_url TEXT, synced_at TEXT NOT NULL,
        UNIQUE (repo_full_name, number)
      );
      CREATE TABLE reviews (
        github_id INTEGER PRIMARY KEY, pull_request_github_id INTEGER, repo_full_name TEXT NOT NULL, pr_number INTEGER,
        reviewer TEXT, state TEXT, submitted_at TEXT, synced_at TEXT NOT NULL
      );`,
  },
];

export function migrateDestination(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS destination_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM destination_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO destination_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, new Date().toISOString());
    })();
  }
}
