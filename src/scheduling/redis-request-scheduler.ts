import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../ports/clock.js';
import type { BudgetKey, RateLimitObservation, RequestScheduler, WaitNotice, WaitReason } from '../ports/request-scheduler.js';

/**
 * The budget hash's fields: `limit`, `remaining` (what is left to reserve: the API's figure minus
 * every reservation made since), `reset` (epoch ms of the window's end), `assumed` (1 while the
 * window after `reset` is taken to have begun, full, and no response has confirmed it yet), `next`
 * (earliest start of the next paced request), `straddle` (reserved around the reset, see below)
 * and `probe` (when the one request allowed while nothing is known about the budget was let go).
 *
 * Windows are judged with the reset margin both ways, as the tolerated clock skew between the
 * workers and the API: a request sent before `reset - margin` surely counts in its window, one sent
 * from `reset + margin` on surely in the next, and one sent in between may count in either. Those
 * are taken from the window's budget and also counted in `straddle`, which the next window starts
 * without, so the workers never overdraw either window whichever way the clocks are off.
 */

/**
 * Atomic reservation of one request on a shared budget. KEYS: budget hash, hold key.
 * ARGV: now, cost, reset margin, pace-below share, probe timeout ms, poll ms.
 * Returns {0} to go (the cost is taken from `remaining`), or {waitMs, reason} to wait: a hold
 * (Retry-After, secondary limit) first, then a spent budget or a paced start.
 *
 * A window whose reset has passed is not dropped: the next one begins from the known limit, marked
 * assumed, and its reservations count from the first one, so that N workers together can never
 * send more than `limit` into it before its first response says how much the API really has left.
 * Nothing known at all (a new token): one probe request goes, the others wait for its report.
 */
const RESERVE = `
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local margin = tonumber(ARGV[3])
local share = tonumber(ARGV[4])
local probeMs = tonumber(ARGV[5])
local pollMs = tonumber(ARGV[6])
-- Redis turns a Lua number into an integer reply: a wait must stay at least 1 ms, or it reads as "go".
local function wait(ms, reason) return {math.max(1, math.ceil(ms)), reason} end
local hold = redis.call('HMGET', KEYS[2], 'until', 'reason')
if hold[1] and tonumber(hold[1]) > now then
  return wait(tonumber(hold[1]) - now, hold[2])
end
local b = redis.call('HMGET', KEYS[1], 'limit', 'remaining', 'reset', 'assumed', 'next', 'probe', 'straddle', 'per_process')
-- A sliding-window budget (Monday's complexity minute) is each process's own: no probe, no reservation.
if b[8] == '1' then return {0, ''} end
if not (b[1] and b[2] and b[3]) then
  if b[6] and tonumber(b[6]) + probeMs > now then
    return wait(math.min(pollMs, tonumber(b[6]) + probeMs - now), 'pacing')
  end
  redis.call('HSET', KEYS[1], 'probe', now)
  redis.call('PEXPIRE', KEYS[1], probeMs * 2)
  return {0, ''}
end
local limit = tonumber(b[1])
local remaining = tonumber(b[2])
local reset = tonumber(b[3])
local assumed = b[4] == '1'
if (not assumed) and now >= reset + margin then
  -- The next window begins, full as far as we know but for what was sent around the reset; a
  -- response will confirm or correct it.
  assumed = true
  remaining = limit - (tonumber(b[7]) or 0)
  redis.call('HSET', KEYS[1], 'assumed', 1, 'remaining', remaining, 'next', 0, 'straddle', 0)
  redis.call('PEXPIRE', KEYS[1], math.max(60000, probeMs * 2))
end
if assumed then
  -- No reset known for an assumed window: no pacing, and a spent one waits for its confirmation.
  if remaining < cost then return wait(pollMs, 'primary') end
  redis.call('HSET', KEYS[1], 'remaining', remaining - cost)
  return {0, ''}
end
if remaining < cost then
  return wait(reset + margin - now, 'primary')
end
if now >= reset - margin then
  -- Around the reset: may count in this window or the next, so it is taken from both.
  redis.call('HSET', KEYS[1], 'remaining', remaining - cost)
  redis.call('HINCRBY', KEYS[1], 'straddle', cost)
  return {0, ''}
end
local paced = remaining <= limit * share
local nextStart = tonumber(b[5]) or 0
if paced and nextStart > now then
  return wait(nextStart - now, 'pacing')
end
remaining = remaining - cost
redis.call('HSET', KEYS[1], 'remaining', remaining)
if paced then
  -- Spread what is left evenly over the time left before the reset's margin.
  local spendUntil = reset - margin
  redis.call('HSET', KEYS[1], 'next', math.max(nextStart, now) + (spendUntil - now) / math.max(1, remaining + 1))
end
return {0, ''}
`;

