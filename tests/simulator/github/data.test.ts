import { describe, expect, it } from 'vitest';
import { getJson, useSimulators, type PullSummary } from './helpers.js';

interface RepoSummary {
  id: number;
  name: string;
  full_name: string;
  owner: { login: string; type: string };
  created_at: string;
}

describe('GitHub simulator data', () => {
  const start = useSimulators();

  async function snapshot(seed: number): Promise<unknown[]> {
    const sim = await start({ seed, repos: 3, prsPerRepo: 12, reviewsPerPr: 3 });
    const paths = [
      `/orgs/${sim.org}/repos`,
      `/repos/${sim.org}/repo-002`,
      `/repos/${sim.org}/repo-003/pulls?state=all&direction=asc`,
      `/repos/${sim.org}/repo-003/pulls/7`,
      `/repos/${sim.org}/repo-001/pulls/5/reviews`,
    ];
    return Promise.all(paths.map(async (path) => (await getJson<unknown>(sim.url + path)).body));
  }

  it('is deterministic: the same seed gives identical objects, another seed different ones', async () => {
    const first = await snapshot(7);
    expect(await snapshot(7)).toEqual(first);
    const other = await snapshot(8);
    first.forEach((body, i) => expect(other[i]).not.toEqual(body));
  });

  it('names repos repo-001... zero-padded to fit N, and lists them like GitHub', async () => {
    const sim = await start({ repos: 12 });
    const orgDefault = await getJson<RepoSummary[]>(`${sim.url}/orgs/${sim.org}/repos`);
    // GitHub sorts org repos by created, newest first, unless told otherwise.
    expect(orgDefault.body.map((r) => r.name)[0]).toBe('repo-012');
    const user = await getJson<RepoSummary[]>(`${sim.url}/user/repos`);
    expect(user.body.map((r) => r.name)).toEqual(Array.from({ length: 12 }, (_, i) => `repo-${String(i + 1).padStart(3, '0')}`));
    expect(user.body[0]).toMatchObject({ full_name: `${sim.org}/repo-001`, owner: { login: sim.org, type: 'Organization' } });
    const wide = await start({ repos: 1000 });
    const last = await getJson<RepoSummary[]>(`${wide.url}/orgs/${wide.org}/repos?direction=asc&per_page=100&page=10`);
    expect(last.body.at(-1)?.name).toBe('repo-1000');
    expect(last.body[0]?.name).toBe('repo-0901');
  });

  it('serves PRs shaped like GitHub\'s, with ids unique across repos and consistent states', async () => {
    const sim = await start({ repos: 3, prsPerRepo: 40 });
    const all: PullSummary[] = [];
    for (const repo of ['repo-001', 'repo-002', 'repo-003']) {
      const page = await getJson<PullSummary[]>(`${sim.url}/repos/${sim.org}/${repo}/pulls?state=all&direction=asc&per_page=100`);
      all.push(...page.body);
    }
    expect(new Set(all.map((pr) => pr.id)).size).toBe(120);
    for (const pr of all) {
      expect(pr.created_at <= pr.updated_at).toBe(true);
      expect(pr.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(pr.state === 'closed').toBe(pr.closed_at !== null);
      if (pr.merged_at !== null) expect(pr.state).toBe('closed');
      if (pr.draft) expect(pr.state).toBe('open');
    }
    expect(all.some((pr) => pr.merged_at !== null)).toBe(true);
    expect(all.some((pr) => pr.state === 'open')).toBe(true);
    const keys = Object.keys(all[0] ?? {});
    for (const key of ['id', 'node_id', 'number', 'title', 'state', 'draft', 'user', 'body', 'labels', 'head', 'base', 'html_url']) {
      expect(keys).toContain(key);
    }
    const detail = await getJson<Record<string, unknown>>(`${sim.url}/repos/${sim.org}/repo-001/pulls/1`);
    expect(detail.body).toHaveProperty('additions');
    expect(detail.body).toHaveProperty('merged');
  });

  it('generates lazily: the last page of the last of 1,000 repos x 1,000 PRs comes at once', async () => {
    const sim = await start({ repos: 1000, prsPerRepo: 1000, reviewsPerPr: 2 });
    expect(sim.expected()).toEqual({ repos: 1000, pullRequests: 1_000_000, reviews: 2_000_000 });
    const startedAt = performance.now();
    const page = await getJson<PullSummary[]>(`${sim.url}/repos/${sim.org}/repo-1000/pulls?state=all&direction=asc&per_page=100&page=10`);
    expect(performance.now() - startedAt).toBeLessThan(1000);
    expect(page.body.map((pr) => pr.number)).toEqual(Array.from({ length: 100 }, (_, i) => 901 + i));
    expect(page.body.at(-1)?.id).toBe(1000 * 10_000_000 + 1000);
  });

  it('keeps memory flat for a million PRs in one repo', async () => {
    const before = process.memoryUsage().heapUsed;
    const sim = await start({ repos: 1, prsPerRepo: 1_000_000 });
    const last = await getJson<PullSummary[]>(`${sim.url}/repos/${sim.org}/repo-001/pulls?state=all&direction=asc&per_page=100&page=10000`);
    expect(last.body.at(-1)?.number).toBe(1_000_000);
    const reviews = await getJson<unknown[]>(`${sim.url}/repos/${sim.org}/repo-001/pulls/999999/reviews`);
    expect(reviews.body).toHaveLength(2);
    // Materializing a million PR objects would take hundreds of MB.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });
});
