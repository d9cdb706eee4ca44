import { describe, expect, it } from 'vitest';
import { githubPolicy } from '../../../src/connectors/github/github-policy.js';
import type { ObservedResponse } from '../../../src/connectors/http/provider-policy.js';

/**
 * GitHub's REST rules per documented response (NOTES.md, GitHub section):
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */
const RESET_S = 1_800_000_000;

function response(status: number, body: unknown = {}, headers: Record<string, string> = {}, malformedJson = false): ObservedResponse {
  const bodyText = typeof body === 'string' ? body : JSON.stringify(body);
  const json = typeof body === 'string' ? undefined : body;
  return { status, headers: new Headers(headers), bodyText, json, malformedJson };
}

const primaryHeaders = (remaining: number, reset = RESET_S) => ({
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': String(remaining),
  'x-ratelimit-reset': String(reset),
});

describe('githubPolicy.readRateLimit', () => {
  it('reads limit, remaining and reset (epoch seconds → ms) and the resource', () => {
    expect(githubPolicy.readRateLimit(response(200, {}, { ...primaryHeaders(42), 'x-ratelimit-resource': 'search' }))).toEqual({
      resource: 'search',
      limit: 5000,
      remaining: 42,
      resetAtMs: RESET_S * 1000,
    });
  });

  it('defaults the resource to core', () => {
    expect(githubPolicy.readRateLimit(response(200, {}, primaryHeaders(1)))?.resource).toBe('core');
  });

  it.each([
    ['no limit header', { 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '1' }],
    ['no remaining header', { 'x-ratelimit-limit': '1', 'x-ratelimit-reset': '1' }],
    ['no reset header', { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '1' }],
    ['no headers', {}],
  ])('gives nothing with %s', (_name, headers) => {
    expect(githubPolicy.readRateLimit(response(200, {}, headers))).toBeUndefined();
  });
});

describe('githubPolicy.classify per documented response', () => {
  it.each([200, 201, 204, 299])('a %s with a JSON body is a success', (status) => {
    expect(githubPolicy.classify(response(status, { id: 1 }))).toBeUndefined();
  });

  it('a 2xx whose JSON body did not parse is a retryable network error naming the status', () => {
    expect(githubPolicy.classify(response(200, '{"id":', {}, true))).toEqual({
      category: 'NETWORK_ERROR',
      message: 'GitHub answered 200 with a truncated or malformed JSON body',
    });
  });

  it('a 403 with retry-after is a rate limit that waits that long', () => {
    expect(githubPolicy.classify(response(403, { message: 'slow down' }, { 'retry-after': '7' }))).toEqual({
      category: 'RATE_LIMITED',
      message: 'GitHub 403: slow down',
      retryAfterSeconds: 7,
      waitReason: 'retry_after',
    });
  });

  it('a secondary-limit 403 without retry-after waits the 60 s default', () => {
    expect(githubPolicy.classify(response(403, { message: 'You have exceeded a secondary rate limit.' }))).toEqual({
      category: 'RATE_LIMITED',
      message: 'GitHub 403: You have exceeded a secondary rate limit.',
      retryAfterSeconds: 60,
      waitReason: 'secondary',
    });
  });

  it('a secondary-limit 429 with retry-after waits what it says, reason secondary', () => {
    expect(githubPolicy.classify(response(429, { message: 'Secondary rate limit hit' }, { 'retry-after': '3' }))).toMatchObject({
      category: 'RATE_LIMITED',
      retryAfterSeconds: 3,
      waitReason: 'secondary',
    });
  });

  it('a primary-limit 403 (remaining 0) waits until the reset, in ms, and counts as a rejection', () => {
    expect(githubPolicy.classify(response(403, { message: 'API rate limit exceeded' }, primaryHeaders(0)))).toEqual({
      category: 'RATE_LIMITED',
      message: 'GitHub 403: API rate limit exceeded',
      primaryRejection: true,
      resetAtMs: RESET_S * 1000,
      waitReason: 'primary',
    });
  });

  it('a primary-limit 429 whose reset is already past still waits for "the reset" (0 → now)', () => {
    expect(githubPolicy.classify(response(429, { message: 'x' }, { 'x-ratelimit-remaining': '0' }))).toMatchObject({
      category: 'RATE_LIMITED',
      primaryRejection: true,
      resetAtMs: 0,
    });
  });

  it('a bare 429 (no headers, no secondary wording) waits the 60 s default', () => {
    expect(githubPolicy.classify(response(429, { message: 'Too many requests' }))).toEqual({
      category: 'RATE_LIMITED',
      message: 'GitHub 429: Too many requests',
      retryAfterSeconds: 60,
      waitReason: 'secondary',
    });
  });

  it('a plain 403 (budget left, no retry-after) is a permission error, not a rate limit', () => {
    expect(githubPolicy.classify(response(403, { message: 'Resource not accessible by integration' }, primaryHeaders(10)))).toEqual({
      category: 'PERMISSION_DENIED',
      message: 'GitHub 403: Resource not accessible by integration',
    });
  });

  it.each([
    [400, 'VALIDATION_ERROR'],
    [401, 'INVALID_CREDENTIALS'],
    [404, 'NOT_FOUND'],
    [408, 'TIMEOUT'],
    [409, 'CONFLICT'],
    [410, 'VALIDATION_ERROR'],
    [422, 'VALIDATION_ERROR'],
    [499, 'VALIDATION_ERROR'],
    [500, 'SERVER_ERROR'],
    [502, 'SERVER_ERROR'],
    [503, 'SERVER_ERROR'],
  ])('status %s → %s', (status, category) => {
    expect(githubPolicy.classify(response(status, { message: 'm' }))).toEqual({ category, message: `GitHub ${status}: m` });
  });

  it('takes the message from the JSON body, else the first 200 chars of the body text', () => {
    expect(githubPolicy.classify(response(500, 'x'.repeat(300)))?.message).toBe(`GitHub 500: ${'x'.repeat(200)}`);
    expect(githubPolicy.classify(response(500, { message: 7, error: 'e' }))?.message).toBe('GitHub 500: {"message":7,"error":"e"}');
    expect(githubPolicy.classify(response(500, { detail: 'd' }))?.message).toBe('GitHub 500: {"detail":"d"}');
  });
});

