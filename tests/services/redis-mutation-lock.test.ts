import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisMutationLock } from '../../src/scheduling/redis-mutation-lock.js';
import { describeMutationLock } from '../contract/mutation-lock.contract.js';

const REDIS_URL = process.env.SYNCSCOPE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// Every holder is a "worker": its own Redis connection and its own lock instance.
describeMutationLock('Redis', async () => {
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const connections: Redis[] = [];
  return {
    holder: () => {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      connections.push(redis);
      return new RedisMutationLock({ redis, prefix });
    },
    cleanup: async () => {
      await Promise.all(connections.map((c) => c.quit()));
    },
  };
});

describe('the Redis mutation lock', () => {
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const other = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  afterAll(async () => {
    await redis.quit();
    await other.quit();
  });

  it('keys the lock by the board, holds a random token in it and deletes it on release', async () => {
    const lock = new RedisMutationLock({ redis, prefix });
    const seen = await lock.withLock('monday:board:4242', async () => ({
      keys: await other.keys(`${prefix}:*`),
      value: await other.get(`${prefix}:mutation-lock:monday:board:4242`),
      ttl: await other.pttl(`${prefix}:mutation-lock:monday:board:4242`),
    }));
    expect(seen.keys).toEqual([`${prefix}:mutation-lock:monday:board:4242`]);
    expect(seen.value).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.ttl).toBeGreaterThan(0);
    expect(await other.exists(`${prefix}:mutation-lock:monday:board:4242`)).toBe(0);
  });

  it('renews the lock while the work runs past its TTL: no other worker gets in meanwhile', async () => {
    const a = new RedisMutationLock({ redis, prefix, ttlMs: 150 });
    const b = new RedisMutationLock({ redis: other, prefix, ttlMs: 150 });
    const events: string[] = [];
    let releaseA!: () => void;
    const holding = new Promise<void>((r) => (releaseA = r));
    let started!: () => void;
    const aStarted = new Promise<void>((r) => (started = r));
    const first = a.withLock('board:renew', async () => {
      events.push('a in');
      started();
      await holding;
      events.push('a out');
    });
    await aStarted;
    const second = b.withLock('board:renew', async () => {
      events.push('b in');
    });
    // Hold for several TTLs: without renewal the key would expire and b would get in.
    await new Promise((r) => setTimeout(r, 600));
    expect(events).toEqual(['a in']);
    releaseA();
    await Promise.all([first, second]);
    expect(events).toEqual(['a in', 'a out', 'b in']);
  });

  it('a holder killed without releasing blocks the board only until the TTL runs out', async () => {
    const key = `${prefix}:mutation-lock:board:dead`;
    // What a SIGKILLed worker leaves behind: its token, no renewal.
    await other.set(key, 'a-dead-workers-token', 'PX', 300);
    const lock = new RedisMutationLock({ redis, prefix, ttlMs: 300 });
    await expect(lock.withLock('board:dead', async () => other.get(key))).resolves.toMatch(/^[0-9a-f]{32}$/);
  });

  it('a holder whose lock expired and was taken does not delete its successor\'s lock, and says it lost it', async () => {
    const key = `${prefix}:mutation-lock:board:lost`;
    const lost: string[] = [];
    const lock = new RedisMutationLock({ redis, prefix, ttlMs: 90, onLost: (k) => lost.push(k) });
    await lock.withLock('board:lost', async () => {
      // Another worker took the board after this holder's lock lapsed (e.g. Redis was unreachable).
      await other.set(key, 'the-successors-token', 'PX', 10_000);
      await new Promise((r) => setTimeout(r, 200));
    });
    expect(await other.get(key)).toBe('the-successors-token');
    expect(lost).toContain('board:lost');
    await other.del(key);
  });
});
