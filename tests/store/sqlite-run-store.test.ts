import { SQLITE_MIGRATIONS } from '../../src/store/migrations/sqlite-migrations.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteRunStore } from '../../src/store/sqlite/sqlite-run-store.js';
import { describeRunStore } from '../contract/run-store.contract.js';
import { aRun, anApiCall, isoAt, syncIdAt } from '../contract/run-store.fixtures.js';

const dirs: string[] = [];

/** A fresh directory under the OS temp dir, removed after the test. */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'syncscope-store-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describeRunStore('SqliteRunStore (file)', async () => {
  const path = join(tempDir(), 'nested', 'runs.db');
  const store = new SqliteRunStore({ path });
  await store.migrate();
  return {
    store,
    cleanup: () => store.close(),
    reopen: async () => new SqliteRunStore({ path }),
  };
});

describeRunStore('SqliteRunStore (:memory:)', async () => {
  const store = new SqliteRunStore({ path: ':memory:' });
  await store.migrate();
  return { store, cleanup: () => store.close() };
});

describe('SqliteRunStore on disk', () => {
  it('creates the parent directory and opens the file in WAL mode with synchronous=NORMAL', async () => {
    const path = join(tempDir(), 'a', 'b', 'runs.db');
    const store = new SqliteRunStore({ path });
    await store.migrate();
    await store.createRun(aRun({ syncId: syncIdAt(5, '7AC96AF9'), startedAt: isoAt(5) }));
    await store.close();

    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const versions = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      expect(versions).toEqual([
        { version: 1, name: 'initial schema' },
        { version: 3, name: 'organizations, cancel requests, estimates, rate-limit states' },
        { version: 4, name: 'destination changes' },
        { version: 5, name: 'run leases, persisted rate-limit holds' },
        { version: 8, name: 'compressed audit bodies, partial record-status index' },
      ]);
      expect(versions).toEqual(SQLITE_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'").pluck().all();
      expect(indexes).toEqual(expect.arrayContaining(['record_states_unsynced', 'api_calls_sync_id']));
      expect(indexes).not.toContain('record_states_sync_status');
    } finally {
      db.close();
    }
  });

  it('stores kept audit bodies deflate-compressed (smaller than the text) and reads them back as text', async () => {
    const path = join(tempDir(), 'runs.db');
    const store = new SqliteRunStore({ path });
    const sync = syncIdAt(5, '7AC96AF9');
    const page = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ id: i, state: 'closed', title: `PR ${i}`, labels: [] })));
    const call = anApiCall(sync, { requestBody: '{"query":"{ viewer { login } }"}', responseBody: page });
    try {
      await store.migrate();
      await store.createRun(aRun({ syncId: sync, startedAt: isoAt(5) }));
      await store.recordApiCalls([call, anApiCall(sync, { responseBody: null, startedAt: isoAt(7) })]);
      expect(await store.listApiCalls(sync)).toEqual([call, anApiCall(sync, { responseBody: null, startedAt: isoAt(7) })]);
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      const rows = db.prepare('SELECT body_encoding, request_body, response_body, length(response_body_bin) AS stored FROM api_calls ORDER BY id').all();
      expect(rows).toEqual([
        { body_encoding: 'deflate', request_body: null, response_body: null, stored: expect.any(Number) },
        { body_encoding: null, request_body: null, response_body: null, stored: null },
      ]);
      expect((rows[0] as { stored: number }).stored).toBeLessThan(page.length / 4);
    } finally {
      db.close();
    }
  });

  it('lets two stores on one file migrate concurrently and see each other\'s runs', async () => {
    const path = join(tempDir(), 'runs.db');
    const a = new SqliteRunStore({ path });
    const b = new SqliteRunStore({ path });
    try {
      await Promise.all([a.migrate(), b.migrate()]);
      await a.createRun(aRun({ syncId: syncIdAt(5, '7AC96AF9'), startedAt: isoAt(5) }));
      expect((await b.listRuns()).map((r) => r.syncId)).toEqual([syncIdAt(5, '7AC96AF9')]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
