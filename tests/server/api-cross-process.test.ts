import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRunStore } from '../../src/store/sqlite/sqlite-run-store.js';
import { collect, runCli, startCli, tempDir } from '../helpers/cli.js';
import { aToken, call, eventually, startService, type RunningService } from '../helpers/service.js';

const ops = aToken('default-ops', 'default', 'operate');
const outsider = aToken('globex-read', 'globex', 'read');

const demoArgs = (dir: string, repos: number, latencyMs: number) => [
  'demo', '--json', '--repos', String(repos), '--prs-per-repo', '100', '--per-page', '10', '--batch-size', '10',
  '--latency-ms', String(latencyMs), '--concurrency', '2', '--data-dir', dir, '--reports-dir', join(dir, 'reports'),
];

interface Sample {
  status: string;
  percent: number;
  eta: number | null;
  basis: string | null;
  done: number;
}

/** Reads SSE frames from the service until `end` (or the timeout), as the dashboard does. */
async function readStream(service: RunningService, token: string, syncId: string, timeoutMs: number) {
  const response = await fetch(`${service.url}/api/v1/runs/${syncId}/events`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: Array<{ event: string; data: any }> = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let at: number;
    while ((at = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  return events;
}

/**
 * The service shows runs of other processes live: a slowed `syncscope demo` runs as a child
 * process on the service's store, and the API (and its event stream) sees its progress and ETA
 * move; a cancel through the API stops that other process's run, `cancelled` and resumable.
 */
describe('runs of another process, through the API', () => {
  const tmp = tempDir('syncscope-api-xproc-');
  let service: RunningService;

  beforeAll(async () => {
    service = await startService({ dir: tmp.dir, tokens: [ops, outsider], pipelines: [], organizations: ['default', 'globex'], pollMs: 200 });
  });

  afterAll(async () => {
    await service?.stop();
    tmp.cleanup();
  });

  it('shows progress and the ETA changing while a slowed demo runs in another process', { timeout: 120_000 }, async () => {
    const demo = startCli(demoArgs(tmp.dir, 6, 120));
    const demoDone = collect(demo);
    const syncId = await eventually(async () => {
      const runs = await call(service, ops.token, '/api/v1/runs?status=running');
      return runs.body.runs?.[0]?.sync_id as string | undefined;
    }, 30_000, 'the demo run to appear');
    const stream = readStream(service, ops.token, syncId, 60_000);

    const samples: Sample[] = [];
    for (;;) {
      const view = (await call(service, ops.token, `/api/v1/runs/${syncId}`)).body;
      samples.push({ status: view.status, percent: view.progress.percent, eta: view.eta?.seconds ?? null, basis: view.eta?.basis ?? null, done: view.records.synced });
      if (view.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const result = await demoDone;
    expect(result.code, result.stderr.slice(-1500)).toBe(0);

    const running = samples.filter((s) => s.status === 'running');
    const percents = [...new Set(running.map((s) => s.percent))];
    expect(percents.length, JSON.stringify(samples)).toBeGreaterThanOrEqual(3);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    const etas = running.filter((s) => s.eta !== null);
    expect(new Set(etas.map((s) => s.eta)).size, JSON.stringify(samples)).toBeGreaterThanOrEqual(2);
    expect(etas.every((s) => s.basis === 'throughput')).toBe(true);
    expect(samples.at(-1)).toMatchObject({ status: 'succeeded', percent: 100, eta: null, done: 600 });

    const events = await stream;
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.progress.percent as number);
    expect(new Set(progress).size).toBeGreaterThanOrEqual(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(events.filter((e) => e.event === 'partition').length).toBeGreaterThanOrEqual(6);
    expect(events.filter((e) => e.event === 'status').map((e) => e.data.status)).toEqual(['running', 'succeeded']);
    expect(events.at(-1)).toEqual({ event: 'end', data: { sync_id: syncId, status: 'succeeded' } });
  });

  it('cancels a run of another process: it ends cancelled, and a resume finishes it under the same sync ID', { timeout: 120_000 }, async () => {
    const demo = startCli(demoArgs(tmp.dir, 6, 100));
    const demoDone = collect(demo);
    const syncId = await eventually(async () => {
      const runs = await call(service, ops.token, '/api/v1/runs?status=running');
      const run = runs.body.runs?.[0];
      return run && run.records.synced >= 20 ? (run.sync_id as string) : undefined;
    }, 30_000, 'the demo run to get going');

    expect((await call(service, outsider.token, `/api/v1/runs/${syncId}/cancel`, { method: 'POST' })).status).toBe(403);
    const cancel = await call(service, ops.token, `/api/v1/runs/${syncId}/cancel`, { method: 'POST' });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(202);
    expect(cancel.body).toMatchObject({ sync_id: syncId, status: 'running', already_requested: false });

    const result = await demoDone;
    expect(result.code, result.stderr.slice(-1500)).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ sync_id: syncId, status: 'cancelled' });
    expect(summary.records.synced).toBeGreaterThan(0);
    expect(summary.records.synced).toBeLessThan(600);
    const events = result.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.find((e) => e['event'] === 'sync.pipeline.cancel_requested')).toMatchObject({ sync_id: syncId, requested_by: 'token:default-ops' });

    const view = (await call(service, ops.token, `/api/v1/runs/${syncId}`)).body;
    expect(view).toMatchObject({ status: 'cancelled', live: false, cancel_requested_by: 'token:default-ops' });
    expect(view.progress.partitions_finished).toBeLessThan(6);
    const again = await call(service, ops.token, `/api/v1/runs/${syncId}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);

    // The resume runs with the settings the demo recorded (same simulator data).
    const resumed = await runCli([...demoArgs(tmp.dir, 6, 100), '--resume', syncId]);
    expect(resumed.code, resumed.stderr.slice(-1500)).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ sync_id: syncId, status: 'succeeded', resume_count: 1, records: { synced: 600, failed: 0, skipped: 0, pending: 0 } });
    const store = new SqliteRunStore({ path: service.storePath });
    try {
      const run = await store.getRun(syncId);
      expect(run).toMatchObject({ status: 'succeeded', resumeCount: 1, cancelRequest: null });
      expect((await store.listAttempts(syncId)).map((a) => a.status)).toEqual(['cancelled', 'succeeded']);
    } finally {
      await store.close();
    }
  });
});
