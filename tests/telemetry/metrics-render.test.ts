import { describe, expect, it } from 'vitest';
import { createSyncMetrics, observeWithExemplar } from '../../src/telemetry/metrics.js';
import { formatFor, renderMetrics, renderPrometheusText } from '../../src/telemetry/metrics-render.js';
import { initialiseConnectorSeries, initialisePipelineSeries } from '../../src/telemetry/metric-series.js';

/** `# TYPE <name> <type>` of every family, in order. */
const families = (text: string) => [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
const sampleNames = (text: string) => [...new Set([...text.matchAll(/^([a-z_]+)[{ ]/gm)].map((m) => m[1]))];

function busyMetrics() {
  const metrics = createSyncMetrics();
  metrics.runs.inc({ pipeline: 'p', status: 'failed' });
  metrics.records.inc({ pipeline: 'p', status: 'synced' }, 12);
  observeWithExemplar(metrics, metrics.apiRequestDuration, { connector: 'github', operation: 'pulls.list' }, 0.02, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
  return metrics;
}

describe('rendering the registry', () => {
  it('keeps counter names (with _total) in text renders after an OpenMetrics render', async () => {
    const metrics = busyMetrics();
    const before = await renderPrometheusText(metrics);
    const open = await renderMetrics(metrics, 'openmetrics');
    const after = await renderPrometheusText(metrics);
    expect(open.contentType).toContain('application/openmetrics-text');
    expect(open.body).toContain('# TYPE sync_runs counter');
    expect(open.body).toMatch(/^sync_runs_total\{pipeline="p",status="failed"\} 1$/m);
    expect(open.body).toMatch(/# \{trace_id="a{32}",span_id="b{16}"\}/);
    expect(families(after)).toEqual(families(before));
    expect(sampleNames(after)).toEqual(sampleNames(before));
    expect(after).toContain('# TYPE sync_runs_total counter');
    expect(after).not.toContain('# EOF');
    expect(after).not.toContain('trace_id=');
  });

  it('gives each of many overlapping renders its own format', async () => {
    const metrics = busyMetrics();
    const renders = await Promise.all(
      Array.from({ length: 20 }, (_, i) => renderMetrics(metrics, i % 2 === 0 ? 'openmetrics' : 'prometheus')),
    );
    renders.forEach((render, i) => {
      if (i % 2 === 0) expect(render.body.trimEnd().endsWith('# EOF'), `render ${i}`).toBe(true);
      else {
        expect(render.contentType, `render ${i}`).toContain('text/plain; version=0.0.4');
        expect(render.body, `render ${i}`).toContain('# TYPE sync_records_total counter');
        expect(render.body, `render ${i}`).not.toContain('# EOF');
      }
    });
  });

  it('answers OpenMetrics only when asked for it, and text when exemplars are off', async () => {
    expect(formatFor('application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5')).toBe('openmetrics');
    expect(formatFor('text/plain')).toBe('prometheus');
    expect(formatFor(undefined)).toBe('prometheus');
    const noExemplars = createSyncMetrics({ exemplars: false });
    expect((await renderMetrics(noExemplars, 'openmetrics')).contentType).toContain('text/plain');
  });
});

describe('series present from the start', () => {
  it('exports every bounded label set at 0 before anything happened', async () => {
    const metrics = createSyncMetrics();
    expect(await renderPrometheusText(metrics)).toMatch(/^sync_telemetry_export_failures_total\{signal="metrics"\} 0$/m);
    initialisePipelineSeries(metrics, 'orders');
    initialiseConnectorSeries(metrics, 'monday');
    const text = await renderPrometheusText(metrics);
    for (const status of ['succeeded', 'partial', 'failed', 'interrupted', 'cancelled']) {
      expect(text).toMatch(new RegExp(`^sync_runs_total\\{pipeline="orders",status="${status}"\\} 0$`, 'm'));
    }
    expect(text).toMatch(/^sync_records_total\{pipeline="orders",status="failed"\} 0$/m);
    expect(text).toMatch(/^sync_batches_total\{pipeline="orders",status="failure"\} 0$/m);
    expect(text).toMatch(/^sync_errors_total\{pipeline="orders",error_category="INVALID_CREDENTIALS"\} 0$/m);
    expect(text).toMatch(/^sync_run_duration_seconds_count\{pipeline="orders"\} 0$/m);
    expect(text).toMatch(/^sync_api_rate_limit_waits_total\{connector="monday",reason="primary"\} 0$/m);
    expect(text).toMatch(/^sync_api_retries_total\{connector="monday",error_category="SERVER_ERROR"\} 0$/m);
    expect(text).not.toMatch(/^sync_api_retries_total\{connector="monday",error_category="NOT_FOUND"\}/m);
  });

  it('does not reset what a second run of the same pipeline finds', async () => {
    const metrics = createSyncMetrics();
    initialisePipelineSeries(metrics, 'orders');
    metrics.runDuration.observe({ pipeline: 'orders' }, 3);
    metrics.runs.inc({ pipeline: 'orders', status: 'succeeded' });
    initialisePipelineSeries(metrics, 'orders');
    const text = await renderPrometheusText(metrics);
    expect(text).toMatch(/^sync_run_duration_seconds_count\{pipeline="orders"\} 1$/m);
    expect(text).toMatch(/^sync_runs_total\{pipeline="orders",status="succeeded"\} 1$/m);
  });
});
