import type { RunStatusView } from '../../reports/run-status-types.js';
import { clip, formatCount, formatMs, formatPercent, formatTime } from '../../reports/markdown.js';
import { renderTable } from './table.js';

const BAR_WIDTH = 40;
const PARTITION_ROWS = 20;

/** One line per run for `syncscope status` without a sync ID. */
export interface StatusListItem {
  sync_id: string;
  pipeline: string;
  status: string;
  status_mark: string;
  percent: number;
  records: { synced: number; failed: number; skipped: number };
  started_at: string;
  duration_ms: number | null;
}

interface Paint {
  green: (s: string) => string;
  red: (s: string) => string;
  blue: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

export function paint(color: boolean): Paint {
  const wrap = (code: number) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { green: wrap(32), red: wrap(31), blue: wrap(34), dim: wrap(2), bold: wrap(1) };
}

/**
 * The segmented bar in text: written █ (green), failed █ (red), in progress ▒ (blue), pending ░.
 * Every segment with something in it gets at least one cell, so a single failure shows.
 */
export function textBar(view: RunStatusView, p: Paint): string {
  const s = view.progress.segments;
  const parts: Array<[number, string, (x: string) => string]> = [
    [s.synced + s.skipped, '█', p.green],
    [s.failed, '█', p.red],
    [s.in_progress, '▒', p.blue],
    [s.pending, '░', p.dim],
  ];
  const total = parts.reduce((sum, [n]) => sum + n, 0);
  if (total === 0) return p.dim('░'.repeat(BAR_WIDTH));
  const cells = parts.map(([n]) => (n > 0 ? Math.max(1, Math.round((n / total) * BAR_WIDTH)) : 0));
  let overflow = cells.reduce((a, b) => a + b, 0) - BAR_WIDTH;
  while (overflow > 0) {
    const widest = cells.indexOf(Math.max(...cells));
    cells[widest] = (cells[widest] ?? 1) - 1;
    overflow -= 1;
  }
  return parts.map(([, ch, color], i) => color(ch.repeat(cells[i] ?? 0))).join('') + ' '.repeat(Math.max(0, -overflow));
}

/** The status of one sync as `syncscope status <sync-id>` prints it. */
export function renderStatusScreen(view: RunStatusView, color = false): string {
  const p = paint(color);
  const s = view.progress.segments;
  const unit = view.progress.basis === 'records' ? 'records' : 'partitions';
  const head: Array<[string, string]> = [];
  head.push(['Progress', `${textBar(view, p)} ${view.progress.percent}% of ${unit}`]);
  head.push(['', `${formatCount(s.synced)} synced · ${formatCount(s.skipped)} skipped · ${formatCount(s.failed)} failed · ${formatCount(s.in_progress)} in progress · ${formatCount(s.pending)} pending${expected(view)}`]);
  head.push(['Partitions', `${view.progress.partitions_finished}/${view.progress.partitions_total} finished · ${view.progress.partitions_running} running`]);
  head.push(['Throughput', `${view.throughput.recent_records_per_second} records/s (last ${view.throughput.window_seconds} s) · ${view.throughput.records_per_second} overall · batches ${formatPercent(view.batches.success_rate)} ok`]);
  head.push(['ETA', view.eta ? `${formatMs(view.eta.seconds * 1000)} (${formatTime(view.eta.at)}) · basis ${view.eta.basis}: ${view.eta.explanation}` : `— ${view.eta_unavailable ?? ''}`]);
  for (const l of view.rate_limits) {
    const hold = l.held_until ? ` · held until ${formatTime(l.held_until)} (${l.hold_reason ?? 'hold'})` : '';
    // A budget the API refused before any response reported it is stored with limit 0.
    const budget = l.limit > 0 ? `${formatCount(l.remaining)}/${formatCount(l.limit)} left (${l.used_percent}% used), resets ${formatTime(l.reset_at)}` : 'budget not reported yet';
    head.push(['Rate limit', `${l.connector}/${l.resource} ${budget}${hold}`]);
  }
  head.push(['API', `${formatCount(view.api.requests)} calls · ${view.api.retries} retries · ${view.api.rate_limit_waits} rate-limit waits (${view.api.rate_limit_wait_seconds.toFixed(1)} s)`]);
  head.push(['Started', `${formatTime(view.started_at)} · ${formatMs(view.duration_ms)}${view.finished_at ? ` · finished ${formatTime(view.finished_at)}` : ''}`]);
  if (view.cancel_requested_at) head.push(['Cancel', `requested ${formatTime(view.cancel_requested_at)} by ${view.cancel_requested_by ?? '?'}`]);
  if (view.trace_id) head.push(['Trace ID', view.trace_id]);
  if (view.links.trace) head.push(['Trace', view.links.trace]);
  if (view.links.logs) head.push(['Logs', view.links.logs]);
  const width = Math.max(...head.map(([k]) => k.length));
  const title = `${view.status_mark} ${p.bold(view.sync_id)} · ${view.pipeline} · ${view.organization} · ${view.status}${view.dry_run ? ' (dry run)' : ''}`;
  const out = [title, ...head.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`), ''];

  if (view.partitions.length > 0) {
    const order = (x: RunStatusView['partitions'][number]) => (x.status === 'running' ? 0 : x.status === 'failed' ? 1 : x.status === 'pending' ? 2 : 3);
    const shown = [...view.partitions].sort((a, b) => order(a) - order(b) || a.key.localeCompare(b.key)).slice(0, PARTITION_ROWS);
    out.push(renderTable(
      ['Partition', 'Status', 'Done', 'Failed', 'Expected', '%'],
      shown.map((x) => [x.key, `${x.mark} ${x.status}`, formatCount(x.records.synced + x.records.skipped), formatCount(x.records.failed), x.expected_records === null ? '—' : formatCount(x.expected_records), x.percent === null ? '—' : `${x.percent}%`]),
    ).trimEnd());
    if (view.partitions.length > shown.length) out.push(`… ${view.partitions.length - shown.length} more`);
    out.push('');
  }
  if (view.errors.by_category.length > 0) {
    out.push(renderTable(['Error category', 'Records', 'Partitions', 'Example'], view.errors.by_category.map((c) => [
      c.category, formatCount(c.records), c.run_level ? 'whole run' : formatCount(c.partitions), clip(c.example_message, 80),
    ])).trimEnd(), '');
  }
  return `${out.join('\n')}\n`;
}

function expected(view: RunStatusView): string {
  if (view.progress.expected_records === null || !view.live) return '';
  const basis = view.progress.expected_basis === 'partition_average' ? 'estimated from the partitions known' : "the source's estimate";
  return ` · ~${formatCount(view.progress.expected_records)} expected (${basis})`;
}

/** `syncscope status` without a sync ID: what is running, and the latest runs. */
export function renderStatusList(items: StatusListItem[], queue?: { waiting: number; active: number } | null): string {
  if (items.length === 0) return 'No runs yet.\n';
  const rows = items.map((r) => [
    r.sync_id, r.pipeline, `${r.status_mark} ${r.status}`, `${r.percent}%`, formatCount(r.records.synced + r.records.skipped), formatCount(r.records.failed), formatMs(r.duration_ms), formatTime(r.started_at),
  ]);
  const running = items.filter((r) => r.status === 'running').length;
  const header = `${running} running${queue ? ` · queue: ${queue.active} active, ${queue.waiting} waiting` : ''}\n`;
  return header + renderTable(['Sync ID', 'Pipeline', 'Status', 'Progress', 'Done', 'Failed', 'Duration', 'Started'], rows);
}
