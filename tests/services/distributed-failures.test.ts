import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { openRunStore } from '../../src/store/open-run-store.js';
import { collect, startCli, tempDir } from '../helpers/cli.js';
import { killWorkers, startWorker, until, type StartedWorker } from '../helpers/workers.js';

const PG_URL = process.env.SYNCSCOPE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.SYNCSCOPE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REFUSAL = 'the run store refuses this partition';

/** A worker's /metrics, as Prometheus scrapes it. */
async function scrape(worker: StartedWorker): Promise<string> {
  const started = worker.lines().find((l) => l.event === 'sync.worker.started');
  const response = await fetch(`http://127.0.0.1:${String(started?.port)}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** A histogram's `_count` for one label set, summed over every worker's scrape. */
function countOf(scrapes: string[], metric: string, labels: string): number {
  const line = new RegExp(`^${metric}_count\\{${labels}\\} (\\d+)`, 'm');
  return scrapes.reduce((sum, text) => sum + Number(line.exec(text)?.[1] ?? 0), 0);
}

/**
 * Failure handling in distributed mode: a partition job that fails every attempt (its worker cannot
 * save the partition's progress) fails its partition with the last error, and the run still ends —
 * `partial`, with its reports — once the other partitions are done.
 */
describe('a distributed run whose partition job exhausts its attempts', () => {
  const schema = `t_${randomBytes(4).toString('hex')}`;
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const tmp = tempDir();
  const client = new pg.Client({ connectionString: PG_URL });
  let sim: GithubSimulator;
  const env: Record<string, string> = {
    SYNCSCOPE_REDIS_URL: REDIS_URL,
    GITHUB_TOKEN: 'ghp_anyTokenTheSimulatorAccepts000000000',
    SYNCSCOPE_QUEUE_PREFIX: prefix,
    SYNCSCOPE_QUEUE_LOCK_MS: '2000',
    SYNCSCOPE_QUEUE_STALLED_MS: '1000',
    SYNCSCOPE_QUEUE_BACKOFF_MS: '100',
  };

  beforeAll(async () => {
    await client.connect();
    sim = await startGithubSimulator({ repos: 4, prsPerRepo: 3 });
    // The store's tables exist before the run, so the refusal can be planted on them.
    await (await openRunStore({ kind: 'postgres', url: PG_URL, schema })).close();
    await client.query(`
      CREATE FUNCTION ${schema}.refuse_partition() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '${REFUSAL}'; END $$;
      CREATE TRIGGER refuse_partition BEFORE UPDATE ON ${schema}.partitions
        FOR EACH ROW WHEN (NEW.partition_key LIKE '%repo-%2' AND NEW.status = 'running') EXECUTE FUNCTION ${schema}.refuse_partition();
    `);
  });
  afterAll(async () => {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    await sim.close();
    tmp.cleanup();
  });

  it('fails the partition with the last error after its attempts, ends the run partial with a report, and times every job', async () => {
    const reportsDir = join(tmp.dir, 'reports');
    const config = join(tmp.dir, 'pipeline.yaml');
    writeFileSync(config, [
      'pipeline: { name: github-failures }',
      `source: { type: github, base_url: "${sim.url}", org: ${sim.org}, per_page: 2 }`,
      `destination: { type: sqlite, path: "${join(tmp.dir, 'github.db')}" }`,
      `store: { type: postgres, url: "${PG_URL}", schema: ${schema} }`,
      `reports: { dir: "${reportsDir}" }`,
      'options: { batch_size: 2 }',
    ].join('\n'));
    const workers = [startWorker(env), startWorker(env)];
    try {
      await until('two workers ready', () => workers.every((w) => w.lines().some((l) => l.event === 'sync.worker.started')));
      const result = await collect(startCli(['run', '--config', config, '--execute', '--distributed', '--json', '--log-format', 'json'], { env }));
      // Exit code 1: the sync finished with failures.
      expect(result.code, result.stderr.slice(-3000)).toBe(1);
      const summary = JSON.parse(result.stdout) as { sync_id: string; status: string; records: Record<string, number>; partitions: Record<string, number> };
      expect(summary.status).toBe('partial');
      expect(summary.records.synced).toBe(9);

      const parts = await client.query(`SELECT partition_key, status, error_category, error_message FROM ${schema}.partitions WHERE sync_id = $1 ORDER BY partition_key`, [summary.sync_id]);
      const failed = parts.rows.filter((p) => p.status === 'failed');
      expect(parts.rows.filter((p) => p.status === 'succeeded')).toHaveLength(3);
      expect(failed).toHaveLength(1);
      expect(failed[0].partition_key).toMatch(/repo-0*2$/);
      expect(failed[0].error_message).toContain(REFUSAL);
      const stored = await client.query(`SELECT status FROM ${schema}.runs WHERE sync_id = $1`, [summary.sync_id]);
      expect(stored.rows).toEqual([{ status: 'partial' }]);

      // Attempts map to the catalog: two retries, then one final failure, naming the partition and the error.
      const lines = workers.flatMap((w) => w.lines());
      const ofJob = (event: string) => lines.filter((l) => l.event === event && l.partition === failed[0].partition_key);
      expect(ofJob('sync.job.retrying')).toHaveLength(2);
      expect(ofJob('sync.job.failed')).toHaveLength(1);
      expect(String(ofJob('sync.job.failed')[0]?.error_message)).toContain(REFUSAL);

      // Reports once, naming the failed partition and its error.
      const folders = readdirSync(join(reportsDir, 'sync')).filter((d) => d.includes(summary.sync_id));
      expect(folders).toHaveLength(1);
      const markdown = readFileSync(join(reportsDir, 'sync', folders[0]!, '_SYNC_SUMMARY.md'), 'utf8');
      expect(markdown).toContain(failed[0].partition_key);
      expect(markdown).toContain(REFUSAL);
      expect(lines.filter((l) => l.event === 'sync.pipeline.completed' && l.sync_id === summary.sync_id)).toHaveLength(1);

      // The workers' /metrics: every delivery timed by outcome, every job's first wait in the queue.
      const scrapes = await Promise.all(workers.map(scrape));
      expect(countOf(scrapes, 'sync_job_duration_seconds', 'queue="sync-partitions",status="completed"')).toBe(3);
      expect(countOf(scrapes, 'sync_job_duration_seconds', 'queue="sync-partitions",status="failed"')).toBe(3);
      expect(countOf(scrapes, 'sync_job_duration_seconds', 'queue="sync-runs",status="completed"')).toBe(1);
      expect(countOf(scrapes, 'sync_queue_wait_seconds', 'queue="sync-partitions"')).toBe(4);
      expect(countOf(scrapes, 'sync_queue_wait_seconds', 'queue="sync-runs"')).toBe(1);
      // Bounded labels: a queue and an outcome, never a sync or job ID.
      for (const text of scrapes) expect(text).not.toContain(summary.sync_id);
    } finally {
      killWorkers(workers);
    }
  }, 120_000);
});
