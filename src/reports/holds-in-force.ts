import type { HoldReason, RateLimitRow } from '../ports/run-store.js';

/** A rate-limit hold stored with a sync that has not ended yet. */
export interface HoldInForce {
  connector: string;
  resource: string;
  untilMs: number;
  reason: HoldReason;
}

/**
 * Pure: the holds among a sync's stored rate-limit rows that still last at `now`: what a resume
 * or a retry waits out, and what the status view shows. A row held without a stored reason was
 * held for a Retry-After (the only hold older writers knew of).
 */
export function holdsInForce(rows: readonly RateLimitRow[], now: number): HoldInForce[] {
  return rows.flatMap((row) => {
    const untilMs = row.heldUntil === undefined ? Number.NaN : Date.parse(row.heldUntil);
    if (!(untilMs > now)) return [];
    return [{ connector: row.connector, resource: row.resource, untilMs, reason: row.holdReason ?? 'retry_after' }];
  });
}
