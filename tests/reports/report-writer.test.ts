import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPartitionReport, failedRecordsByPartition } from '../../src/reports/partition-report.js';
import { writeSyncReports, type ReportWritten } from '../../src/reports/report-writer.js';
import { buildRunDigest } from '../../src/reports/run-digest.js';
import { InMemoryRunStore } from '../../src/store/memory/in-memory-run-store.js';
import { tempDir } from '../helpers/cli.js';
import { CURRENT, PREVIOUS, seedRuns } from './seed.js';

describe('writeSyncReports', () => {
  const tmp = tempDir();
  let store: InMemoryRunStore;
  beforeEach(async () => {
    store = new InMemoryRunStore();
    await seedRuns(store);
  });
  afterEach(() => tmp.cleanup());

  it('writes the summary, its JSON twin and a markdown + JSON report per partition, announcing the folder once', async () => {
    const written: ReportWritten[] = [];
    const result = (await writeSyncReports(store, CURRENT, { reportsDir: join(tmp.dir, 'reports'), onWritten: (w) => written.push(w) }))!;
    const dir = join(tmp.dir, 'reports', 'sync', CURRENT);
    expect(result.dir).toBe(dir);
    expect(written).toEqual([
      { path: join(dir, '_SYNC_SUMMARY.md') },
      { path: join(dir, '_SYNC_SUMMARY.json') },
      { path: join(dir, 'repo_reports'), files: 8 },
    ]);
    expect(readdirSync(dir).sort()).toEqual(['_SYNC_SUMMARY.json', '_SYNC_SUMMARY.md', 'repo_reports']);
    expect(readdirSync(join(dir, 'repo_reports')).sort()).toEqual([
      'octo__api.json', 'octo__api.md', 'octo__gone.json', 'octo__gone.md', 'octo__late.json', 'octo__late.md', 'octo__web.json', 'octo__web.md',
    ]);
    const json = JSON.parse(readFileSync(join(dir, '_SYNC_SUMMARY.json'), 'utf8'));
    expect(json).toEqual(JSON.parse(JSON.stringify(result.digest)));

    const web = JSON.parse(readFileSync(join(dir, 'repo_reports/octo__web.json'), 'utf8'));
    expect(web.partition).toMatchObject({ key: 'octo/web', mark: '❌', records: { failed: 2 } });
    expect(web.failed_records.map((r: { record_key: string }) => r.record_key)).toEqual(['octo/web#1', 'octo/web#2']);
    const webMd = readFileSync(join(dir, 'repo_reports/octo__web.md'), 'utf8');
    expect(webMd.split('\n')[0]).toBe('# ❌ octo/web');
    expect(webMd).toContain('| `octo/web#1` | pull_request | VALIDATION_ERROR | title \\| too long #1 |');
    expect(readFileSync(join(dir, 'repo_reports/octo__api.md'), 'utf8')).toContain('No errors. ✅');
  });

  it('reads failed records in one pass, or per partition when there are too many to hold: same reports', async () => {
    const digest = (await buildRunDigest(store, CURRENT))!;
    const web = digest.partitions.find((p) => p.key === 'octo/web')!;
    const onePass = await failedRecordsByPartition(store, digest);
    expect([...onePass!.keys()]).toEqual(['octo/web']);
    expect(await failedRecordsByPartition(store, { ...digest, records: { ...digest.records, failed: 10_001 } })).toBeUndefined();
    expect(await buildPartitionReport(store, digest, web, undefined, onePass)).toEqual(await buildPartitionReport(store, digest, web));
  });

  it('writes only the summary for a run without partitions, and nothing for an unknown sync', async () => {
    const written: ReportWritten[] = [];
    await writeSyncReports(store, PREVIOUS, { reportsDir: tmp.dir, onWritten: (w) => written.push(w) });
    expect(written.map((w) => w.path.split('/').pop())).toEqual(['_SYNC_SUMMARY.md', '_SYNC_SUMMARY.json']);
    expect(readdirSync(join(tmp.dir, 'sync', PREVIOUS)).sort()).toEqual(['_SYNC_SUMMARY.json', '_SYNC_SUMMARY.md']);
    expect(await writeSyncReports(store, '202611231400-SYNC-00000000', { reportsDir: tmp.dir })).toBeUndefined();
  });

  it('replaces a folder whole on a rebuild, dropping stale files and leaving nothing temporary beside it', async () => {
    await writeSyncReports(store, CURRENT, { reportsDir: tmp.dir });
    writeFileSync(join(tmp.dir, 'sync', CURRENT, 'repo_reports', 'stale.md'), 'from an older write');
    await writeSyncReports(store, CURRENT, { reportsDir: tmp.dir });
    expect(readdirSync(join(tmp.dir, 'sync'))).toEqual([CURRENT]);
    const files = readdirSync(join(tmp.dir, 'sync', CURRENT), { recursive: true }).map(String);
    expect(files).toHaveLength(11);
    expect(files).not.toContain('repo_reports/stale.md');
  });
});
