/** Small, dependency-free Markdown building blocks for the reports. */

/** A GitHub-flavoured table; cells are escaped so a `|` or a newline in a message cannot break it. */
export function mdTable(headers: string[], rows: string[][], align?: Array<'left' | 'right'>): string {
  const rule = headers.map((_, i) => (align?.[i] === 'right' ? '---:' : '---'));
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Inline code that survives backticks inside the value. */
export function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** Long messages are cut in tables; the JSON twin keeps them whole. */
export function clip(text: string | null | undefined, max = 160): string {
  if (!text) return '';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatPercent(ratio: number | null): string {
  return ratio === null ? '—' : `${(ratio * 100).toFixed(ratio === 1 || ratio === 0 ? 0 : 1)}%`;
}

/** `+12`, `−3`, `±0`; with `ms`, as a signed duration. */
export function formatDelta(delta: number | null, unit: 'count' | 'ms' = 'count'): string {
  if (delta === null) return '—';
  if (delta === 0) return '±0';
  const sign = delta > 0 ? '+' : '−';
  const magnitude = Math.abs(delta);
  return `${sign}${unit === 'ms' ? formatMs(magnitude) : formatCount(Math.round(magnitude * 100) / 100)}`;
}

/** UTC timestamp without milliseconds, readable in a table. */
export function formatTime(iso: string | null): string {
  return iso ? `${iso.replace('T', ' ').slice(0, 19)} UTC` : '—';
}
