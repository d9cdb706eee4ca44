import type { ErrorCategory } from '../errors/sync-error.js';
import { isRetryableCategory } from '../errors/sync-error.js';

export interface RetryPolicyOptions {
  /** Attempts in all (first try included) for transient errors. */
  maxAttempts: number;
  /** Attempts in all when the provider rate-limited us: waiting is expected, so more are allowed. */
  maxRateLimitedAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicyOptions = {
  maxAttempts: 5,
  maxRateLimitedAttempts: 10,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
};

export interface FailedAttempt {
  category: ErrorCategory;
  /** 1-based number of the attempt that failed. */
  attempt: number;
  /** The provider told us how long to wait (Retry-After / retry_in_seconds). */
  retryAfterSeconds?: number;
  /** The provider's window resets then (primary limit exhausted). */
  resetAtMs?: number;
  /** The provider's word on retrying, over the category's (a daily limit: no; a conflict in progress: yes). */
  retryable?: boolean;
}

export type RetryDecision =
  | { retry: false }
  | { retry: true; delayMs: number; basis: 'retry_after' | 'reset' | 'backoff' };

/**
 * Pure: whether and when to retry a failed attempt. Order follows GitHub's guidance: honour
 * Retry-After; else, if the budget is spent, wait for its reset; else back off exponentially with
 * jitter. Non-retryable categories are never retried.
 */
export function decideRetry(
  failure: FailedAttempt,
  options: RetryPolicyOptions,
  now: number,
  random: () => number = Math.random,
): RetryDecision {
  if (!(failure.retryable ?? isRetryableCategory(failure.category))) return { retry: false };
  const limit = failure.category === 'RATE_LIMITED' ? options.maxRateLimitedAttempts : options.maxAttempts;
  if (failure.attempt >= limit) return { retry: false };
  if (failure.retryAfterSeconds !== undefined) {
    return { retry: true, delayMs: Math.max(0, failure.retryAfterSeconds * 1000), basis: 'retry_after' };
  }
  if (failure.resetAtMs !== undefined && failure.resetAtMs > now) {
    return { retry: true, delayMs: failure.resetAtMs - now, basis: 'reset' };
  }
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (failure.attempt - 1));
  // "Equal jitter": at least half the step, so retries never stampede at ~0 ms.
  return { retry: true, delayMs: Math.round(exponential / 2 + random() * (exponential / 2)), basis: 'backoff' };
}
