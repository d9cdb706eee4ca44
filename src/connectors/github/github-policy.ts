import type { ErrorCategory } from '../../errors/sync-error.js';
import type { RateLimitObservation } from '../../ports/request-scheduler.js';
import type { ClassifiedFailure, ObservedResponse, ProviderPolicy } from '../http/provider-policy.js';
import { graphqlFailure, withGraphqlRateLimit } from './github-graphql-policy.js';

/** Known GitHub routes: path pattern → URL template and bounded operation name. */
const ROUTES: Array<{ pattern: RegExp; route: string; operation: string }> = [
  { pattern: /^\/orgs\/[^/]+\/repos$/, route: '/orgs/{org}/repos', operation: 'repos.listForOrg' },
  { pattern: /^\/user\/repos$/, route: '/user/repos', operation: 'repos.listForAuthenticatedUser' },
  { pattern: /^\/repos\/[^/]+\/[^/]+$/, route: '/repos/{owner}/{repo}', operation: 'repos.get' },
  { pattern: /^\/repos\/[^/]+\/[^/]+\/pulls$/, route: '/repos/{owner}/{repo}/pulls', operation: 'pulls.list' },
  {
    pattern: /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/reviews$/,
    route: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
    operation: 'pulls.listReviews',
  },
  { pattern: /^\/graphql$/, route: '/graphql', operation: 'graphql' },
  { pattern: /^\/rate_limit$/, route: '/rate_limit', operation: 'rateLimit.get' },
];

const SECONDARY_LIMIT = /secondary rate limit/i;
/** GitHub: with no Retry-After and budget left, wait at least a minute before retrying a 429. */
const DEFAULT_SECONDARY_WAIT_SECONDS = 60;

function messageOf(response: ObservedResponse): string {
  const json = response.json;
  if (json && typeof json === 'object' && 'message' in json && typeof json.message === 'string') return json.message;
  return response.bodyText.slice(0, 200);
}

function categoryOfStatus(status: number): ErrorCategory {
  if (status === 401) return 'INVALID_CREDENTIALS';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 408) return 'TIMEOUT';
  if (status === 409) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'SERVER_ERROR';
  return 'VALIDATION_ERROR';
}

/**
 * GitHub's REST rules: rate-limit headers, primary vs secondary limits, error statuses; and for
 * GraphQL, the errors and `rateLimit` block inside a 200 (github-graphql-policy.ts).
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */
export const githubPolicy: ProviderPolicy = {
  connector: 'github',
  partitionNoun: 'repo',

  resourceFor(_method, url) {
    if (url.pathname.endsWith('/graphql')) return 'graphql';
    if (url.pathname.includes('/search/')) return 'search';
    return 'core';
  },

  routeFor(_method, url) {
    return ROUTES.find((r) => r.pattern.test(stripBase(url)))?.route ?? '/{other}';
  },

  // A GraphQL call is named by its query (bounded: the source's own queries), so the audit rows
  // and request metrics say which query spent the points, as the cost metric already does.
  operationFor(_method, route, graphql) {
    if (route === '/graphql' && graphql?.name) return graphql.name;
    return ROUTES.find((r) => r.route === route)?.operation ?? 'other';
  },

  protocolFor(url) {
    return url.pathname.endsWith('/graphql') ? 'graphql' : 'rest';
  },

  readRateLimit(response): RateLimitObservation | undefined {
    const h = response.headers;
    const limit = h.get('x-ratelimit-limit');
    const remaining = h.get('x-ratelimit-remaining');
    const reset = h.get('x-ratelimit-reset');
    const fromHeaders =
      limit === null || remaining === null || reset === null
        ? undefined
        : { resource: h.get('x-ratelimit-resource') ?? 'core', limit: Number(limit), remaining: Number(remaining), resetAtMs: Number(reset) * 1000 };
    return withGraphqlRateLimit(response, fromHeaders);
  },

  classify(response): ClassifiedFailure | undefined {
    const { status, headers } = response;
    if (status >= 200 && status < 300) {
      if (response.malformedJson) {
        return { category: 'NETWORK_ERROR', message: `GitHub answered ${status} with a truncated or malformed JSON body` };
      }
      return graphqlFailure(response);
    }
    const message = `GitHub ${status}: ${messageOf(response)}`;
    if (status === 403 || status === 429) {
      const retryAfter = headers.get('retry-after');
      if (retryAfter !== null || SECONDARY_LIMIT.test(message)) {
        return {
          category: 'RATE_LIMITED',
          message,
          retryAfterSeconds: retryAfter !== null ? Number(retryAfter) : DEFAULT_SECONDARY_WAIT_SECONDS,
          waitReason: SECONDARY_LIMIT.test(message) ? 'secondary' : 'retry_after',
        };
      }
      if (headers.get('x-ratelimit-remaining') === '0') {
        const reset = Number(headers.get('x-ratelimit-reset') ?? 0) * 1000;
        return { category: 'RATE_LIMITED', message, primaryRejection: true, resetAtMs: reset, waitReason: 'primary' };
      }
      if (status === 429) {
        return { category: 'RATE_LIMITED', message, retryAfterSeconds: DEFAULT_SECONDARY_WAIT_SECONDS, waitReason: 'secondary' };
      }
    }
    return { category: categoryOfStatus(status), message };
  },

  requestIdOf(response) {
    return response.headers.get('x-github-request-id');
  },
};

/** GitHub Enterprise serves the API under `/api/v3`; routes are matched without it. */
function stripBase(url: URL): string {
  return url.pathname.replace(/^\/api\/v3(?=\/)/, '');
}
