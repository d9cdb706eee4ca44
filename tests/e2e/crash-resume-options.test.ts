import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, runCli, startCli, tempDir } from '../helpers/cli.js';

const REPOS = 5;
const PRS = 200;
const base = (dir: string) => ['demo', '--json', '--data-dir', dir, '--reports-dir', join(dir, 'reports')];
const first = (dir: string) => [
  ...base(dir), '--repos', String(REPOS), '--prs-per-repo', String(PRS), '--per-page', '10', '--batch-size', '5',
  '--latency-ms', '5', '--concurrency', '2',
];

/** Starts the demo with page size 10 and kills it (-9) once `pages` pages have been committed. */
async function killAfter(dir: string, pages: number) {
  const child = startCli(first(dir), { env: { SYNCSCOPE_LOG_LEVELS: 'partition=debug' } });
  let seen = 0;
  let syncId = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      const event = JSON.parse(line) as { event: string; sync_id: string };
      syncId = event.sync_id;
      if (event.event === 'sync.repo.progress' && ++seen === pages) child.kill('SIGKILL');
    }
  });
  const result = await collect(child);
  expect(result.signal).toBe('SIGKILL');
  return syncId;
}

function view(dir: string, syncId: string) {
  const dest = new Database(join(dir, 'demo-github.db'), { readonly: true });
  const rows = dest.prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT repo_full_name || '#' || number) AS uniq FROM pull_requests").get();
  dest.close();
  const store = new Database(join(dir, 'syncscope.db'), { readonly: true });
  const run = store.prepare('SELECT status, resume_count FROM runs WHERE sync_id = ?').get(syncId);
  store.close();
  return { rows, run };
}

describe('resume whatever the options (issue #10: page-number cursors lost records)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('kill -9 with --per-page 10 --batch-size 5: a resume with another page size or --mode is refused naming it; of two resumes with no flags one syncs 1,000 of 1,000 once, the other exits 2', async () => {
    const dir = join(tmp.dir, 'options');
    const syncId = await killAfter(dir, 12);

    const other = await runCli([...base(dir), '--resume', syncId, '--per-page', '100']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/read option per_page was 10 .* is 100 now/);
    expect(view(dir, syncId).run).toEqual({ status: 'running', resume_count: 0 });
    // The sync started in the default mode (GraphQL): its cursors are no REST offsets.
    const rest = await runCli([...base(dir), '--resume', syncId, '--mode', 'rest']);
    expect(rest.code).toBe(2);
    expect(rest.stderr).toMatch(/read option mode was "graphql" when the sync started and is "rest" now/);
    expect(view(dir, syncId).run).toEqual({ status: 'running', resume_count: 0 });

    // The killed process's lease names a dead local pid: taken over at once. Of two resumes
    // started together, one holds the lease and syncs; the other is refused naming the holder.
    const both = await Promise.all([runCli([...base(dir), '--resume', syncId]), runCli([...base(dir), '--resume', syncId])]);
    expect(both.map((r) => r.code).sort()).toEqual([0, 2]);
    const refused = both.find((r) => r.code === 2)!;
    expect(refused.stderr).toMatch(/is running in another process \(lease owner [^:]+:\d+:[0-9a-f]{8}|already succeeded/);
    const resumed = both.find((r) => r.code === 0)!;
    const summary = JSON.parse(resumed.stdout);
    expect(summary.sync_id).toBe(syncId);
    expect(summary.records).toEqual({ synced: REPOS * PRS, failed: 0, skipped: 0, pending: 0 });
    expect(view(dir, syncId)).toEqual({ rows: { n: REPOS * PRS, uniq: REPOS * PRS }, run: { status: 'succeeded', resume_count: 1 } });
  });
});
