import type { DigestPartition, RunDigest } from './digest-types.js';
import { clip, code, formatCount, formatDelta, formatMs, formatPercent, formatTime, mdTable } from './markdown.js';
import { changeCount } from './run-digest.js';

/** `_SYNC_SUMMARY.md`: the executive summary a person reads first. Pure: digest in, text out. */
export function renderSummaryMarkdown(d: RunDigest): string {
  return [
    `# ${d.status_mark} Sync ${d.sync_id}`,
    ...customers(d),
    overview(d),
    totals(d),
    timeBreakdown(d),
    errors(d),
    results(d),
    quota(d),
    comparison(d),
    `---\n_Generated ${formatTime(d.generated_at)} from the run store; machine-readable twin: \`_SYNC_SUMMARY.json\`. Rebuild with \`syncscope report ${d.sync_id}\`._`,
  ].join('\n\n') + '\n';
}

function overview(d: RunDigest): string {
  const rows: string[][] = [
    ['Status', `${d.status_mark} ${d.status}`],
    ['Pipeline', code(d.pipeline)],
    ['Mode', d.dry_run ? 'dry run (nothing written)' : 'execute'],
    ['Started', formatTime(d.started_at)],
    ['Finished', formatTime(d.finished_at)],
    ['Duration', formatMs(d.duration_ms)],
    ['Trace ID', d.links.trace ? `${code(d.trace_id)} · [open trace in Grafana](${d.links.trace})` : code(d.trace_id)],
  ];
  if (d.links.logs) rows.push(['Logs', `[open logs in Grafana](${d.links.logs})`]);
  if (d.resume_count > 0) rows.push(['Resumed', `${d.resume_count} time(s)`]);
  if (d.retry_of) rows.push(['Retry of', `${code(d.retry_of)} (re-ran its failed records)`]);
  if (d.retried_by.length > 0) rows.push(['Retried by', d.retried_by.map(code).join(', ')]);
  return mdTable(['Sync ID', code(d.sync_id)], rows);
}

function totals(d: RunDigest): string {
  const p = d.partition_totals;
  const b = d.batches;
  const rows = [
    ['Records synced', formatCount(d.records.synced)],
    ['Records failed', formatCount(d.records.failed)],
    ['Records skipped', formatCount(d.records.skipped)],
    ['Records pending', formatCount(d.records.pending)],
    ['Partitions', `${p.total - p.unfinished}/${p.total} finished (${d.progress.percent}%) · ${p.succeeded} ✅ · ${p.failed} ❌ · ${p.unfinished} ⏸`],
    ['Throughput', `${d.throughput_records_per_second} records/s`],
    ['Batch success rate', `${formatPercent(b.success_rate)} (${b.succeeded}/${b.total} batches)`],
    ['Retries', `${d.api.retries} API call retries · ${b.write_retries} write retries`],
    ['Rate-limit waits', `${d.api.rate_limit_waits} waits · ${d.api.rate_limit_wait_seconds.toFixed(1)} s waiting · ${d.api.rate_limit_rejections} rejections`],
    ...changeRows(d),
  ];
  return `## Totals\n\n${mdTable(['Metric', 'Value'], rows, ['left', 'right'])}`;
}

function timeBreakdown(d: RunDigest): string {
  const t = d.time_breakdown;
  const share = (ms: number) => (t.wall_ms > 0 ? `${Math.round((ms / t.wall_ms) * 100)}%` : '—');
  const rows = [
    ['Wall time', formatMs(t.wall_ms), '100%'],
    [`API calls (${t.api_calls}, cumulative)`, formatMs(t.api_ms), share(t.api_ms)],
    ['Rate-limit waiting', formatMs(t.rate_limit_wait_ms), share(t.rate_limit_wait_ms)],
    ['Destination writes (cumulative)', formatMs(t.destination_ms), share(t.destination_ms)],
    ['Other (listing, bookkeeping, idle)', formatMs(t.other_ms), share(t.other_ms)],
  ];
  return [
    '## Where the time went',
    `**${t.explanation}**`,
    mdTable(['Part', 'Time', 'Share of wall time'], rows, ['left', 'right', 'right']),
    '_API and write times add up calls and writes that ran at the same time (partitions run concurrently), so the parts can exceed the wall time; "other" is what the rest leaves of it._',
  ].join('\n\n');
}

function errors(d: RunDigest): string {
  const e = d.errors;
  if (e.by_category.length === 0 && !e.run_error) return '## Errors\n\nNo errors. ✅';
  const parts = ['## Errors'];
  if (e.run_error) parts.push(`Run error: **${e.run_error.category}**${e.run_error.message ? ` — ${clip(e.run_error.message, 400)}` : ''}`);
  if (e.by_category.length > 0) {
    parts.push(mdTable(
      ['Category', 'Failed records', 'Failed partitions', 'Example'],
      e.by_category.map((c) => [c.category, formatCount(c.records), c.run_level ? 'whole run' : formatCount(c.partitions), clip(c.example_message)]),
      ['left', 'right', 'right', 'left'],
    ));
  }
  if (e.top_failed_records.length > 0) {
    const more = d.records.failed > e.top_failed_records.length ? ` (first ${e.top_failed_records.length} of ${formatCount(d.records.failed)})` : '';
    parts.push(`### Failing records${more}`, mdTable(
      ['Record', 'Partition', 'Category', 'Message'],
      e.top_failed_records.map((r) => [code(r.record_key), r.partition_key, r.category ?? '', clip(r.message)]),
    ));
  }
  return parts.join('\n\n');
}

