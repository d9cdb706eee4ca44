import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, runCli, startCli, tempDir } from '../helpers/cli.js';
import { attr, OtlpReceiver } from '../helpers/otlp-receiver.js';

const REPOS = 6;
const PRS = 120;
const args = (dir: string) => [
  'demo', '--json', '--repos', String(REPOS), '--prs-per-repo', String(PRS), '--per-page', '10', '--batch-size', '5',
  '--latency-ms', '25', '--concurrency', '2', '--data-dir', dir, '--reports-dir', join(dir, 'reports'),
];

/** Starts a demo and stops it with `signal` once `progressEvents` pages have been committed. */
async function interruptAfter(dir: string, signal: NodeJS.Signals, progressEvents: number, endpoint: string) {
  const child = startCli(args(dir), { env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, SYNCSCOPE_LOG_LEVELS: 'partition=debug' } });
  let seen = 0;
  let syncId = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      const event = JSON.parse(line) as { event: string; sync_id: string };
      syncId = event.sync_id;
      if (event.event === 'sync.repo.progress' && ++seen === progressEvents) child.kill(signal);
    }
  });
  const result = await collect(child);
  return { ...result, syncId };
}

function destinationCounts(dir: string) {
  const db = new Database(join(dir, 'demo-github.db'), { readonly: true });
  const row = db
    .prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT repo_full_name || '#' || number) AS uniq FROM pull_requests")
    .get() as { n: number; uniq: number };
  db.close();
  return row;
}

function storeView(dir: string, syncId: string) {
  const db = new Database(join(dir, 'syncscope.db'), { readonly: true });
  const runs = db.prepare('SELECT sync_id, status, resume_count FROM runs').all() as Array<{ sync_id: string; status: string; resume_count: number }>;
  const attempts = db.prepare('SELECT attempt, status FROM run_attempts WHERE sync_id = ? ORDER BY attempt').all(syncId);
  const states = db.prepare('SELECT status, COUNT(*) AS n FROM record_states WHERE sync_id = ? GROUP BY status').all(syncId);
  db.close();
  return { runs, attempts, states };
}

describe('crash-safe resume', () => {
  const receiver = new OtlpReceiver();
  const tmp = tempDir();
  let endpoint = '';
  beforeAll(async () => {
    endpoint = await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    tmp.cleanup();
  });

  it('after SIGKILL mid-run, --resume finishes the same sync: every record exactly once, one run, one trace', async () => {
    const dir = join(tmp.dir, 'kill');
    const killed = await interruptAfter(dir, 'SIGKILL', 8, endpoint);
    expect(killed.signal).toBe('SIGKILL');
    const partial = destinationCounts(dir);
    expect(partial.n).toBeGreaterThan(0);
    expect(partial.n).toBeLessThan(REPOS * PRS);

    const resumed = await runCli([...args(dir), '--resume'], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } });
    expect(resumed.code, resumed.stderr.slice(-2000)).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary.sync_id).toBe(killed.syncId);
    expect(summary.resume_count).toBe(1);
    expect(summary.records).toEqual({ synced: REPOS * PRS, failed: 0, skipped: 0, pending: 0 });

    expect(destinationCounts(dir)).toEqual({ n: REPOS * PRS, uniq: REPOS * PRS });
    const view = storeView(dir, killed.syncId);
    expect(view.runs).toEqual([{ sync_id: killed.syncId, status: 'succeeded', resume_count: 1 }]);
    expect(view.attempts).toEqual([
      { attempt: 1, status: 'running' },
      { attempt: 2, status: 'succeeded' },
    ]);
    expect(view.states).toEqual([{ status: 'synced', n: REPOS * PRS }]);

    // The resumed attempt continues the first attempt's trace, with the same sync.id on every span.
    const roots = receiver.spans.filter((s) => s.name === 'sync.pipeline' && attr(s, 'sync.id') === killed.syncId);
    expect(roots).toHaveLength(1);
    const resumedRoot = roots[0]!;
    expect(resumedRoot.traceId).toBe(summary.trace_id);
    expect(attr(resumedRoot, 'sync.attempt')).toBe(2);
    expect(resumedRoot.parentSpanId).toBeTruthy();
    const resumedSpans = receiver.spans.filter((s) => s.traceId === summary.trace_id);
    expect(resumedSpans.some((s) => s.name === 'sync.repo')).toBe(true);
    for (const span of resumedSpans) expect(attr(span, 'sync.id')).toBe(killed.syncId);
  });

  it('on SIGTERM stops taking work, checkpoints, marks the run interrupted and exits 130; resume completes it', async () => {
    const dir = join(tmp.dir, 'term');
    const stopped = await interruptAfter(dir, 'SIGTERM', 6, endpoint);
    expect(stopped.code).toBe(130);
    const summary = JSON.parse(stopped.stdout);
    expect(summary.status).toBe('interrupted');
    expect(summary.records.synced).toBeGreaterThan(0);
    expect(summary.records.synced).toBeLessThan(REPOS * PRS);
    expect(storeView(dir, stopped.syncId).runs[0]?.status).toBe('interrupted');

    const resumed = await runCli([...args(dir), '--resume', stopped.syncId]);
    expect(resumed.code, resumed.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(resumed.stdout).records.synced).toBe(REPOS * PRS);
    expect(destinationCounts(dir)).toEqual({ n: REPOS * PRS, uniq: REPOS * PRS });
  });
});
