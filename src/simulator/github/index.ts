/**
 * A local, contract-faithful stand-in for GitHub's REST API: seeded lazy data, GitHub's
 * pagination, primary and secondary rate limits, and injectable faults. It stands for the outside
 * world, so it shares no code with the product (a shared bug would hide itself).
 */
import { SimulatedOrg } from './data.js';
import { FaultInjector } from './faults.js';
import { PrimaryRateLimit } from './rate-limit.js';
import { SecondaryLimits } from './secondary-limit.js';
import { HttpFront } from './server.js';
import { StatsRecorder } from './stats.js';
import type { FaultOptions, GithubSimulator, GithubSimulatorOptions } from './types.js';

export type {
  FaultKind,
  FaultOptions,
  GithubSimulator,
  GithubSimulatorOptions,
  GithubSimulatorStats,
  PrimaryLimitOptions,
  SecondaryLimitOptions,
} from './types.js';
export { FAULT_KINDS, TRANSIENT_FAULT_KINDS } from './types.js';

/** GitHub's documented values: 5,000 requests/hour per user token, 100 concurrent, 900 points/minute/endpoint. */
const DEFAULTS = {
  repos: 3,
  prsPerRepo: 10,
  reviewsPerPr: 2,
  org: 'syncscope-demo',
  seed: 42,
  latencyMs: 0,
  rateLimit: { limit: 5000, windowSeconds: 3600, resource: 'core' },
  maxConcurrent: 100,
  pointsPerMinutePerEndpoint: 900,
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
  });
  const rateLimit = { ...DEFAULTS.rateLimit, ...options.rateLimit };
  const notFoundRepos = new Set((options.notFoundRepos ?? []).map((name) => name.toLowerCase()));
  const faults = new FaultInjector(seed, options.faults);
  const stats = new StatsRecorder();
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
      primary: new PrimaryRateLimit(rateLimit.limit, rateLimit.windowSeconds, rateLimit.resource),
      secondary: new SecondaryLimits(
        options.secondary?.maxConcurrent ?? DEFAULTS.maxConcurrent,
        options.secondary?.pointsPerMinutePerEndpoint ?? DEFAULTS.pointsPerMinutePerEndpoint,
      ),
      faults,
      stats,
    },
  });
  const url = await front.listen();
  return {
    url,
    org,
    stats: () => stats.snapshot(),
    expected: () => expectedCounts(data, notFoundRepos),
    setFaults: (next: FaultOptions | undefined) => faults.set(next),
    close: () => front.close(),
  };
}

/** Every repo the org lists; PRs and reviews only of the repos that answer (not `notFoundRepos`). */
function expectedCounts(data: SimulatedOrg, notFound: ReadonlySet<string>): { repos: number; pullRequests: number; reviews: number } {
  const missing = [...notFound].filter((name) => data.repoIndex(name) !== undefined).length;
  const reachable = data.repoCount - missing;
  const pullRequests = reachable * data.options.prsPerRepo;
  return { repos: data.repoCount, pullRequests, reviews: pullRequests * data.options.reviewsPerPr };
}
