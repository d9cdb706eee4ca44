import { randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { attr, OtlpReceiver } from '../helpers/otlp-receiver.js';
import { collect, startCli, tempDir } from '../helpers/cli.js';
import { killWorkers, startWorker, until } from '../helpers/workers.js';

const PG_URL = process.env.SYNCSCOPE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.SYNCSCOPE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('a distributed run on BullMQ (Redis) with a PostgreSQL run store', () => {
  const schema = `t_${randomBytes(4).toString('hex')}`;
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const tmp = tempDir();
  const client = new pg.Client({ connectionString: PG_URL });
  let sim: GithubSimulator;
  const receiver = new OtlpReceiver();
  /** What the first test's run left for the trace test. */
  let finishedRun: { syncId: string; traceId: string } | undefined;
  const env: Record<string, string> = {
    SYNCSCOPE_REDIS_URL: REDIS_URL,
    // token_env (GITHUB_TOKEN) unset is refused with exit 2; the simulator accepts any token.
    GITHUB_TOKEN: 'ghp_anyTokenTheSimulatorAccepts000000000',
    SYNCSCOPE_QUEUE_PREFIX: prefix,
    // Stalled-job recovery within seconds, not BullMQ's 30 s defaults.
    SYNCSCOPE_QUEUE_LOCK_MS: '2000',
    SYNCSCOPE_QUEUE_STALLED_MS: '1000',
    SYNCSCOPE_QUEUE_BACKOFF_MS: '200',
  };

  beforeAll(async () => {
    await client.connect();
    env.OTEL_EXPORTER_OTLP_ENDPOINT = await receiver.start();
    sim = await startGithubSimulator({ repos: 30, prsPerRepo: 4, latencyMs: 40 });
  });
  afterAll(async () => {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    await sim.close();
    await receiver.stop();
    tmp.cleanup();
  });

  it('30 partitions on 3 workers, one SIGKILLed mid-run: the run completes, every record once, reports once', async () => {
    const dbPath = join(tmp.dir, 'github.db');
    const reportsDir = join(tmp.dir, 'reports');
    const config = join(tmp.dir, 'pipeline.yaml');
    writeFileSync(config, [
      'pipeline: { name: github-distributed }',
      `source: { type: github, mode: rest, base_url: "${sim.url}", org: ${sim.org}, per_page: 2 }`,
      `destination: { type: sqlite, path: "${dbPath}" }`,
      `store: { type: postgres, url: "${PG_URL}", schema: ${schema} }`,
      `reports: { dir: "${reportsDir}" }`,
      'options: { batch_size: 2 }',
    ].join('\n'));

    const workers = [startWorker(env), startWorker(env), startWorker(env)];
    try {
      await until('three workers ready', () => workers.every((w) => w.lines().some((l) => l.event === 'sync.worker.started')));
      const run = startCli(['run', '--config', config, '--execute', '--distributed', '--json', '--log-format', 'json'], { env });
      const finished = collect(run);
      // Kill the first worker once it is in the middle of its partitions.
      const victim = workers[0]!;
      await until('the first worker to be inside its partitions', () => {
        const lines = victim.lines();
        const started = lines.filter((l) => l.event === 'sync.repo.started').length;
        const completed = lines.filter((l) => l.event === 'sync.repo.completed').length;
        return completed >= 1 && started > completed;
      });
      victim.child.kill('SIGKILL');
      await victim.done;
      // In flight at the kill: what the dead worker started and never reported completed (its
      // whole output, read once it is gone; stderr to a pipe is written synchronously).
      const victimLines = victim.lines();
      const victimId = victimLines.find((l) => l.event === 'sync.worker.started')?.worker_id;
      const inFlight = new Set(victimLines.filter((l) => l.event === 'sync.repo.started').map((l) => l.repo));
      for (const l of victimLines) if (l.event === 'sync.repo.completed') inFlight.delete(l.repo);

      const result = await finished;
      expect(result.code, result.stderr.slice(-3000)).toBe(0);
      const summary = JSON.parse(result.stdout);
      expect(summary.status).toBe('succeeded');
      expect(summary.records.synced).toBe(120);
      expect(summary.partitions.total).toBe(30);

      // Destination: each of the 120 pull requests once.
      const db = new Database(dbPath, { readonly: true });
      const rows = db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT github_id) AS distinct_ids FROM pull_requests').get() as { n: number; distinct_ids: number };
      db.close();
      expect(rows).toEqual({ n: 120, distinct_ids: 120 });
      // Run store: every record synced exactly once (one state per record), every partition succeeded.
      const states = await client.query(`SELECT status, COUNT(*)::int AS n, COUNT(DISTINCT record_key)::int AS keys FROM ${schema}.record_states WHERE sync_id = $1 GROUP BY status`, [summary.sync_id]);
      expect(states.rows).toEqual([{ status: 'synced', n: 120, keys: 120 }]);
      const parts = await client.query(`SELECT status, COUNT(*)::int AS n FROM ${schema}.partitions WHERE sync_id = $1 GROUP BY status`, [summary.sync_id]);
      expect(parts.rows).toEqual([{ status: 'succeeded', n: 30 }]);
      const stored = await client.query(`SELECT status FROM ${schema}.runs WHERE sync_id = $1`, [summary.sync_id]);
      expect(stored.rows).toEqual([{ status: 'succeeded' }]);
      // Simulator: every pull-request page was served at least once (the killed worker's pages re-read at most).
      expect(sim.stats().byRoute['GET /repos/{owner}/{repo}/pulls']).toBeGreaterThanOrEqual(60);

      // Reports: one folder, written by one worker, once.
      expect(readdirSync(join(reportsDir, 'sync')).filter((d) => d.includes(summary.sync_id))).toHaveLength(1);
      const survivors = workers.slice(1);
      for (const w of survivors) w.child.kill('SIGTERM');
      const exits = await Promise.all(survivors.map((w) => w.done));
      expect(exits.map((e) => e.code)).toEqual([0, 0]);
      // The partitions the killed worker was inside were delivered again to a survivor (stalled-job
      // recovery): a survivor's job span for each. One that committed its last batch just before
      // the kill finds itself done there and syncs nothing; the others start again from their
      // checkpoints.
      expect(inFlight.size).toBeGreaterThan(0);
      expect(victimId).toBeDefined();
      const redelivered = new Set(receiver.spans
        .filter((span) => span.name === 'sync.job' && attr(span, 'sync.id') === summary.sync_id && attr(span, 'sync.worker.id') !== victimId)
        .map((span) => attr(span, 'sync.partition')));
      expect([...inFlight].filter((repo) => !redelivered.has(repo)), `in flight at the kill: ${[...inFlight].join(', ')}`).toEqual([]);
      finishedRun = { syncId: summary.sync_id, traceId: summary.trace_id };
      const written = survivors.flatMap((w) => w.lines()).filter((l) => l.event === 'sync.pipeline.completed' && l.sync_id === summary.sync_id);
      expect(written).toHaveLength(1);
      // Both survivors took partitions (the load spreads), each event naming its worker.
      const byWorker = new Set(survivors.flatMap((w) => w.lines()).filter((l) => l.event === 'sync.repo.completed').map((l) => l.worker_id));
      expect(byWorker.size).toBe(2);
    } finally {
      killWorkers(workers);
    }
  }, 120_000);

  it('spans from two worker processes share the run\'s trace and nest under its root', () => {
    expect(finishedRun, 'the distributed run above finished').toBeDefined();
    const trace = receiver.spans.filter((s) => s.traceId === finishedRun!.traceId);
    const roots = trace.filter((s) => s.name === 'sync.pipeline');
    expect(roots).toHaveLength(1);
    const root = roots[0]!;
    expect(root.parentSpanId ?? '').toBe('');
    const jobs = trace.filter((s) => s.name === 'sync.job');
    // Each partition job continues the run's trace as a child of the root, from whichever worker.
    expect(jobs.length).toBeGreaterThanOrEqual(20);
    for (const job of jobs) {
      expect(job.parentSpanId).toBe(root.spanId);
      expect(job.kind).toBe(5); // CONSUMER
      expect(attr(job, 'sync.id')).toBe(finishedRun!.syncId);
      expect(attr(job, 'messaging.system')).toBe('bullmq');
      expect(Number(attr(job, 'sync.job.queue_wait_ms'))).toBeGreaterThanOrEqual(0);
    }
    expect(new Set(jobs.map((j) => attr(j, 'sync.worker.id'))).size).toBeGreaterThanOrEqual(2);
    const jobIds = new Set(jobs.map((j) => j.spanId));
    const repos = trace.filter((s) => s.name === 'sync.repo');
    // The killed worker's spans died with it (not yet exported), and a job redelivered for a partition
    // it had already committed has no partition span; every exported partition span nests under its job.
    expect(repos.length).toBeGreaterThanOrEqual(20);
    for (const repo of repos) expect(jobIds.has(repo.parentSpanId ?? '')).toBe(true);
  });
});
