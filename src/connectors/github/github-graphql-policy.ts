import type { ErrorCategory } from '../../errors/sync-error.js';
import type { RateLimitObservation } from '../../ports/request-scheduler.js';
import type { ClassifiedFailure, ObservedResponse } from '../http/provider-policy.js';

/*
 * What GitHub's GraphQL answers mean, for the GitHub provider policy. GraphQL reports most
 * failures inside an HTTP 200: `{"errors": [{"type": …, "message": …}]}`.
 * https://docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api
 */

interface GraphqlErrorEntry {
  type?: unknown;
  code?: unknown;
  message?: unknown;
}

/** GitHub documents `RATE_LIMITED`; its servers also answer `RATE_LIMIT` with code `graphql_rate_limit`. */
function isRateLimit(entry: GraphqlErrorEntry): boolean {
  return entry.type === 'RATE_LIMITED' || entry.type === 'RATE_LIMIT' || entry.code === 'graphql_rate_limit';
}

/** GitHub's answer to a query that timed out or hit a bug on its side: worth another try. */
const SOMETHING_WENT_WRONG = /something went wrong while executing your query/i;

/** Without a reset header, wait a minute (GitHub's advice when it says nothing more). */
const DEFAULT_PRIMARY_WAIT_SECONDS = 60;

const CATEGORY_OF_TYPE: Record<string, ErrorCategory> = {
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'PERMISSION_DENIED',
  INSUFFICIENT_SCOPES: 'PERMISSION_DENIED',
};

function errorsOf(json: unknown): GraphqlErrorEntry[] {
  if (json === null || typeof json !== 'object' || !('errors' in json) || !Array.isArray(json.errors)) return [];
  return json.errors.filter((e): e is GraphqlErrorEntry => e !== null && typeof e === 'object');
}

function describe(errors: GraphqlErrorEntry[]): string {
  const parts = errors.slice(0, 3).map((e) => [e.type, e.message].filter((p) => typeof p === 'string').join(': '));
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return `GitHub GraphQL ${parts.join('; ')}${more}`;
}

/**
 * The failure a 2xx GraphQL answer carries, if any. A RATE_LIMITED answer is the primary limit:
 * the retry waits for `x-ratelimit-reset`, so the query is not sent again before the points are
 * back. Any other error fails the query: the source never writes half an answer.
 */
export function graphqlFailure(response: ObservedResponse): ClassifiedFailure | undefined {
  const errors = errorsOf(response.json);
  if (errors.length === 0) return undefined;
  const message = describe(errors);
  if (errors.some(isRateLimit)) {
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return { category: 'RATE_LIMITED', message, primaryRejection: true, resetAtMs: reset * 1000, waitReason: 'primary' };
    return { category: 'RATE_LIMITED', message, primaryRejection: true, retryAfterSeconds: DEFAULT_PRIMARY_WAIT_SECONDS, waitReason: 'primary' };
  }
  if (errors.some((e) => typeof e.message === 'string' && SOMETHING_WENT_WRONG.test(e.message))) return { category: 'SERVER_ERROR', message };
  const type = errors.map((e) => e.type).find((t): t is string => typeof t === 'string');
  return { category: (type && CATEGORY_OF_TYPE[type]) || 'VALIDATION_ERROR', message };
}

interface RateLimitBlock {
  cost?: unknown;
  limit?: unknown;
  remaining?: unknown;
  resetAt?: unknown;
}

function rateLimitBlock(json: unknown): RateLimitBlock | undefined {
  if (json === null || typeof json !== 'object' || !('data' in json)) return undefined;
  const data = json.data;
  if (data === null || typeof data !== 'object' || !('rateLimit' in data)) return undefined;
  const block = data.rateLimit;
  return block !== null && typeof block === 'object' ? (block as RateLimitBlock) : undefined;
}

/**
 * Adds what a GraphQL answer's `rateLimit { cost limit remaining resetAt }` block says to what its
 * headers said: the query's point cost, and the budget itself when the headers are missing.
 */
export function withGraphqlRateLimit(response: ObservedResponse, fromHeaders: RateLimitObservation | undefined): RateLimitObservation | undefined {
  const block = rateLimitBlock(response.json);
  if (!block) return fromHeaders;
  const cost = typeof block.cost === 'number' ? block.cost : undefined;
  if (fromHeaders) return cost === undefined ? fromHeaders : { ...fromHeaders, cost };
  const resetAtMs = typeof block.resetAt === 'string' ? Date.parse(block.resetAt) : Number.NaN;
  if (typeof block.limit !== 'number' || typeof block.remaining !== 'number' || !Number.isFinite(resetAtMs)) return undefined;
  return { resource: 'graphql', limit: block.limit, remaining: block.remaining, resetAtMs, ...(cost === undefined ? {} : { cost }) };
}
