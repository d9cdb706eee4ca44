import { SyncError } from '../../errors/sync-error.js';

/**
 * One versioned schema change. Versions are applied in ascending order, each at most once,
 * recorded in `schema_migrations`. Never edit a released migration: add the next version.
 */
export interface Migration {
  version: number;
  /** Short description stored with the version, e.g. `initial schema`. */
  name: string;
  /** Statements run in order inside the migration's transaction. */
  statements: readonly string[];
}

/** Guards against a list that was reordered or given a duplicate version by a bad merge. */
export function assertMigrationsOrdered(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const migration of migrations) {
    if (!Number.isInteger(migration.version) || migration.version <= previous) {
      throw new SyncError(
        'INTERNAL',
        `migration ${migration.version} (${migration.name}) must follow ${previous} in ascending order`,
      );
    }
    previous = migration.version;
  }
}

/** Migrations not yet recorded as applied, in the order they must run. */
export function pendingMigrations(
  migrations: readonly Migration[],
  applied: ReadonlySet<number>,
): Migration[] {
  assertMigrationsOrdered(migrations);
  return migrations.filter((m) => !applied.has(m.version));
}

/** Reads the applied version numbers out of driver rows. */
export function appliedVersions(rows: readonly unknown[]): Set<number> {
  const versions = new Set<number>();
  for (const value of rows) {
    const version = typeof value === 'string' ? Number(value) : value;
    if (typeof version !== 'number' || !Number.isInteger(version)) {
      throw new SyncError('INTERNAL', `schema_migrations holds a non-integer version: ${String(value)}`);
    }
    versions.add(version);
  }
  return versions;
}
