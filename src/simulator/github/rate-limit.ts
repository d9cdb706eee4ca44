/**
 * GitHub's primary rate limit: a budget of requests per window, reported in `x-ratelimit-*`
 * headers. Windows here are fixed and aligned to epoch multiples of the window length, so
 * `x-ratelimit-reset` (epoch seconds) is exactly when the next window, with a fresh budget, starts.
 * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#primary-rate-limit-for-authenticated-users
 */

export interface RateLimitState {
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds at which the current window ends. */
  reset: number;
  resource: string;
}

export interface ConsumeResult {
  allowed: boolean;
  state: RateLimitState;
}

export class PrimaryRateLimit {
  private window = Number.NaN;
  private used = 0;

  constructor(
    private readonly limit: number,
    private readonly windowSeconds: number,
    private readonly resource: string,
    private readonly nowMs: () => number = Date.now,
  ) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`rateLimit.limit must be a non-negative integer, got ${limit}`);
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
      throw new RangeError(`rateLimit.windowSeconds must be a positive integer, got ${windowSeconds}`);
    }
  }

  /** The budget now, without spending any (what GET /rate_limit reports). */
  peek(): RateLimitState {
    this.roll();
    return this.state();
  }

  /**
   * Spends `cost` units (a REST request is one; a GraphQL query its points), or refuses, spending
   * nothing, when fewer than that are left in the window.
   */
  consume(cost = 1): ConsumeResult {
    this.roll();
    if (this.used + cost > this.limit) return { allowed: false, state: this.state() };
    this.used += cost;
    return { allowed: true, state: this.state() };
  }

  private roll(): void {
    const window = Math.floor(this.nowMs() / 1000 / this.windowSeconds);
    if (window !== this.window) {
      this.window = window;
      this.used = 0;
    }
  }

  private state(): RateLimitState {
    return {
      limit: this.limit,
      remaining: this.limit - this.used,
      used: this.used,
      reset: (this.window + 1) * this.windowSeconds,
      resource: this.resource,
    };
  }
}

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-used': String(state.used),
    'x-ratelimit-reset': String(state.reset),
    'x-ratelimit-resource': state.resource,
  };
}

/** The body of GET /rate_limit, shaped like GitHub's: every resource, and `rate` for the first (core). */
export function rateLimitBody(states: readonly [RateLimitState, ...RateLimitState[]]): unknown {
  const entry = (state: RateLimitState) => ({ limit: state.limit, used: state.used, remaining: state.remaining, reset: state.reset });
  return { resources: Object.fromEntries(states.map((state) => [state.resource, entry(state)])), rate: entry(states[0]) };
}
