import type { ApiUsageRow, BatchRow, DestinationChangeCount, PartitionApiUsageRow, PartitionRow, RecordCounts, RunAttemptRow, RunRow, RunStore } from '../ports/run-store.js';
import { apiPointsOf } from './api-points.js';
import { errorsByCategory, runLevelError } from './digest-errors.js';
import { previousOf, retriedBy } from './digest-history.js';
import type { DigestApiTotals, DigestChangeCount, DigestFailedRecord, DigestPartition, DigestRecordCounts, RunDigest } from './digest-types.js';
import { partitionFolder, PartitionFileNamer } from './file-names.js';
import { grafanaLinks } from './grafana-links.js';
import { markRank, partitionMark, runStatusMark } from './status-marks.js';
import { computeTimeBreakdown } from './time-breakdown.js';

export interface DigestOptions {
  /** SYNCSCOPE_GRAFANA_URL: adds Explore links to the trace and the logs. */
  grafanaUrl?: string;
  /** `service_name` of the log lines (OTEL_SERVICE_NAME), for the Loki link. */
  serviceName?: string;
  /** A second net over every error message: the store should hold no secrets, but reports leave the building. */
  redact?: (text: string) => string;
  now?: () => number;
  /**
   * Compare with the previous run and list later retries (default true). Live views skip it: it
   * reads other runs, and nothing they show uses it.
   */
  history?: boolean;
}

export const TOP_FAILED_RECORDS = 10;

interface BatchTotals {
  batches: number;
  failed: number;
  writeRetries: number;
  durationMs: number;
}

/**
 * Reads one sync from the store into the digest every report and `syncscope show` render. Memory
 * stays bounded by the number of partitions and batches: record states are only counted and
 * aggregated, and at most `TOP_FAILED_RECORDS` of them are read. Undefined for an unknown sync.
 */
export async function buildRunDigest(store: RunStore, syncId: string, options: DigestOptions = {}): Promise<RunDigest | undefined> {
  return (await readRunDigest(store, syncId, options))?.digest;
}

/** The store rows a digest was built from, for views that add live figures to it (`run-status.ts`). */
export interface DigestRows {
  run: RunRow;
  partitions: PartitionRow[];
  batches: BatchRow[];
  usage: ApiUsageRow[];
  attempts: RunAttemptRow[];
}

/** `buildRunDigest`, also returning the rows it read. */
export async function readRunDigest(store: RunStore, syncId: string, options: DigestOptions = {}): Promise<{ digest: RunDigest; rows: DigestRows } | undefined> {
  const run = await store.getRun(syncId);
  if (!run) return undefined;
  const now = options.now?.() ?? Date.now();
  const redact = options.redact ?? ((text: string) => text);
  const [partitionRows, counts, batchRows, usage, failures, failed, attempts, changeCounts, partitionUsage, operationUsage] = await Promise.all([
    store.listPartitions(syncId),
    store.countRecordStates(syncId),
    store.listBatches(syncId),
    store.apiUsage(syncId),
    store.failuresByCategory(syncId),
    store.listRecordStates(syncId, { status: 'failed', limit: TOP_FAILED_RECORDS }),
    store.listAttempts(syncId),
    store.countDestinationChanges(syncId),
    store.apiUsageByPartition(syncId),
    store.apiUsageByOperation(syncId),
  ]);

  const perPartition = new Map<string, BatchTotals>();
  const all: BatchTotals = { batches: 0, failed: 0, writeRetries: 0, durationMs: 0 };
  for (const b of batchRows) {
    const totals = perPartition.get(b.partitionKey) ?? { batches: 0, failed: 0, writeRetries: 0, durationMs: 0 };
    for (const t of [totals, all]) {
      t.batches += 1;
      t.failed += b.status === 'failure' ? 1 : 0;
      t.writeRetries += Math.max(0, b.attempt - 1);
      t.durationMs += b.durationMs;
    }
    perPartition.set(b.partitionKey, totals);
  }

  const namer = new PartitionFileNamer();
  const partitions = partitionRows
    .map((p) => toDigestPartition(p, perPartition.get(p.partitionKey), namer, redact, changeCounts, partitionUsage))
    .sort((a, b) => markRank(a.mark) - markRank(b.mark) || a.key.localeCompare(b.key));

  const records = withTotal({ ...counts, pending: Math.max(counts.pending, run.records.pending) });
  // A running attempt adds its time so far to what earlier attempts (before a resume) took.
  const wallMs = run.status !== 'running'
    ? (run.durationMs ?? 0)
    : (run.durationMs ?? 0) + Math.max(0, now - Date.parse(attempts.at(-1)?.startedAt ?? run.startedAt));
  const finished = partitionRows.filter((p) => p.status === 'succeeded' || p.status === 'failed').length;
  const succeeded = partitionRows.filter((p) => p.status === 'succeeded').length;
  const failedPartitions = partitionRows.filter((p) => p.status === 'failed').length;
  const apiMs = usage.reduce((sum, u) => sum + u.totalDurationMs, 0);
  const apiCalls = usage.reduce((sum, u) => sum + u.calls, 0);
  const runError = runLevelError(run, partitions, redact);
  const topFailed: DigestFailedRecord[] = failed.map((r) => ({
    record_key: r.recordKey,
    partition_key: r.partitionKey,
    entity: r.entity,
    category: r.errorCategory,
    message: r.errorMessage === null ? null : redact(r.errorMessage),
    request_id: r.requestId,
  }));

  const digest: RunDigest = {
    schema_version: 1,
    sync_id: run.syncId,
    pipeline: run.pipeline,
    status: run.status,
    status_mark: runStatusMark(run.status),
    dry_run: run.options.execute === false,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    duration_ms: Math.round(wallMs),
    trace_id: run.traceId,
    resume_count: run.resumeCount,
    retry_of: run.retryOf,
    retried_by: options.history === false ? [] : await retriedBy(store, run),
    records,
    progress: {
      partitions_total: partitionRows.length,
      partitions_finished: finished,
      percent: partitionRows.length > 0 ? Math.round((finished / partitionRows.length) * 1000) / 10 : run.status === 'running' ? 0 : 100,
    },
    partition_totals: { total: partitionRows.length, succeeded, failed: failedPartitions, unfinished: partitionRows.length - finished },
    throughput_records_per_second: wallMs > 0 ? Math.round(((records.synced + records.skipped) / (wallMs / 1000)) * 10) / 10 : 0,
    batches: {
      total: all.batches,
      succeeded: all.batches - all.failed,
      failed: all.failed,
      success_rate: all.batches > 0 ? Math.round(((all.batches - all.failed) / all.batches) * 10_000) / 10_000 : null,
      write_retries: all.writeRetries,
    },
    api: apiTotals(run.api),
    time_breakdown: computeTimeBreakdown({ wallMs, apiMs, apiCalls, rateLimitWaitMs: run.api.rateLimitWaitSeconds * 1000, destinationMs: all.durationMs }),
    errors: { run_error: runError, by_category: errorsByCategory(runError, failures, partitions, topFailed), top_failed_records: topFailed },
    partitions,
    quota: usage.map((u) => ({ connector: u.connector, resource: u.resource, calls: u.calls, errors: u.errors, cost: u.cost, duration_ms: Math.round(u.totalDurationMs) })),
    api_points: apiPointsOf(operationUsage, records.synced + records.skipped),
    destination_changes: changeTotals(changeCounts),
    previous: options.history === false ? null : await previousOf(store, run, { records, failedPartitions, wallMs, cost: usage.reduce((sum, u) => sum + u.cost, 0) }),
    links: grafanaLinks({
      grafanaUrl: options.grafanaUrl,
      serviceName: options.serviceName ?? 'syncscope',
      syncId: run.syncId,
      traceId: run.traceId,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
    }),
    generated_at: new Date(now).toISOString(),
  };
  return { digest, rows: { run, partitions: partitionRows, batches: batchRows, usage, attempts } };
}

