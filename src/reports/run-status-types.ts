import type { ErrorCategory } from '../errors/sync-error.js';
import type { PartitionKind } from '../ports/records.js';
import type { HoldReason, PartitionStatus, RunStatus } from '../ports/run-store.js';
import type { DigestApiTotals, DigestErrors, DigestQuota, DigestRecordCounts } from './digest-types.js';

/**
 * The live view of one sync that the status API (`GET /api/v1/runs/:syncId`, its event stream),
 * the dashboard and `syncscope status` show. Built from the run store alone, so it is the same for
 * a run of this process, of a CLI run beside it, or of a worker elsewhere. snake_case: it is a
 * JSON contract.
 */
export interface RunStatusView {
  sync_id: string;
  pipeline: string;
  organization: string;
  /** `queued`: accepted by this service, not started yet (no run in the store so far). */
  status: RunStatus | 'queued';
  status_mark: string;
  /** Still going: the view changes and its event stream stays open. */
  live: boolean;
  dry_run: boolean;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number;
  trace_id: string | null;
  resume_count: number;
  retry_of: string | null;
  cancel_requested_at: string | null;
  cancel_requested_by: string | null;
  records: DigestRecordCounts;
  progress: RunProgressView;
  throughput: ThroughputView;
  eta: EtaView | null;
  /** Why there is no ETA (when `eta` is null). */
  eta_unavailable: string | null;
  batches: { total: number; succeeded: number; failed: number; success_rate: number | null; write_retries: number };
  errors: DigestErrors;
  partitions: PartitionStatusView[];
  rate_limits: RateLimitView[];
  quota: DigestQuota[];
  api: DigestApiTotals;
  links: { trace: string | null; logs: string | null };
  generated_at: string;
}

/**
 * The progress bar. With `basis: records`, segments are record counts: written (`synced`,
 * `skipped` on a dry run), `failed`, `in_progress` (still expected from partitions being synced
 * now) and `pending` (expected from partitions not started). The expectation comes from the
 * source's estimates (GitHub: last page × page size), else the average of the partitions known.
 * With `basis: partitions` (no size known yet) segments count partitions.
 */
export interface RunProgressView {
  basis: 'records' | 'partitions';
  percent: number;
  segments: { synced: number; skipped: number; failed: number; in_progress: number; pending: number };
  /** Records the run is expected to hold in all, when known. */
  expected_records: number | null;
  expected_basis: 'source_estimate' | 'partition_average' | null;
  partitions_total: number;
  partitions_finished: number;
  partitions_running: number;
}

export interface ThroughputView {
  /** Records written (synced + skipped) per second over the whole run. */
  records_per_second: number;
  /** Over the last `window_seconds` (what the ETA uses). */
  recent_records_per_second: number;
  window_seconds: number;
  /** Records per second in equal buckets from the first batch to now (or the end): the sparkline. */
  series: number[];
  bucket_seconds: number;
}

export interface EtaView {
  seconds: number;
  at: string;
  /** `throughput`: remaining records ÷ recent throughput. `rate_limit_budget`: the budget runs out first; the rest waits for the reset. */
  basis: 'throughput' | 'rate_limit_budget';
  explanation: string;
  remaining_records: number;
  records_per_second: number;
  /** The budget that bounds the ETA, when it does. */
  budget: { connector: string; resource: string; remaining: number; limit: number; reset_at: string; calls_needed: number } | null;
}

export interface PartitionStatusView {
  key: string;
  kind: PartitionKind;
  status: PartitionStatus;
  mark: string;
  records: DigestRecordCounts;
  /** The source's estimate of the partition's size; its actual size once finished. */
  expected_records: number | null;
  percent: number | null;
  duration_ms: number | null;
  error_category: ErrorCategory | null;
  error_message: string | null;
}

export interface RateLimitView {
  connector: string;
  resource: string;
  limit: number;
  remaining: number;
  used_percent: number;
  reset_at: string;
  observed_at: string;
  /**
   * While the run's requests on this budget are held back (a Retry-After, a secondary limit, a
   * spent budget): when the hold ends. Null when no stored hold lasts past `generated_at`. An
   * interrupted run's hold is kept for its resume, which waits it out: this also says why a
   * resume sends nothing yet.
   */
  held_until: string | null;
  /** Why it is held (`primary`, `secondary`, `retry_after`); null with `held_until`. */
  hold_reason: HoldReason | null;
}
