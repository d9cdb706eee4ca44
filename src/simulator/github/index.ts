/**
 * A local, contract-faithful stand-in for GitHub's REST and GraphQL APIs: seeded lazy data,
 * GitHub's pagination (pages and cursors), primary limits (requests for REST, points for GraphQL),
 * secondary limits, and injectable faults. It stands for the outside
 * world, so it shares no code with the product (a shared bug would hide itself).
 */
import { SimulatedOrg } from './data.js';
import { FaultInjector } from './faults.js';
import { GraphqlStatsRecorder } from './graphql/stats.js';
import { PrimaryRateLimit } from './rate-limit.js';
import { SecondaryLimits } from './secondary-limit.js';
import { HttpFront } from './server.js';
import { StatsRecorder } from './stats.js';
import type { QueryOutcome } from './graphql/run-query.js';
import type { FaultOptions, GithubSimulator, GithubSimulatorOptions } from './types.js';

export type {
  FaultKind,
  GithubGraphqlStats,
  FaultOptions,
  GithubSimulator,
  GithubSimulatorOptions,
  GithubSimulatorStats,
  LoggedRequest,
  PrimaryLimitOptions,
  SecondaryLimitOptions,
} from './types.js';
export { FAULT_KINDS, TRANSIENT_FAULT_KINDS } from './types.js';

/**
 * GitHub's documented values: 5,000 requests/hour per user token and 5,000 GraphQL points/hour,
 * 100 concurrent, 900 points/minute per REST endpoint and 2,000 for the GraphQL endpoint.
 */
const DEFAULTS = {
  repos: 3,
  prsPerRepo: 10,
  reviewsPerPr: 2,
  manyReviewsPrs: 0,
  manyReviewsCount: 250,
  org: 'syncscope-demo',
  seed: 42,
  latencyMs: 0,
  rateLimit: { limit: 5000, windowSeconds: 3600, resource: 'core' },
  graphqlRateLimit: { limit: 5000, windowSeconds: 3600, resource: 'graphql' },
  maxConcurrent: 100,
  pointsPerMinutePerEndpoint: 900,
  graphqlPointsPerMinute: 2000,
  host: '127.0.0.1',
  port: 0,
} as const;

export async function startGithubSimulator(options: GithubSimulatorOptions = {}): Promise<GithubSimulator> {
  const org = options.org ?? DEFAULTS.org;
  const seed = options.seed ?? DEFAULTS.seed;
  const data = new SimulatedOrg({
    org,
    seed,
    repos: options.repos ?? DEFAULTS.repos,
    prsPerRepo: options.prsPerRepo ?? DEFAULTS.prsPerRepo,
    reviewsPerPr: options.reviewsPerPr ?? DEFAULTS.reviewsPerPr,
    manyReviewsPrs: options.manyReviewsPrs ?? DEFAULTS.manyReviewsPrs,
    manyReviewsCount: options.manyReviewsCount ?? DEFAULTS.manyReviewsCount,
  });
  const rateLimit = { ...DEFAULTS.rateLimit, ...options.rateLimit };
  const graphqlRateLimit = { ...DEFAULTS.graphqlRateLimit, ...options.graphqlRateLimit };
  const notFoundRepos = new Set((options.notFoundRepos ?? []).map((name) => name.toLowerCase()));
  const faults = new FaultInjector(seed, options.faults);
  const stats = new StatsRecorder(options.logRequests ?? false);
  const graphqlStats = new GraphqlStatsRecorder();
  const primary = new PrimaryRateLimit(rateLimit.limit, rateLimit.windowSeconds, rateLimit.resource);
  const graphqlPrimary = new PrimaryRateLimit(graphqlRateLimit.limit, graphqlRateLimit.windowSeconds, graphqlRateLimit.resource);
  // One instance: GitHub's cap on concurrent requests is shared by REST and GraphQL.
  const secondary = new SecondaryLimits(
    options.secondary?.maxConcurrent ?? DEFAULTS.maxConcurrent,
    options.secondary?.pointsPerMinutePerEndpoint ?? DEFAULTS.pointsPerMinutePerEndpoint,
  );
  const latencyMs = options.latencyMs ?? DEFAULTS.latencyMs;
  if (!(latencyMs >= 0)) throw new RangeError(`latencyMs must be >= 0, got ${latencyMs}`);
  const front = new HttpFront({
    host: options.host ?? DEFAULTS.host,
    port: options.port ?? DEFAULTS.port,
    latencyMs,
    deps: {
      data,
      notFoundRepos,
      token: options.token,
      primary,
      graphqlPrimary,
      secondary,
      faults,
      stats,
    },
    graphql: {
      token: options.token,
      secondary,
      pointsPerMinute: options.secondary?.graphqlPointsPerMinute ?? DEFAULTS.graphqlPointsPerMinute,
      faults,
      stats,
      points: graphqlPrimary,
      runQuery: lazyQueryRunner(async () => {
        const [{ githubSchema }, { GraphModels }, { runQuery }] = await Promise.all([
          import('./graphql/schema.js'),
          import('./graphql/models.js'),
          import('./graphql/run-query.js'),
        ]);
        const deps = { schema: githubSchema(), models: new GraphModels(data, notFoundRepos), points: graphqlPrimary, stats: graphqlStats };
        return (body) => runQuery(body, deps);
      }),
    },
  });
  const url = await front.listen();
  return {
    url,
    org,
    stats: () => ({ ...stats.snapshot(), graphql: graphqlStats.snapshot() }),
    expected: () => expectedCounts(data, notFoundRepos),
    manyReviewPulls: () => data.manyReviewPulls().map(({ repo, number }) => `${org}/${data.repoName(repo)}#${number}`),
    requests: () => stats.requestLog(),
    setFaults: (next: FaultOptions | undefined) => faults.set(next),
    close: () => front.close(),
  };
}

/** A query runner built (schema, models, the graphql package) on the first query, once. */
function lazyQueryRunner(load: () => Promise<(body: string) => QueryOutcome>): (body: string) => Promise<QueryOutcome> {
  let loaded: Promise<(body: string) => QueryOutcome> | undefined;
  return async (body) => (await (loaded ??= load()))(body);
}

/** Every repo the org lists; PRs and reviews only of the repos that answer (not `notFoundRepos`). */
function expectedCounts(data: SimulatedOrg, notFound: ReadonlySet<string>): { repos: number; pullRequests: number; reviews: number } {
  const missing = [...notFound].filter((name) => data.repoIndex(name) !== undefined).length;
  const reachable = data.repoCount - missing;
  const pullRequests = reachable * data.options.prsPerRepo;
  const extra = data
    .manyReviewPulls()
    .filter(({ repo }) => !notFound.has(data.repoName(repo)))
    .reduce((sum, { repo, number }) => sum + data.reviewCount(repo, number) - data.options.reviewsPerPr, 0);
  return { repos: data.repoCount, pullRequests, reviews: pullRequests * data.options.reviewsPerPr + extra };
}
