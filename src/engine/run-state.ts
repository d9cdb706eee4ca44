import type { SyncError } from '../errors/sync-error.js';
import type { PartitionRow, RunRow, RunStatus, RunStore } from '../ports/run-store.js';
import type { RunApiStats } from '../telemetry/run-telemetry.js';

export function emptyRun(
  input: { syncId: string; pipeline: string; organization?: string; recordedOptions: Record<string, unknown>; retryOf?: string },
  traceId: string,
  rootSpanId: string,
  startedAt: string,
): RunRow {
  return {
    syncId: input.syncId,
    pipeline: input.pipeline,
    organization: input.organization ?? 'default',
    status: 'running',
    options: input.recordedOptions,
    startedAt,
    finishedAt: null,
    durationMs: null,
    traceId,
    rootSpanId,
    resumeCount: 0,
    retryOf: input.retryOf ?? null,
    records: { synced: 0, failed: 0, skipped: 0, pending: 0 },
    partitions: { total: 0, succeeded: 0, failed: 0 },
    batches: { total: 0, succeeded: 0, failed: 0 },
    api: { requests: 0, retries: 0, rateLimitWaits: 0, rateLimitWaitSeconds: 0, rateLimitRejections: 0 },
    errorCategory: null,
    errorMessage: null,
    cancelRequest: null,
  };
}

/**
 * A run's status from its partitions' outcomes (never from a field that may be missing):
 * the run could not proceed → failed; every partition failed → failed; some → partial.
 */
export function deriveRunStatus(partitions: PartitionRow[], runError: SyncError | undefined): RunStatus {
  if (runError) return 'failed';
  if (partitions.some((p) => p.status === 'interrupted' || p.status === 'running' || p.status === 'pending')) {
    return 'interrupted';
  }
  const failed = partitions.filter((p) => p.status === 'failed').length;
  if (failed === 0) return 'succeeded';
  return failed === partitions.length ? 'failed' : 'partial';
}

export interface RunEnd {
  status: RunStatus;
  partitions: PartitionRow[];
  stats: RunApiStats;
  /** Records read in this attempt but not committed (interrupted mid-page). */
  uncommitted: number;
  finishedAt: string;
  attemptDurationMs: number;
  error?: { category: SyncError['category']; message: string };
}

/** The run row at the end of an attempt; counts come from the store, so resumes add up. */
export async function summariseRun(store: RunStore, run: RunRow, end: RunEnd): Promise<RunRow> {
  const counts = await store.countRecordStates(run.syncId);
  const batches = await store.listBatches(run.syncId);
  const batchesFailed = batches.filter((b) => b.status === 'failure').length;
  const firstFailed = end.partitions.find((p) => p.status === 'failed');
  return {
    ...run,
    status: end.status,
    finishedAt: end.finishedAt,
    durationMs: (run.durationMs ?? 0) + end.attemptDurationMs,
    records: { ...counts, pending: counts.pending + Math.max(0, end.uncommitted) },
    partitions: {
      total: end.partitions.length,
      succeeded: end.partitions.filter((p) => p.status === 'succeeded').length,
      failed: end.partitions.filter((p) => p.status === 'failed').length,
    },
    batches: { total: batches.length, succeeded: batches.length - batchesFailed, failed: batchesFailed },
    api: {
      requests: run.api.requests + end.stats.requests,
      retries: run.api.retries + end.stats.retries,
      rateLimitWaits: run.api.rateLimitWaits + end.stats.rateLimitWaits,
      rateLimitWaitSeconds: run.api.rateLimitWaitSeconds + end.stats.rateLimitWaitSeconds,
      rateLimitRejections: run.api.rateLimitRejections + end.stats.rateLimitRejections,
    },
    errorCategory: end.error?.category ?? firstFailed?.errorCategory ?? null,
    errorMessage: end.error?.message ?? firstFailed?.errorMessage ?? null,
  };
}
