import type { GithubGraphqlStats } from './graphql/stats.js';

export type { GithubGraphqlStats } from './graphql/stats.js';

/** Kinds of injected faults. All but `unauthorized` are transient: a well-behaved client retries them. */
export type FaultKind =
  | 'server_error'
  | 'secondary_limit'
  | 'slow'
  | 'connection_reset'
  | 'truncated_json'
  | 'unauthorized'
  /** 200 with an HTML page (`text/html`), as a proxy or GitHub's own error pages serve. */
  | 'html_200'
  /** 502 with an HTML page, as a load balancer serves. */
  | 'html_502'
  /** The route's answer announced with its full content-length, half sent, then the socket destroyed. */
  | 'cut_stream'
  /** 429 with `x-ratelimit-remaining: 0` and the window's `x-ratelimit-reset`, no `retry-after` (a spent primary budget; pair it with a short `rateLimit.windowSeconds`). */
  | 'primary_limit_429';

export const FAULT_KINDS: readonly FaultKind[] = [
  'server_error',
  'secondary_limit',
  'slow',
  'connection_reset',
  'truncated_json',
  'unauthorized',
  'html_200',
  'html_502',
  'cut_stream',
  'primary_limit_429',
];

/**
 * The default `kinds`: faults a client is expected to survive by retrying at once or after a
 * backoff. `primary_limit_429` is transient too but holds the whole token until its reset, so a
 * fault rate over it would mostly measure waiting: ask for it by name.
 */
export const TRANSIENT_FAULT_KINDS: readonly FaultKind[] = FAULT_KINDS.filter((k) => k !== 'unauthorized' && k !== 'primary_limit_429');

export interface FaultOptions {
  /** Probability 0..1 that a counted request gets a fault instead of its answer. */
  rate: number;
  /** Kinds to choose from, uniformly. Default: all transient kinds. */
  kinds?: FaultKind[];
  /** Delay of a `slow` answer (default 30000 ms, meant to exceed the client's timeout). */
  slowMs?: number;
  /** `retry-after` of an injected secondary-limit answer (default 1 s). */
  retryAfterSeconds?: number;
  /** Only these routes (e.g. `GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews`, `POST /graphql`) get faults; default all. */
  routes?: string[];
  /** At most this many faults from these settings, then none (e.g. 1: one Retry-After served to one client); default unlimited. */
  count?: number;
}

/** One answered request, in arrival order (with `logRequests`). */
export interface LoggedRequest {
  /** Epoch ms the request arrived and was decided. */
  receivedAtMs: number;
  /** Epoch ms the answer was written (after the latency). */
  answeredAtMs: number;
  route: string;
  status: number;
  /** The `retry-after` the answer carried, in seconds, if any. */
  retryAfterSeconds?: number;
  requestId: string;
}

export interface PrimaryLimitOptions {
  /** Requests per window (GitHub: 5,000 per hour for a user token). */
  limit: number;
  /** Window length; windows are aligned to epoch multiples of it. */
  windowSeconds: number;
  /** Value of `x-ratelimit-resource` and the key under `/rate_limit`'s `resources` (default 'core'). */
  resource?: string;
}

export interface SecondaryLimitOptions {
  /** Requests in flight at once before a secondary-limit 403 (GitHub documents 100). */
  maxConcurrent?: number;
  /** Requests per route template per rolling 60 s (GitHub documents 900 points; a GET is 1 point). */
  pointsPerMinutePerEndpoint?: number;
  /** Queries to POST /graphql per rolling 60 s (GitHub documents 2,000 points; a query is 1 point). */
  graphqlPointsPerMinute?: number;
}

export interface GithubSimulatorOptions {
  /** Repositories in the organization (default 3). */
  repos?: number;
  /** Pull requests per repository (default 10). */
  prsPerRepo?: number;
  /** Reviews per pull request (default 2). */
  reviewsPerPr?: number;
  /** This many pull requests, picked from the seed across the org, get `manyReviewsCount` reviews (default 0). */
  manyReviewsPrs?: number;
  /** Reviews of each of those (default 250: three REST pages of 100, three GraphQL pages of 100). */
  manyReviewsCount?: number;
  /** Organization login (default 'syncscope-demo'). */
  org?: string;
  /** Seed of the generated data and of the fault decisions (default 42). */
  seed?: number;
  /** Delay added to every response (default 0). */
  latencyMs?: number;
  /** When set, requests must send `authorization: token <t>` or `Bearer <t>`, else 401. */
  token?: string;
  /** Primary budget (default 5000 per 3600 s, resource 'core'). */
  rateLimit?: PrimaryLimitOptions;
  /** GraphQL points budget, apart from REST's (default 5000 points per 3600 s, resource 'graphql'). */
  graphqlRateLimit?: PrimaryLimitOptions;
  /** Secondary limits, enforced for real (defaults 100 concurrent, 900 per minute per endpoint). */
  secondary?: SecondaryLimitOptions;
  /** Injected faults (default none). */
  faults?: FaultOptions;
  /** Repository names (not full names) listed by the org but answering 404 under /repos/{owner}/{repo}. */
  notFoundRepos?: string[];
  /** Keep a log of every answered request (`requests()`), for tests that check timing across clients (default false). */
  logRequests?: boolean;
  /** Bind address (default '127.0.0.1'). */
  host?: string;
  /** Port (default 0: a free port). */
  port?: number;
}

export interface GithubSimulatorStats {
  /** Every HTTP request received. */
  requests: number;
  /** Primary-limit 403s served (budget overdrawn). */
  rateLimitRejections: number;
  /** Secondary-limit answers served because of real overuse (injected ones are faults). */
  secondaryRejections: number;
  /** Total injected faults. */
  faultsInjected: number;
  faultsByKind: Record<FaultKind, number>;
  /** Requests per route template, e.g. 'GET /repos/{owner}/{repo}/pulls'; unknown routes under 'GET (unmatched)'. */
  byRoute: Record<string, number>;
  /** Highest number of HTTP requests in flight at once (admitted or not). */
  maxConcurrent: number;
  /** POST /graphql: queries run, points charged, refusals. */
  graphql: GithubGraphqlStats;
}

export interface GithubSimulator {
  /** Base URL, e.g. http://127.0.0.1:43123 */
  readonly url: string;
  readonly org: string;
  stats(): GithubSimulatorStats;
  /** The truth tests compare the store against: every listed repo; PRs and reviews of reachable repos. */
  expected(): { repos: number; pullRequests: number; reviews: number };
  /** The pull requests given `manyReviewsCount` reviews, as `owner/repo#number`. */
  manyReviewPulls(): string[];
  /** Every answered request so far, in answer order (empty unless `logRequests`). */
  requests(): LoggedRequest[];
  /** Replaces the fault settings; `undefined` turns faults off. The seeded decision stream continues. */
  setFaults(faults: FaultOptions | undefined): void;
  /** Closes the server and every open socket, and clears every pending timer. */
  close(): Promise<void>;
}
