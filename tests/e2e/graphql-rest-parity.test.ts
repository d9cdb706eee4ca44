import Database from 'better-sqlite3';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { renderHumanSummary, toJsonSummary } from '../../src/cli/output/run-summary.js';
import { readEnvironment } from '../../src/config/environment.js';
import { apiPointsOfRun } from '../../src/reports/api-points.js';
import type { DigestApiPoints } from '../../src/reports/digest-types.js';
import { parsePipelineConfig } from '../../src/config/load-config.js';
import { startGithubSimulator, type GithubSimulator, type GithubSimulatorStats } from '../../src/simulator/github/index.js';
import { openRunStore } from '../../src/store/open-run-store.js';
import { Runtime } from '../../src/wiring/runtime.js';
import { runSync, type SyncedRun } from '../../src/wiring/run-sync.js';
import { tempDir } from '../helpers/cli.js';

const TOKEN = 'ghp_ParityTestToken000000000000000000000';
const REPOS = 3;
const PRS = 130;
const MANY = 2;

type Row = Record<string, unknown>;

/** Every row of a table but its sync time, in a stable order. */
function rows(path: string, table: string): Row[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(`SELECT * FROM ${table} ORDER BY github_id`).all() as Row[]).map(({ synced_at: _, ...row }) => row);
  } finally {
    db.close();
  }
}

/**
 * The same simulated organisation synced in REST and in GraphQL mode, reviews on, into two SQLite
 * files: every repository, pull request and review row must be identical — including those of
 * pull requests with more reviews than one page holds.
 */
