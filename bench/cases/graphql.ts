import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { readEnvironment } from '../../src/config/environment.js';
import { parsePipelineConfig } from '../../src/config/load-config.js';
import { startGithubSimulator, type GithubSimulatorOptions } from '../../src/simulator/github/index.js';
import { openRunStore } from '../../src/store/open-run-store.js';
import { Runtime } from '../../src/wiring/runtime.js';
import { runSync } from '../../src/wiring/run-sync.js';
import type { BenchFigure } from '../lib/report.js';

const REPOS = Number(process.env.BENCH_GRAPHQL_REPOS ?? 4);
const PRS = Number(process.env.BENCH_GRAPHQL_PRS ?? 200);
const ROUNDS = Number(process.env.BENCH_GRAPHQL_ROUNDS ?? 2);
/** Tight points budget for the utilisation figure: a few windows' worth of queries. */
const POINTS = 20;
const WINDOW_SECONDS = 4;

type Mode = 'rest' | 'graphql';

async function syncOnce(simOptions: GithubSimulatorOptions, mode: Mode, perPage: number, alignToMs?: number) {
  const sim = await startGithubSimulator(simOptions);
  const dir = mkdtempSync(join(tmpdir(), 'syncscope-bench-graphql-'));
  const runtime = Runtime.start({ env: readEnvironment({}), logFormat: 'json', logStream: new PassThrough().resume() });
  const store = await openRunStore({ kind: 'sqlite', path: join(dir, 'store.db') });
  try {
    const config = parsePipelineConfig({
      pipeline: { name: `bench-${mode}` },
      source: { type: 'github', mode, base_url: sim.url, org: sim.org, include_reviews: true, per_page: perPage },
      destination: { type: 'sqlite', path: join(dir, 'github.db') },
      reports: { dir: join(dir, 'reports') },
      options: { partition_concurrency: 4 },
      api: { reset_margin_ms: 20, max_requests_per_minute_per_endpoint: 1_000_000 },
    });
    if (alignToMs !== undefined) {
      const startAt = Math.ceil((Date.now() + 500) / alignToMs) * alignToMs + 5;
      await new Promise((r) => setTimeout(r, startAt - Date.now()));
    }
    const startedAtMs = Date.now();
    const result = await runSync(runtime, { config, store, execute: true });
    const elapsedMs = Date.now() - startedAtMs;
    if (result.status !== 'succeeded') throw new Error(`bench ${mode} sync ended ${result.status}`);
    return { records: result.records.synced, stats: sim.stats(), startedAtMs, elapsedMs };
  } finally {
    await store.close();
    await runtime.shutdown();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Issue #16's must-show 2. The same organisation with reviews on, synced in REST and GraphQL modes
 * alternately: records per budget unit (REST: per request of the 5,000/h; GraphQL: per point of
 * the 5,000-point hour) and their ratio (target ≥ 20×). Then GraphQL under a tight points budget:
 * utilisation = the ideal time the budget allows (the windows the points need) / the time taken,
 * with 0 RATE_LIMITED refusals (target ≥ 0.95).
 */
export async function graphqlBench(): Promise<BenchFigure[]> {
  const org: GithubSimulatorOptions = { repos: REPOS, prsPerRepo: PRS, reviewsPerPr: 3, manyReviewsPrs: 2, manyReviewsCount: 230, latencyMs: 2, secondary: { pointsPerMinutePerEndpoint: 1_000_000, graphqlPointsPerMinute: 1_000_000 } };
  const perUnit: Record<Mode, number[]> = { rest: [], graphql: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ['rest', 'graphql'] as const) {
      const run = await syncOnce(org, mode, 100);
      const units = mode === 'rest' ? run.stats.requests : run.stats.graphql.pointsSpent;
      perUnit[mode].push(run.records / units);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const rest = median(perUnit.rest);
  const graphql = median(perUnit.graphql);
  const ratio = graphql / rest;

  // Tight budget: per_page 10 so the sync needs several windows of points.
  const windowMs = WINDOW_SECONDS * 1000;
  const tight = await syncOnce({ ...org, repos: 6, prsPerRepo: 100, manyReviewsPrs: 0, graphqlRateLimit: { limit: POINTS, windowSeconds: WINDOW_SECONDS, resource: 'graphql' } }, 'graphql', 10, windowMs);
  const points = tight.stats.graphql.pointsSpent;
  const windowsNeeded = Math.floor((points - 1) / POINTS);
  const firstBoundary = (Math.floor(tight.startedAtMs / windowMs) + 1) * windowMs;
  const idealSeconds = windowsNeeded === 0 ? 0 : (firstBoundary + (windowsNeeded - 1) * windowMs - tight.startedAtMs) / 1000;
  const utilisation = idealSeconds / (tight.elapsedMs / 1000);
  const rejections = tight.stats.graphql.rateLimitRejections;
  return [
    { case: 'graphql', metric: `REST records per request (${REPOS}×${PRS} PRs, reviews on)`, value: rest, unit: 'records/request' },
    { case: 'graphql', metric: 'GraphQL records per point', value: graphql, unit: 'records/point' },
    { case: 'graphql', metric: 'GraphQL ÷ REST records per budget unit', value: ratio, unit: '×', target: '≥ 20', pass: ratio >= 20, note: `median of ${ROUNDS} alternating rounds` },
    { case: 'graphql', metric: `GraphQL budget utilisation (${points} points, ${POINTS}/${WINDOW_SECONDS}s budget)`, value: utilisation, unit: '', target: '≥ 0.95', pass: utilisation >= 0.95, note: `ideal ${idealSeconds.toFixed(2)}s, took ${(tight.elapsedMs / 1000).toFixed(2)}s` },
    { case: 'graphql', metric: 'GraphQL RATE_LIMITED refusals (simulator)', value: rejections, unit: '', target: '= 0', pass: rejections === 0 },
  ];
}
