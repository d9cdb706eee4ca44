import Database from 'better-sqlite3';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readEnvironment } from '../../src/config/environment.js';
import { parsePipelineConfig } from '../../src/config/load-config.js';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { openRunStore } from '../../src/store/open-run-store.js';
import { Runtime } from '../../src/wiring/runtime.js';
import { runSync } from '../../src/wiring/run-sync.js';
import { tempDir } from '../helpers/cli.js';

const REPOS = 3;
const PRS = 60;
const PAGES = REPOS * (PRS / 10);

describe('GraphQL mode: an interrupted sync resumes from its cursors', () => {
  const tmp = tempDir();
  let sim: GithubSimulator | undefined;
  afterAll(async () => {
    await sim?.close();
    tmp.cleanup();
  });

  it('stops mid-run, checkpoints GraphQL cursors, and --resume finishes with every record exactly once', async () => {
    sim = await startGithubSimulator({ repos: REPOS, prsPerRepo: PRS, reviewsPerPr: 2, manyReviewsPrs: 1, latencyMs: 10 });
    const controller = new AbortController();
    const runtime = Runtime.start({
      env: readEnvironment({}),
      logFormat: 'json',
      logStream: new PassThrough().resume(),
      onProgress: (p) => {
        if (p.recordsDone >= 60) controller.abort();
      },
    });
    const store = await openRunStore({ kind: 'sqlite', path: `${tmp.dir}/store.db` });
    const config = parsePipelineConfig({
      pipeline: { name: 'graphql-resume' },
      source: { type: 'github', mode: 'graphql', base_url: sim.url, org: sim.org, include_reviews: true, per_page: 10 },
      destination: { type: 'sqlite', path: `${tmp.dir}/github.db` },
      reports: { dir: `${tmp.dir}/reports` },
      options: { batch_size: 5, partition_concurrency: 1 },
    });
    try {
      const first = await runSync(runtime, { config, store, execute: true, signal: controller.signal });
      expect(first.status).toBe('interrupted');
      const db = new Database(`${tmp.dir}/store.db`, { readonly: true });
      const cursors = db.prepare('SELECT cursor FROM checkpoints WHERE sync_id = ? AND cursor IS NOT NULL').pluck().all(first.syncId) as string[];
      db.close();
      expect(cursors.length).toBeGreaterThan(0);
      // Connection cursors, not REST page numbers.
      for (const cursor of cursors) expect(cursor).toMatch(/^[A-Za-z0-9+/]+=*$/);
      for (const cursor of cursors) expect(cursor).not.toMatch(/^\d+$/);

      const resumed = await runSync(runtime, { config, store, execute: true, resume: first.syncId });
      const expected = sim.expected();
      expect(resumed.status).toBe('succeeded');
      expect(resumed.records).toMatchObject({ synced: expected.pullRequests + expected.reviews, failed: 0, pending: 0 });
      const destination = new Database(`${tmp.dir}/github.db`, { readonly: true });
      const count = (sql: string) => Number(destination.prepare(sql).pluck().get());
      expect(count('SELECT COUNT(*) FROM pull_requests')).toBe(expected.pullRequests);
      expect(count('SELECT COUNT(DISTINCT repo_full_name || \'#\' || number) FROM pull_requests')).toBe(expected.pullRequests);
      expect(count('SELECT COUNT(*) FROM reviews')).toBe(expected.reviews);
      destination.close();
      // The resume went on from the cursors instead of reading everything again.
      const pageQueries = sim.stats().graphql.byOperation.SyncscopePullRequestsWithReviews?.queries ?? 0;
      expect(pageQueries).toBeGreaterThanOrEqual(PAGES);
      expect(pageQueries).toBeLessThan(PAGES + 3);
    } finally {
      await store.close();
      await runtime.shutdown();
    }
  });
});
