import type { Redis } from 'ioredis';
import { RedisRequestScheduler } from '../scheduling/redis-request-scheduler.js';
import { SchedulerPool } from './scheduler-pool.js';

export interface SharedBudgetSettings {
  redis: Redis;
  /** The queue prefix: budgets are as separate as queues are. */
  prefix: string;
  /** Told when Redis could not be reached (the process's own view of the budget decides meanwhile). */
  onError?: (error: unknown) => void;
}

/**
 * The scheduler pool of a process in distributed mode: every token's budget and holds are kept in
 * Redis, shared with every worker, and so is the coordinator's (`run --distributed` lists the
 * partitions on the same token, and its responses tell the workers the budget before their first request).
 */
export function sharedBudgetSchedulers(settings: SharedBudgetSettings): SchedulerPool {
  return new SchedulerPool((local, _tokenId, api, clock, onWait) => new RedisRequestScheduler({
    redis: settings.redis,
    prefix: settings.prefix,
    local,
    resetMarginMs: api.reset_margin_ms,
    paceBelowShare: api.pace_below_share,
    clock,
    onWait,
    ...(settings.onError ? { onError: settings.onError } : {}),
  }));
}
