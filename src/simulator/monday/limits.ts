/**
 * Monday's per-minute limits as sliding 60 s windows (scaled by the simulator's time scale): the
 * complexity budget, charged when a query is admitted, and the request count. Both are pure
 * bookkeeping over timestamps; `now` is real epoch ms.
 * https://developer.monday.com/api-reference/docs/rate-limits
 */
export class SlidingWindow {
  private readonly entries: Array<{ at: number; amount: number }> = [];
  private total = 0;
  /** Most ever held in one window, for the stats. */
  peak = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  used(now: number): number {
    this.expire(now);
    return this.total;
  }

  remaining(now: number): number {
    return Math.max(0, this.limit - this.used(now));
  }

  /** Charges `amount` if it fits; otherwise returns the ms until it would. */
  tryCharge(now: number, amount: number): { ok: true } | { ok: false; waitMs: number } {
    this.expire(now);
    if (this.total + amount <= this.limit) {
      this.entries.push({ at: now, amount });
      this.total += amount;
      this.peak = Math.max(this.peak, this.total);
      return { ok: true };
    }
    return { ok: false, waitMs: this.waitFor(now, amount) };
  }

  /** Ms until the whole window is clear again (Monday's `reset_in_x_seconds`). */
  msUntilClear(now: number): number {
    this.expire(now);
    const last = this.entries.at(-1);
    return last ? Math.max(0, last.at + this.windowMs - now) : 0;
  }

  private waitFor(now: number, amount: number): number {
    if (amount > this.limit) return this.windowMs;
    let freed = 0;
    for (const entry of this.entries) {
      freed += entry.amount;
      if (this.total - freed + amount <= this.limit) return Math.max(1, entry.at + this.windowMs - now);
    }
    return this.windowMs;
  }

  private expire(now: number): void {
    while (this.entries.length > 0 && (this.entries[0]?.at ?? 0) <= now - this.windowMs) {
      this.total -= this.entries.shift()?.amount ?? 0;
    }
  }
}

/** Calls per UTC day (the simulated day is scaled like the windows). */
export class DailyCounter {
  private day = Number.NaN;
  private count = 0;

  constructor(
    readonly limit: number | undefined,
    private readonly dayMs: number,
  ) {}

  /** Counts a call; false when the day's calls are spent. */
  take(now: number): boolean {
    const day = Math.floor(now / this.dayMs);
    if (day !== this.day) {
      this.day = day;
      this.count = 0;
    }
    if (this.limit !== undefined && this.count >= this.limit) return false;
    this.count += 1;
    return true;
  }

  msUntilNextDay(now: number): number {
    return (Math.floor(now / this.dayMs) + 1) * this.dayMs - now;
  }
}