function results(d: RunDigest): string {
  if (d.partitions.length === 0) return '## Results per partition\n\nNo partitions were listed, so there are no partition reports.';
  const others = d.partitions.filter((p) => p.kind !== 'customer');
  if (others.length === 0) return '## Results per partition\n\nSee the customer table at the top; one report per customer is in `customer_reports/`.';
  return `## Results per partition\n\n${mdTable(
    ['Partition', 'Status', 'Records', 'Errors', 'Execution time'],
    others.map((p) => [`[${p.key}](${p.report_file})`, `${p.mark} ${p.status}`, formatCount(p.records.total), errorCell(p), formatMs(p.duration_ms)]),
    ['left', 'left', 'right', 'left', 'right'],
  )}`;
}

/**
 * Right after the status header, for order pipelines: one row per customer. Its ✅/❌ is the
 * partition mark, derived from its status and failed records — never from a field that may be missing.
 */
function customers(d: RunDigest): string[] {
  const rows = d.partitions.filter((p) => p.kind === 'customer');
  if (rows.length === 0) return [];
  const processed = (p: DigestPartition) => p.records.synced + p.records.failed + p.records.skipped;
  return [mdTable(
    ['Customer', 'Status', 'Records processed', 'Errors', 'Execution time'],
    rows.map((p) => [`[${p.key}](${p.report_file})`, `${p.mark} ${p.status}`, formatCount(processed(p)) + (p.records.pending > 0 ? ` (${formatCount(p.records.pending)} pending)` : ''), errorCell(p), formatMs(p.duration_ms)]),
    ['left', 'left', 'right', 'left', 'right'],
  )];
}

/** Groups and labels the destination created, and items created and updated, when it reports them. */
function changeRows(d: RunDigest): string[][] {
  const c = d.destination_changes;
  if (c.length === 0) return [];
  const groupsFound = changeCount(c, 'group', 'found');
  return [
    ['Groups created', `${formatCount(changeCount(c, 'group', 'created'))}${groupsFound ? ` (${formatCount(groupsFound)} found existing)` : ''}`],
    ['Labels created', formatCount(changeCount(c, 'label', 'created'))],
    ['Items created · updated', `${formatCount(changeCount(c, 'item', 'created'))} · ${formatCount(changeCount(c, 'item', 'updated'))}`],
    ...(changeCount(c, 'subitem', 'created') ? [['Subitems created', formatCount(changeCount(c, 'subitem', 'created'))]] : []),
  ];
}

export function errorCell(p: DigestPartition): string {
  const parts = [p.records.failed > 0 ? `${formatCount(p.records.failed)} failed` : p.status === 'failed' ? '' : '0'];
  if (p.error_category) parts.push(p.error_category);
  return parts.filter(Boolean).join(' · ');
}

function quota(d: RunDigest): string {
  if (d.quota.length === 0) return '## API quota spent\n\nNo API calls were recorded.';
  return [`## API quota spent\n\n${mdTable(
    ['Connector', 'Resource', 'Calls', 'Errors', 'Quota (points)', 'API time'],
    d.quota.map((q) => [q.connector, q.resource ?? '—', formatCount(q.calls), formatCount(q.errors), formatCount(q.cost), formatMs(q.duration_ms)]),
    ['left', 'left', 'right', 'right', 'right', 'right'],
  )}`, ...graphqlPoints(d)].join('\n\n');
}

/** GraphQL runs only: the points spent, what each point bought and the queries that cost the most. */
function graphqlPoints(d: RunDigest): string[] {
  const points = d.api_points;
  if (!points) return [];
  return [
    `**GraphQL points:** ${formatCount(points.spent)} points spent · ${points.records_per_point} records per point`,
    `### Top queries by points\n\n${mdTable(
      ['Query', 'Calls', 'Errors', 'Points', 'API time'],
      points.top_queries.map((q) => [code(q.operation), formatCount(q.calls), formatCount(q.errors), formatCount(q.points), formatMs(q.duration_ms)]),
      ['left', 'right', 'right', 'right', 'right'],
    )}`,
  ];
}

function comparison(d: RunDigest): string {
  const p = d.previous;
  if (!p) return '## Compared with the previous run\n\nThis is the first run of this pipeline in the store.';
  const cost = d.quota.reduce((sum, q) => sum + q.cost, 0);
  const rows = [
    ['Records synced', formatCount(d.records.synced), formatDelta(p.deltas.records_synced)],
    ['Records failed', formatCount(d.records.failed), formatDelta(p.deltas.records_failed)],
    ['Partitions failed', formatCount(d.partition_totals.failed), formatDelta(p.deltas.partitions_failed)],
    ['Duration', formatMs(d.duration_ms), formatDelta(p.deltas.duration_ms, 'ms')],
    ['Quota spent (points)', formatCount(cost), formatDelta(p.deltas.quota_cost)],
  ];
  return [
    '## Compared with the previous run',
    `Previous run: ${code(p.sync_id)} (${p.status}, started ${formatTime(p.started_at)}).`,
    mdTable(['Metric', 'This run', 'Δ vs previous'], rows, ['left', 'right', 'right']),
  ].join('\n\n');
}