function toDigestPartition(
  p: PartitionRow,
  batches: BatchTotals | undefined,
  namer: PartitionFileNamer,
  redact: (t: string) => string,
  changes: DestinationChangeCount[],
  usage: PartitionApiUsageRow[],
): DigestPartition {
  const batchesFailed = Math.max(p.batchesFailed, batches?.failed ?? 0);
  const own = usage.filter((u) => u.partitionKey === p.partitionKey);
  return {
    key: p.partitionKey,
    kind: p.kind,
    status: p.status,
    mark: partitionMark({ status: p.status, recordsFailed: p.records.failed, batchesFailed }),
    records: withTotal(p.records),
    batches: Math.max(p.batchesTotal, batches?.batches ?? 0),
    batches_failed: batchesFailed,
    write_retries: batches?.writeRetries ?? 0,
    destination_ms: Math.round(batches?.durationMs ?? 0),
    duration_ms: p.durationMs === null ? null : Math.round(p.durationMs),
    error_category: p.errorCategory,
    error_message: p.errorMessage === null ? null : redact(p.errorMessage),
    report_file: `${partitionFolder(p.kind)}/${namer.stem(p.partitionKey)}.md`,
    changes: changeTotals(changes.filter((c) => c.partitionKey === p.partitionKey)),
    api: {
      calls: own.reduce((sum, u) => sum + u.calls, 0),
      errors: own.reduce((sum, u) => sum + u.errors, 0),
      cost: own.reduce((sum, u) => sum + u.cost, 0),
      duration_ms: Math.round(own.reduce((sum, u) => sum + u.totalDurationMs, 0)),
    },
  };
}

/** Change counts summed by kind and action, in a stable order (kind, then created/updated/found). */
function changeTotals(rows: DestinationChangeCount[]): DigestChangeCount[] {
  const order = { created: 0, updated: 1, found: 2 } as const;
  const totals = new Map<string, DigestChangeCount>();
  for (const r of rows) {
    const key = `${r.kind}\u0000${r.action}`;
    const total = totals.get(key) ?? { kind: r.kind, action: r.action, count: 0 };
    total.count += r.count;
    totals.set(key, total);
  }
  return [...totals.values()].sort((a, b) => a.kind.localeCompare(b.kind) || order[a.action] - order[b.action]);
}

/** How many `kind` objects were `action`ed (0 when none). */
export function changeCount(changes: readonly DigestChangeCount[], kind: string, action: DigestChangeCount['action']): number {
  return changes.find((c) => c.kind === kind && c.action === action)?.count ?? 0;
}

function withTotal(c: RecordCounts): DigestRecordCounts {
  return { synced: c.synced, failed: c.failed, skipped: c.skipped, pending: c.pending, total: c.synced + c.failed + c.skipped + c.pending };
}

/** The run's API totals for the JSON outputs, wait seconds to the millisecond. */
export function apiTotals(api: RunRow['api']): DigestApiTotals {
  return {
    requests: api.requests,
    retries: api.retries,
    rate_limit_waits: api.rateLimitWaits,
    rate_limit_wait_seconds: Math.round(api.rateLimitWaitSeconds * 1000) / 1000,
    rate_limit_rejections: api.rateLimitRejections,
  };
}
