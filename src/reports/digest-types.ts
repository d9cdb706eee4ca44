import type { ErrorCategory } from '../errors/sync-error.js';
import type { PartitionKind } from '../ports/records.js';
import type { PartitionStatus, RunStatus } from '../ports/run-store.js';
import type { TimeBreakdown } from './time-breakdown.js';

/**
 * Everything the executive summary, its JSON twin and `syncscope show` say about one sync, read
 * from the run store by `buildRunDigest`. The field names are snake_case because this object *is*
 * the `_SYNC_SUMMARY.json` contract (and `show --json`): rename a field only with its readers.
 */
export interface RunDigest {
  schema_version: 1;
  sync_id: string;
  pipeline: string;
  status: RunStatus;
  /** ✅ ❌ ⚠️ ⏸ ⏳ */
  status_mark: string;
  dry_run: boolean;
  started_at: string;
  finished_at: string | null;
  /** Wall time of all attempts; for a run still going, up to `generated_at`. */
  duration_ms: number;
  trace_id: string;
  resume_count: number;
  retry_of: string | null;
  /** Later syncs that re-ran this one's failed records (`run --retry-failed`). */
  retried_by: string[];
  records: DigestRecordCounts;
  progress: { partitions_total: number; partitions_finished: number; percent: number };
  partition_totals: { total: number; succeeded: number; failed: number; unfinished: number };
  throughput_records_per_second: number;
  batches: { total: number; succeeded: number; failed: number; success_rate: number | null; write_retries: number };
  api: DigestApiTotals;
  time_breakdown: TimeBreakdown;
  errors: DigestErrors;
  /** Failed partitions first, then unfinished, then succeeded; by key within each group. */
  partitions: DigestPartition[];
  /** The API quota this sync spent, per connector and rate-limit resource. */
  quota: DigestQuota[];
  /** GraphQL points spent; null for runs that made no GraphQL calls (REST mode, orders). */
  api_points: DigestApiPoints | null;
  /** What the destination created, updated or found (orders: items, groups, labels), by kind and action. */
  destination_changes: DigestChangeCount[];
  previous: DigestPrevious | null;
  links: { trace: string | null; logs: string | null };
  generated_at: string;
}

export interface DigestRecordCounts {
  synced: number;
  failed: number;
  skipped: number;
  pending: number;
  total: number;
}

export interface DigestErrors {
  /** The run's own error (e.g. listing partitions failed); partition errors are with their partitions. */
  run_error: { category: ErrorCategory; message: string | null } | null;
  by_category: DigestErrorCategory[];
  /** Up to 10 failed records, by record key. */
  top_failed_records: DigestFailedRecord[];
}

export interface DigestErrorCategory {
  category: ErrorCategory;
  /** Records that ended `failed` with this category. */
  records: number;
  /** Partitions that failed as a whole (not only through their records) with this category. */
  partitions: number;
  /** The run itself failed with this category (see `run_error`). */
  run_level: boolean;
  example_message: string | null;
}

export interface DigestFailedRecord {
  record_key: string;
  partition_key: string;
  entity: string;
  category: ErrorCategory | null;
  message: string | null;
  /** The provider's request ID of the call that failed it (Monday's `request_id`), when known. */
  request_id: string | null;
}

export interface DigestPartition {
  key: string;
  kind: PartitionKind;
  status: PartitionStatus;
  /** ✅ / ❌ / ⏸, derived from status, failed records and failed batches. */
  mark: string;
  records: DigestRecordCounts;
  batches: number;
  batches_failed: number;
  write_retries: number;
  /** Sum of its batches' write times. */
  destination_ms: number;
  duration_ms: number | null;
  error_category: ErrorCategory | null;
  error_message: string | null;
  /** Its report, relative to the sync's report folder, e.g. `repo_reports/octo__web.md`. */
  report_file: string;
  /** Its destination changes by kind and action (empty for destinations that report none). */
  changes: DigestChangeCount[];
  /** The API calls made for it: calls, errors, quota points and time. */
  api: { calls: number; errors: number; cost: number; duration_ms: number };
}

export interface DigestChangeCount {
  kind: string;
  action: 'created' | 'updated' | 'found';
  count: number;
}

export interface DigestQuota {
  connector: string;
  resource: string | null;
  calls: number;
  errors: number;
  cost: number;
  duration_ms: number;
}

export interface DigestPrevious {
  sync_id: string;
  status: RunStatus;
  started_at: string;
  /** This run minus the previous one. */
  deltas: {
    records_synced: number;
    records_failed: number;
    partitions_failed: number;
    duration_ms: number | null;
    quota_cost: number;
  };
}

/** One GraphQL query name's share of the points a run spent. */
export interface DigestTopQuery {
  operation: string;
  calls: number;
  errors: number;
  points: number;
  duration_ms: number;
}

/**
 * The GraphQL points a run spent (GitHub's `graphql` resource): REST runs spend none and have no
 * such figure. `records_per_point` is records read (synced + skipped) per point.
 */
export interface DigestApiPoints {
  spent: number;
  records_per_point: number;
  /** The query names that cost the most, costliest first (at most `TOP_QUERIES`). */
  top_queries: DigestTopQuery[];
}

/** A run's API totals as the JSON outputs name them (`--json` summary, `_SYNC_SUMMARY.json`). */
export interface DigestApiTotals {
  requests: number;
  retries: number;
  rate_limit_waits: number;
  rate_limit_wait_seconds: number;
  rate_limit_rejections: number;
}
