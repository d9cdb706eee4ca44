import type { RunRow, RunStore } from '../ports/run-store.js';
import type { DigestPrevious, DigestRecordCounts } from './digest-types.js';

/** `retried by` looks this many later runs of the pipeline ahead. */
const RETRY_LOOKAHEAD = 200;

/** Later syncs of the pipeline that re-ran this one's failed records. */
export async function retriedBy(store: RunStore, run: RunRow): Promise<string[]> {
  const later = await store.listRuns({ pipeline: run.pipeline, since: run.startedAt, limit: RETRY_LOOKAHEAD });
  return later.filter((r) => r.retryOf === run.syncId).map((r) => r.syncId).sort();
}

export interface CurrentTotals {
  records: DigestRecordCounts;
  failedPartitions: number;
  wallMs: number;
  cost: number;
}

/** The previous run of the pipeline, and this run's deltas against it. */
export async function previousOf(store: RunStore, run: RunRow, current: CurrentTotals): Promise<DigestPrevious | null> {
  const prev = await store.previousRun(run.pipeline, run.syncId);
  if (!prev) return null;
  const prevCost = (await store.apiUsage(prev.syncId)).reduce((sum, u) => sum + u.cost, 0);
  return {
    sync_id: prev.syncId,
    status: prev.status,
    started_at: prev.startedAt,
    deltas: {
      records_synced: current.records.synced - prev.records.synced,
      records_failed: current.records.failed - prev.records.failed,
      partitions_failed: current.failedPartitions - prev.partitions.failed,
      duration_ms: prev.durationMs === null ? null : Math.round(current.wallMs - prev.durationMs),
      quota_cost: current.cost - prevCost,
    },
  };
}
