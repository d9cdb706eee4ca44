import { describe, expect, it } from 'vitest';
import { PrimaryRateLimit } from '../../../src/simulator/github/rate-limit.js';
import { getJson, sleep, startOfFreshSecond, useSimulators } from './helpers.js';

const RATE_HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-used', 'x-ratelimit-reset', 'x-ratelimit-resource'];

describe('GitHub simulator primary rate limit', () => {
  const start = useSimulators();

  it('answers the request after the budget with 403 and remaining 0, and refills at x-ratelimit-reset', async () => {
    const sim = await start({ rateLimit: { limit: 5, windowSeconds: 1 } });
    const url = `${sim.url}/repos/${sim.org}/repo-001/pulls?state=all`;
    await startOfFreshSecond();
    const remaining: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      remaining.push(res.headers.get('x-ratelimit-remaining') ?? '');
      await res.arrayBuffer();
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);

    const refused = await getJson<{ message: string; documentation_url: string }>(url);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.body.message).toMatch(/^API rate limit exceeded for user ID 1\./);
    expect(refused.body.documentation_url).toContain('rate-limiting');
    expect(sim.stats().rateLimitRejections).toBe(1);

    const reset = Number(refused.headers.get('x-ratelimit-reset'));
    expect(Number.isInteger(reset)).toBe(true);
    await sleep(reset * 1000 - Date.now());
    const fresh = await fetch(url);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('x-ratelimit-remaining')).toBe('4');
    expect(Number(fresh.headers.get('x-ratelimit-reset'))).toBe(reset + 1);
  });

  it('puts x-ratelimit-* and x-github-request-id on every counted response', async () => {
    const sim = await start({ rateLimit: { limit: 100, windowSeconds: 60 } });
    const ids = new Set<string>();
    for (const path of [`/orgs/${sim.org}/repos`, `/repos/${sim.org}/repo-001`, '/no/such/route']) {
      const res = await fetch(sim.url + path);
      await res.arrayBuffer();
      for (const name of RATE_HEADERS) expect(res.headers.get(name), name).not.toBeNull();
      expect(res.headers.get('x-ratelimit-resource')).toBe('core');
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(Number(res.headers.get('x-ratelimit-reset')) % 60).toBe(0);
      ids.add(res.headers.get('x-github-request-id') ?? '');
    }
    expect(ids.size).toBe(3);
    expect([...ids].every((id) => id.startsWith('SIM:'))).toBe(true);
  });

  it('GET /rate_limit reports the budget in GitHub\'s shape without spending it', async () => {
    const sim = await start({ rateLimit: { limit: 10, windowSeconds: 3600 } });
    await (await fetch(`${sim.url}/orgs/${sim.org}/repos`)).arrayBuffer();
    type Entry = { limit: number; remaining: number; used: number; reset: number };
    const first = await getJson<{ resources: { core: Entry }; rate: Entry }>(`${sim.url}/rate_limit`);
    const second = await getJson<{ resources: { core: Entry }; rate: Entry }>(`${sim.url}/rate_limit`);
    expect(first.body.resources.core).toMatchObject({ limit: 10, remaining: 9, used: 1 });
    expect(second.body.rate).toEqual(first.body.resources.core);
    expect(first.body.rate.reset % 3600).toBe(0);
  });

  it('aligns windows to epoch multiples of the window length (unit, injected clock)', () => {
    let now = 7_199_500;
    const limiter = new PrimaryRateLimit(2, 3600, 'core', () => now);
    expect(limiter.consume()).toMatchObject({ allowed: true, state: { remaining: 1, reset: 7200 } });
    expect(limiter.consume().allowed).toBe(true);
    expect(limiter.consume()).toMatchObject({ allowed: false, state: { remaining: 0, used: 2 } });
    now = 7_200_000;
    expect(limiter.consume()).toMatchObject({ allowed: true, state: { remaining: 1, used: 1, reset: 10_800 } });
    expect(limiter.peek()).toMatchObject({ remaining: 1, used: 1 });
  });
});
