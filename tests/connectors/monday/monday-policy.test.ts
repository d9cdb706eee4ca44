import { describe, expect, it } from 'vitest';
import type { ObservedResponse } from '../../../src/connectors/http/provider-policy.js';
import { mondayPolicy } from '../../../src/connectors/monday/monday-policy.js';

const policy = mondayPolicy({ complexityPerMinute: 10_000_000, windowMs: 60_000, now: () => 1_000_000 });

function observed(status: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json'): ObservedResponse {
  const bodyText = typeof body === 'string' ? body : JSON.stringify(body);
  let json: unknown;
  let malformedJson = false;
  if (contentType.includes('json')) {
    try {
      json = JSON.parse(bodyText);
    } catch {
      malformedJson = true;
    }
  }
  return { status, headers: new Headers({ 'content-type': contentType, ...headers }), bodyText, json, malformedJson };
}

const error = (code: string, message: string, extensions: Record<string, unknown> = {}, path?: string[]) => ({
  errors: [{ message, ...(path ? { path } : {}), extensions: { code, ...extensions } }],
  extensions: { request_id: 'req-1' },
});

describe('mondayPolicy.classify: every documented failure shape ends categorised', () => {
  it.each([
    ['budget exhausted on 200', observed(200, error('COMPLEXITY_BUDGET_EXHAUSTED', 'Complexity budget exhausted', { retry_in_seconds: 12 })), { category: 'RATE_LIMITED', retryAfterSeconds: 12, waitReason: 'primary', primaryRejection: true }],
    ['budget exhausted on 429', observed(429, error('COMPLEXITY_BUDGET_EXHAUSTED', 'Complexity budget exhausted', { retry_in_seconds: 3 }), { 'retry-after': '3' }), { category: 'RATE_LIMITED', retryAfterSeconds: 3, primaryRejection: true }],
    ['minute request limit', observed(429, error('RATE_LIMIT_EXCEEDED', 'Rate limit exceeded'), { 'retry-after': '17' }), { category: 'RATE_LIMITED', retryAfterSeconds: 17, waitReason: 'retry_after' }],
    ['concurrency limit', observed(429, error('maxConcurrencyExceeded', 'Max concurrency exceeded', { retry_in_seconds: 1 })), { category: 'RATE_LIMITED', retryAfterSeconds: 1 }],
    ['field limit', observed(200, error('FIELD_LIMIT_EXCEEDED', 'Field limit exceeded', { error_data: { retry_in_seconds: 8 } })), { category: 'RATE_LIMITED', retryAfterSeconds: 8 }],
    ['daily limit: not worth retrying today', observed(429, error('DAILY_LIMIT_EXCEEDED', 'Daily limit exceeded', { retry_in_seconds: 3600 })), { category: 'RATE_LIMITED', retryable: false }],
    ['locked board', observed(423, error('RESOURCE_LOCKED', 'Resource is currently locked, please try again later'), { 'retry-after': '1' }), { category: 'CONFLICT', retryable: true, retryAfterSeconds: 1 }],
    ['idempotent duplicate in progress', observed(409, error('IDEMPOTENCY_CONFLICT', 'still processing'), { 'retry-after': '1' }), { category: 'CONFLICT', retryable: true, retryAfterSeconds: 1 }],
    ['bad token (403)', observed(403, error('USER_UNAUTHORIZED', 'Not Authenticated')), { category: 'INVALID_CREDENTIALS' }],
    ['no token (401)', observed(401, error('UNAUTHENTICATED', 'Not Authenticated')), { category: 'INVALID_CREDENTIALS' }],
    ['no access to the board', observed(403, error('USER_ACCESS_DENIED', 'User does not have access')), { category: 'PERMISSION_DENIED' }],
    ['missing API-Version', observed(400, error('API_VERSION_REQUIRED', 'The API-Version header is required')), { category: 'VALIDATION_ERROR' }],
    ['body not JSON', observed(400, error('JsonParseException', 'Unexpected token')), { category: 'VALIDATION_ERROR' }],
    ['internal server error', observed(500, error('INTERNAL_SERVER_ERROR', 'Internal server error')), { category: 'SERVER_ERROR' }],
    ['HTML 502 from a proxy', observed(502, '<html><h1>502 Bad Gateway</h1></html>', {}, 'text/html'), { category: 'SERVER_ERROR' }],
    ['HTML on 200', observed(200, '<html>maintenance</html>', {}, 'text/html'), { category: 'SERVER_ERROR' }],
    ['truncated JSON on 200', observed(200, '{"data": {"create_it'), { category: 'NETWORK_ERROR' }],
    ['query too complex', observed(200, error('maxComplexityExceeded', 'Query has complexity of 6000000')), { category: 'VALIDATION_ERROR' }],
    ['our query does not validate', observed(200, error('GRAPHQL_VALIDATION_FAILED', "Field 'nope' doesn't exist")), { category: 'INTERNAL' }],
  ])('%s', (_name, response, expected) => {
    const failure = policy.classify(response);
    expect(failure).toMatchObject(expected);
    expect(failure?.message).toMatch(/^Monday \d{3}/);
  });

  it('names the code, message and request ID in the failure message', () => {
    expect(policy.classify(observed(200, error('COMPLEXITY_BUDGET_EXHAUSTED', 'Complexity budget exhausted', { retry_in_seconds: 2 })))?.message).toBe(
      'Monday 200 COMPLEXITY_BUDGET_EXHAUSTED: Complexity budget exhausted (request_id req-1)',
    );
  });

  it('leaves field errors beside data (one refused row of many) to the connector', () => {
    const partial = { data: { m0: { id: '1' }, m1: null }, ...error('ColumnValueException', 'invalid value - label does not exist in column.', { status_code: 200 }, ['m1']) };
    expect(policy.classify(observed(200, partial))).toBeUndefined();
    expect(policy.classify(observed(200, { data: { boards: [] }, extensions: { request_id: 'x' } }))).toBeUndefined();
  });
});

describe('mondayPolicy: calls, budget and request IDs', () => {
  it('reads the complexity block as a sliding-window budget observation', () => {
    const r = observed(200, { data: { complexity: { before: 10_000_000, after: 9_749_500, query: 250_500, reset_in_x_seconds: 41 } } });
    expect(policy.readRateLimit(r)).toEqual({ resource: 'complexity', limit: 10_000_000, remaining: 9_749_500, cost: 250_500, resetAtMs: 1_041_000, windowMs: 60_000 });
    expect(policy.readRateLimit(observed(200, { data: { boards: [] } }))).toBeUndefined();
  });

  it('names calls by their GraphQL operation, and finds the request ID in the body first', () => {
    expect(policy.operationFor('POST', '/v2', { name: 'writeItems', type: 'mutation' })).toBe('writeItems');
    expect(policy.operationFor('POST', '/v2', undefined)).toBe('graphql');
    expect(policy.requestIdOf(observed(200, { data: {}, extensions: { request_id: 'abc' } }, { 'x-request-id': 'header' }))).toBe('abc');
    expect(policy.requestIdOf(observed(502, '<html/>', { 'x-request-id': 'header' }, 'text/html'))).toBe('header');
    expect(policy.routeFor('POST', new URL('https://api.monday.com/v2'))).toBe('/v2');
    expect(policy.protocolFor(new URL('https://api.monday.com/v2'))).toBe('graphql');
  });
});
