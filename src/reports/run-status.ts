import type { RateLimitRow, RunStore } from '../ports/run-store.js';
import { estimateEta, throughputOf } from './eta.js';
import { holdsInForce, type HoldInForce } from './holds-in-force.js';
import { readRunDigest, type DigestOptions } from './run-digest.js';
import { progressOf } from './run-progress.js';
import type { RateLimitView, RunStatusView } from './run-status-types.js';
import { runStatusMark } from './status-marks.js';

/**
 * The live view of one sync (see `RunStatusView`): the digest `syncscope show` and the reports
 * use, plus progress segments, throughput, ETA with its basis and the rate-limit panel. Reads the
 * store only; undefined for a sync it does not hold.
 */
export async function buildRunStatus(store: RunStore, syncId: string, options: DigestOptions = {}): Promise<RunStatusView | undefined> {
  const read = await readRunDigest(store, syncId, { ...options, history: false });
  if (!read) return undefined;
  const { digest, rows } = read;
  const now = options.now?.() ?? Date.now();
  const live = rows.run.status === 'running';
  const limits = await store.listRateLimits(syncId);
  const holds = holdsInForce(limits, now);

  const estimate = progressOf(rows.partitions, digest.records);
  const attemptStartMs = Date.parse(rows.attempts.at(-1)?.startedAt ?? rows.run.startedAt);
  const endMs = live ? now : Date.parse(rows.run.finishedAt ?? new Date(now).toISOString());
  const throughput = throughputOf(rows.batches, { attemptStartMs, wallMs: digest.duration_ms, endMs });
  const done = digest.records.synced + digest.records.failed + digest.records.skipped;
  const calls = rows.usage.reduce((sum, u) => sum + u.calls, 0);
  const { eta, reason } = live
    ? estimateEta({
        remainingRecords: estimate.remainingRecords,
        throughput,
        callsPerRecord: calls > 0 && done > 0 ? calls / done : null,
        budgets: limits,
        now,
      })
    : { eta: null, reason: `the run has ended (${rows.run.status})` };

  return {
    sync_id: digest.sync_id,
    pipeline: digest.pipeline,
    organization: rows.run.organization,
    status: digest.status,
    status_mark: digest.status_mark,
    live,
    dry_run: digest.dry_run,
    started_at: digest.started_at,
    finished_at: digest.finished_at,
    duration_ms: digest.duration_ms,
    trace_id: digest.trace_id,
    resume_count: digest.resume_count,
    retry_of: digest.retry_of,
    cancel_requested_at: rows.run.cancelRequest?.requestedAt ?? null,
    cancel_requested_by: rows.run.cancelRequest?.requestedBy ?? null,
    records: digest.records,
    progress: estimate.progress,
    throughput,
    eta,
    eta_unavailable: eta ? null : reason,
    batches: digest.batches,
    errors: digest.errors,
    partitions: estimate.partitions,
    rate_limits: limits.map((l) => rateLimitView(l, holds.find((h) => h.connector === l.connector && h.resource === l.resource))),
    quota: digest.quota,
    // The run row's totals are written when an attempt ends; while it runs, the audit trail counts.
    api: live ? { ...digest.api, requests: Math.max(digest.api.requests, calls) } : digest.api,
    links: digest.links,
    generated_at: digest.generated_at,
  };
}

/**
 * One budget as the status view shows it: its last reading, and its hold while one lasts. An
 * interrupted run's hold is shown too: its resume waits it out.
 */
function rateLimitView(l: RateLimitRow, hold: HoldInForce | undefined): RateLimitView {
  return {
    connector: l.connector,
    resource: l.resource,
    limit: l.limit,
    remaining: l.remaining,
    used_percent: l.limit > 0 ? Math.round(((l.limit - l.remaining) / l.limit) * 1000) / 10 : 0,
    reset_at: l.resetAt,
    observed_at: l.observedAt,
    held_until: hold ? new Date(hold.untilMs).toISOString() : null,
    hold_reason: hold?.reason ?? null,
  };
}

/** A job as the queued view needs it (see `JobInfo`). */
export interface QueuedJob {
  syncId: string;
  pipeline: string;
  organization: string;
  execute: boolean;
  state: 'waiting' | 'active' | 'failed' | 'cancelled' | 'completed';
  error: string | null;
}

/**
 * The view of a run a service accepted but has not started (nothing in the store yet), or one
 * dropped before it started (cancelled while waiting, or it could not start).
 */
export function queuedRunStatus(job: QueuedJob, now: number): RunStatusView {
  const ended = job.state === 'cancelled' || job.state === 'failed';
  const status = job.state === 'cancelled' ? 'cancelled' : job.state === 'failed' ? 'failed' : 'queued';
  return {
    sync_id: job.syncId,
    pipeline: job.pipeline,
    organization: job.organization,
    status,
    status_mark: status === 'queued' ? '🕓' : runStatusMark(status),
    live: !ended,
    dry_run: !job.execute,
    started_at: null,
    finished_at: null,
    duration_ms: 0,
    trace_id: null,
    resume_count: 0,
    retry_of: null,
    cancel_requested_at: null,
    cancel_requested_by: null,
    records: { synced: 0, failed: 0, skipped: 0, pending: 0, total: 0 },
    progress: {
      basis: 'partitions', percent: 0, segments: { synced: 0, skipped: 0, failed: 0, in_progress: 0, pending: 0 },
      expected_records: null, expected_basis: null, partitions_total: 0, partitions_finished: 0, partitions_running: 0,
    },
    throughput: { records_per_second: 0, recent_records_per_second: 0, window_seconds: 0, series: [], bucket_seconds: 0 },
    eta: null,
    eta_unavailable: ended ? (job.error ?? 'the run never started') : 'waiting for a free run slot',
    batches: { total: 0, succeeded: 0, failed: 0, success_rate: null, write_retries: 0 },
    errors: { run_error: null, by_category: [], top_failed_records: [] },
    partitions: [],
    rate_limits: [],
    quota: [],
    api: { requests: 0, retries: 0, rate_limit_waits: 0, rate_limit_wait_seconds: 0, rate_limit_rejections: 0 },
    links: { trace: null, logs: null },
    generated_at: new Date(now).toISOString(),
  };
}
