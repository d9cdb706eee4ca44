import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { paginate, parsePageRequest } from '../../../src/simulator/github/pagination.js';
import { getJson, parseLink, useSimulators, type PullSummary } from './helpers.js';

describe('GitHub simulator pagination', () => {
  const start = useSimulators();

  it('walking rel="next" yields every PR exactly once, in ascending number order', async () => {
    const sim = await start({ repos: 2, prsPerRepo: 65 });
    let next: string | undefined = `${sim.url}/repos/${sim.org}/repo-002/pulls?state=all&sort=created&direction=asc&per_page=30`;
    const numbers: number[] = [];
    const linkRels: string[][] = [];
    while (next) {
      const res = await fetch(next);
      expect(res.status).toBe(200);
      const links = parseLink(res.headers.get('link'));
      linkRels.push(Object.keys(links).sort());
      numbers.push(...((await res.json()) as PullSummary[]).map((pr) => pr.number));
      next = links.next;
    }
    expect(numbers).toEqual(Array.from({ length: 65 }, (_, i) => i + 1));
    expect(linkRels).toEqual([
      ['last', 'next'],
      ['first', 'last', 'next', 'prev'],
      ['first', 'prev'],
    ]);
  });

  it('Link URLs are absolute, keep the other parameters and point at the right pages', async () => {
    const sim = await start({ prsPerRepo: 100 });
    const res = await fetch(`${sim.url}/repos/${sim.org}/repo-001/pulls?state=all&per_page=20&page=3`);
    const links = parseLink(res.headers.get('link'));
    const page = (rel: string): string | null => new URL(links[rel] ?? 'http://x/').searchParams.get('page');
    expect([page('prev'), page('next'), page('last'), page('first')]).toEqual(['2', '4', '5', '1']);
    const next = new URL(links.next ?? '');
    expect(next.origin).toBe(sim.url);
    expect(next.searchParams.get('per_page')).toBe('20');
    expect(next.searchParams.get('state')).toBe('all');
  });

  it('builds Link URLs from the Host header the client used', async () => {
    const sim = await start({ prsPerRepo: 40 });
    const link = await new Promise<string | undefined>((resolve, reject) => {
      const req = request(`${sim.url}/repos/${sim.org}/repo-001/pulls?state=all`, { headers: { host: 'api.example.test:8443' } }, (res) => {
        res.resume();
        const link = res.headers.link;
        resolve(Array.isArray(link) ? link.join(', ') : link);
      });
      req.on('error', reject);
      req.end();
    });
    expect(parseLink(link ?? null).next).toBe(`http://api.example.test:8443/repos/${sim.org}/repo-001/pulls?state=all&page=2`);
  });

  it('sends no Link header when everything fits on one page, and [] past the end', async () => {
    const sim = await start({ prsPerRepo: 10 });
    const one = await fetch(`${sim.url}/repos/${sim.org}/repo-001/pulls?state=all&per_page=100`);
    expect(one.headers.get('link')).toBeNull();
    expect(await one.json()).toHaveLength(10);
    const past = await getJson<unknown[]>(`${sim.url}/repos/${sim.org}/repo-001/pulls?state=all&page=5`);
    expect(past.status).toBe(200);
    expect(past.body).toEqual([]);
  });

  it('defaults per_page to 30 and caps it at 100', async () => {
    const sim = await start({ prsPerRepo: 150 });
    const base = `${sim.url}/repos/${sim.org}/repo-001/pulls?state=all`;
    expect((await getJson<unknown[]>(base)).body).toHaveLength(30);
    expect((await getJson<unknown[]>(`${base}&per_page=500`)).body).toHaveLength(100);
    expect((await getJson<unknown[]>(`${base}&per_page=abc&page=0`)).body).toHaveLength(30);
  });

  it('follows GitHub defaults: state=open and newest first for pulls', async () => {
    const sim = await start({ prsPerRepo: 100 });
    const open = await getJson<PullSummary[]>(`${sim.url}/repos/${sim.org}/repo-001/pulls?per_page=100`);
    const closed = await getJson<PullSummary[]>(`${sim.url}/repos/${sim.org}/repo-001/pulls?state=closed&per_page=100`);
    expect(open.body.length).toBeGreaterThan(0);
    expect(open.body.every((pr) => pr.state === 'open')).toBe(true);
    expect(closed.body.every((pr) => pr.state === 'closed')).toBe(true);
    expect(open.body.length + closed.body.length).toBe(100);
    const numbers = open.body.map((pr) => pr.number);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
  });

  it('rejects undocumented parameter values with 422 like GitHub', async () => {
    const sim = await start();
    const res = await getJson<{ message: string }>(`${sim.url}/repos/${sim.org}/repo-001/pulls?state=merged`);
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('Validation Failed');
  });

  it('paginates reviews in chronological order', async () => {
    const sim = await start({ prsPerRepo: 3, reviewsPerPr: 5 });
    let next: string | undefined = `${sim.url}/repos/${sim.org}/repo-001/pulls/2/reviews?per_page=2`;
    const reviews: { id: number; submitted_at: string }[] = [];
    while (next) {
      const res: Response = await fetch(next);
      reviews.push(...((await res.json()) as typeof reviews));
      next = parseLink(res.headers.get('link')).next;
    }
    expect(new Set(reviews.map((r) => r.id)).size).toBe(5);
    const times = reviews.map((r) => r.submitted_at);
    expect(times).toEqual([...times].sort());
  });

  it('computes page bounds and rels without a server', () => {
    const self = new URL('http://sim.test/x?per_page=10');
    expect(paginate(0, { perPage: 10, page: 1 }, self)).toEqual({ start: 0, end: 0, link: undefined });
    expect(paginate(25, { perPage: 10, page: 3 }, self)).toMatchObject({ start: 20, end: 25 });
    expect(paginate(25, { perPage: 10, page: 4 }, self)).toMatchObject({ start: 25, end: 25 });
    expect(parsePageRequest(new URLSearchParams('per_page=0&page=-2'))).toEqual({ perPage: 30, page: 1 });
  });
});
