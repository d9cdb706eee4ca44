import { afterEach, describe, expect, it } from 'vitest';
import type { MondaySimulator } from '../../../src/simulator/monday/index.js';
import { BOARD, gql, startSim } from './helpers.js';

const createItems = (n: number) =>
  `mutation { complexity { before after query } ${Array.from({ length: n }, (_, i) => `i${i}: create_item(board_id: ${BOARD}, item_name: "o${i}") { id }`).join(' ')} }`;

describe('Monday simulator: limits', () => {
  let sim: MondaySimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('charges each query its complexity (create_item 10,000) from a sliding per-minute budget', async () => {
    sim = await startSim({ limits: { complexityPerMinute: 50_000 }, timeScale: 120 });
    const first = await gql(sim, createItems(3));
    const c = first.json.data.complexity;
    expect(c.before).toBe(50_000);
    expect(c.query).toBeGreaterThanOrEqual(30_000);
    expect(c.query).toBeLessThan(30_100);
    expect(c.after).toBe(50_000 - c.query);
    const refused = await gql(sim, createItems(3));
    expect([200, 429]).toContain(refused.status);
    expect(refused.json.errors[0]).toMatchObject({ message: 'Complexity budget exhausted', extensions: { code: 'COMPLEXITY_BUDGET_EXHAUSTED' } });
    const retryIn = refused.json.errors[0].extensions.retry_in_seconds as number;
    expect(retryIn).toBeGreaterThan(0);
    expect(retryIn).toBeLessThanOrEqual(0.5);
    expect(sim.stats()).toMatchObject({ itemsCreated: 3, budgetRejections: 1 });
    // Both shapes Monday uses: 429 with Retry-After, and 200.
    const again = await gql(sim, createItems(3));
    expect(new Set([refused.status, again.status])).toEqual(new Set([200, 429]));
    await new Promise((r) => setTimeout(r, retryIn * 1000 + 50));
    expect((await gql(sim, createItems(3))).json.errors).toBeUndefined();
    expect(sim.stats().maxComplexityInWindow).toBeLessThanOrEqual(50_000);
  });

  it('refuses a query above the per-query maximum without charging it', async () => {
    sim = await startSim({ limits: { maxComplexityPerQuery: 25_000 } });
    const r = await gql(sim, createItems(3));
    expect(r.json.errors[0]).toMatchObject({ extensions: { code: 'maxComplexityExceeded' } });
    expect(r.json.errors[0].message).toMatch(/exceeds max complexity of 25000/);
    expect(sim.stats()).toMatchObject({ itemsCreated: 0, complexitySpent: 0 });
  });

  it('limits requests per minute with 429 and Retry-After', async () => {
    sim = await startSim({ limits: { requestsPerMinute: 3 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await gql(sim, 'query { me { id } }'));
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200, 429]);
    const refused = statuses[3]!;
    expect(refused.json.errors[0].extensions).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', status_code: 429 });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(refused.json.extensions.request_id).toBeTruthy();
    expect(sim.stats().rateLimitRejections).toBe(1);
  });

  it('limits concurrency and daily calls', async () => {
    sim = await startSim({ limits: { maxConcurrent: 2, dailyCalls: 5 }, latencyMs: 150 });
    const parallel = await Promise.all(Array.from({ length: 3 }, () => gql(sim!, 'query { me { id } }')));
    expect(parallel.map((r) => r.status).sort()).toEqual([200, 200, 429]);
    expect(parallel.find((r) => r.status === 429)!.json.errors[0].extensions.code).toBe('maxConcurrencyExceeded');
    const later = [];
    for (let i = 0; i < 4; i++) later.push(await gql(sim, 'query { me { id } }'));
    expect(later.map((r) => r.json.errors?.[0]?.extensions?.code ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'DAILY_LIMIT_EXCEEDED']);
    expect(sim.stats()).toMatchObject({ concurrencyRejections: 1, dailyLimitRejections: 1 });
  });

  it('counts mutation requests that overlap on one board, not serial ones or reads', async () => {
    sim = await startSim({ latencyMs: 100 });
    await gql(sim, createItems(1));
    await gql(sim, createItems(1));
    expect(sim.stats().concurrentBoardMutations).toBe(0);
    await Promise.all([gql(sim, createItems(1)), gql(sim, 'query { boards { id } }')]);
    expect(sim.stats().concurrentBoardMutations).toBe(0);
    expect(Object.values(sim.stats().maxConcurrentBoardMutations)).toEqual([1]);
    await Promise.all([gql(sim, createItems(1)), gql(sim, createItems(2))]);
    expect(sim.stats().concurrentBoardMutations).toBe(1);
    // The board's high-water mark: two mutation requests were in flight on it at once.
    expect(Object.values(sim.stats().maxConcurrentBoardMutations)).toEqual([2]);
  });
});
