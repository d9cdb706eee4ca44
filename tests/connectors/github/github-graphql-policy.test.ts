import { describe, expect, it } from 'vitest';
import { githubPolicy } from '../../../src/connectors/github/github-policy.js';
import type { ObservedResponse } from '../../../src/connectors/http/provider-policy.js';
import { decideRetry, DEFAULT_RETRY_POLICY } from '../../../src/scheduling/retry-policy.js';

const RESET = 1_800_000_000;

function observed(status: number, body: unknown, headers: Record<string, string> = {}): ObservedResponse {
  const bodyText = typeof body === 'string' ? body : JSON.stringify(body);
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    json = undefined;
  }
  return { status, headers: new Headers({ 'content-type': 'application/json; charset=utf-8', ...headers }), bodyText, json, malformedJson: json === undefined };
}

const graphqlHeaders = (remaining: number) => ({
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': String(remaining),
  'x-ratelimit-used': String(5000 - remaining),
  'x-ratelimit-reset': String(RESET),
  'x-ratelimit-resource': 'graphql',
});

describe('GitHub policy for GraphQL answers', () => {
  it('names a GraphQL call by its query, so its audit rows say which query spent the points', () => {
    expect(githubPolicy.operationFor('POST', '/graphql', { name: 'SyncscopePullRequestsWithReviews', type: 'query' })).toBe('SyncscopePullRequestsWithReviews');
    expect(githubPolicy.operationFor('POST', '/graphql', undefined)).toBe('graphql');
  });

  it('classifies a 200 with errors[].type RATE_LIMITED as the primary limit, waiting until the reset', () => {
    const response = observed(200, { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.' }] }, graphqlHeaders(0));
    const failure = githubPolicy.classify(response);
    expect(failure).toEqual({
      category: 'RATE_LIMITED',
      message: 'GitHub GraphQL RATE_LIMITED: API rate limit exceeded for user ID 1.',
      primaryRejection: true,
      resetAtMs: RESET * 1000,
      waitReason: 'primary',
    });
    // The retry policy then waits exactly until the reset, not a backoff step.
    const now = RESET * 1000 - 42_000;
    expect(decideRetry({ category: 'RATE_LIMITED', attempt: 1, resetAtMs: failure?.resetAtMs }, DEFAULT_RETRY_POLICY, now)).toEqual({ retry: true, delayMs: 42_000, basis: 'reset' });
  });

  it('also knows the shape GitHub\'s servers send today (type RATE_LIMIT, code graphql_rate_limit), even with points left', () => {
    const body = { errors: [{ type: 'RATE_LIMIT', code: 'graphql_rate_limit', message: 'API rate limit already exceeded for user ID 1.' }] };
    expect(githubPolicy.classify(observed(200, body, graphqlHeaders(1)))).toMatchObject({ category: 'RATE_LIMITED', resetAtMs: RESET * 1000, waitReason: 'primary' });
    const noHeaders = githubPolicy.classify(observed(200, { errors: [{ code: 'graphql_rate_limit', message: 'x' }] }));
    expect(noHeaders).toMatchObject({ category: 'RATE_LIMITED', retryAfterSeconds: 60, waitReason: 'primary', primaryRejection: true });
  });

  it.each([
    ['NOT_FOUND', { type: 'NOT_FOUND', path: ['repository'], message: "Could not resolve to a Repository with the name 'o/r'." }, 'NOT_FOUND'],
    ['FORBIDDEN', { type: 'FORBIDDEN', message: 'Resource not accessible by integration' }, 'PERMISSION_DENIED'],
    ['a node limit', { type: 'MAX_NODE_LIMIT_EXCEEDED', message: 'By the time this query traverses…' }, 'VALIDATION_ERROR'],
    ['a syntax error (no type)', { message: 'Expected NAME, actual: COLON (":") at [3, 64]', locations: [{ line: 3, column: 64 }] }, 'VALIDATION_ERROR'],
    ['a timeout on GitHub\'s side', { message: 'Something went wrong while executing your query. This may be the result of a timeout.' }, 'SERVER_ERROR'],
  ])('classifies %s in a 200 by its type', (_name, error, category) => {
    const failure = githubPolicy.classify(observed(200, { data: { repository: null }, errors: [error] }, graphqlHeaders(4000)));
    expect(failure?.category).toBe(category);
    expect(failure?.message).toContain(String(error.message).slice(0, 20));
    expect(failure?.primaryRejection).toBeUndefined();
  });

  it('passes a 200 without errors, and still treats a broken body and REST statuses as before', () => {
    expect(githubPolicy.classify(observed(200, { data: { rateLimit: { cost: 1 } } }, graphqlHeaders(4999)))).toBeUndefined();
    expect(githubPolicy.classify(observed(200, '[{"id":1}]'))).toBeUndefined();
    expect(githubPolicy.classify(observed(200, '{"data": {"repos'))?.category).toBe('NETWORK_ERROR');
    const secondary = observed(403, { message: 'You have exceeded a secondary rate limit.' }, { ...graphqlHeaders(10), 'retry-after': '30' });
    expect(githubPolicy.classify(secondary)).toMatchObject({ category: 'RATE_LIMITED', retryAfterSeconds: 30, waitReason: 'secondary' });
  });

  it('reads the graphql budget from the headers and the query\'s cost from the rateLimit block', () => {
    const body = { data: { rateLimit: { cost: 3, remaining: 4990, limit: 5000, resetAt: '2027-01-15T08:00:00Z' } } };
    expect(githubPolicy.readRateLimit(observed(200, body, graphqlHeaders(4990)))).toEqual({
      resource: 'graphql', limit: 5000, remaining: 4990, resetAtMs: RESET * 1000, cost: 3,
    });
    // Without headers (a proxy dropped them), the block alone is the budget.
    expect(githubPolicy.readRateLimit(observed(200, body))).toEqual({
      resource: 'graphql', limit: 5000, remaining: 4990, resetAtMs: Date.parse('2027-01-15T08:00:00Z'), cost: 3,
    });
    // A RATE_LIMITED answer has no data: the headers say it all.
    expect(githubPolicy.readRateLimit(observed(200, { errors: [{ type: 'RATE_LIMITED' }] }, graphqlHeaders(0)))).toMatchObject({ remaining: 0, resource: 'graphql' });
    expect(githubPolicy.readRateLimit(observed(200, '[]', { ...graphqlHeaders(7), 'x-ratelimit-resource': 'core' }))).toEqual({
      resource: 'core', limit: 5000, remaining: 7, resetAtMs: RESET * 1000,
    });
    expect(githubPolicy.readRateLimit(observed(200, { data: {} }))).toBeUndefined();
  });
});
