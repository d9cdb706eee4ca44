import { describe, expect, it } from 'vitest';
import { postGraphql } from './graphql-helpers.js';
import { getJson, sleep, startOfFreshSecond, useSimulators } from './helpers.js';

/** 1 + 200 requests: 2 points. */
const TWO_POINTS = (org: string) => `query Two { organization(login: "${org}") { repositories(first: 100) { nodes {
  a: pullRequests(first: 1) { totalCount } b: pullRequests(first: 1) { totalCount } } } } rateLimit { cost remaining } }`;
const ONE_POINT = 'query One { rateLimit { cost remaining used limit resetAt nodeCount } }';

type Entry = { limit: number; remaining: number; used: number; reset: number };

describe('GitHub simulator GraphQL limits', () => {
  const start = useSimulators();

  it('charges each query its cost from a graphql budget apart from core, reported in rateLimit and x-ratelimit-* headers', async () => {
    const sim = await start({ repos: 3, graphqlRateLimit: { limit: 100, windowSeconds: 3600 } });
    const first = await postGraphql(sim.url, TWO_POINTS(sim.org));
    expect(first.body.data?.rateLimit).toEqual({ cost: 2, remaining: 98 });
    expect(first.headers.get('x-ratelimit-resource')).toBe('graphql');
    expect(first.headers.get('x-ratelimit-limit')).toBe('100');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('98');
    expect(first.headers.get('x-ratelimit-used')).toBe('2');
    const second = await postGraphql(sim.url, ONE_POINT);
    const rateLimit = second.body.data?.rateLimit;
    expect(rateLimit).toMatchObject({ cost: 1, remaining: 97, used: 3, limit: 100, nodeCount: 0 });
    expect(Date.parse(rateLimit.resetAt) / 1000).toBe(Number(second.headers.get('x-ratelimit-reset')));

    const limits = await getJson<{ resources: { core: Entry; graphql: Entry }; rate: Entry }>(`${sim.url}/rate_limit`);
    expect(limits.body.resources.graphql).toMatchObject({ limit: 100, used: 3, remaining: 97 });
    expect(limits.body.resources.core).toMatchObject({ limit: 5000, used: 0 });
    expect(limits.body.rate).toEqual(limits.body.resources.core);
    expect(sim.stats().graphql).toEqual({
      queries: 2, pointsSpent: 3, rateLimitRejections: 0, invalidQueries: 0,
      byOperation: { Two: { queries: 1, points: 2 }, One: { queries: 1, points: 1 } },
    });
  });

  it('refuses a query costing more than the points left with HTTP 200 and RATE_LIMITED, then refills at the reset', async () => {
    const sim = await start({ repos: 3, graphqlRateLimit: { limit: 3, windowSeconds: 2 } });
    await startOfFreshSecond();
    if (Math.floor(Date.now() / 1000) % 2 === 1) await sleep(1000);
    expect((await postGraphql(sim.url, TWO_POINTS(sim.org))).body.data?.rateLimit).toEqual({ cost: 2, remaining: 1 });

    const refused = await postGraphql(sim.url, TWO_POINTS(sim.org));
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.' }] });
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('1');
    const reset = Number(refused.headers.get('x-ratelimit-reset'));
    expect(reset % 2).toBe(0);

    // A cheaper query still fits; then nothing does, and GitHub's other observed shape comes back.
    expect((await postGraphql(sim.url, ONE_POINT)).body.data?.rateLimit).toMatchObject({ cost: 1, remaining: 0 });
    const empty = await postGraphql(sim.url, ONE_POINT);
    expect(empty.body).toEqual({ errors: [{ type: 'RATE_LIMIT', code: 'graphql_rate_limit', message: 'API rate limit already exceeded for user ID 1.' }] });
    expect(empty.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(sim.stats().graphql).toMatchObject({ queries: 2, pointsSpent: 3, rateLimitRejections: 2 });
    // The REST budget is untouched by GraphQL's.
    const rest = await fetch(`${sim.url}/repos/${sim.org}/repo-001`);
    expect(rest.status).toBe(200);
    expect(rest.headers.get('x-ratelimit-resource')).toBe('core');

    await sleep(reset * 1000 - Date.now() + 20);
    const refilled = await postGraphql(sim.url, TWO_POINTS(sim.org));
    expect(refilled.body.data?.rateLimit).toEqual({ cost: 2, remaining: 1 });
    expect(Number(refilled.headers.get('x-ratelimit-reset'))).toBe(reset + 2);
  });

  it('refuses queries past the GraphQL endpoint\'s secondary points per minute with 403 and retry-after, REST unaffected', async () => {
    const sim = await start({ secondary: { graphqlPointsPerMinute: 3, pointsPerMinutePerEndpoint: 900 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await postGraphql(sim.url, ONE_POINT)).status);
    expect(statuses).toEqual([200, 200, 200, 403]);
    const refused = await postGraphql(sim.url, ONE_POINT);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/^You have exceeded a secondary rate limit/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('x-ratelimit-resource')).toBe('graphql');
    expect((await fetch(`${sim.url}/orgs/${sim.org}/repos`)).status).toBe(200);
    expect(sim.stats()).toMatchObject({ secondaryRejections: 2, graphql: { queries: 3, pointsSpent: 3 } });
  });

  it('shares the cap on concurrent requests between REST and GraphQL', async () => {
    const sim = await start({ latencyMs: 300, secondary: { maxConcurrent: 1 } });
    const [rest, graphql] = await Promise.all([
      fetch(`${sim.url}/orgs/${sim.org}/repos`).then(async (res) => ({ status: res.status, body: await res.json() })),
      sleep(50).then(() => postGraphql(sim.url, ONE_POINT)),
    ]);
    expect(rest.status).toBe(200);
    expect(graphql.status).toBe(403);
    expect(graphql.headers.get('retry-after')).toBe('1');
    expect(sim.stats()).toMatchObject({ secondaryRejections: 1, maxConcurrent: 2, byRoute: { 'POST /graphql': 1 } });
  });

  it('injects faults into POST /graphql through the routes option; a replaced answer charges no points', async () => {
    const sim = await start({ faults: { rate: 1, kinds: ['server_error'], routes: ['POST /graphql'] } });
    const faulted = await fetch(`${sim.url}/graphql`, { method: 'POST', body: JSON.stringify({ query: ONE_POINT }) });
    expect(faulted.status).toBe(502);
    expect(await faulted.json()).toEqual({ message: 'Server Error' });
    expect(faulted.headers.get('x-ratelimit-remaining')).toBe('5000');
    expect((await fetch(`${sim.url}/orgs/${sim.org}/repos`)).status).toBe(200);

    sim.setFaults({ rate: 1, kinds: ['truncated_json'], routes: ['POST /graphql'] });
    const truncated = await fetch(`${sim.url}/graphql`, { method: 'POST', body: JSON.stringify({ query: ONE_POINT }) });
    expect(truncated.status).toBe(200);
    await expect(truncated.json()).rejects.toThrow();
    expect(sim.stats()).toMatchObject({ faultsByKind: { server_error: 1, truncated_json: 1 }, graphql: { queries: 1, pointsSpent: 1 } });

    sim.setFaults({ rate: 1, kinds: ['connection_reset'], routes: ['POST /graphql'] });
    await expect(fetch(`${sim.url}/graphql`, { method: 'POST', body: JSON.stringify({ query: ONE_POINT }) })).rejects.toThrow();
    sim.setFaults(undefined);
    expect((await postGraphql(sim.url, ONE_POINT)).body.data?.rateLimit).toMatchObject({ used: 2 });
  });
});
