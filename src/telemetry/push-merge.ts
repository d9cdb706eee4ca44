/**
 * What a one-shot run pushes to the Pushgateway: its own registry plus what earlier runs of the same
 * group (pipeline + instance) left there. A push replaces its group, so pushing a fresh process's
 * registry as is would make every counter start again at this run's totals: two equal runs in a
 * row would look like no change at all, and `rate()` / `increase()` would miss whole runs. Adding
 * the group's previous values keeps counters and histograms monotonic across runs, exactly as if
 * one long-lived process had run them all; gauges keep their latest value.
 */

/** One sample as prom-client's `getMetricsAsJSON()` or the Pushgateway's API describes it. */
export interface Sample {
  /** The sample's own name: `x_bucket`, `x_sum`, `x_count` for a histogram `x`. */
  name: string;
  labels: Record<string, string | number>;
  value: number;
}

/** A metric family of this process's registry. */
export interface Family {
  name: string;
  help: string;
  type: string;
  /** Declared label names (without `le`). */
  labelNames: readonly string[];
  /** Declared bucket bounds of a histogram (without +Inf). */
  buckets?: readonly number[];
  samples: Sample[];
}

const ADDITIVE = new Set(['counter', 'histogram']);

function canonical(label: string, value: string | number): string {
  if (label !== 'le') return String(value);
  const n = value === '+Inf' ? Infinity : Number(value);
  return n === Infinity ? '+Inf' : String(n);
}

function keyOf(name: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${name}{${parts.join(',')}}`;
}

/** Only the family's own labels: the Pushgateway adds the grouping labels (job, instance, ...) to each sample. */
function ownLabels(family: Family, labels: Sample['labels']): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [label, value] of Object.entries(labels)) {
    if (family.labelNames.includes(label) || label === 'le') kept[label] = canonical(label, value);
  }
  return kept;
}

/** A histogram series of the gateway is only added if it has exactly our buckets. */
function bucketsMatch(family: Family, series: Sample[]): boolean {
  const want = new Set([...(family.buckets ?? []).map((b) => canonical('le', b)), '+Inf']);
  const have = series.filter((s) => s.name === `${family.name}_bucket`).map((s) => canonical('le', s.labels.le ?? ''));
  return have.length === want.size && have.every((le) => want.has(le));
}

function seriesKey(labels: Record<string, string>): string {
  const { le: _le, ...rest } = labels;
  return keyOf('', rest);
}

/** This process's samples of one family, with the group's previous samples merged in. */
export function mergeFamily(family: Family, previous: readonly Sample[]): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const merged = new Map<string, { name: string; labels: Record<string, string>; value: number }>();
  for (const s of family.samples) {
    const labels = ownLabels(family, s.labels);
    merged.set(keyOf(s.name, labels), { name: s.name, labels, value: s.value });
  }
  const bySeries = new Map<string, Sample[]>();
  for (const s of previous) {
    const key = seriesKey(ownLabels(family, s.labels));
    bySeries.set(key, [...(bySeries.get(key) ?? []), s]);
  }
  for (const series of bySeries.values()) {
    if (family.type === 'histogram' && !bucketsMatch(family, series)) continue;
    for (const s of series) {
      const labels = ownLabels(family, s.labels);
      const key = keyOf(s.name, labels);
      const ours = merged.get(key);
      if (!ours) merged.set(key, { name: s.name, labels, value: s.value });
      else if (ADDITIVE.has(family.type)) ours.value += s.value;
    }
  }
  return [...merged.values()];
}

const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeValue = (text: string) => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** The Prometheus text exposition (0.0.4) of the families, each merged with the group's previous samples. */
export function renderMerged(families: readonly Family[], previous: ReadonlyMap<string, readonly Sample[]>): string {
  const blocks = families.map((family) => {
    const lines = [`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`];
    for (const s of mergeFamily(family, previous.get(family.name) ?? [])) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeValue(v)}"`);
      lines.push(`${s.name}${labels.length ? `{${labels.join(',')}}` : ''} ${formatNumber(s.value)}`);
    }
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

/** A sample value as the Pushgateway's JSON API writes it ("1", "2.5e+09", "NaN", "+Inf"). */
export function parseSampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}
