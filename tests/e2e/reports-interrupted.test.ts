import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, runCli, startCli, tempDir } from '../helpers/cli.js';

const REPOS = 5;
const PRS = 60;

/** A sync stopped by SIGTERM still leaves its report folder; resuming rewrites it. */
describe('reports of an interrupted sync', () => {
  const tmp = tempDir();
  const reports = join(tmp.dir, 'reports');
  const args = ['demo', '--json', '--repos', String(REPOS), '--prs-per-repo', String(PRS), '--per-page', '10', '--batch-size', '5',
    '--latency-ms', '25', '--concurrency', '1', '--data-dir', tmp.dir, '--reports-dir', reports];
  afterAll(() => tmp.cleanup());

  it('marks unfinished partitions ⏸ and the run interrupted, then ✅ after --resume', async () => {
    const child = startCli(args, { env: { SYNCSCOPE_LOG_LEVELS: 'partition=debug' } });
    let pages = 0;
    child.stderr?.on('data', (chunk: Buffer) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        if ((JSON.parse(line) as { event: string }).event === 'sync.repo.progress' && ++pages === 3) child.kill('SIGTERM');
      }
    });
    const stopped = await collect(child);
    expect(stopped.code, stopped.stderr.slice(-2000)).toBe(130);
    const summary = JSON.parse(stopped.stdout);
    expect(summary.status).toBe('interrupted');
    const folder = join(reports, 'sync', summary.sync_id);
    expect(summary.report_path).toBe(join(folder, '_SYNC_SUMMARY.md'));
    expect(readdirSync(join(folder, 'repo_reports'))).toHaveLength(REPOS * 2);

    const json = JSON.parse(readFileSync(join(folder, '_SYNC_SUMMARY.json'), 'utf8'));
    expect(json.status_mark).toBe('⏸');
    const marks = json.partitions.map((p: { mark: string }) => p.mark);
    expect(marks).toContain('⏸');
    expect(marks).not.toContain('❌');
    expect(json.progress.partitions_finished).toBeLessThan(REPOS);
    expect(readFileSync(join(folder, '_SYNC_SUMMARY.md'), 'utf8').split('\n')[0]).toBe(`# ⏸ Sync ${summary.sync_id}`);

    const resumed = await runCli([...args, '--resume', summary.sync_id]);
    expect(resumed.code, resumed.stderr.slice(-2000)).toBe(0);
    const after = JSON.parse(readFileSync(join(folder, '_SYNC_SUMMARY.json'), 'utf8'));
    expect(after).toMatchObject({ status: 'succeeded', resume_count: 1, records: { synced: REPOS * PRS } });
    expect(after.partitions.every((p: { mark: string }) => p.mark === '✅')).toBe(true);
  });
});
