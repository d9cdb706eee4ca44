import type { RateLimitObservation } from '../ports/request-scheduler.js';
import type { RateLimitRow, RunStore } from '../ports/run-store.js';

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
    };
    this.latest.set(observation.resource, row);
    this.dirty.add(observation.resource);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.options.flushEveryMs ?? 1000).unref();
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
}