/**
 * A response's budget report. KEYS: budget hash. ARGV: limit, remaining, reset, ttl ms.
 * - Nothing known yet (or only a probe): the report is the budget.
 * - Same window: the lowest of what we reserved down to and what the API says (reports of one
 *   window arrive out of order, and another client may spend on the token too).
 * - While the next window is assumed: a report of the old window is late and ignored; the first
 *   report of a newer window confirms it, and the lower of the two figures stands (ours counts the
 *   reservations still on their way, the API's what others spent).
 * - A newer window than the one we hold, not yet begun here (a response to a request sent around
 *   the reset): the lower of the API's figure and the limit less what was sent around the reset.
 * - An older window: ignored.
 */
const OBSERVE = `
local limit = tonumber(ARGV[1])
local remaining = tonumber(ARGV[2])
local reset = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'remaining', 'reset', 'assumed', 'straddle')
if b[1] and b[2] then
  local held = tonumber(b[1])
  local heldReset = tonumber(b[2])
  if reset < heldReset then return 0 end
  if b[3] == '1' then
    if reset == heldReset then return 0 end
    remaining = math.min(held, remaining)
  elseif reset == heldReset then
    remaining = math.min(held, remaining)
  else
    -- The next window, reported before we began it: what we sent around the reset counts in it.
    remaining = math.min(remaining, limit - (tonumber(b[4]) or 0))
  end
end
local fields = {'limit', limit, 'remaining', remaining, 'reset', reset, 'assumed', 0}
if tonumber(b[2]) ~= reset then
  -- A window we had not confirmed yet: pacing and the straddle count start afresh in it.
  for _, v in ipairs({'next', 0, 'straddle', 0}) do table.insert(fields, v) end
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('HDEL', KEYS[1], 'probe')
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
-- A primary refusal: nothing left in the window we hold, and it is no longer taken as the next one
-- (the API said otherwise); the next window begins at the held reset, as usual.
if ARGV[4] == '1' and redis.call('HEXISTS', KEYS[2], 'limit') == 1 then
  redis.call('HSET', KEYS[2], 'remaining', 0, 'assumed', 0)
end
return 1
`;

/**
 * A script sent by its SHA (EVALSHA), the text only when this Redis has not seen it yet: every
 * request runs RESERVE, and 3 KB of Lua per request is CPU and bytes on both ends.
 */
class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

const reserveScript = new LuaScript(RESERVE);
const observeScript = new LuaScript(OBSERVE);
const blockScript = new LuaScript(BLOCK);
/** KEYS: budget hash. ARGV: ttl ms. Marks a budget as kept by each process (see RESERVE). */
const markPerProcessScript = new LuaScript(`
redis.call('HSET', KEYS[1], 'per_process', 1)
redis.call('HDEL', KEYS[1], 'probe')
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
`);
const PER_PROCESS_TTL_MS = 10 * 60_000;

