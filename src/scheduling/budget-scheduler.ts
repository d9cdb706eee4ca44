import type { Clock } from '../ports/clock.js';
import type {
  BudgetKey,
  RateLimitObservation,
  RequestScheduler,
  WaitNotice,
  WaitReason,
} from '../ports/request-scheduler.js';
import { SlidingWindowBudget } from './sliding-window-budget.js';

export interface BudgetSchedulerOptions {
  /** Requests in flight per token at most; 1 is the strict sequential mode. */
  maxConcurrentPerToken: number;
  /** Extra wait past a reported reset, for clock skew between us and the provider. */
  resetMarginMs: number;
  /**
   * Below this share of the budget left, starts are paced so the rest lasts until the reset;
   * above it requests go as fast as the concurrency cap allows (a small sync stays fast).
   */
  paceBelowShare: number;
  /** Requests per endpoint per rolling minute at most (GitHub's secondary limit is 900). */
  maxPerEndpointPerMinute: number;
  clock: Clock;
  /** Told about every wait before it happens (events and metrics hang off this). */
  onWait?: (notice: WaitNotice) => void;
}

interface Budget {
  limit: number;
  remaining: number;
  /** `undefined` once the reported window has passed and no newer report arrived yet. */
  resetAtMs: number | undefined;
  inFlight: number;
  /** Earliest start of the next paced request. */
  nextStartMs: number;
  /** Sliding-window budgets (Monday's complexity) are tracked by their spends instead. */
  sliding?: SlidingWindowBudget;
}

interface TokenState {
  /** Start times of the last minute, per endpoint. */
  endpointStarts: Map<string, number[]>;
  inFlight: number;
  blockedUntilMs: number;
  blockReason: WaitReason;
  slotWaiters: Array<() => void>;
  budgets: Map<string, Budget>;
}

export type WaitDecision = { waitMs: 0 } | { waitMs: number; reason: WaitReason };

/**
 * Pure: how long a request on a budget must wait now. Holds back while the token is blocked;
 * when the budget (minus requests already in flight) is spent, until the reset; otherwise paces
 * starts so the remaining budget lasts until the reset and no longer.
 */
export function decideWait(
  budget: Budget | undefined,
  blockedUntilMs: number,
  blockReason: WaitReason,
  now: number,
  resetMarginMs: number,
  paceBelowShare = 1,
  cost = 1,
): WaitDecision {
  if (blockedUntilMs > now) return { waitMs: blockedUntilMs - now, reason: blockReason };
  if (budget?.sliding) {
    // Spending as the window frees points is pacing by design, not a spent budget.
    const waitMs = budget.sliding.waitMs(now, cost);
    return waitMs > 0 ? { waitMs, reason: 'pacing' } : { waitMs: 0 };
  }
  if (!budget || budget.resetAtMs === undefined) return { waitMs: 0 };
  if (overdrawsRefill(budget, cost)) return { waitMs: budget.resetAtMs + resetMarginMs - now, reason: 'primary' };
  if (inReserve(budget, paceBelowShare) && budget.nextStartMs > now) return { waitMs: budget.nextStartMs - now, reason: 'pacing' };
  return { waitMs: 0 };
}

/**
 * Pure: whether reserving `cost` units now (a GraphQL query's points) would spend more than is
 * left until the reset, counting what requests in flight have reserved. Such a request waits for
 * the reset instead of being sent to a refusal.
 */
export function overdrawsRefill(budget: Pick<Budget, 'remaining' | 'inFlight'>, cost: number): boolean {
  return budget.remaining - budget.inFlight < cost;
}

function inReserve(budget: Budget, paceBelowShare: number): boolean {
  return budget.remaining <= budget.limit * paceBelowShare;
}

/** Pure: how long until another request on an endpoint fits in its rolling minute. */
export function endpointWaitMs(starts: readonly number[], now: number, maxPerMinute: number): number {
  const recent = starts.filter((t) => t > now - 60_000);
  if (recent.length < maxPerMinute) return 0;
  return (recent[recent.length - maxPerMinute] ?? now) + 60_000 - now;
}

export class BudgetScheduler implements RequestScheduler {
  private readonly tokens = new Map<string, TokenState>();

  constructor(private readonly options: BudgetSchedulerOptions) {}