describe('REST and GraphQL modes store identical rows', () => {
  const tmp = tempDir();
  let sim: GithubSimulator;
  let runtime: Runtime;
  const runs: Record<'rest' | 'graphql', SyncedRun | undefined> = { rest: undefined, graphql: undefined };
  const stats: Record<'rest' | 'graphql', GithubSimulatorStats | undefined> = { rest: undefined, graphql: undefined };
  const points: Record<'rest' | 'graphql', DigestApiPoints | null> = { rest: null, graphql: null };
  const db = (mode: string) => `${tmp.dir}/${mode}.db`;

  beforeAll(async () => {
    sim = await startGithubSimulator({ repos: REPOS, prsPerRepo: PRS, reviewsPerPr: 3, manyReviewsPrs: MANY, manyReviewsCount: 230, seed: 7, token: TOKEN });
    runtime = Runtime.start({ env: readEnvironment({}), logFormat: 'json', logStream: new PassThrough().resume() });
    const store = await openRunStore({ kind: 'sqlite', path: `${tmp.dir}/store.db` });
    try {
      for (const mode of ['rest', 'graphql'] as const) {
        const config = parsePipelineConfig({
          pipeline: { name: `parity-${mode}` },
          source: { type: 'github', mode, base_url: sim.url, org: sim.org, include_reviews: true, per_page: 50 },
          destination: { type: 'sqlite', path: db(mode) },
          reports: { dir: `${tmp.dir}/reports` },
          options: { batch_size: 200, partition_concurrency: 2 },
        });
        runs[mode] = await runSync(runtime, { config, store, token: TOKEN, execute: true });
        stats[mode] = sim.stats();
        points[mode] = await apiPointsOfRun(store, runs[mode]!);
      }
    } finally {
      await store.close();
    }
  });

  afterAll(async () => {
    await sim?.close();
    await runtime?.shutdown();
    tmp.cleanup();
  });

  it('both runs succeed with every record synced', () => {
    const expected = sim.expected();
    for (const mode of ['rest', 'graphql'] as const) {
      expect(runs[mode]?.status, mode).toBe('succeeded');
      expect(runs[mode]?.records, mode).toMatchObject({ synced: expected.pullRequests + expected.reviews, failed: 0, pending: 0 });
      expect(runs[mode]?.options.source, mode).toMatchObject({ mode });
    }
  });

  it('stores the same repositories, pull requests and reviews, row for row', () => {
    const expected = sim.expected();
    for (const [table, count] of [['repositories', expected.repos], ['pull_requests', expected.pullRequests], ['reviews', expected.reviews]] as const) {
      const rest = rows(db('rest'), table);
      const graphql = rows(db('graphql'), table);
      expect(rest, table).toHaveLength(count);
      expect(graphql, table).toEqual(rest);
    }
  });

  it('includes the pull requests whose reviews take more than one page', () => {
    const perPr = new Database(db('graphql'), { readonly: true })
      .prepare('SELECT repo_full_name || \'#\' || pr_number AS pr, COUNT(*) AS n FROM reviews GROUP BY pull_request_github_id HAVING n > 100 ORDER BY pr')
      .all() as Array<{ pr: string; n: number }>;
    expect(perPr).toEqual(sim.manyReviewPulls().sort().map((pr) => ({ pr, n: 230 })));
  });

  it('reads with GraphQL for a small share of what REST costs', () => {
    const rest = stats.rest!;
    const graphql = stats.graphql!;
    const restRequests = Object.entries(rest.byRoute).filter(([route]) => route.startsWith('GET ')).reduce((n, [, c]) => n + c, 0);
    // REST: one call per page of 50 pull requests and one per pull request's reviews (three for 230).
    expect(restRequests).toBe(1 + REPOS * 3 + REPOS * PRS + MANY * 2);
    expect(rest.graphql.queries).toBe(0);
    // GraphQL: one query per page of 50 pull requests with their first 100 reviews, plus the extra review pages.
    expect(graphql.graphql.byOperation).toEqual({
      SyncscopeOrgRepositories: { queries: 1, points: 1 },
      SyncscopePullRequestsWithReviews: { queries: REPOS * 3, points: REPOS * 3 },
      SyncscopePullRequestReviews: { queries: MANY * 2, points: MANY * 2 },
    });
    expect(graphql.byRoute['GET /repos/{owner}/{repo}/pulls'] ?? 0).toBe(rest.byRoute['GET /repos/{owner}/{repo}/pulls']);
    expect(graphql.graphql.pointsSpent * 20).toBeLessThan(restRequests);
  });

  it('shows the points a GraphQL run spent in its JSON and terminal summaries and its report, and none for REST', () => {
    const graphql = points.graphql!;
    const simulated = stats.graphql!.graphql.pointsSpent - stats.rest!.graphql.pointsSpent;
    expect(graphql.spent).toBe(simulated);
    expect(graphql.records_per_point).toBeCloseTo((runs.graphql!.records.synced + runs.graphql!.records.skipped) / simulated, 1);
    expect(graphql.top_queries[0]).toMatchObject({ operation: 'SyncscopePullRequestsWithReviews', calls: REPOS * 3, points: REPOS * 3 });
    expect(graphql.top_queries.map((q) => q.operation).sort()).toEqual(['SyncscopeOrgRepositories', 'SyncscopePullRequestReviews', 'SyncscopePullRequestsWithReviews']);
    const json = toJsonSummary(runs.graphql!, { points: graphql });
    expect(json.api.points).toEqual(graphql);
    expect(renderHumanSummary(json)).toMatch(new RegExp(`API points\\s+${simulated} points · ${graphql.records_per_point} records/point · top: SyncscopePullRequestsWithReviews ${REPOS * 3} \\(${REPOS * 3} calls\\)`));
    expect(readFileSync(runs.graphql!.reportPath!, 'utf8')).toContain(`**GraphQL points:** ${simulated} points spent`);

    expect(points.rest).toBeNull();
    const rest = toJsonSummary(runs.rest!, { points: points.rest });
    expect(rest.api).not.toHaveProperty('points');
    expect(renderHumanSummary(rest)).not.toContain('API points');
    expect(readFileSync(runs.rest!.reportPath!, 'utf8')).not.toContain('GraphQL points');
  });
});