export interface RedisRequestSchedulerOptions {
  redis: Redis;
  /** Key prefix (the queue prefix), so that tests and deployments do not share budgets by accident. */
  prefix: string;
  /**
   * The process's own scheduler: concurrency cap, per-endpoint minute, and the budget as this
   * process alone sees it when Redis cannot be reached. It must not pace (`paceBelowShare: 0`):
   * pacing is done here, on the shared budget; a process pacing as if it owned the budget holds
   * N workers to less than it.
   */
  local: RequestScheduler;
  resetMarginMs: number;
  /** Below this share of the limit left, starts are spread evenly until the window's end (as `BudgetScheduler` does). */
  paceBelowShare: number;
  /**
   * While nothing is known about a budget, one request goes and the others wait for its report,
   * this long at most (then another request probes). Default 2 s.
   */
  probeTimeoutMs?: number;
  /** How often a request waiting for a report (a probe's, or an assumed window's first) asks again. Default 25 ms. */
  pollMs?: number;
  clock: Clock;
  onWait?: (notice: WaitNotice) => void;
  /** Told when Redis could not be reached (the local scheduler alone then decides). */
  onError?: (error: unknown) => void;
}

/**
 * One API budget for every worker: the per-token remaining/reset and the token's holds live in
 * Redis and a request reserves its cost atomically (Lua), so N workers on one token never overdraw
 * it, and one worker's 429 / Retry-After / secondary-limit pause holds them all. Keys use the
 * token's ID (a hash), never the token. Pacing is part of the reservation, on the shared state, so
 * that N workers together spend the budget as one process would. The process's own
 * `BudgetScheduler` still runs first, for the concurrency cap and the per-endpoint minute; the
 * clocks of the workers and the API may disagree by up to the reset margin (NTP).
 */
export class RedisRequestScheduler implements RequestScheduler {
  constructor(private readonly options: RedisRequestSchedulerOptions) {}

  async acquire(key: BudgetKey, signal?: AbortSignal): Promise<() => void> {
    const release = await this.options.local.acquire(key, signal);
    let lastReason: WaitReason | undefined;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const now = this.options.clock.now();
        const [waitMs, reason] = (await reserveScript.run(
          this.options.redis,
          [this.budgetKey(key.tokenId, key.resource), this.holdKey(key.tokenId)],
          [now, key.cost ?? 1, this.options.resetMarginMs, this.options.paceBelowShare, this.options.probeTimeoutMs ?? 2000, this.options.pollMs ?? 25],
        )) as [number, string];
        if (waitMs <= 0) return release;
        const waitReason = (reason || 'primary') as WaitReason;
        // Waiting for a report is a short poll, repeated: told once, not at every poll.
        if (waitReason !== lastReason) this.options.onWait?.({ key, reason: waitReason, waitMs });
        lastReason = waitReason;
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
    if (observation.windowMs !== undefined) {
      // Sliding windows (Monday) stay per process for now. Say so in Redis, so that no worker's
      // request waits for a shared report that will never come (the probe of an unknown budget).
      markPerProcessScript
        .run(this.options.redis, [this.budgetKey(tokenId, observation.resource)], [PER_PROCESS_TTL_MS])
        .catch((error: unknown) => this.options.onError?.(error));
      return;
    }
    const ttl = Math.max(1000, observation.resetAtMs - this.options.clock.now() + 60_000);
    observeScript
      .run(this.options.redis, [this.budgetKey(tokenId, observation.resource)], [observation.limit, observation.remaining, observation.resetAtMs, ttl])
      .catch((error: unknown) => this.options.onError?.(error));
  }

  block(key: BudgetKey, untilMs: number, reason: WaitReason): void {
    this.options.local.block(key, untilMs, reason);
    const ttl = Math.max(1000, untilMs - this.options.clock.now() + 1000);
    blockScript
      .run(this.options.redis, [this.holdKey(key.tokenId), this.budgetKey(key.tokenId, key.resource)], [untilMs, reason, ttl, reason === 'primary' ? '1' : '0'])
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
