import { fmt, h, s } from './dom.js';

const LABELS = {
  running: 'Syncing',
  queued: 'Queued',
  succeeded: 'Succeeded',
  partial: 'Partial',
  failed: 'Failed',
  interrupted: 'Interrupted',
  cancelled: 'Cancelled',
};

/** A status badge; only a live run says "Syncing" (a finished one never does). */
export function badge(status, big = false) {
  return h('span', { class: `badge ${status}${big ? ' big' : ''}`, 'data-status': status }, LABELS[status] ?? status);
}

export const SEGMENTS = [
  ['synced', 'Synced'],
  ['skipped', 'Skipped (dry run)'],
  ['failed', 'Failed'],
  ['in_progress', 'In progress'],
  ['pending', 'Pending'],
];

/** The segmented bar: green synced (striped when skipped on a dry run), red failed, blue in progress, grey pending. */
export function segmentedBar(segments, size = '') {
  const total = SEGMENTS.reduce((sum, [key]) => sum + (segments[key] ?? 0), 0);
  const bar = h('div', { class: `bar ${size}`, role: 'img' });
  const described = [];
  for (const [key, label] of SEGMENTS) {
    const n = segments[key] ?? 0;
    if (n > 0) described.push(`${label} ${fmt.count(n)}`);
    const width = total > 0 ? (n / total) * 100 : 0;
    bar.append(h('span', { class: `seg-${key}`, 'data-segment': key, style: { width: `${width}%` }, title: `${label}: ${fmt.count(n)}` }));
  }
  bar.setAttribute('aria-label', described.join(', ') || 'nothing yet');
  return bar;
}

export function legend(segments, basis) {
  const unit = basis === 'partitions' ? ' partitions' : '';
  return h('div', { class: 'legend' }, SEGMENTS.filter(([key]) => key !== 'skipped' || segments.skipped > 0).map(([key, label]) =>
    h('span', {}, h('i', { class: `seg-${key}` }), `${label} `, h('b', { 'data-legend': key }, fmt.count(segments[key] ?? 0)), unit)));
}

/** Records per second over the run, as a filled line. */
export function sparkline(series) {
  const width = 240;
  const height = 40;
  const svg = s('svg', { class: 'spark', viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': 'throughput over the run' });
  if (!series || series.length < 2) return svg;
  // A 3-point moving average: batches land in bursts, the trend is what matters at a glance.
  series = series.map((_, i) => (series[Math.max(0, i - 1)] + series[i] + series[Math.min(series.length - 1, i + 1)]) / 3);
  const max = Math.max(...series, 1);
  const step = width / (series.length - 1);
  const points = series.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`);
  svg.append(s('polygon', { points: `0,${height} ${points.join(' ')} ${width},${height}`, fill: 'currentColor', opacity: 0.15 }));
  svg.append(s('polyline', { points: points.join(' '), fill: 'none', stroke: 'currentColor', 'stroke-width': 1.6, 'vector-effect': 'non-scaling-stroke' }));
  return svg;
}

export function stat(title, value, sub, extra) {
  return h('div', { class: 'panel stat' }, h('h3', {}, title), h('div', { class: 'value' }, value), sub ? h('div', { class: 'sub' }, sub) : null, extra ?? null);
}
