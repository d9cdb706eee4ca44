import { appliedVersions, pendingMigrations } from './migration.js';
import type { Migration } from './migration.js';

/** Runs one statement on the connection holding the migration's transaction. */
export type TransactionQuery = (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

/**
 * Creates `schema` if missing and applies the pending migrations in it; returns the versions it
 * applied. The caller runs this inside one transaction, so a failing step applies nothing.
 *
 * Workers in distributed mode all migrate on start: a transaction-scoped advisory lock keyed by
 * the schema serialises them (CREATE ... IF NOT EXISTS alone still races on the catalog).
 * `schema` is the quoted identifier, `lockKey` the plain name.
 */
export async function migratePostgres(
  query: TransactionQuery,
  schema: string,
  lockKey: string,
  migrations: readonly Migration[],
): Promise<number[]> {
  await query('SELECT pg_advisory_xact_lock(hashtext($1))', [`syncscope.migrate.${lockKey}`]);
  await query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`);
  const result = await query(`SELECT version FROM ${schema}.schema_migrations`);
  const applied = appliedVersions(result.rows.map((row) => row['version']));
  const done: number[] = [];
  for (const migration of pendingMigrations(migrations, applied)) {
    for (const statement of migration.statements) await query(statement);
    await query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [
      migration.version,
      migration.name,
    ]);
    done.push(migration.version);
  }
  return done;
}
