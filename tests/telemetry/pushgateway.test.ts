import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithoutTools } from '../helpers/required-tools.js';
import { createSyncMetrics, observeWithExemplar } from '../../src/telemetry/metrics.js';
import { initialisePipelineSeries } from '../../src/telemetry/metric-series.js';
import { pushMetrics, type PushTarget } from '../../src/telemetry/pushgateway.js';
import { freePort, startBlackHole, startPushgateway, STACK_BINARIES, type LocalService } from '../helpers/local-services.js';

/** One CLI process's registry after a run of `pipeline`. */
function aRun(pipeline: string, records: number, status: 'succeeded' | 'failed') {
  const metrics = createSyncMetrics();
  initialisePipelineSeries(metrics, pipeline);
  metrics.runs.inc({ pipeline, status });
  metrics.records.inc({ pipeline, status: 'synced' }, records);
  metrics.runDuration.observe({ pipeline }, 2);
  observeWithExemplar(metrics, metrics.apiRequestDuration, { connector: 'github', operation: 'pulls.list' }, 0.03, { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16) });
  metrics.rateLimitRemaining.set({ connector: 'github', resource: 'core' }, 5000 - records);
  return metrics;
}

const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe.skipIf(skipWithoutTools(['pushgateway']))('pushing a run\'s metrics to a real Pushgateway', () => {
  let gateway: LocalService;
  const target = (instance: string, url = gateway.url, timeoutMs = 2000): PushTarget => ({
    url,
    job: 'syncscope',
    grouping: { pipeline: 'orders', instance },
    timeoutMs,
  });

  beforeAll(async () => {
    gateway = await startPushgateway();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('adds each run to its group, so counters and histograms grow across runs; gauges keep the latest value', async () => {
    expect(await pushMetrics(aRun('orders', 10, 'succeeded'), target('host-a'))).toMatchObject({ ok: true });
    expect(await pushMetrics(aRun('orders', 10, 'succeeded'), target('host-a'))).toMatchObject({ ok: true });
    expect(await pushMetrics(aRun('orders', 3, 'failed'), target('host-a'))).toMatchObject({ ok: true });
    expect(await pushMetrics(aRun('orders', 7, 'succeeded'), target('host-b'))).toMatchObject({ ok: true });

    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const a = 'instance="host-a",job="syncscope",pipeline="orders"';
    expect(sample(text, `sync_runs_total{${a},status="succeeded"}`)).toBe(2);
    expect(sample(text, `sync_runs_total{${a},status="failed"}`)).toBe(1);
    expect(sample(text, `sync_records_total{${a},status="synced"}`)).toBe(23);
    expect(sample(text, `sync_run_duration_seconds_count{${a}}`)).toBe(3);
    expect(sample(text, `sync_run_duration_seconds_sum{${a}}`)).toBe(6);
    expect(sample(text, `sync_api_request_duration_seconds_bucket{connector="github",instance="host-a",job="syncscope",operation="pulls.list",pipeline="orders",le="0.05"}`)).toBe(3);
    expect(sample(text, `sync_api_rate_limit_remaining{connector="github",${a},resource="core"}`)).toBe(4997);
    expect(sample(text, `sync_records_total{instance="host-b",job="syncscope",pipeline="orders",status="synced"}`)).toBe(7);
    // The grouping key never holds a sync ID; exemplars (OpenMetrics only) never reach the gateway.
    expect(text).not.toMatch(/SYNC-[0-9A-F]{8}|trace_id/);
  });

  it('fails, without throwing, against a port nobody listens on', async () => {
    const outcome = await pushMetrics(aRun('orders', 1, 'succeeded'), target('host-c', `http://127.0.0.1:${await freePort()}`));
    expect(outcome).toEqual({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
  });

  it('gives up on a gateway that never answers within its timeout', async () => {
    const hole = await startBlackHole();
    try {
      const started = Date.now();
      const outcome = await pushMetrics(aRun('orders', 1, 'succeeded'), target('host-d', hole.url, 300));
      expect(outcome).toEqual({ ok: false, error: 'no answer within 300 ms' });
      // Generous bound (a loaded machine): the point is that it does not hang.
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await hole.close();
    }
  });
});
