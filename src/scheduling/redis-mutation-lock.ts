import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { MutationLock } from '../ports/mutation-lock.js';

/** Deletes the lock only if it still holds our token (another holder's lock is left alone). KEYS: lock. ARGV: token. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Extends the lock only while it is still ours. KEYS: lock. ARGV: token, ttl ms. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end
return 0
`;

export interface RedisMutationLockOptions {
  redis: Redis;
  /** Key prefix shared by every worker of a deployment (the queue prefix). */
  prefix: string;
  /**
   * How long a lock outlives its holder's last renewal: a worker killed while holding it blocks the
   * board at most this long. Renewed every third of it while held. Default 10 s.
   */
  ttlMs?: number;
  /** First wait between two tries for a held lock; doubles up to 8×. Default 10 ms. */
  retryMs?: number;
  /** The holder's renewal found the lock gone (expired or taken): its writes may have overlapped another's. */
  onLost?: (key: string) => void;
}

/**
 * The mutation lock every worker shares, in Redis: `SET key token NX PX ttl` to take it, renewed
 * while the work runs (a write can wait out a rate limit under the lock), and a compare-and-delete
 * script to release it, so a holder whose lock expired never frees its successor's. Waiters poll
 * with a short capped backoff (no FIFO order across processes: a board's writes only need to be
 * one at a time, not in a given order).
 */
export class RedisMutationLock implements MutationLock {
  private readonly ttlMs: number;
  private readonly retryMs: number;

  constructor(private readonly options: RedisMutationLockOptions) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.retryMs = options.retryMs ?? 10;
  }

  async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const redisKey = `${this.options.prefix}:mutation-lock:${key}`;
    const token = randomBytes(16).toString('hex');
    await this.acquire(redisKey, token);
    const renewal = setInterval(() => {
      this.options.redis.eval(RENEW, 1, redisKey, token, String(this.ttlMs)).then(
        (renewed) => {
          if (renewed === 0) this.options.onLost?.(key);
        },
        () => undefined,
      );
    }, Math.max(1, Math.floor(this.ttlMs / 3)));
    try {
      return await work();
    } finally {
      clearInterval(renewal);
      // A failed release leaves the lock to expire on its own within ttlMs.
      await this.options.redis.eval(RELEASE, 1, redisKey, token).catch(() => undefined);
    }
  }

  private async acquire(redisKey: string, token: string): Promise<void> {
    let wait = this.retryMs;
    for (;;) {
      const taken = await this.options.redis.set(redisKey, token, 'PX', this.ttlMs, 'NX');
      if (taken === 'OK') return;
      await new Promise((resolve) => setTimeout(resolve, wait + Math.random() * wait));
      wait = Math.min(wait * 2, this.retryMs * 8);
    }
  }
}
