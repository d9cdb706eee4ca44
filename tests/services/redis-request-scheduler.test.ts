import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/ports/clock.js';
import type { WaitNotice } from '../../src/ports/request-scheduler.js';
import { BudgetScheduler } from '../../src/scheduling/budget-scheduler.js';
import { RedisRequestScheduler } from '../../src/scheduling/redis-request-scheduler.js';

const REDIS_URL = process.env.SYNCSCOPE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One "worker": its own Redis connection and its own process scheduler, as `syncscope worker` builds them. */
function worker(prefix: string, connections: Redis[], waits: WaitNotice[] = [], paceBelowShare = 0, resetMarginMs = 0): RedisRequestScheduler {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  connections.push(redis);
  const local = new BudgetScheduler({ maxConcurrentPerToken: 8, resetMarginMs: 0, paceBelowShare: 0, maxPerEndpointPerMinute: 10_000, clock: systemClock });
  return new RedisRequestScheduler({ redis, prefix, local, resetMarginMs, paceBelowShare, clock: systemClock, onWait: (n) => waits.push(n) });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `perWorker` requests on each worker; `starts` fills as they are let go (each released at once). */
function startAll(workers: RedisRequestScheduler[], perWorker: number, starts: number[]): Promise<void[]> {
  return Promise.all(workers.flatMap((w) => Array.from({ length: perWorker }, async () => {
    const release = await w.acquire({ tokenId: 'token-abc', resource: 'core' });
    starts.push(Date.now());
    release();
  })));
}

describe('the Redis request scheduler: one API budget for every worker', () => {
  const connections: Redis[] = [];
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.quit()));
  });

  it('three workers on one token never start more requests than the budget has left before its reset', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const workers = [worker(prefix, connections), worker(prefix, connections), worker(prefix, connections)];
    const resetAtMs = Date.now() + 1500;
    // One response told worker 0 that 10 requests are left in this window.
    workers[0]!.observe('token-abc', { resource: 'core', limit: 10, remaining: 10, resetAtMs });
    await new Promise((r) => setTimeout(r, 50));
    const starts: number[] = [];
    await Promise.all(workers.flatMap((w) => Array.from({ length: 6 }, async () => {
      const release = await w.acquire({ tokenId: 'token-abc', resource: 'core' });
      starts.push(Date.now());
      release();
    })));
    expect(starts).toHaveLength(18);
    // 10 in the window, the other 8 only after the reset (the budget is full again then).
    expect(starts.filter((t) => t < resetAtMs)).toHaveLength(10);
    expect(starts.filter((t) => t >= resetAtMs)).toHaveLength(8);
  });

  it('a Retry-After served to one worker holds the requests of the others', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const waits: WaitNotice[] = [];
    const [a, b, c] = [worker(prefix, connections), worker(prefix, connections, waits), worker(prefix, connections, waits)];
    // The budget is known and ample (a new token's first request would be a lone probe).
    a.observe('token-abc', { resource: 'core', limit: 100, remaining: 100, resetAtMs: Date.now() + 60_000 });
    const heldUntil = Date.now() + 600;
    a.block({ tokenId: 'token-abc', resource: 'core' }, heldUntil, 'retry_after');
    await new Promise((r) => setTimeout(r, 50));
    const started = await Promise.all([b, c].map(async (w) => {
      const release = await w.acquire({ tokenId: 'token-abc', resource: 'core' });
      release();
      return Date.now();
    }));
    for (const t of started) expect(t).toBeGreaterThanOrEqual(heldUntil - 5);
    expect(waits.map((w) => w.reason)).toEqual(['retry_after', 'retry_after']);
    // Another token is not held (its first request goes at once, as the probe of its budget).
    const release = await b.acquire({ tokenId: 'token-other', resource: 'core' });
    release();
    // The token's ID is the key, never the token itself (callers pass the hash).
    const keys = await connections[0]!.keys(`${prefix}:*`);
    expect(keys.sort()).toEqual([`${prefix}:budget:token-abc:core`, `${prefix}:budget:token-other:core`, `${prefix}:hold:token-abc`]);
  });

  it('a window whose reset has passed starts from the known limit: no more than the limit goes before a report', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const workers = [worker(prefix, connections), worker(prefix, connections), worker(prefix, connections)];
    const budgetKey = `${prefix}:budget:token-abc:core`;
    // The window of this report ends in 300 ms; its 5 requests are spent before that.
    const firstReset = Date.now() + 300;
    workers[0]!.observe('token-abc', { resource: 'core', limit: 5, remaining: 5, resetAtMs: firstReset });
    await sleep(50);
    const starts: number[] = [];
    await startAll(workers, 2, starts);
    expect(starts.filter((t) => t < firstReset)).toHaveLength(5);
    expect(starts.filter((t) => t >= firstReset)).toHaveLength(1);
    await sleep(firstReset - Date.now() + 20);

    // The reset has passed and no response of the new window arrived: 9 requests want to go, only
    // the limit's 5 do (the 6th above counted too), the rest wait for a report.
    const later: number[] = [];
    const waiting = startAll(workers, 3, later);
    await sleep(150);
    expect(later).toHaveLength(4);
    expect(await connections[0]!.hgetall(budgetKey)).toMatchObject({ assumed: '1', remaining: '0', limit: '5' });

    // A late report of the old window changes nothing; the new window's first report confirms it,
    // and the lower figure stands (ours: all 5 reserved), so the others wait for its reset.
    workers[1]!.observe('token-abc', { resource: 'core', limit: 5, remaining: 0, resetAtMs: firstReset });
    const secondReset = Date.now() + 400;
    workers[2]!.observe('token-abc', { resource: 'core', limit: 5, remaining: 3, resetAtMs: secondReset });
    await sleep(100);
    expect(later).toHaveLength(4);
    expect(await connections[0]!.hgetall(budgetKey)).toMatchObject({ assumed: '0', remaining: '0', reset: String(secondReset) });
    await waiting;
    expect(later.slice(4).every((t) => t >= secondReset)).toBe(true);
  });

  it('requests sent around a reset (within the margin, the tolerated clock skew) count in both windows', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const marginMs = 300;
    const workers = [0, 1, 2].map(() => worker(prefix, connections, [], 0, marginMs));
    const budgetKey = `${prefix}:budget:token-abc:core`;
    // 5 left in a window that resets in 100 ms: we are inside its margin already.
    const resetAtMs = Date.now() + 100;
    workers[0]!.observe('token-abc', { resource: 'core', limit: 5, remaining: 5, resetAtMs });
    await sleep(20);
    const around: number[] = [];
    await startAll(workers, 1, around);
    // They went (the old window had them), and the next window will start without them.
    expect(around.every((t) => t < resetAtMs + marginMs)).toBe(true);
    expect(await connections[0]!.hgetall(budgetKey)).toMatchObject({ remaining: '2', straddle: '3' });
    await sleep(resetAtMs + marginMs - Date.now() + 20);
    // Past the margin, no report yet: the assumed next window has 5 - 3 = 2, not 5.
    const after: number[] = [];
    const waiting = startAll(workers, 2, after);
    await sleep(150);
    expect(after).toHaveLength(2);
    expect(await connections[0]!.hgetall(budgetKey)).toMatchObject({ assumed: '1', remaining: '0', straddle: '0' });
    // The next window's first report confirms it; the rest wait for its reset.
    const nextReset = Date.now() + 200;
    workers[1]!.observe('token-abc', { resource: 'core', limit: 5, remaining: 1, resetAtMs: nextReset });
    await waiting;
    expect(after.slice(2).every((t) => t >= nextReset + marginMs)).toBe(true);
  });

  it('nothing known about a budget: one request probes it, the others wait for its report', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const workers = [worker(prefix, connections), worker(prefix, connections), worker(prefix, connections)];
    const starts: number[] = [];
    const all = startAll(workers, 2, starts);
    await sleep(150);
    expect(starts).toHaveLength(1);
    // The probe's response: 2 left until a reset in 400 ms.
    const resetAtMs = Date.now() + 400;
    workers[0]!.observe('token-abc', { resource: 'core', limit: 3, remaining: 2, resetAtMs });
    await all;
    expect(starts.filter((t) => t < resetAtMs)).toHaveLength(3);
    expect(starts.filter((t) => t >= resetAtMs)).toHaveLength(3);
  });

  it('a sliding-window budget (Monday) stays per process: once reported, nobody waits for a shared report', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const workers = [worker(prefix, connections), worker(prefix, connections), worker(prefix, connections)];
    const starts: number[] = [];
    const all = startAll(workers, 3, starts);
    await sleep(150);
    expect(starts).toHaveLength(1);
    // The probe's response reports a sliding window: never shared in Redis, so the waiting requests go.
    const reportedAt = Date.now();
    workers[0]!.observe('token-abc', { resource: 'core', limit: 10_000_000, remaining: 9_990_000, resetAtMs: reportedAt + 60_000, windowMs: 60_000 });
    await all;
    expect(starts).toHaveLength(9);
    // Well before the 2 s probe timeout would have let another probe go.
    expect(Math.max(...starts) - reportedAt).toBeLessThan(1500);
  });

  it('pacing is done on the shared budget: the workers together spread their starts over the window', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    // Pace the whole budget (pace_below_share = 1): 10 requests over a 1 s window.
    const workers = [0, 1, 2].map(() => worker(prefix, connections, [], 1));
    const resetAtMs = Date.now() + 1000;
    workers[0]!.observe('token-abc', { resource: 'core', limit: 10, remaining: 10, resetAtMs });
    await sleep(20);
    const starts: number[] = [];
    await startAll(workers, 4, starts);
    const inWindow = starts.filter((t) => t < resetAtMs).sort((x, y) => x - y);
    expect(inWindow).toHaveLength(10);
    // About 90 ms apart if even; generous bounds: never two at once, and the spread covers most of the window.
    const gaps = inWindow.slice(1).map((t, i) => t - inWindow[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(40);
    expect(inWindow[9]! - inWindow[0]!).toBeGreaterThanOrEqual(600);
  });
});
