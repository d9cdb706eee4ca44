import { describe, expect, it } from 'vitest';
import { mergeFamily, parseSampleValue, renderMerged, type Family, type Sample } from '../../src/telemetry/push-merge.js';

const group = { job: 'syncscope', instance: 'host-1', pipeline: 'orders' };

const counter = (samples: Sample[]): Family => ({ name: 'sync_runs_total', help: 'Runs.', type: 'counter', labelNames: ['pipeline', 'status'], samples });
const gauge = (samples: Sample[]): Family => ({ name: 'sync_api_rate_limit_remaining', help: 'Left.', type: 'gauge', labelNames: ['connector', 'resource'], samples });
const histogram = (samples: Sample[]): Family => ({ name: 'd_seconds', help: 'D.', type: 'histogram', labelNames: ['pipeline'], buckets: [0.5, 1], samples });

const histogramSamples = (labels: Record<string, string>, counts: [number, number, number], sum: number): Sample[] => [
  { name: 'd_seconds_bucket', labels: { ...labels, le: 0.5 }, value: counts[0] },
  { name: 'd_seconds_bucket', labels: { ...labels, le: 1 }, value: counts[1] },
  { name: 'd_seconds_bucket', labels: { ...labels, le: '+Inf' }, value: counts[2] },
  { name: 'd_seconds_sum', labels, value: sum },
  { name: 'd_seconds_count', labels, value: counts[2] },
];

describe('merging a run\'s metrics with its Pushgateway group', () => {
  it('adds counters to what earlier runs of the group pushed, keeping series only they had', () => {
    const ours = counter([{ name: 'sync_runs_total', labels: { pipeline: 'orders', status: 'succeeded' }, value: 1 }]);
    const previous: Sample[] = [
      { name: 'sync_runs_total', labels: { ...group, status: 'succeeded' }, value: 4 },
      { name: 'sync_runs_total', labels: { ...group, status: 'failed' }, value: 2 },
    ];
    expect(mergeFamily(ours, previous)).toEqual([
      { name: 'sync_runs_total', labels: { pipeline: 'orders', status: 'succeeded' }, value: 5 },
      { name: 'sync_runs_total', labels: { pipeline: 'orders', status: 'failed' }, value: 2 },
    ]);
  });

  it('drops the grouping labels the gateway added, except those the family has itself', () => {
    const ours = gauge([]);
    const previous: Sample[] = [{ name: 'sync_api_rate_limit_remaining', labels: { ...group, connector: 'github', resource: 'search' }, value: 12 }];
    expect(mergeFamily(ours, previous)).toEqual([
      { name: 'sync_api_rate_limit_remaining', labels: { connector: 'github', resource: 'search' }, value: 12 },
    ]);
  });

  it('keeps the latest gauge value rather than a sum', () => {
    const ours = gauge([{ name: 'sync_api_rate_limit_remaining', labels: { connector: 'github', resource: 'core' }, value: 10 }]);
    const previous: Sample[] = [{ name: 'sync_api_rate_limit_remaining', labels: { ...group, connector: 'github', resource: 'core' }, value: 4000 }];
    expect(mergeFamily(ours, previous).map((s) => s.value)).toEqual([10]);
  });

  it('adds histogram buckets, sums and counts, matching bounds however the gateway writes them', () => {
    const ours = histogram(histogramSamples({ pipeline: 'orders' }, [1, 2, 3], 2.5));
    const previous = histogramSamples({ ...group }, [0, 1, 1], 0.75).map((s) =>
      s.labels.le === 0.5 ? { ...s, labels: { ...s.labels, le: '0.5' } } : s.labels.le === 1 ? { ...s, labels: { ...s.labels, le: '1' } } : s,
    );
    expect(mergeFamily(ours, previous).map((s) => `${s.name}${s.labels.le ? `{le=${s.labels.le}}` : ''} ${s.value}`)).toEqual([
      'd_seconds_bucket{le=0.5} 1',
      'd_seconds_bucket{le=1} 3',
      'd_seconds_bucket{le=+Inf} 4',
      'd_seconds_sum 3.25',
      'd_seconds_count 4',
    ]);
  });

  it('leaves out a previous histogram series whose buckets differ (a counter reset beats a corrupt histogram)', () => {
    const ours = histogram(histogramSamples({ pipeline: 'orders' }, [1, 1, 1], 0.2));
    const previous: Sample[] = [
      { name: 'd_seconds_bucket', labels: { ...group, le: '5' }, value: 3 },
      { name: 'd_seconds_bucket', labels: { ...group, le: '+Inf' }, value: 3 },
      { name: 'd_seconds_sum', labels: group, value: 9 },
      { name: 'd_seconds_count', labels: group, value: 3 },
    ];
    expect(mergeFamily(ours, previous).map((s) => s.value)).toEqual([1, 1, 1, 0.2, 1]);
  });

  it('renders the Prometheus text format with escaped help and label values', () => {
    const family: Family = {
      name: 'x_total',
      help: 'A "quoted" \\ help\nline',
      type: 'counter',
      labelNames: ['reason'],
      samples: [{ name: 'x_total', labels: { reason: 'a "b"\\c' }, value: 2 }],
    };
    expect(renderMerged([family], new Map())).toBe(
      '# HELP x_total A "quoted" \\\\ help\\nline\n# TYPE x_total counter\nx_total{reason="a \\"b\\"\\\\c"} 2\n',
    );
  });

  it('parses the gateway\'s sample values', () => {
    expect([parseSampleValue('1.796188407844581e+09'), parseSampleValue('+Inf'), parseSampleValue('-Inf')]).toEqual([1796188407.844581, Infinity, -Infinity]);
    expect(parseSampleValue('NaN')).toBeNaN();
  });
});
