import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/ports/clock.js';
import type { WaitNotice } from '../../src/ports/request-scheduler.js';
import { BudgetScheduler } from '../../src/scheduling/budget-scheduler.js';
import { RedisRequestScheduler } from '../../src/scheduling/redis-request-scheduler.js';

const REDIS_URL = process.env.SYNCSCOPE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One "worker": its own Redis connection and its own process scheduler, as `syncscope worker` builds them. */
function worker(prefix: string, connections: Redis[], waits: WaitNotice[] = []): RedisRequestScheduler {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  connections.push(redis);
  const local = new BudgetScheduler({ maxConcurrentPerToken: 8, resetMarginMs: 0, paceBelowShare: 0, maxPerEndpointPerMinute: 10_000, clock: systemClock });
  return new RedisRequestScheduler({ redis, prefix, local, resetMarginMs: 0, clock: systemClock, onWait: (n) => waits.push(n) });
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
    // Another token is not held.
    const release = await b.acquire({ tokenId: 'token-other', resource: 'core' });
    release();
    // The token's ID is the key, never the token itself (callers pass the hash).
    const keys = await connections[0]!.keys(`${prefix}:*`);
    expect(keys.sort()).toEqual([`${prefix}:hold:token-abc`]);
  });
});