  async acquire(key: BudgetKey, signal?: AbortSignal): Promise<() => void> {
    const token = this.token(key.tokenId);
    for (;;) {
      signal?.throwIfAborted();
      if (token.inFlight >= this.options.maxConcurrentPerToken) {
        await new Promise<void>((resolve) => token.slotWaiters.push(resolve));
        continue;
      }
      const now = this.options.clock.now();
      const budget = this.freshBudget(token, key.resource, now);
      const cost = key.cost ?? 1;
      let decision = decideWait(budget, token.blockedUntilMs, token.blockReason, now, this.options.resetMarginMs, this.options.paceBelowShare, cost);
      if (decision.waitMs <= 0 && key.endpoint) {
        const waitMs = endpointWaitMs(this.endpointStarts(token, key.endpoint, now), now, this.options.maxPerEndpointPerMinute);
        if (waitMs > 0) decision = { waitMs, reason: 'secondary' };
      }
      if (decision.waitMs <= 0) {
        if (key.endpoint) this.endpointStarts(token, key.endpoint, now).push(now);
        return this.start(token, budget, now, cost);
      }
      if ('reason' in decision) this.options.onWait?.({ key, reason: decision.reason, waitMs: decision.waitMs });
      await this.options.clock.sleep(decision.waitMs, signal);
    }
  }

  observe(tokenId: string, observation: RateLimitObservation): void {
    const token = this.token(tokenId);
    const budget = token.budgets.get(observation.resource);
    if (observation.windowMs !== undefined) {
      this.observeSliding(token, budget, observation, observation.windowMs);
      return;
    }
    if (!budget) {
      token.budgets.set(observation.resource, {
        limit: observation.limit,
        remaining: observation.remaining,
        resetAtMs: observation.resetAtMs,
        inFlight: 0,
        nextStartMs: 0,
      });
      return;
    }
    budget.limit = observation.limit;
    if (budget.resetAtMs === observation.resetAtMs) {
      // Responses of one window can arrive out of order: the lowest remaining is the truest.
      budget.remaining = Math.min(budget.remaining, observation.remaining);
    } else if (budget.resetAtMs === undefined || observation.resetAtMs > budget.resetAtMs) {
      budget.remaining = observation.remaining;
      budget.resetAtMs = observation.resetAtMs;
    }
  }

  block(key: BudgetKey, untilMs: number, reason: WaitReason): void {
    const token = this.token(key.tokenId);
    if (untilMs > token.blockedUntilMs) {
      token.blockedUntilMs = untilMs;
      token.blockReason = reason;
    }
    if (reason === 'primary') {
      const budget = token.budgets.get(key.resource);
      if (budget) budget.remaining = 0;
    }
  }

  inFlight(tokenId: string): number {
    return this.tokens.get(tokenId)?.inFlight ?? 0;
  }

  private start(token: TokenState, budget: Budget | undefined, now: number, cost: number): () => void {
    token.inFlight += 1;
    const spend = budget?.sliding?.record(now, cost);
    if (budget) {
      budget.inFlight += cost;
      if (budget.resetAtMs !== undefined && inReserve(budget, this.options.paceBelowShare)) {
        const available = Math.max(1, budget.remaining - budget.inFlight + 1);
        budget.nextStartMs = Math.max(budget.nextStartMs, now) + (budget.resetAtMs - now) / available;
      }
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      token.inFlight -= 1;
      if (budget) budget.inFlight -= cost;
      if (spend) budget?.sliding?.settle(spend, this.options.clock.now());
      token.slotWaiters.shift()?.();
    };
  }

  /** A sliding budget learns its size and window from each report, and spends it did not see. */
  private observeSliding(token: TokenState, budget: Budget | undefined, observation: RateLimitObservation, windowMs: number): void {
    const now = this.options.clock.now();
    const sliding = budget?.sliding ?? new SlidingWindowBudget(observation.limit, windowMs, this.options.resetMarginMs);
    sliding.limit = observation.limit;
    sliding.windowMs = windowMs;
    sliding.reconcile(Math.min(now, observation.startedAtMs ?? now), observation.remaining);
    if (!budget) token.budgets.set(observation.resource, { limit: observation.limit, remaining: observation.remaining, resetAtMs: undefined, inFlight: 0, nextStartMs: 0, sliding });
    else budget.sliding = sliding;
  }

  /** A budget whose window has passed is full again until a response says otherwise. */
  private freshBudget(token: TokenState, resource: string, now: number): Budget | undefined {
    const budget = token.budgets.get(resource);
    if (budget?.resetAtMs !== undefined && now >= budget.resetAtMs + this.options.resetMarginMs) {
      budget.remaining = budget.limit;
      budget.resetAtMs = undefined;
      budget.nextStartMs = 0;
    }
    return budget;
  }

  /** The endpoint's start times within the last minute (older ones dropped). */
  private endpointStarts(token: TokenState, endpoint: string, now: number): number[] {
    const starts = (token.endpointStarts.get(endpoint) ?? []).filter((t) => t > now - 60_000);
    token.endpointStarts.set(endpoint, starts);
    return starts;
  }

  private token(tokenId: string): TokenState {
    let token = this.tokens.get(tokenId);
    if (!token) {
      token = { endpointStarts: new Map(), inFlight: 0, blockedUntilMs: 0, blockReason: 'retry_after', slotWaiters: [], budgets: new Map() };
      this.tokens.set(tokenId, token);
    }
    return token;
  }
}
