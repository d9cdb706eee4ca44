import { describe, expect, it } from 'vitest';
import { SecondaryLimits } from '../../../src/simulator/github/secondary-limit.js';
import { useSimulators } from './helpers.js';

describe('GitHub simulator secondary rate limits', () => {
  const start = useSimulators();

  it('refuses a request beyond maxConcurrent in flight with 403 and retry-after', async () => {
    const sim = await start({ latencyMs: 300, secondary: { maxConcurrent: 2 } });
    const url = `${sim.url}/repos/${sim.org}/repo-001/pulls?state=all`;
    const answers = await Promise.all(
      [0, 1, 2].map(async () => {
        const res = await fetch(url);
        return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as unknown };
      }),
    );
    const refused = answers.filter((a) => a.status === 403);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(2);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.retryAfter).toBe('1');
    expect(refused[0]?.body).toMatchObject({ message: expect.stringMatching(/^You have exceeded a secondary rate limit/) });
    expect(sim.stats()).toMatchObject({ secondaryRejections: 1, maxConcurrent: 3, faultsInjected: 0 });

    const after = await fetch(url);
    expect(after.status).toBe(200);
  });

  it('refuses more than pointsPerMinutePerEndpoint requests per route template in a minute', async () => {
    const sim = await start({ secondary: { pointsPerMinutePerEndpoint: 3 } });
    const statuses: number[] = [];
    for (const repo of ['repo-001', 'repo-002', 'repo-003', 'repo-001']) {
      const res = await fetch(`${sim.url}/repos/${sim.org}/${repo}/pulls`);
      statuses.push(res.status);
      if (res.status === 403) {
        const retryAfter = Number(res.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThanOrEqual(59);
        expect(retryAfter).toBeLessThanOrEqual(60);
      }
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 403]);
    // Another endpoint has its own allowance.
    expect((await fetch(`${sim.url}/repos/${sim.org}/repo-001`)).status).toBe(200);
    expect(sim.stats().secondaryRejections).toBe(1);
  });

  it('frees points as the rolling minute moves on (unit, injected clock)', () => {
    let now = 1_000_000;
    const limits = new SecondaryLimits(10, 2, () => now);
    const first = limits.admit('GET /a');
    now += 20_000;
    expect(limits.admit('GET /a').admitted).toBe(true);
    expect(limits.admit('GET /a')).toEqual({ admitted: false, reason: 'points', retryAfterSeconds: 40 });
    now += 40_000;
    expect(limits.admit('GET /a').admitted).toBe(true);
    expect(first.admitted).toBe(true);
  });

  it('counts a slot per admitted request until it is released (unit)', () => {
    const limits = new SecondaryLimits(1, 100);
    const first = limits.admit('GET /a');
    expect(limits.admit('GET /b')).toMatchObject({ admitted: false, reason: 'concurrency' });
    if (first.admitted) {
      first.release();
      first.release();
    }
    expect(limits.admit('GET /b').admitted).toBe(true);
    expect(limits.admit('GET /c').admitted).toBe(false);
  });
});
