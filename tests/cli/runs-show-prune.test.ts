import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/ports/run-store.js';
import { openRunStore } from '../../src/store/open-run-store.js';
import { aPartition, aRun, aRecordState, aBatch, anApiCall } from '../contract/run-store.fixtures.js';
import { runCli, tempDir } from '../helpers/cli.js';

const DAY = 86_400_000;
const now = Date.now();
const iso = (msAgo: number) => new Date(now - msAgo).toISOString();
const idAt = (msAgo: number, hex: string) => `${iso(msAgo).replace(/[-:T]/g, '').slice(0, 12)}-SYNC-${hex}`;

const OLD = idAt(40 * DAY, 'A0000001');
const OLD_OTHER = idAt(35 * DAY, 'A0000002');
const RECENT_FAILED = idAt(2 * DAY, 'B0000001');
const WIDE = idAt(3_600_000, 'C0000001');

/** `runs`, `show` and `prune` against a store written directly (no sync needed). */
describe('runs, show and prune on an existing store', () => {
  const tmp = tempDir();
  const store = join(tmp.dir, 'store.db');
  const reports = join(tmp.dir, 'reports');

  beforeAll(async () => {
    const s = await openRunStore({ kind: 'sqlite', path: store });
    const run = (syncId: string, msAgo: number, overrides: Partial<RunRow>) =>
      s.createRun(aRun({ syncId, startedAt: iso(msAgo), finishedAt: iso(msAgo - 60_000), durationMs: 60_000, status: 'succeeded', ...overrides }));
    await run(OLD, 40 * DAY, {});
    await run(OLD_OTHER, 35 * DAY, { pipeline: 'orders-to-monday', status: 'failed' });
    await run(RECENT_FAILED, 2 * DAY, { status: 'failed', errorCategory: 'INVALID_CREDENTIALS', errorMessage: 'GitHub 401: Bad credentials' });
    await run(WIDE, 3_600_000, { status: 'partial' });
    // 40 partitions, 3 of them failed: the screen shows 30 rows, failures first.
    for (let i = 1; i <= 40; i++) {
      const key = `octo/repo-${String(i).padStart(2, '0')}`;
      const failed = i % 13 === 0 ? 1 : 0;
      await s.savePartition(aPartition(WIDE, key, { status: failed ? 'failed' : 'succeeded', records: { synced: 2 - failed, failed, skipped: 0, pending: 0 }, durationMs: 1000 + i }));
      await s.commitBatch({
        batch: aBatch(WIDE, key, 1, { records: 2, synced: 2 - failed, failed, status: failed ? 'failure' : 'success' }),
        records: [aRecordState(WIDE, key, 1), aRecordState(WIDE, key, 2, failed ? { status: 'failed', errorCategory: 'CONFLICT', errorMessage: 'duplicate external key' } : {})],
      });
    }
    // The failed run 2 days ago keeps a call body; a 1-day body retention drops it, not the row.
    await s.recordApiCalls([anApiCall(RECENT_FAILED, { startedAt: iso(2 * DAY - 1000) })]);
    await s.close();
    for (const id of [OLD, RECENT_FAILED]) {
      mkdirSync(join(reports, 'sync', id), { recursive: true });
      writeFileSync(join(reports, 'sync', id, '_SYNC_SUMMARY.md'), '# old\n');
    }
  });
  afterAll(() => tmp.cleanup());

  const ids = (stdout: string) => (JSON.parse(stdout) as RunRow[]).map((r) => r.syncId);

  it('runs filters by --status, --pipeline, --since and --limit, most recent first', async () => {
    expect(ids((await runCli(['runs', '--store', store, '--json'])).stdout)).toEqual([WIDE, RECENT_FAILED, OLD_OTHER, OLD]);
    expect(ids((await runCli(['runs', '--store', store, '--json', '--status', 'failed'])).stdout)).toEqual([RECENT_FAILED, OLD_OTHER]);
    expect(ids((await runCli(['runs', '--store', store, '--json', '--pipeline', 'orders-to-monday'])).stdout)).toEqual([OLD_OTHER]);
    expect(ids((await runCli(['runs', '--store', store, '--json', '--since', '7d'])).stdout)).toEqual([WIDE, RECENT_FAILED]);
    expect(ids((await runCli(['runs', '--store', store, '--json', '--limit', '1'])).stdout)).toEqual([WIDE]);
    const table = await runCli(['runs', '--store', store, '--status', 'partial']);
    expect(table.stdout).toMatch(new RegExp(`${WIDE}\\s+github-pull-requests\\s+partial`));
    const bad = await runCli(['runs', '--store', store, '--status', 'exploded']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--status must be one of');
  });

  it('show caps the partitions table at 30 rows, failures first, and says how many more there are', async () => {
    const shown = await runCli(['show', WIDE, '--store', store, '--reports-dir', reports]);
    expect(shown.code, shown.stderr).toBe(0);
    const lines = shown.stdout.split('\n');
    const rows = lines.filter((l) => /^octo\/repo-\d\d\s/.test(l));
    expect(rows).toHaveLength(30);
    expect(rows.slice(0, 3).map((r) => r.split(/\s+/)[0])).toEqual(['octo/repo-13', 'octo/repo-26', 'octo/repo-39']);
    expect(rows.slice(0, 3).every((r) => r.includes('❌ failed'))).toBe(true);
    expect(shown.stdout).toContain('… 10 more (all of them in the report)');
    expect(shown.stdout).toMatch(/Progress\s+40\/40 partitions finished \(100%\) · records 77 synced · 3 failed/);
    expect(shown.stdout).toMatch(/CONFLICT\s+3\s+0\s+duplicate external key/);
    expect(shown.stdout).toMatch(/Report\s+none yet \(syncscope report /);
  });

  it('show reports a run-level failure and its report', async () => {
    const shown = await runCli(['show', RECENT_FAILED, '--store', store, '--reports-dir', reports]);
    expect(shown.stdout).toMatch(/Status\s+❌ failed/);
    expect(shown.stdout).toMatch(/Error\s+INVALID_CREDENTIALS: GitHub 401: Bad credentials/);
    expect(shown.stdout).toContain(join(reports, 'sync', RECENT_FAILED, '_SYNC_SUMMARY.md'));
  });

  it('prune removes the runs older than the cutoff and their report folders, and says which', async () => {
    const refused = await runCli(['prune', '--older-than', 'last month', '--store', store]);
    expect(refused.code).toBe(2);
    const pruned = await runCli(['prune', '--older-than', '30d', '--store', store, '--reports-dir', reports, '--json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    const out = JSON.parse(pruned.stdout);
    expect(out.runs_removed).toEqual([OLD, OLD_OTHER]);
    expect(out.report_folders_removed).toEqual([join(reports, 'sync', OLD)]);
    expect(existsSync(join(reports, 'sync', OLD))).toBe(false);
    expect(existsSync(join(reports, 'sync', RECENT_FAILED))).toBe(true);
    expect(ids((await runCli(['runs', '--store', store, '--json'])).stdout)).toEqual([WIDE, RECENT_FAILED]);
    // The default body retention (7d) spared the 2-day-old run's call body; 1d drops it, the row stays.
    expect(out.api_call_bodies_dropped).toBe(0);
    const again = await runCli(['prune', '--older-than', '30d', '--bodies-older-than', '1d', '--store', store, '--reports-dir', reports]);
    expect(again.stdout).toMatch(/^No runs started before /);
    expect(again.stdout).toContain('Dropped the audit bodies of 1 API call(s)');
    const s = await openRunStore({ kind: 'sqlite', path: store });
    const calls = await s.listApiCalls(RECENT_FAILED);
    await s.close();
    expect(calls.map((c) => [c.status, c.responseBody])).toEqual([[200, null]]);
  });
});
