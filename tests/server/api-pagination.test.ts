import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRunStore } from '../../src/store/sqlite/sqlite-run-store.js';
import { aRun } from '../contract/run-store.fixtures.js';
import { tempDir } from '../helpers/cli.js';
import { aToken, call, startService, type RunningService } from '../helpers/service.js';

const reader = aToken('acme-read', 'acme', 'read');

const at = (n: number) => new Date(Date.UTC(2026, 10, 23, 12, 0, 0) + n * 60_000).toISOString();
const idAt = (n: number, hex: string) => `${at(n).slice(0, 16).replace(/[-T:]/g, '')}-SYNC-${hex}`;

/**
 * Cursor pages of `GET /runs` against the real service while another writer (this test, on the
 * same SQLite file, as a CLI run beside the service would) keeps adding runs: every run that
 * existed at the start shows up exactly once, in order, and none of the new ones slip in.
 */
describe('GET /api/v1/runs pagination', () => {
  const tmp = tempDir('syncscope-api-pages-');
  let service: RunningService;
  let store: SqliteRunStore;

  beforeAll(async () => {
    service = await startService({ dir: tmp.dir, tokens: [reader], pipelines: [], organizations: ['acme', 'globex'] });
    store = new SqliteRunStore({ path: service.storePath });
    await store.migrate();
    // 23 runs of acme; three pairs share a start instant (the sync ID breaks the tie); globex's interleave.
    for (let i = 0; i < 23; i++) {
      const minute = i - (i % 7 === 3 ? 1 : 0);
      await store.createRun(aRun({ syncId: idAt(minute, `A${String(i).padStart(7, '0')}`), startedAt: at(minute), organization: 'acme', status: i % 5 === 0 ? 'failed' : 'succeeded' }));
      await store.createRun(aRun({ syncId: idAt(i, `B${String(i).padStart(7, '0')}`), startedAt: at(i), organization: 'globex' }));
    }
  });

  afterAll(async () => {
    await store?.close();
    await service?.stop();
    tmp.cleanup();
  });

  it('pages without gaps or repeats while runs are added between pages', async () => {
    const expected = (await store.listRuns({ organization: 'acme', limit: 1000 })).map((r) => r.syncId);
    expect(expected).toHaveLength(23);
    const seen: string[] = [];
    let path: string | null = '/api/v1/runs?limit=5';
    let added = 0;
    while (path) {
      const page = await call(service, reader.token, path);
      expect(page.status).toBe(200);
      seen.push(...page.body.runs.map((r: { sync_id: string }) => r.sync_id));
      // Newer runs arrive between pages, as another process would add them.
      await store.createRun(aRun({ syncId: idAt(100 + added, `C${String(added).padStart(7, '0')}`), startedAt: at(100 + added), organization: 'acme' }));
      added += 1;
      path = page.body.next;
      if (path) expect(page.body.next_cursor).toEqual(new URL(path, 'http://x').searchParams.get('cursor'));
    }
    expect(seen).toEqual(expected);
    expect(added).toBe(5);
    // The first page now starts with the newest run added meanwhile.
    const first = await call(service, reader.token, '/api/v1/runs?limit=1');
    expect(first.body.runs[0].sync_id).toBe(idAt(104, 'C0000004'));
  });

  it('pages a filtered list the same way', async () => {
    const expected = (await store.listRuns({ organization: 'acme', status: 'failed', limit: 1000 })).map((r) => r.syncId);
    const seen: string[] = [];
    let path: string | null = '/api/v1/runs?status=failed&limit=2';
    while (path) {
      const page = await call(service, reader.token, path);
      seen.push(...page.body.runs.map((r: { sync_id: string; status: string }) => r.sync_id));
      for (const r of page.body.runs) expect(r.status).toBe('failed');
      path = page.body.next;
    }
    expect(seen).toEqual(expected);
    expect(seen.length).toBe(5);
  });
});
