import { describe, expect, it } from 'vitest';
import type { FaultKind } from '../../../src/simulator/github/index.js';
import { getJson, useSimulators } from './helpers.js';

type Entry = { remaining: number; used: number };

describe('GitHub simulator faults', () => {
  const start = useSimulators();

  async function faulty(kind: FaultKind, extra: { slowMs?: number; retryAfterSeconds?: number } = {}) {
    const sim = await start({ faults: { rate: 1, kinds: [kind], ...extra } });
    return { sim, url: `${sim.url}/repos/${sim.org}/repo-001/pulls?state=all` };
  }

  async function used(url: string): Promise<number> {
    return (await getJson<{ rate: Entry }>(`${new URL(url).origin}/rate_limit`)).body.rate.used;
  }

  it('server_error alternates 502 and 500 with GitHub\'s body, and spends budget', async () => {
    const { sim, url } = await faulty('server_error');
    const a = await getJson<unknown>(url);
    const b = await getJson<unknown>(url);
    expect([a.status, b.status]).toEqual([502, 500]);
    expect(a.body).toEqual({ message: 'Server Error' });
    expect(a.headers.get('x-ratelimit-remaining')).toBe('4999');
    expect(sim.stats()).toMatchObject({ faultsInjected: 2, faultsByKind: { server_error: 2 } });
    expect(await used(url)).toBe(2);
  });

  it('secondary_limit alternates 429 and 403 with retry-after, counted as a fault not a real rejection', async () => {
    const { sim, url } = await faulty('secondary_limit', { retryAfterSeconds: 7 });
    const a = await getJson<{ message: string }>(url);
    const b = await getJson<{ message: string }>(url);
    expect([a.status, b.status]).toEqual([429, 403]);
    expect(a.headers.get('retry-after')).toBe('7');
    expect(b.body.message).toMatch(/^You have exceeded a secondary rate limit/);
    expect(sim.stats()).toMatchObject({ secondaryRejections: 0, faultsByKind: { secondary_limit: 2 } });
  });

  it('slow answers late enough for a client timeout to fire, and normally if it waits', async () => {
    const { sim, url } = await faulty('slow', { slowMs: 400 });
    await expect(fetch(url, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    const startedAt = performance.now();
    const patient = await fetch(url);
    expect(patient.status).toBe(200);
    expect(await patient.json()).toHaveLength(10);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(390);
    expect(sim.stats().faultsByKind.slow).toBe(2);
  });

  it('connection_reset drops the socket without an answer and spends no budget', async () => {
    const { sim, url } = await faulty('connection_reset');
    await expect(fetch(url)).rejects.toThrow();
    expect(sim.stats().faultsByKind.connection_reset).toBe(1);
    expect(await used(url)).toBe(0);
  });

  it('truncated_json sends 200 and the right headers with half a body', async () => {
    const { sim, url } = await faulty('truncated_json');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('4999');
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
    sim.setFaults(undefined);
    const whole = await (await fetch(url)).text();
    expect(text.length).toBe(Math.floor(whole.length / 2));
    expect(whole.startsWith(text)).toBe(true);
    expect(sim.stats().faultsByKind.truncated_json).toBe(1);
  });

  it('unauthorized answers 401 Bad credentials', async () => {
    const { sim, url } = await faulty('unauthorized');
    const res = await getJson<{ message: string }>(url);
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('Bad credentials');
    expect(sim.stats()).toMatchObject({ faultsInjected: 1, faultsByKind: { unauthorized: 1 } });
  });

  it('never faults GET /rate_limit, and setFaults switches faults on and off', async () => {
    const sim = await start();
    const url = `${sim.url}/repos/${sim.org}/repo-001`;
    expect((await fetch(url)).status).toBe(200);
    sim.setFaults({ rate: 1, kinds: ['server_error'] });
    expect((await fetch(`${sim.url}/rate_limit`)).status).toBe(200);
    expect((await fetch(url)).status).toBe(502);
    sim.setFaults(undefined);
    expect((await fetch(url)).status).toBe(200);
  });

  it('decides faults reproducibly from the seed', async () => {
    async function statuses(seed: number): Promise<number[]> {
      const sim = await start({ seed, faults: { rate: 0.5, kinds: ['server_error'] } });
      const out: number[] = [];
      for (let i = 0; i < 24; i += 1) {
        const res = await fetch(`${sim.url}/repos/${sim.org}/repo-001`);
        await res.arrayBuffer();
        out.push(res.status);
      }
      return out;
    }
    const first = await statuses(3);
    expect(first.filter((s) => s !== 200).length).toBeGreaterThan(0);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(await statuses(3)).toEqual(first);
    expect(await statuses(4)).not.toEqual(first);
  });

  it('draws from every transient kind by default, never unauthorized', async () => {
    const sim = await start({ faults: { rate: 1, slowMs: 1 } });
    for (let i = 0; i < 60; i += 1) {
      await fetch(`${sim.url}/repos/${sim.org}/repo-001`).then((r) => r.arrayBuffer()).catch(() => undefined);
    }
    const { faultsByKind, faultsInjected } = sim.stats();
    expect(faultsInjected).toBe(60);
    expect(faultsByKind.unauthorized).toBe(0);
    for (const kind of ['server_error', 'secondary_limit', 'slow', 'connection_reset', 'truncated_json'] as const) {
      expect(faultsByKind[kind], kind).toBeGreaterThan(0);
    }
  });
});
