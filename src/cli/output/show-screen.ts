import type { ApiCallRow } from '../../ports/run-store.js';
import type { RunDigest } from '../../reports/digest-types.js';
import { pointsLine } from '../../reports/api-points.js';
import { clip, formatCount, formatMs, formatPercent, formatTime } from '../../reports/markdown.js';
import { errorCell } from '../../reports/summary-markdown.js';
import { renderTable } from './table.js';

/** Rows of the partitions table before "… N more": enough to see the failures, short enough for one screen. */
export const SHOW_PARTITION_ROWS = 30;

/** One slow API call as `show --json` prints it. */
export interface SlowCall {
  operation: string;
  method: string;
  route: string;
  status: number | null;
  duration_ms: number;
  attempt: number;
  error_category: string | null;
  request_id: string | null;
  partition_key: string | null;
  span_id: string;
}

export function toSlowCall(call: ApiCallRow): SlowCall {
  return {
    operation: call.operation,
    method: call.method,
    route: call.route,
    status: call.status,
    duration_ms: Math.round(call.durationMs),
    attempt: call.attempt,
    error_category: call.errorCategory,
    request_id: call.requestId,
    partition_key: call.partitionKey,
    span_id: call.spanId,
  };
}

/** `syncscope show`: one screen answering "what happened in this sync". */
export function renderShowScreen(d: RunDigest, slowest: SlowCall[], reportPath: string | null): string {
  const quota = d.quota.map((q) => `${q.connector}/${q.resource ?? '—'} ${formatCount(q.cost)} points`).join(', ') || 'none';
  const head: Array<[string, string]> = [
    ['Status', `${d.status_mark} ${d.status}${d.dry_run ? ' (dry run)' : ''}`],
    ['Started', `${formatTime(d.started_at)} · finished ${formatTime(d.finished_at)} · ${formatMs(d.duration_ms)}`],
    ['Progress', `${d.progress.partitions_finished}/${d.progress.partitions_total} partitions finished (${d.progress.percent}%) · records ${formatCount(d.records.synced)} synced · ${formatCount(d.records.failed)} failed · ${formatCount(d.records.skipped)} skipped · ${formatCount(d.records.pending)} pending`],
    ['Throughput', `${d.throughput_records_per_second} records/s · batches ${formatPercent(d.batches.success_rate)} ok (${d.batches.succeeded}/${d.batches.total}) · ${d.api.retries} API retries`],
    ['Rate limits', `${d.api.rate_limit_waits} waits · ${d.api.rate_limit_wait_seconds.toFixed(1)} s waiting · ${d.api.rate_limit_rejections} rejections · quota spent: ${quota}`],
    ...(d.api_points ? [['API points', pointsLine(d.api_points)] as [string, string]] : []),
    ['Time', d.time_breakdown.explanation],
    ['Trace ID', d.trace_id],
  ];
  if (d.links.trace) head.push(['Trace', d.links.trace]);
  if (d.links.logs) head.push(['Logs', d.links.logs]);
  if (d.errors.run_error) head.push(['Error', [d.errors.run_error.category, clip(d.errors.run_error.message, 200)].filter(Boolean).join(': ')]);
  if (d.retry_of) head.push(['Retry of', d.retry_of]);
  if (d.retried_by.length > 0) head.push(['Retried by', d.retried_by.join(', ')]);
  head.push(['Report', reportPath ?? `none yet (syncscope report ${d.sync_id})`]);
  const width = Math.max(...head.map(([k]) => k.length));
  const out = [`Sync ${d.sync_id} · ${d.pipeline}`, ...head.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`), ''];

  out.push(`Partitions (${d.partitions.length}, failed first)`);
  if (d.partitions.length === 0) out.push('  none listed', '');
  else {
    const shown = d.partitions.slice(0, SHOW_PARTITION_ROWS);
    out.push(renderTable(
      ['Partition', 'Status', 'Synced', 'Failed', 'Time', 'Errors'],
      shown.map((p) => [p.key, `${p.mark} ${p.status}`, formatCount(p.records.synced), formatCount(p.records.failed), formatMs(p.duration_ms), errorCell(p)]),
    ).trimEnd());
    if (d.partitions.length > shown.length) out.push(`… ${d.partitions.length - shown.length} more (all of them in the report)`);
    out.push('');
  }

  out.push('Errors by category');
  if (d.errors.by_category.length === 0) out.push('  none', '');
  else {
    out.push(renderTable(
      ['Category', 'Records', 'Partitions', 'Example'],
      d.errors.by_category.map((c) => [c.category, formatCount(c.records), c.run_level ? 'whole run' : formatCount(c.partitions), clip(c.example_message, 90)]),
    ));
  }

  out.push('Slowest API calls');
  if (slowest.length === 0) out.push('  none recorded');
  else {
    out.push(renderTable(
      ['Operation', 'Route', 'Status', 'Duration', 'Attempt', 'Request ID'],
      slowest.map((c) => [c.operation, `${c.method} ${c.route}`, c.status === null ? (c.error_category ?? '—') : String(c.status), formatMs(c.duration_ms), String(c.attempt), c.request_id ?? '—']),
    ).trimEnd());
  }
  return `${out.join('\n')}\n`;
}
