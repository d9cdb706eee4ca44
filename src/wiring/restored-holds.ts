import type { RequestScheduler } from '../ports/request-scheduler.js';
import type { HoldReason, RateLimitRow, RunStore } from '../ports/run-store.js';

/** A hold an earlier attempt of the sync left in the store that has not ended yet. */
export interface RestoredHold {
  connector: string;
  resource: string;
  untilMs: number;
  reason: HoldReason;
}

/**
 * Pure: the holds among a sync's stored rate-limit rows that still last at `now`. A row held
 * without a stored reason was held for a Retry-After (the only hold older writers knew of).
 */
export function holdsInForce(rows: readonly RateLimitRow[], now: number): RestoredHold[] {
  return rows.flatMap((row) => {
    const untilMs = row.heldUntil === undefined ? Number.NaN : Date.parse(row.heldUntil);
    if (!(untilMs > now)) return [];
    return [{ connector: row.connector, resource: row.resource, untilMs, reason: row.holdReason ?? 'retry_after' }];
  });
}

export interface RestoreHoldsOptions {
  store: RunStore;
  syncId: string;
  /** The token this attempt's requests go out on (holds are per token, like the API's). */
  tokenId: string;
  scheduler: RequestScheduler;
  now: () => number;
}

/**
 * A resumed sync waits out the holds its earlier attempt was under when it stopped (a process
 * killed 0.5 s into a 2 s Retry-After must not send into the rest of it): each stored hold that
 * has not ended is put on the scheduler before the first request, which then waits as it would
 * have in the first process (and says so with the rate-wait event). Returns the holds put back,
 * for the run to announce once it has started.
 */
export async function restoreHolds(options: RestoreHoldsOptions): Promise<RestoredHold[]> {
  const holds = holdsInForce(await options.store.listRateLimits(options.syncId), options.now());
  for (const hold of holds) {
    options.scheduler.block({ tokenId: options.tokenId, resource: hold.resource }, hold.untilMs, hold.reason);
  }
  return holds;
}
