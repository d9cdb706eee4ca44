import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithoutTools } from '../helpers/required-tools.js';
import { readEnvironment } from '../../src/config/environment.js';
import { parsePipelineConfig } from '../../src/config/load-config.js';
import { createApp } from '../../src/server/app.js';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { openRunStore } from '../../src/store/open-run-store.js';
import { Runtime } from '../../src/wiring/runtime.js';
import { runSync } from '../../src/wiring/run-sync.js';
import { PassThrough } from 'node:stream';
import { collectStackExpressions, exposedSeriesNames, syncscopeMetricNamesIn } from '../stack/promql-metrics.js';
import { tempDir } from '../helpers/cli.js';

// In CI promtool must be there (.ci/run installs it): only a developer machine may skip.
const promtool = !skipWithoutTools(['promtool']);

/** Every metric a dashboard panel or alert uses must be one the app exports after a real run. */
describe('/metrics after a real run', () => {
  const tmp = tempDir();
  let sim: GithubSimulator;
  let server: Server;
  let base = '';
  let runtime: Runtime;

  beforeAll(async () => {
    sim = await startGithubSimulator({ repos: 3, prsPerRepo: 30, faults: { rate: 0.2, kinds: ['server_error', 'secondary_limit'] }, rateLimit: { limit: 6, windowSeconds: 1 } });
    runtime = Runtime.start({ env: readEnvironment({}), logFormat: 'json', logStream: new PassThrough().resume() });
    const store = await openRunStore({ kind: 'sqlite', path: `${tmp.dir}/store.db` });
    const config = parsePipelineConfig({
      pipeline: { name: 'scrape-test' },
      source: { type: 'github', base_url: sim.url, org: sim.org, per_page: 10 },
      destination: { type: 'sqlite', path: `${tmp.dir}/github.db` },
      reports: { dir: `${tmp.dir}/reports` },
      api: { max_concurrent_per_token: 4, request_timeout_ms: 5000, max_attempts: 6, reset_margin_ms: 20, pace_below_share: 0.1, max_requests_per_minute_per_endpoint: 800 },
    });
    const run = await runSync(runtime, { config, store, execute: true });
    expect(run.status).toBe('succeeded');
    await store.close();
    server = createApp({ metrics: runtime.metrics }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await sim.close();
    await runtime.shutdown();
    tmp.cleanup();
  });

  it('exports every metric name used by the dashboards and alert rules', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => ({ name: m[1]!, type: m[2]! }));
    const exported = exposedSeriesNames(families);
    const expressions = collectStackExpressions();
    expect(expressions.length).toBeGreaterThan(20);
    const missing = expressions.flatMap(({ source, expr }) => syncscopeMetricNamesIn(expr).filter((n) => !exported.has(n)).map((n) => `${n} (${source})`));
    expect(missing).toEqual([]);
    // The run really moved these: samples, not just declarations.
    expect(text).toMatch(/^sync_records_total\{pipeline="scrape-test",status="synced"\} 90$/m);
    expect(text).toMatch(/^sync_api_retries_total\{connector="github",error_category="(SERVER_ERROR|RATE_LIMITED)"\} \d+$/m);
    expect(text).toMatch(/^sync_api_rate_limit_waits_total\{connector="github",reason="[a-z_]+"\} \d+$/m);
  });

  it('serves OpenMetrics with trace exemplars on the API latency histogram when asked', async () => {
    const response = await fetch(`${base}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(response.headers.get('content-type')).toContain('application/openmetrics-text');
    const text = await response.text();
    expect(text).toMatch(/^sync_api_request_duration_seconds_bucket\{[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}",span_id="[0-9a-f]{16}"\} [\d.e-]+/m);
    expect(text.trimEnd().endsWith('# EOF')).toBe(true);
    const plain = await (await fetch(`${base}/metrics`)).text();
    expect(plain).not.toContain('trace_id=');
  });

  it.skipIf(!promtool)('serves the same text, which promtool accepts, before and after an OpenMetrics scrape', async () => {
    const before = await (await fetch(`${base}/metrics`)).text();
    const open = await fetch(`${base}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(open.headers.get('content-type')).toContain('application/openmetrics-text');
    await open.text();
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const after = await response.text();
    const typeLines = (text: string) => text.split('\n').filter((line) => line.startsWith('# TYPE '));
    expect(typeLines(after)).toEqual(typeLines(before));
    expect(after).toMatch(/^sync_runs_total\{pipeline="scrape-test",status="succeeded"\} 1$/m);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: after, encoding: 'utf8' });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  });

  it('answers health and readiness', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
