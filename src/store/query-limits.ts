import type { RecordCounts } from '../ports/run-store.js';

/** `RunFilter.limit` when none is given (the port's documented default). */
export const DEFAULT_RUN_LIMIT = 50;

/**
 * A row limit every adapter treats alike: whole and non-negative. SQLite reads a negative LIMIT
 * as "no limit" and PostgreSQL rejects it, so it is clamped before it reaches SQL.
 */
export function normalizeLimit(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  return Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : undefined;
}

export function zeroCounts(): RecordCounts {
  return { synced: 0, failed: 0, skipped: 0, pending: 0 };
}
