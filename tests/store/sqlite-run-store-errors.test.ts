import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncError } from '../../src/errors/sync-error.js';
import { openRunStore } from '../../src/store/open-run-store.js';
import { SqliteRunStore } from '../../src/store/sqlite/sqlite-run-store.js';
import { aRun, isoAt, syncIdAt } from '../contract/run-store.fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'syncscope-store-'));
  dirs.push(dir);
  return join(dir, 'runs.db');
}

describe('SqliteRunStore errors', () => {
  it('fails a write as TIMEOUT (retryable) when another process holds the lock past busy_timeout', async () => {
    const path = dbPath();
    const store = new SqliteRunStore({ path, busyTimeoutMs: 50 });
    await store.migrate();
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const error = await store.createRun(aRun({ syncId: syncIdAt(5, '7AC96AF9'), startedAt: isoAt(5) })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SyncError);
      expect(error).toMatchObject({ category: 'TIMEOUT', retryable: true });
      expect((error as SyncError).cause).toBeInstanceOf(Database.SqliteError);
      expect((error as SyncError).message).toMatch(/^run store \(sqlite\): createRun failed: /);
    } finally {
      other.exec('ROLLBACK');
      other.close();
      await store.close();
    }
  });

  it('reports a row it cannot read as INTERNAL, naming the column', async () => {
    const path = dbPath();
    const store = new SqliteRunStore({ path });
    await store.migrate();
    await store.createRun(aRun({ syncId: syncIdAt(5, '7AC96AF9'), startedAt: isoAt(5) }));
    const other = new Database(path);
    other.exec("UPDATE runs SET status = 'exploded'");
    other.close();
    try {
      const error = await store.listRuns().catch((e: unknown) => e);
      expect(error).toMatchObject({ category: 'INTERNAL' });
      expect((error as SyncError).message).toContain('runs.status should be one of running');
    } finally {
      await store.close();
    }
  });
});

describe('openRunStore', () => {
  it('opens a migrated SQLite store, creating the directory', async () => {
    const path = join(dbPath(), '..', 'deeper', 'syncscope.db');
    const store = await openRunStore({ kind: 'sqlite', path });
    try {
      await store.createRun(aRun({ syncId: syncIdAt(5, '7AC96AF9'), startedAt: isoAt(5) }));
      expect(await store.listRuns()).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('opens a ready in-memory store', async () => {
    const store = await openRunStore({ kind: 'memory' });
    await store.createRun(aRun({ syncId: syncIdAt(5, '7AC96AF9'), startedAt: isoAt(5) }));
    expect(await store.getRun(syncIdAt(5, '7AC96AF9'))).toBeDefined();
    await store.close();
  });
});
