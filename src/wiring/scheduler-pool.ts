import { AsyncLocalStorage } from 'node:async_hooks';
import type { PipelineConfig } from '../config/pipeline-schema.js';
import type { Clock } from '../ports/clock.js';
import type { BudgetKey, RateLimitObservation, RequestScheduler, WaitNotice, WaitReason } from '../ports/request-scheduler.js';
import { BudgetScheduler } from '../scheduling/budget-scheduler.js';

/** What one run wants to hear from the shared scheduler: its own waits, and the budgets it saw. */
export interface RunSchedulerHooks {
  onWait: (notice: WaitNotice) => void;
  onObserve?: (observation: RateLimitObservation) => void;
  /**
   * One of the run's requests put the token on hold (Retry-After, a secondary limit, a spent
   * budget), so the run can keep the hold where a resumed process finds it.
   */
  onHold?: (hold: TokenHold) => void;
}

/** A block one run's request put on its token: no request of the token starts before `untilMs`. */
export interface TokenHold {
  key: BudgetKey;
  untilMs: number;
  reason: WaitReason;
}

/**
 * One `BudgetScheduler` per token for the whole process, so that every run using a token (the
 * service runs several at once) shares its budget, concurrency cap and blocks, as the API counts
 * them. The scheduler is created with the `api` settings of the first run that uses the token.
 *
 * Each run gets a view (`forRun`) that reports waits to that run's telemetry: the view enters an
 * AsyncLocalStorage scope around `acquire`, and the shared scheduler's single `onWait` callback
 * reads the scope, so a wait is counted by the run whose request waited, and no other.
 */
/**
 * Wraps a token's process scheduler, e.g. in a `RedisRequestScheduler` so that every worker shares
 * the token's budget; `onWait` reports to the run whose request waits. The process scheduler it
 * gets does not pace (the shared one does).
 */
export type SharedSchedulerFactory = (local: RequestScheduler, tokenId: string, api: PipelineConfig['api'], clock: Clock, onWait: (notice: WaitNotice) => void) => RequestScheduler;

export class SchedulerPool {
  private readonly schedulers = new Map<string, RequestScheduler>();
  private readonly waiting = new AsyncLocalStorage<RunSchedulerHooks>();

  constructor(private readonly share?: SharedSchedulerFactory) {}

  /** The process-wide scheduler of `tokenId`, seen through one run's hooks. */
  forRun(tokenId: string, api: PipelineConfig['api'], clock: Clock, hooks: RunSchedulerHooks): RequestScheduler {
    const shared = this.schedulerFor(tokenId, api, clock);
    const scope = this.waiting;
    return {
      acquire: (key: BudgetKey, signal?: AbortSignal) => scope.run(hooks, () => shared.acquire(key, signal)),
      observe: (id: string, observation: RateLimitObservation) => {
        shared.observe(id, observation);
        hooks.onObserve?.(observation);
      },
      block: (key: BudgetKey, untilMs: number, reason: WaitReason) => {
        shared.block(key, untilMs, reason);
        hooks.onHold?.({ key, untilMs, reason });
      },
      inFlight: (id: string) => shared.inFlight(id),
    };
  }

  /** Token IDs with a scheduler (for tests and diagnostics). */
  tokens(): string[] {
    return [...this.schedulers.keys()];
  }

  private schedulerFor(tokenId: string, api: PipelineConfig['api'], clock: Clock): RequestScheduler {
    let scheduler = this.schedulers.get(tokenId);
    if (!scheduler) {
      const onWait = (notice: WaitNotice) => this.waiting.getStore()?.onWait(notice);
      const local = new BudgetScheduler({
        maxConcurrentPerToken: api.max_concurrent_per_token,
        resetMarginMs: api.reset_margin_ms,
        // A shared budget is paced where it is shared: this process alone would pace as if the
        // whole budget were its own, and N of them together would spend less than it.
        paceBelowShare: this.share ? 0 : api.pace_below_share,
        maxPerEndpointPerMinute: api.max_requests_per_minute_per_endpoint,
        clock,
        onWait,
      });
      scheduler = this.share ? this.share(local, tokenId, api, clock, onWait) : local;
      this.schedulers.set(tokenId, scheduler);
    }
    return scheduler;
  }
}
