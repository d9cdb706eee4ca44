import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, tempDir, type CliResult } from '../helpers/cli.js';

const REPOS = 3;
const PRS = 20;

describe('reports after a demo, and the on-call view of it', () => {
  const tmp = tempDir();
  const reports = join(tmp.dir, 'reports');
  const storePath = join(tmp.dir, 'syncscope.db');
  let result: CliResult;
  let summary: Record<string, any>;
  let folder: string;

  beforeAll(async () => {
    result = await runCli(['demo', '--json', '--repos', String(REPOS), '--prs-per-repo', String(PRS), '--latency-ms', '1', '--data-dir', tmp.dir, '--reports-dir', reports]);
    summary = JSON.parse(result.stdout);
    folder = join(reports, 'sync', summary.sync_id);
  });
  afterAll(() => tmp.cleanup());

  it('writes the summary and one markdown + JSON report per repo, and says where', () => {
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(summary.report_path).toBe(join(folder, '_SYNC_SUMMARY.md'));
    expect(readdirSync(folder).sort()).toEqual(['_SYNC_SUMMARY.json', '_SYNC_SUMMARY.md', 'repo_reports']);
    const names = Array.from({ length: REPOS }, (_, i) => `syncscope-demo__repo-${String(i + 1).padStart(3, '0')}`);
    expect(readdirSync(join(folder, 'repo_reports')).sort()).toEqual(names.flatMap((n) => [`${n}.json`, `${n}.md`]));
    const md = readFileSync(join(folder, '_SYNC_SUMMARY.md'), 'utf8');
    expect(md.split('\n')[0]).toBe(`# ✅ Sync ${summary.sync_id}`);
    expect(md).toContain(`| Trace ID | \`${summary.trace_id}\` |`);
    for (const name of names) expect(md).toContain(`(repo_reports/${name}.md) | ✅ succeeded | ${PRS} | 0 |`);
    // The demo reads over GraphQL (the default): the summary says what the points bought.
    expect(summary.api.points.spent).toBeGreaterThan(0);
    expect(md).toContain(`**GraphQL points:** ${summary.api.points.spent} points spent · ${summary.api.points.records_per_point} records per point`);
    expect(md).toMatch(/### Top queries by points\n\n\| Query \| Calls \| Errors \| Points \| API time \|/);
  });

  it('announces the phase and three sync.report.written events: two summaries and the folder with its file count', () => {
    const events = jsonLines(result.stderr);
    const phases = events.filter((e) => e.event === 'sync.pipeline.phase_changed').map((e) => e.phase);
    expect(phases.at(-1)).toBe('reporting');
    const written = events.filter((e) => e.event === 'sync.report.written');
    expect(written.map((e) => [e.path, e.files])).toEqual([
      [join(folder, '_SYNC_SUMMARY.md'), undefined],
      [join(folder, '_SYNC_SUMMARY.json'), undefined],
      [join(folder, 'repo_reports'), REPOS * 2],
    ]);
    for (const e of written) expect(e.trace_id).toBe(summary.trace_id);
  });

  it('show --json agrees with the store and with _SYNC_SUMMARY.json', async () => {
    const shown = await runCli(['show', summary.sync_id, '--json', '--store', storePath, '--reports-dir', reports]);
    expect(shown.code, shown.stderr).toBe(0);
    const digest = JSON.parse(shown.stdout);

    const db = new Database(storePath, { readonly: true });
    const counts = Object.fromEntries((db.prepare('SELECT status, COUNT(*) AS n FROM record_states WHERE sync_id = ? GROUP BY status').all(summary.sync_id) as Array<{ status: string; n: number }>).map((r) => [r.status, r.n]));
    const partitions = db.prepare('SELECT partition_key, status FROM partitions WHERE sync_id = ? ORDER BY partition_key').all(summary.sync_id) as Array<{ partition_key: string; status: string }>;
    db.close();
    expect(digest.records).toEqual({ synced: counts.synced ?? 0, failed: counts.failed ?? 0, skipped: counts.skipped ?? 0, pending: counts.pending ?? 0, total: REPOS * PRS });
    expect(digest.partitions.map((p: { key: string; status: string }) => [p.key, p.status]).sort()).toEqual(partitions.map((p) => [p.partition_key, p.status]));

    const file = JSON.parse(readFileSync(join(folder, '_SYNC_SUMMARY.json'), 'utf8'));
    const { slowest_calls: slowest, report_path: reportPath, generated_at: _a, ...shownRest } = digest;
    const { generated_at: _b, ...fileRest } = file;
    expect(shownRest).toEqual(fileRest);
    expect(reportPath).toBe(join(folder, '_SYNC_SUMMARY.md'));
    expect(slowest.length).toBeGreaterThan(0);
    expect(slowest.length).toBeLessThanOrEqual(5);
    expect(slowest[0]).toMatchObject({ operation: expect.any(String), route: expect.stringMatching(/^\//), status: 200, attempt: 1, request_id: expect.any(String) });
    expect(slowest.map((c: { duration_ms: number }) => c.duration_ms)).toEqual([...slowest.map((c: { duration_ms: number }) => c.duration_ms)].sort((a, b) => b - a));
  });

  it('show prints one readable screen', async () => {
    const shown = await runCli(['show', summary.sync_id, '--store', storePath, '--reports-dir', reports]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Sync ${summary.sync_id} · github-demo`);
    expect(shown.stdout).toMatch(/Status\s+✅ succeeded/);
    expect(shown.stdout).toMatch(new RegExp(`Progress\\s+${REPOS}/${REPOS} partitions finished \\(100%\\) · records ${REPOS * PRS} synced`));
    expect(shown.stdout).toMatch(new RegExp(`API points\\s+${summary.api.points.spent} points · ${summary.api.points.records_per_point} records/point · top: SyncscopePullRequests ${REPOS} \\(${REPOS} calls\\)`));
    expect(shown.stdout).toMatch(/Slowest API calls\nOperation\s+Route\s+Status\s+Duration\s+Attempt\s+Request ID/);
    expect(shown.stdout).toContain(`Report       ${join(folder, '_SYNC_SUMMARY.md')}`);
  });

  it('report rebuilds the same folder from the store', async () => {
    const before = JSON.parse(readFileSync(join(folder, '_SYNC_SUMMARY.json'), 'utf8'));
    rmSync(folder, { recursive: true });
    const rebuilt = await runCli(['report', summary.sync_id, '--store', storePath, '--reports-dir', reports, '--json']);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(JSON.parse(rebuilt.stdout)).toMatchObject({ sync_id: summary.sync_id, summary: join(folder, '_SYNC_SUMMARY.md'), partition_files: REPOS * 2 });
    const after = JSON.parse(readFileSync(join(folder, '_SYNC_SUMMARY.json'), 'utf8'));
    expect({ ...after, generated_at: null }).toEqual({ ...before, generated_at: null });
    expect(readdirSync(join(folder, 'repo_reports'))).toHaveLength(REPOS * 2);
    const events = jsonLines(rebuilt.stderr).filter((e) => e.event === 'sync.report.written');
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.sync_id === summary.sync_id && e.trace_id === summary.trace_id)).toBe(true);
  });

  it('exits 2 with a clear message for an unknown sync ID or store', async () => {
    const unknown = await runCli(['show', '202601010000-SYNC-00000000', '--store', storePath]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no sync 202601010000-SYNC-00000000 in the run store');
    const report = await runCli(['report', '202601010000-SYNC-00000000', '--store', storePath, '--reports-dir', reports]);
    expect(report.code).toBe(2);
    const noStore = await runCli(['show', summary.sync_id, '--store', join(tmp.dir, 'missing.db')]);
    expect(noStore.code).toBe(2);
    expect(noStore.stderr).toContain('no run store at');
    expect(existsSync(join(tmp.dir, 'missing.db'))).toBe(false);
  });
});
