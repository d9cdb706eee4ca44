import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { SqliteRunStore } from '../../src/store/sqlite/sqlite-run-store.js';
import { collect, jsonLines, runCli, startCli, tempDir } from '../helpers/cli.js';
import { aToken, call, eventually, startService, writeServiceConfig, type RunningService, type TestPipeline } from '../helpers/service.js';

const ops = aToken('acme-ops', 'acme', 'operate');

async function waitForStatus(service: RunningService, syncId: string, wanted: (s: string) => boolean, timeoutMs = 60_000) {
  return eventually(async () => {
    const view = await call(service, ops.token, `/api/v1/runs/${syncId}`);
    return view.status === 200 && wanted(view.body.status) ? view.body : undefined;
  }, timeoutMs, `run ${syncId}`);
}

describe('syncscope serve runs declared pipelines', () => {
  const tmp = tempDir('syncscope-serve-');
  let sim: GithubSimulator;
  let pipelines: TestPipeline[];

  beforeAll(async () => {
    sim = await startGithubSimulator({ repos: 4, prsPerRepo: 60, latencyMs: 80, seed: 3 });
    pipelines = [
      { name: 'gh-alpha', organization: 'acme', baseUrl: sim.url, org: sim.org, perPage: 10, batchSize: 10 },
      { name: 'gh-beta', organization: 'acme', baseUrl: sim.url, org: sim.org, perPage: 10, batchSize: 10 },
    ];
  });

  afterAll(async () => {
    await sim?.close();
    tmp.cleanup();
  });

  it('runs two declared pipelines at the same time; their sync_* series are in its /metrics', { timeout: 120_000 }, async () => {
    const service = await startService({ dir: `${tmp.dir}/two`, tokens: [ops], pipelines, concurrency: 2 });
    try {
      const started = await Promise.all(pipelines.map((p) => call(service, ops.token, '/api/v1/runs', { method: 'POST', body: JSON.stringify({ pipeline: p.name, execute: true }) })));
      for (const s of started) expect(s.status, JSON.stringify(s.body)).toBe(202);
      const both = await eventually(async () => {
        const stats = await call(service, ops.token, '/api/v1/queue/stats');
        return stats.body.active === 2 ? stats.body : undefined;
      }, 20_000, 'both runs active at once');
      expect(both).toMatchObject({ active: 2, waiting: 0, concurrency: 2 });
      const views = await Promise.all(started.map((s) => waitForStatus(service, s.body.sync_id, (x) => x !== 'running' && x !== 'queued')));
      for (const v of views) expect(v).toMatchObject({ status: 'succeeded', dry_run: false, records: { synced: 240, failed: 0 } });
      // The two runs overlapped in time.
      const [a, b] = views;
      expect(Date.parse(a.started_at)).toBeLessThan(Date.parse(b.finished_at));
      expect(Date.parse(b.started_at)).toBeLessThan(Date.parse(a.finished_at));
      // Each has its own sync ID, trace and report folder.
      expect(a.sync_id).not.toBe(b.sync_id);
      expect(a.trace_id).not.toBe(b.trace_id);

      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      for (const p of pipelines) {
        expect(metrics).toMatch(new RegExp(`sync_runs_total\\{pipeline="${p.name}",status="succeeded"\\} 1`));
        expect(metrics).toMatch(new RegExp(`sync_records_total\\{pipeline="${p.name}",status="synced"\\} 240`));
        expect(metrics).toMatch(new RegExp(`sync_batches_total\\{pipeline="${p.name}",status="success"\\} \\d+`));
      }
      expect(metrics).toMatch(/sync_api_requests_total\{connector="github",/);
      expect(metrics).toMatch(/sync_queue_jobs\{state="completed"\} 2/);
      expect(metrics).not.toMatch(/SYNC-[0-9A-F]{8}/);
    } finally {
      const stopped = await service.stop();
      expect(stopped.code).toBe(0);
    }
  });

  it('shuts down gracefully: the active run ends interrupted, and resumes to the end after a restart', { timeout: 120_000 }, async () => {
    const dir = `${tmp.dir}/shutdown`;
    const slow = [{ ...pipelines[0]!, perPage: 5, batchSize: 5 }];
    const first = await startService({ dir, tokens: [ops], pipelines: slow });
    const started = await call(first, ops.token, '/api/v1/runs', { method: 'POST', body: JSON.stringify({ pipeline: 'gh-alpha', execute: true }) });
    const syncId = started.body.sync_id as string;
    await eventually(async () => ((await call(first, ops.token, `/api/v1/runs/${syncId}`)).body.records?.synced >= 20 ? true : undefined), 30_000, 'progress');
    const stopped = await first.stop('SIGTERM');
    expect(stopped.code, stopped.stderr.slice(-1500)).toBe(0);
    const lines = jsonLines(stopped.stderr);
    expect(lines.find((l) => l['event'] === 'sync.server.stopping')).toMatchObject({ signal: 'SIGTERM' });
    expect(lines.find((l) => l['event'] === 'sync.pipeline.failed' && l['sync_id'] === syncId)).toMatchObject({ status: 'interrupted' });

    const store = new SqliteRunStore({ path: first.storePath });
    const interrupted = await store.getRun(syncId);
    await store.close();
    expect(interrupted?.status).toBe('interrupted');
    expect(interrupted?.records.synced).toBeGreaterThan(0);
    expect(interrupted?.records.synced).toBeLessThan(240);

    const second = await startService({ dir, tokens: [ops], pipelines: slow });
    try {
      const resumed = await call(second, ops.token, `/api/v1/runs/${syncId}/resume`, { method: 'POST' });
      expect(resumed.status, JSON.stringify(resumed.body)).toBe(202);
      const done = await waitForStatus(second, syncId, (s) => s !== 'running' && s !== 'interrupted' && s !== 'queued');
      expect(done).toMatchObject({ status: 'succeeded', resume_count: 1, records: { synced: 240, failed: 0, pending: 0 } });
    } finally {
      await second.stop();
    }
  });
});

describe('syncscope serve --demo', () => {
  const tmp = tempDir('syncscope-serve-demo-');
  afterAll(() => tmp.cleanup());

  it('declares the bundled simulator as github-demo and prints a token that can start it', { timeout: 120_000 }, async () => {
    const child = startCli(['serve', '--demo', '--port', '0', '--log-format', 'json'], { cwd: tmp.dir });
    const done = collect(child);
    try {
      let out = '';
      const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
        child.stdout?.on('data', (chunk) => {
          out += String(chunk);
          const u = /serving (http:\/\/[^/\s]+)\//.exec(out)?.[1];
          const t = /sign in with (ssc_demo_\S+)/.exec(out)?.[1];
          if (u && t) resolve({ url: u, token: t });
        });
        child.once('exit', (code) => reject(new Error(`serve --demo exited ${code}`)));
      });
      const service = { url };
      expect((await call(service, token, '/api/v1/me')).body).toEqual({ token_id: 'demo', organization: 'default', role: 'operate' });
      const started = await call(service, token, '/api/v1/runs', { method: 'POST', body: JSON.stringify({ pipeline: 'github-demo', options: { limit: 2 } }) });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const view = await eventually(async () => {
        const v = await call(service, token, `/api/v1/runs/${started.body.sync_id}`);
        return v.body.live === false ? v.body : undefined;
      }, 90_000, 'the demo run');
      expect(view).toMatchObject({ status: 'succeeded', dry_run: true, records: { skipped: 400, failed: 0 }, progress: { partitions_total: 2 } });
    } finally {
      child.kill('SIGTERM');
      expect((await done).code).toBe(0);
    }
  });
});

