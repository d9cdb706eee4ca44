import type { Redis } from 'ioredis';
import type { Clock } from '../ports/clock.js';
import type { BudgetKey, RateLimitObservation, RequestScheduler, WaitNotice, WaitReason } from '../ports/request-scheduler.js';

/**
 * Atomic reservation of one request on a shared budget. KEYS: budget hash, hold key.
 * ARGV: now, cost, reset margin. Returns {0} to go (the cost is taken from `remaining`), or
 * {waitMs, reason} to wait: a hold (Retry-After, secondary limit) first, then a spent budget.
 * A budget whose reset has passed is dropped (full until a response says otherwise).
 */
const RESERVE = `
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local margin = tonumber(ARGV[3])
local hold = redis.call('HMGET', KEYS[2], 'until', 'reason')
if hold[1] and tonumber(hold[1]) > now then
  return {tonumber(hold[1]) - now, hold[2]}
end
local b = redis.call('HMGET', KEYS[1], 'remaining', 'reset')
if not b[1] then return {0, ''} end
local reset = tonumber(b[2])
if now >= reset + margin then
  redis.call('DEL', KEYS[1])
  return {0, ''}
end
local remaining = tonumber(b[1])
if remaining < cost then
  return {reset + margin - now, 'primary'}
end
redis.call('HSET', KEYS[1], 'remaining', remaining - cost)
return {0, ''}
`;

/**
 * A response's budget report. KEYS: budget hash. ARGV: limit, remaining, reset, ttl ms. Same window:
 * the lowest of what we reserved down to and what the API says; a newer window replaces it.
 */
const OBSERVE = `
local limit = tonumber(ARGV[1])
local remaining = tonumber(ARGV[2])
local reset = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'remaining', 'reset')
if b[1] and tonumber(b[2]) == reset then
  remaining = math.min(tonumber(b[1]), remaining)
elseif b[1] and tonumber(b[2]) > reset then
  return 0
end
redis.call('HSET', KEYS[1], 'limit', limit, 'remaining', remaining, 'reset', reset)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1
`;

/** KEYS: hold key, budget hash. ARGV: until, reason, ttl ms, primary (1/0). Only ever lengthens a hold. */
const BLOCK = `
local current = redis.call('HGET', KEYS[1], 'until')
if (not current) or tonumber(current) < tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'until', ARGV[1], 'reason', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
end
if ARGV[4] == '1' then redis.call('HSET', KEYS[2], 'remaining', 0) end
return 1
`;

export interface RedisRequestSchedulerOptions {
  redis: Redis;
  /** Key prefix (the queue prefix), so that tests and deployments do not share budgets by accident. */
  prefix: string;
  /** The process's own scheduler: concurrency cap, per-endpoint minute, pacing. */
  local: RequestScheduler;
  resetMarginMs: number;
  clock: Clock;
  onWait?: (notice: WaitNotice) => void;
  /** Told when Redis could not be reached (the local scheduler alone then decides). */
  onError?: (error: unknown) => void;
}

/**
 * One API budget for every worker: the per-token remaining/reset and the token's holds live in
 * Redis and a request reserves its cost atomically (Lua), so N workers on one token never overdraw
 * it, and one worker's 429 / Retry-After / secondary-limit pause holds them all. Keys use the
 * token's ID (a hash), never the token. The process's own `BudgetScheduler` still runs first, for
 * the concurrency cap and pacing; the clocks of the workers are assumed to agree (NTP).
 */
export class RedisRequestScheduler implements RequestScheduler {
  constructor(private readonly options: RedisRequestSchedulerOptions) {}

  async acquire(key: BudgetKey, signal?: AbortSignal): Promise<() => void> {
    const release = await this.options.local.acquire(key, signal);
    try {
      for (;;) {
        signal?.throwIfAborted();
        const now = this.options.clock.now();
        const [waitMs, reason] = (await this.options.redis.eval(
          RESERVE, 2, this.budgetKey(key.tokenId, key.resource), this.holdKey(key.tokenId), now, key.cost ?? 1, this.options.resetMarginMs,
        )) as [number, string];
        if (waitMs <= 0) return release;
        this.options.onWait?.({ key, reason: (reason || 'primary') as WaitReason, waitMs });
        await this.options.clock.sleep(waitMs, signal);
      }
    } catch (error) {
      release();
      if (signal?.aborted) throw error;
      // Redis unreachable: the local scheduler's decision stands (this worker's view of the budget).
      this.options.onError?.(error);
      return this.options.local.acquire(key, signal);
    }
  }

  observe(tokenId: string, observation: RateLimitObservation): void {
    this.options.local.observe(tokenId, observation);
    if (observation.windowMs !== undefined) return; // sliding windows (Monday) stay per process for now
    const ttl = Math.max(1000, observation.resetAtMs - this.options.clock.now() + 60_000);
    this.options.redis
      .eval(OBSERVE, 1, this.budgetKey(tokenId, observation.resource), observation.limit, observation.remaining, observation.resetAtMs, ttl)
      .catch((error: unknown) => this.options.onError?.(error));
  }

  block(key: BudgetKey, untilMs: number, reason: WaitReason): void {
    this.options.local.block(key, untilMs, reason);
    const ttl = Math.max(1000, untilMs - this.options.clock.now() + 1000);
    this.options.redis
      .eval(BLOCK, 2, this.holdKey(key.tokenId), this.budgetKey(key.tokenId, key.resource), untilMs, reason, ttl, reason === 'primary' ? '1' : '0')
      .catch((error: unknown) => this.options.onError?.(error));
  }

  inFlight(tokenId: string): number {
    return this.options.local.inFlight(tokenId);
  }

  private budgetKey(tokenId: string, resource: string): string {
    return `${this.options.prefix}:budget:${tokenId}:${resource}`;
  }

  private holdKey(tokenId: string): string {
    return `${this.options.prefix}:hold:${tokenId}`;
  }
}
