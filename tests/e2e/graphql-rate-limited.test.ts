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

// A points budget this small runs out several times in one small sync: 1 org query + 4 PR pages.
const POINTS = 3;
const WINDOW_SECONDS = 2;

describe('GraphQL mode: a RATE_LIMITED answer is waited out until the reset', () => {
  const tmp = tempDir();
  let sim: GithubSimulator | undefined;
  afterAll(async () => {
    await sim?.close();
    tmp.cleanup();
  });

  it('waits for resetAt after the one refusal, sends no further refused query, and says so with sync.api.rate_wait reason primary', async () => {
    sim = await startGithubSimulator({
      repos: 2,
      prsPerRepo: 20,
      reviewsPerPr: 1,
      graphqlRateLimit: { limit: POINTS, windowSeconds: WINDOW_SECONDS, resource: 'graphql' },
    });
    // Another client of the same token spends the window first, so the sync's first query (sent
    // before it knows the budget) is refused with HTTP 200 and errors[].type RATE_LIMITED.
    for (let i = 0; i < POINTS; i++) {
      await fetch(`${sim.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `query Other { organization(login: "${sim.org}") { repositories(first: 1) { nodes { name } } } }` }),
      });
    }
    expect(sim.stats().graphql.rateLimitRejections).toBe(0);

    let log = '';
    const logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const runtime = Runtime.start({ env: readEnvironment({}), logFormat: 'json', logStream });
    const store = await openRunStore({ kind: 'sqlite', path: `${tmp.dir}/store.db` });
    const config = parsePipelineConfig({
      pipeline: { name: 'graphql-rate-limited' },
      source: { type: 'github', mode: 'graphql', base_url: sim.url, org: sim.org, include_reviews: true, per_page: 10 },
      destination: { type: 'sqlite', path: `${tmp.dir}/github.db` },
      reports: { dir: `${tmp.dir}/reports` },
      options: { partition_concurrency: 1 },
    });
    try {
      const result = await runSync(runtime, { config, store, execute: true });
      const expected = sim.expected();
      expect(result.status).toBe('succeeded');
      expect(result.records).toMatchObject({ synced: expected.pullRequests + expected.reviews, failed: 0 });
      const destination = new Database(`${tmp.dir}/github.db`, { readonly: true });
      expect(Number(destination.prepare('SELECT COUNT(*) FROM reviews').pluck().get())).toBe(expected.reviews);
      destination.close();

      // The refused first query, and none after it: every later overdraw waited for the reset.
      expect(sim.stats().graphql.rateLimitRejections).toBeLessThanOrEqual(1);
      const events = log
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      // Points by query name in the metrics.
      const metrics = await runtime.metrics.registry.metrics();
      expect(metrics).toMatch(/sync_api_cost_points_total\{connector="github",operation="SyncscopePullRequestsWithReviews"\} [1-9]/);
      const waits = events.filter((e) => e.event === 'sync.api.rate_wait');
      expect(waits.some((w) => w.reason === 'primary' && w.resource === 'graphql')).toBe(true);
      for (const wait of waits.filter((w) => w.reason === 'primary')) {
        // Until the window's reset (plus the skew margin), not a blind minute.
        expect(Number(wait.wait_seconds)).toBeLessThanOrEqual(WINDOW_SECONDS + 2);
      }
    } finally {
      await store.close();
      await runtime.shutdown();
    }
  }, 60_000);
});
