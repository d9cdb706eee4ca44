/** One measured figure of a benchmark case, with its target when it has one. */
export interface BenchFigure {
  case: string;
  metric: string;
  value: number;
  unit: string;
  target?: string;
  pass?: boolean;
  note?: string;
}

export function renderFigures(figures: BenchFigure[]): string {
  const rows = figures.map((f) => [
    f.case,
    f.metric,
    `${formatNumber(f.value)} ${f.unit}`.trim(),
    f.target ?? '',
    f.pass === undefined ? '' : f.pass ? '✅' : '❌',
  ]);
  const headers = ['case', 'metric', 'value', 'target', 'met'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toFixed(3);
}
