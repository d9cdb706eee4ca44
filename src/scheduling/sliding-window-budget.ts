export interface Spend {
  at: number;
  cost: number;
}

/**
 * A budget that refills continuously: every spend counts for `windowMs` after it started, and at
 * most `limit` may count at once (Monday.com's complexity points: 10M per sliding minute). The
 * scheduler records each request's expected cost when it lets it start, so a request waits exactly
 * until enough older spends have left the window. Pure bookkeeping; times are epoch ms.
 */
export class SlidingWindowBudget {
  private spends: Spend[] = [];
  private total = 0;

  constructor(
    public limit: number,
    public windowMs: number,
    /** Spends count this much longer than the provider counts them: its clock and ours differ. */
    private readonly marginMs: number,
  ) {}

  /** Points counted in the window at `now`. */
  used(now: number): number {
    const horizon = now - this.windowMs - this.marginMs;
    while (this.spends.length > 0 && (this.spends[0]?.at ?? 0) <= horizon) this.total -= this.spends.shift()?.cost ?? 0;
    return this.total;
  }

  /**
   * Ms until `cost` more fits (0: now). A cost above the whole limit can never fit: it goes once
   * the window is empty, for the provider to refuse it rather than wait forever.
   */
  waitMs(now: number, cost: number): number {
    const used = this.used(now);
    if (used + cost <= this.limit || used === 0) return 0;
    let freed = 0;
    for (const spend of this.spends) {
      freed += spend.cost;
      if (used - freed + cost <= this.limit || freed === used) return Math.max(1, spend.at + this.windowMs + this.marginMs - now + 1);
    }
    return 1;
  }

  /** Counts `cost` from `now`; the returned spend is settled when its request is answered. */
  record(now: number, cost: number): Spend {
    const spend = { at: now, cost };
    this.spends.push(spend);
    this.total += cost;
    return spend;
  }

  /**
   * The request was answered at `now`: its spend counts from then on. The provider charged it on
   * arrival, somewhere between our start and the answer; counting from the answer can only free it
   * later than the provider does, however slow the way there was (a loaded machine, a long queue).
   */
  settle(spend: Spend, now: number): void {
    const at = this.spends.indexOf(spend);
    if (at < 0 || now <= spend.at) return;
    this.spends.splice(at, 1);
    spend.at = now;
    this.spends.push(spend);
  }

  /**
   * The provider said `remaining` is left now. If that is less than we think, someone else spends
   * this budget too (another process, the same token elsewhere): count the difference as spent
   * now. More than we think is not taken back — our in-flight requests may not have reached it.
   */
  reconcile(now: number, remaining: number): void {
    const ours = this.limit - this.used(now);
    if (remaining < ours) this.record(now, ours - remaining);
  }
}