describe('githubPolicy naming', () => {
  const url = (path: string) => new URL(`https://api.github.com${path}`);

  it.each([
    ['/orgs/acme/repos', '/orgs/{org}/repos', 'repos.listForOrg'],
    ['/user/repos', '/user/repos', 'repos.listForAuthenticatedUser'],
    ['/repos/acme/web', '/repos/{owner}/{repo}', 'repos.get'],
    ['/repos/acme/web/pulls', '/repos/{owner}/{repo}/pulls', 'pulls.list'],
    ['/repos/acme/web/pulls/12/reviews', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', 'pulls.listReviews'],
    ['/api/v3/repos/acme/web/pulls', '/repos/{owner}/{repo}/pulls', 'pulls.list'],
    ['/graphql', '/graphql', 'graphql'],
    ['/rate_limit', '/rate_limit', 'rateLimit.get'],
    ['/repos/acme/web/issues', '/{other}', 'other'],
    ['/x/orgs/acme/repos', '/{other}', 'other'],
    ['/orgs/acme/repos/x', '/{other}', 'other'],
    ['/repos/acme/web/pulls/x/reviews', '/{other}', 'other'],
  ])('%s → %s (%s)', (path, route, operation) => {
    expect(githubPolicy.routeFor('GET', url(path))).toBe(route);
    expect(githubPolicy.operationFor('GET', route)).toBe(operation);
  });

  it.each([
    ['/graphql', 'graphql', 'graphql'],
    ['/api/graphql', 'graphql', 'graphql'],
    ['/search/issues', 'search', 'rest'],
    ['/repos/a/b/pulls', 'core', 'rest'],
  ])('%s counts against %s over %s', (path, resource, protocol) => {
    expect(githubPolicy.resourceFor('GET', url(path))).toBe(resource);
    expect(githubPolicy.protocolFor(url(path))).toBe(protocol);
  });

  it('reads the request id header', () => {
    expect(githubPolicy.requestIdOf(response(200, {}, { 'x-github-request-id': 'AB:CD' }))).toBe('AB:CD');
    expect(githubPolicy.requestIdOf(response(200, {}))).toBeNull();
    expect(githubPolicy.connector).toBe('github');
  });
});
