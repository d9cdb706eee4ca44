export interface Spend {
  /** When the request was let through. */
  recordedAt: number;
  /** When it counts from: its start, then its answer once it has one (see `settle`). */
  at: number;
  cost: number;
}

/**
 * A budget that refills continuously: every spend counts for `windowMs` after it happened, and at
 * most `limit` may count at once (Monday.com's complexity points: 10M per sliding minute). The
 * scheduler records each request's expected cost when it lets it start, so a request waits exactly
 * until enough older spends have left the window. Pure bookkeeping; times are epoch ms.
 */
export class SlidingWindowBudget {
  private spends: Spend[] = [];

  constructor(
    public limit: number,
    public windowMs: number,
    /** Spends count this much longer than the provider counts them: its clock and ours differ. */
    private readonly marginMs: number,
  ) {}

  /** Points counted in the window at `now`. */
  used(now: number): number {
    this.prune(now);
    return this.usedAt(now);
  }

  /**
   * Ms until `cost` more fits (0: now). A cost above the whole limit can never fit: it goes once
   * the window is empty, for the provider to refuse it rather than wait forever.
   */
  waitMs(now: number, cost: number): number {
    const used = this.used(now);
    if (used + cost <= this.limit || used === 0) return 0;
    const live = this.spends.filter((s) => this.expiry(s) > now).sort((a, b) => this.expiry(a) - this.expiry(b));
    let freed = 0;
    for (const spend of live) {
      freed += spend.cost;
      if (used - freed + cost <= this.limit || freed === used) return Math.max(1, this.expiry(spend) - now + 1);
    }
    return 1;
  }

  /** Counts `cost` from `now`; the returned spend is settled when its request is answered. */
  record(now: number, cost: number): Spend {
    const spend = { recordedAt: now, at: now, cost };
    this.spends.push(spend);
    return spend;
  }

  /**
   * The request was answered at `now`: its spend counts from then on. The provider charged it on
   * arrival, somewhere between our start and the answer; counting from the answer can only free it
   * later than the provider does, however slow the way there was (a loaded machine, a long queue).
   */
  settle(spend: Spend, now: number): void {
    if (now > spend.at) spend.at = now;
  }

  /**
   * The provider said `remaining` was left when it took a request we started at `asOf` (it
   * answered later). If that is less than we counted then, someone else spends this budget too
   * (another process, the same token elsewhere): the difference counts as spent from `asOf`.
   * Comparing with our count at the request's start, not at its answer, keeps spends that left our
   * window in between from looking like someone else's.
   */
  reconcile(asOf: number, remaining: number): void {
    const ours = this.limit - this.usedAt(asOf);
    if (remaining < ours) this.spends.push({ recordedAt: asOf, at: asOf, cost: ours - remaining });
  }

  private usedAt(t: number): number {
    let used = 0;
    for (const s of this.spends) if (s.recordedAt <= t && this.expiry(s) > t) used += s.cost;
    return used;
  }

  private expiry(s: Spend): number {
    return s.at + this.windowMs + this.marginMs;
  }

  /** Spends gone from the window for a whole window: no report about the past can need them. */
  private prune(now: number): void {
    if (this.spends.length > 0 && this.expiry(this.spends[0] as Spend) + this.windowMs <= now) {
      this.spends = this.spends.filter((s) => this.expiry(s) + this.windowMs > now);
    }
  }
}
