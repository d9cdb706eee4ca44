import type { PoolClient } from 'pg';
import { appliedVersions, pendingMigrations } from './migration.js';
import type { Migration } from './migration.js';

/**
 * Creates `schema` if missing and applies the pending migrations in it, in one transaction;
 * returns the versions it applied.
 *
 * Workers in distributed mode all migrate on start: a transaction-scoped advisory lock, keyed by
 * the schema name, serialises them (CREATE ... IF NOT EXISTS alone still races on the catalog).
 * `schema` is the quoted identifier, `lockKey` the plain name.
 */
export async function migratePostgres(
  client: PoolClient,
  schema: string,
  lockKey: string,
  migrations: readonly Migration[],
): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`syncscope.migrate.${lockKey}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const result = await client.query<{ version: unknown }>(`SELECT version FROM ${schema}.schema_migrations`);
    const applied = appliedVersions(result.rows.map((row) => row.version));
    const done: number[] = [];
    for (const migration of pendingMigrations(migrations, applied)) {
      for (const statement of migration.statements) await client.query(statement);
      await client.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      done.push(migration.version);
    }
    await client.query('COMMIT');
    return done;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
