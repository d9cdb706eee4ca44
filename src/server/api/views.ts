import type { JobInfo } from '../../ports/job-queue.js';
import type { RunRow } from '../../ports/run-store.js';

export const API_BASE = '/api/v1';

/** Where a run's resources are, relative to the service's origin. */
export function runUrls(syncId: string) {
  const self = `${API_BASE}/runs/${syncId}`;
  return {
    self,
    events: `${self}/events`,
    partitions: `${self}/partitions`,
    errors: `${self}/errors`,
    cancel: `${self}/cancel`,
    dashboard: `/#/runs/${syncId}`,
  };
}

/**
 * A job as the API shows it, in the shape peers use for sync jobs (Airbyte's `jobId`, `status`,
 * `jobType`, `startTime`, `lastUpdatedAt`, `duration`, `rowsSynced`), snake_case like the rest.
 */
export function jobView(job: JobInfo, run: RunRow | null) {
  const end = job.finishedAt ?? null;
  const startMs = job.startedAt ? Date.parse(job.startedAt) : null;
  return {
    job_id: job.jobId,
    status: job.state,
    job_type: 'sync',
    sync_id: job.syncId,
    pipeline: job.pipeline,
    organization: job.organization,
    execute: job.execute,
    options: job.options,
    requested_by: job.requestedBy,
    created_at: job.createdAt,
    start_time: job.startedAt,
    last_updated_at: end ?? job.startedAt ?? job.createdAt,
    duration_ms: startMs === null ? null : Math.max(0, (end ? Date.parse(end) : Date.now()) - startMs),
    run_status: job.runStatus ?? run?.status ?? null,
    rows_synced: run?.records.synced ?? null,
    error: job.error,
    url: `${API_BASE}/jobs/${job.jobId}`,
  };
}
