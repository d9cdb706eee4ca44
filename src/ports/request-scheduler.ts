/** Why a request was held back. `pacing` spreads a budget evenly until its reset. */
export type WaitReason = 'primary' | 'secondary' | 'retry_after' | 'pacing';

/** Rate-limit state read from one response (headers, or a GraphQL cost block). */
export interface RateLimitObservation {
  resource: string;
  limit: number;
  remaining: number;
  /** Epoch milliseconds at which the window resets. */
  resetAtMs: number;
  /** Points this call cost (GraphQL), when the API says. */
  cost?: number;
  /**
   * Set for a sliding-window budget (Monday's complexity: spends count for this long after they
   * happen, there is no reset instant); `resetAtMs` then only says when the window would be empty.
   */
  windowMs?: number;
  /** When the call that reported this started (the HTTP layer sets it): a sliding budget compares with its own count then. */
  startedAtMs?: number;
}

/** Where a request counts: one token (by an opaque, non-secret ID) and one resource. */
export interface BudgetKey {
  tokenId: string;
  resource: string;
  /** The endpoint (method + URL template), for per-endpoint limits such as GitHub's 900/min. */
  endpoint?: string;
  /** Points the request is expected to spend (a GraphQL query's complexity); 1 when unset. */
  cost?: number;
}

export interface WaitNotice {
  key: BudgetKey;
  reason: WaitReason;
  waitMs: number;
}

/**
 * Decides when a request may start so that a token's budget is spent fully but never overdrawn,
 * shared by every connector and partition using that token. Implemented by the engine's
 * `BudgetScheduler`; the HTTP layer calls it around every attempt.
 */
export interface RequestScheduler {
  /**
   * Waits until a request on `key` may start (budget, pacing, blocks, concurrency cap), then
   * returns the function that releases the slot. Rejects if `signal` aborts.
   */
  acquire(key: BudgetKey, signal?: AbortSignal): Promise<() => void>;
  /** Feeds the budget state a response reported. */
  observe(tokenId: string, observation: RateLimitObservation): void;
  /** Holds every request of the token until `untilMs` (Retry-After, secondary limit, reset). */
  block(key: BudgetKey, untilMs: number, reason: WaitReason): void;
  /** Requests in flight for the token, for the in-flight gauge. */
  inFlight(tokenId: string): number;
}
