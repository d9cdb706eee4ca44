import { describe, expect, it } from 'vitest';
import { getJson, useSimulators } from './helpers.js';

describe('GitHub simulator credentials and errors', () => {
  const start = useSimulators();

  it('requires the configured token, as `token <t>` or `Bearer <t>`', async () => {
    const token = 'ghp_simulatedSecret123';
    const sim = await start({ token });
    const url = `${sim.url}/orgs/${sim.org}/repos`;
    const missing = await getJson<{ message: string }>(url);
    const wrong = await getJson<{ message: string }>(url, { headers: { authorization: 'token nope' } });
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    expect(missing.body.message).toBe('Bad credentials');
    expect(wrong.body.message).toBe('Bad credentials');
    const viaToken = await fetch(url, { headers: { authorization: `token ${token}` } });
    const viaBearer = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect([viaToken.status, viaBearer.status]).toEqual([200, 200]);
    for (const res of [viaToken, viaBearer]) {
      for (const [name, value] of res.headers) {
        expect(name).not.toBe('authorization');
        expect(value).not.toContain(token);
      }
    }
    expect(sim.stats().requests).toBe(4);
  });

  it('answers 404 for notFoundRepos while still listing them, and expected() leaves their PRs out', async () => {
    const sim = await start({ repos: 3, prsPerRepo: 4, reviewsPerPr: 2, notFoundRepos: ['repo-002'] });
    for (const path of ['', '/pulls?state=all', '/pulls/1', '/pulls/1/reviews']) {
      const res = await getJson<{ message: string }>(`${sim.url}/repos/${sim.org}/repo-002${path}`);
      expect(res.status, path).toBe(404);
      expect(res.body.message).toBe('Not Found');
    }
    const listed = await getJson<{ name: string }[]>(`${sim.url}/orgs/${sim.org}/repos`);
    expect(listed.body.map((r) => r.name)).toContain('repo-002');
    expect((await fetch(`${sim.url}/repos/${sim.org}/repo-003/pulls`)).status).toBe(200);
    expect(sim.expected()).toEqual({ repos: 3, pullRequests: 8, reviews: 16 });
  });

  it('answers unknown routes, orgs, repos and PR numbers with GitHub\'s 404', async () => {
    const sim = await start({ repos: 2, prsPerRepo: 5 });
    for (const path of ['/nope', '/orgs/other-org/repos', `/repos/${sim.org}/repo-009/pulls`, `/repos/other/repo-001`, `/repos/${sim.org}/repo-001/pulls/6/reviews`]) {
      const res = await getJson<unknown>(sim.url + path);
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    }
    expect((await fetch(`${sim.url}/orgs/${sim.org}/repos`, { method: 'POST' })).status).toBe(404);
    expect(sim.stats().byRoute).toMatchObject({ 'GET (unmatched)': 1, 'POST (unmatched)': 1, 'GET /orgs/{org}/repos': 1 });
  });

  it('validates its options', async () => {
    await expect(start({ repos: -1 })).rejects.toThrow(RangeError);
    await expect(start({ faults: { rate: 2 } })).rejects.toThrow(RangeError);
    await expect(start({ rateLimit: { limit: 10, windowSeconds: 0 } })).rejects.toThrow(RangeError);
  });
});
