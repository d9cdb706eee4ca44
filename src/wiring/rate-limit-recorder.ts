import type { RateLimitObservation, WaitReason } from '../ports/request-scheduler.js';
import type { HoldReason, RateLimitRow, RunStore } from '../ports/run-store.js';

export interface RateLimitRecorderOptions {
  store: RunStore;
  syncId: string;
  /** The connector whose budgets these are (known once the pipeline's connectors are built). */
  connector: () => string;
  now: () => number;
  /** At most one store write per this many ms while the run goes. */
  flushEveryMs?: number;
  /** A write failed; the rows are kept and written with the next flush. */
  onWriteFailed: (error: unknown, rows: number) => void;
}

/**
 * Keeps the latest rate-limit state of each budget a run sees and writes it to the run store a
 * few times a second at most, so the status API (in any process) can bound the run's ETA by the
 * budget left and its reset. Observations are many (one per response); writes are few.
 *
 * Holds (a Retry-After, a secondary limit) are the exception: each is written at once, because a
 * process killed right after the refusal must leave it behind for the resume to wait out.
 */
export class RateLimitRecorder {
  private readonly latest = new Map<string, RateLimitRow>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: RateLimitRecorderOptions) {}

  observe(observation: RateLimitObservation): void {
    const row: RateLimitRow = {
      syncId: this.options.syncId,
      connector: this.options.connector(),
      resource: observation.resource,
      limit: observation.limit,
      remaining: observation.remaining,
      resetAt: new Date(observation.resetAtMs).toISOString(),
      observedAt: new Date(this.options.now()).toISOString(),
      // A row is stored whole, so the hold it carries (while it lasts) goes with every update.
      ...this.holdStillOn(observation.resource),
    };
    this.latest.set(observation.resource, row);
    this.dirty.add(observation.resource);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.options.flushEveryMs ?? 1000).unref();
  }

  /**
   * Records that the token is held until `untilMs` and writes it now (resolves once stored, or
   * failed and reported). A shorter hold than the one in force changes nothing: the scheduler
   * keeps the longer one too. Pacing is not a hold.
   */
  hold(resource: string, untilMs: number, reason: WaitReason): Promise<void> {
    if (reason === 'pacing') return this.writing;
    const current = this.latest.get(resource);
    if (current?.heldUntil !== undefined && Date.parse(current.heldUntil) >= untilMs) return this.writing;
    const now = new Date(this.options.now()).toISOString();
    const base: RateLimitRow = current ?? {
      // Refused before any response reported this budget: nothing is known of it but the hold,
      // which is when it can next be spent.
      syncId: this.options.syncId,
      connector: this.options.connector(),
      resource,
      limit: 0,
      remaining: 0,
      resetAt: new Date(untilMs).toISOString(),
      observedAt: now,
    };
    this.latest.set(resource, { ...base, heldUntil: new Date(untilMs).toISOString(), holdReason: reason satisfies HoldReason });
    this.dirty.add(resource);
    return this.flush();
  }

  /** Writes what changed since the last write; resolves when it is stored (or failed and reported). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(async () => {
      const rows = [...this.dirty].map((r) => this.latest.get(r)).filter((r): r is RateLimitRow => r !== undefined);
      if (rows.length === 0) return;
      this.dirty.clear();
      try {
        await this.options.store.saveRateLimits(rows);
      } catch (error) {
        for (const row of rows) this.dirty.add(row.resource);
        this.options.onWriteFailed(error, rows.length);
      }
    });
    return this.writing;
  }

  /** The hold on `resource`'s row if it has not ended yet; none once it has. */
  private holdStillOn(resource: string): Pick<RateLimitRow, 'heldUntil' | 'holdReason'> {
    const current = this.latest.get(resource);
    if (current?.heldUntil === undefined || Date.parse(current.heldUntil) <= this.options.now()) return {};
    return { heldUntil: current.heldUntil, ...(current.holdReason ? { holdReason: current.holdReason } : {}) };
  }
}
