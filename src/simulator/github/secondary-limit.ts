/**
 * GitHub's secondary rate limits, enforced for real: at most `maxConcurrent` requests in flight,
 * and at most `pointsPerMinute` points per endpoint in a rolling minute (a GET costs 1 point, and
 * every route here is a GET). Refused requests take no slot and add no points, so a client that
 * backs off as told by `retry-after` recovers.
 * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
 */

const MINUTE_MS = 60_000;

export type Admission =
  | { admitted: true; release: () => void }
  | { admitted: false; reason: 'concurrency' | 'points'; retryAfterSeconds: number };

/** Timestamps of admitted requests of one endpoint, oldest first, kept only for the last minute. */
class RollingWindow {
  private stamps: number[] = [];
  private head = 0;

  count(now: number): number {
    while (this.head < this.stamps.length && (this.stamps[this.head] ?? 0) <= now - MINUTE_MS) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
    return this.stamps.length - this.head;
  }

  oldest(): number {
    return this.stamps[this.head] ?? 0;
  }

  add(now: number): void {
    this.stamps.push(now);
  }
}

export class SecondaryLimits {
  private inFlight = 0;
  private readonly windows = new Map<string, RollingWindow>();

  constructor(
    private readonly maxConcurrent: number,
    private readonly pointsPerMinute: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    if (!(maxConcurrent >= 1)) throw new RangeError(`secondary.maxConcurrent must be >= 1, got ${maxConcurrent}`);
    if (!(pointsPerMinute >= 1)) throw new RangeError(`secondary.pointsPerMinutePerEndpoint must be >= 1, got ${pointsPerMinute}`);
  }

  /**
   * Admits a request to `route` (a route template) or says why not and for how long. The in-flight
   * cap is shared by every route, REST and GraphQL alike; `pointsPerMinute` overrides the
   * per-endpoint budget (GitHub allows the GraphQL endpoint 2,000 points a minute, REST ones 900).
   */
  admit(route: string, pointsPerMinute = this.pointsPerMinute): Admission {
    if (this.inFlight >= this.maxConcurrent) return { admitted: false, reason: 'concurrency', retryAfterSeconds: 1 };
    const now = this.nowMs();
    let window = this.windows.get(route);
    if (!window) {
      window = new RollingWindow();
      this.windows.set(route, window);
    }
    if (window.count(now) >= pointsPerMinute) {
      const waitMs = window.oldest() + MINUTE_MS - now;
      return { admitted: false, reason: 'points', retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    window.add(now);
    this.inFlight += 1;
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
      },
    };
  }
}
