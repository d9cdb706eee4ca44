import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { SyncError } from '../../src/errors/sync-error.js';
import { openRunStore } from '../../src/store/open-run-store.js';
import { postgresMigrations } from '../../src/store/migrations/postgres-migrations.js';
import { PostgresRunStore } from '../../src/store/postgres/postgres-run-store.js';
import { describeRunStore } from '../contract/run-store.contract.js';
import { aRun, isoAt, syncIdAt } from '../contract/run-store.fixtures.js';

const url = process.env['SYNCSCOPE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const admin = new pg.Pool({ connectionString: url, max: 2 });

/** A schema name no other test (or parallel run) uses; dropped by `dropSchema`. */
function uniqueSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

async function dropSchema(schema: string): Promise<void> {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

afterAll(async () => {
  await admin.end();
});

describeRunStore('PostgresRunStore', async () => {
  const schema = uniqueSchema();
  const store = new PostgresRunStore({ connectionString: url, schema });
  await store.migrate();
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dropSchema(schema);
    },
    reopen: async () => new PostgresRunStore({ connectionString: url, schema }),
  };
});

describe('PostgresRunStore in its schema', () => {
  it('creates the schema, records the migration and keeps every table inside it', async () => {
    const schema = uniqueSchema();
    const store = await openRunStore({ kind: 'postgres', url, schema });
    try {
      await store.createRun(aRun({ syncId: syncIdAt(5, '7AC96AF9'), startedAt: isoAt(5) }));
      const tables = await admin.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema],
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        'api_calls', 'batches', 'checkpoints', 'destination_changes', 'partitions', 'record_states', 'run_attempts', 'run_leases', 'run_rate_limits', 'runs', 'schema_migrations',
      ]);
      const versions = await admin.query(`SELECT version, name FROM "${schema}".schema_migrations ORDER BY version`);
      expect(versions.rows).toEqual([
        { version: 1, name: 'initial schema' },
        { version: 3, name: 'organizations, cancel requests, estimates, rate-limit states' },
        { version: 4, name: 'destination changes' },
        { version: 5, name: 'run leases, persisted rate-limit holds' },
        { version: 8, name: 'compressed audit bodies, partial record-status index' },
      ]);
      expect(versions.rows).toEqual(postgresMigrations('"s"').map((m) => ({ version: m.version, name: m.name })));
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  it('serialises concurrent migrations of one schema (workers starting together)', async () => {
    const schema = uniqueSchema();
    const stores = [1, 2, 3].map(() => new PostgresRunStore({ connectionString: url, schema }));
    try {
      await Promise.all(stores.map((s) => s.migrate()));
      const versions = await admin.query(`SELECT version FROM "${schema}".schema_migrations`);
      expect(versions.rowCount).toBe(postgresMigrations('"s"').length);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await dropSchema(schema);
    }
  });

  it('rejects a schema name that is not a plain identifier', () => {
    expect(() => new PostgresRunStore({ connectionString: url, schema: 'x"; DROP TABLE runs; --' })).toThrow(SyncError);
  });

  it('reports an unreachable server as NETWORK_ERROR', async () => {
    const store = new PostgresRunStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', schema: uniqueSchema() });
    try {
      const error = await store.migrate().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(SyncError);
      expect((error as SyncError).category).toBe('NETWORK_ERROR');
    } finally {
      await store.close();
    }
  });
});