describe('syncscope serve cannot bind', () => {
  let blocker: Server;
  let port = 0;
  const tmp = tempDir('syncscope-bind-');

  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    tmp.cleanup();
  });

  it('exits 1 with a message naming the host and port when the port is taken', async () => {
    const result = await runCli(['serve', '--host', '127.0.0.1', '--port', String(port), '--store', `${tmp.dir}/s.db`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the address is already in use (EADDRINUSE)`);
    expect(result.stdout).not.toContain('serving');
  });

  it('exits 1 naming the address when it is not on this machine', async () => {
    const result = await runCli(['serve', '--host', '203.0.113.7', '--port', '0', '--store', `${tmp.dir}/s.db`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot listen on 203.0.113.7:0: the address is not available on this machine (EADDRNOTAVAIL)');
  });

  it('exits 2 naming the key for a bad service config', async () => {
    const result = await runCli(['serve', '-c', `${import.meta.dirname}/fixtures/bad-service.toml`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('runs.concurrency');
    expect(result.stderr).toContain('tokens.0.sha256');
  });

  it('exits 2 naming the pipeline file and the variable when a declared pipeline\'s token variable is unset', async () => {
    const dir = `${tmp.dir}/unset-token`;
    const config = writeServiceConfig({ dir, tokens: [ops], pipelines: [{ name: 'gh-alpha', organization: 'acme', baseUrl: 'http://127.0.0.1:9', org: 'acme', tokenEnv: 'ACME_GITHUB_TOKEN' }] });
    const result = await runCli(['serve', '-c', config], { env: { ACME_GITHUB_TOKEN: undefined } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${dir}/pipelines/gh-alpha.toml: pipeline "gh-alpha": source.token_env: environment variable ACME_GITHUB_TOKEN is not set`);
    expect(result.stdout).not.toContain('serving');
  });
});
