import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithoutTools } from '../helpers/required-tools.js';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { cleanEnv, REPO_ROOT, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import {
  freePort,
  STACK_BINARIES,
  startAlertmanager,
  startPrometheus,
  startPushgateway,
  startService,
  type LocalService,
} from '../helpers/local-services.js';
import { localAlertmanagerConfig, localPrometheusConfig, rulesWithShortFor, runbookBaseUrl } from './live-stack-config.js';
import { collectStackExpressions, metricNamesIn } from './promql-metrics.js';
import { STACK_PATHS, readText } from './stack-files.js';

/**
 * The stack run for real on loopback ports: Pushgateway, Prometheus (the project's rules and
 * scrape config) and Alertmanager (the project's routes and inhibitions) from Debian's packages,
 * the shipped alert-log webhook receiver, a long-lived `syncscope serve`, and real syncs through
 * the CLI. Only the addresses, the intervals and the alerts' `for:` durations are rewritten.
 */
const SCRAPE_INTERVAL_MS = 2000;
const TOKEN = 'ghp_liveStackTestToken000000000000000000';
const INSTANCE = 'live-host';
/** Filled by `syncscope worker` only: no worker runs in this stack. */
const DISTRIBUTED_ONLY_METRICS = ['sync_queue_jobs', 'sync_queue_wait_seconds_bucket', 'sync_job_duration_seconds_bucket'];

interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

describe.skipIf(skipWithoutTools(['prometheus', 'pushgateway', 'alertmanager', 'promtool']))(
  'the stack sees real syncs: CLI runs → Pushgateway → Prometheus → Alertmanager',
  () => {
    const tmp = tempDir('syncscope-live-stack-');
    const services: LocalService[] = [];
    let prometheus: LocalService;
    let alertmanager: LocalService;
    let alertLog: LocalService;
    let serve: LocalService;
    let sim: GithubSimulator | undefined;
    const runs: Record<'first' | 'exhausting' | 'failing', CliResult & { exitedAt: number }> = {} as never;
    const arrivalMs: number[] = [];

    async function query(expr: string): Promise<PromSample[]> {
      const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: PromSample[] | [number, string] } };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
      const { resultType, result } = body.data ?? { resultType: 'vector', result: [] };
      return resultType === 'scalar' ? [{ metric: {}, value: result as [number, string] }] : (result as PromSample[]);
    }

    async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    /** Runs the CLI, then waits until Prometheus shows its group's sync_records_total at `expected`. */
    async function syncAndWaitForRecords(args: string[], expected: number) {
      const env = { SYNCSCOPE_PUSHGATEWAY_URL: services[0]?.url, SYNCSCOPE_PUSHGATEWAY_INSTANCE: INSTANCE };
      const result = await runCli(args, { env });
      const exitedAt = Date.now();
      await eventually(`sync_records_total = ${expected}`, async () => {
        const [sample] = await query(`sync_records_total{job="syncscope",instance="${INSTANCE}",pipeline="github-demo",status="synced"}`);
        return sample && Number(sample.value[1]) === expected ? true : undefined;
      });
      arrivalMs.push(Date.now() - exitedAt);
      return { ...result, exitedAt };
    }

    beforeAll(async () => {
      const dir = tmp.dir;
      for (const sub of ['prometheus', 'alertmanager', 'demo', 'failing', 'serve']) mkdirSync(join(dir, sub));
      const [gateway, logPort, servePort] = await Promise.all([startPushgateway(), freePort(), freePort()]);
      services.push(gateway);
      alertLog = await startService('alert-log', process.execPath, [join(REPO_ROOT, 'otel/alertmanager/alert-log.mjs')], logPort, '/healthz', {
        ...process.env, PORT: String(logPort), HOST: '127.0.0.1',
      });
      services.push(alertLog);
      serve = await startService('serve', process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/bin.ts'), 'serve', '--port', String(servePort), '--host', '127.0.0.1', '--store', join(dir, 'serve/store.db')], servePort, '/healthz', cleanEnv());
      services.push(serve);

      writeFileSync(join(dir, 'alertmanager.yml'), localAlertmanagerConfig(`${alertLog.url}/alerts`));
      alertmanager = await startAlertmanager(join(dir, 'alertmanager.yml'), join(dir, 'alertmanager'));
      services.push(alertmanager);
      writeFileSync(join(dir, 'rules.yml'), rulesWithShortFor('1s'));
      const promPort = await freePort();
      const { yaml } = localPrometheusConfig({
        jobs: {
          syncscope: serve.url.replace('http://', ''),
          pushgateway: gateway.url.replace('http://', ''),
          alertmanager: alertmanager.url.replace('http://', ''),
          prometheus: `127.0.0.1:${promPort}`,
        },
        alertmanager: alertmanager.url.replace('http://', ''),
        ruleFile: join(dir, 'rules.yml'),
        scrapeInterval: `${SCRAPE_INTERVAL_MS / 1000}s`,
        evaluationInterval: '1s',
      });
      writeFileSync(join(dir, 'prometheus.yml'), yaml);
      prometheus = await startPrometheus(join(dir, 'prometheus.yml'), join(dir, 'prometheus'), promPort);
      services.push(prometheus);

      // A run that fails: its token is refused while the repositories are listed.
      sim = await startGithubSimulator({ repos: 2, prsPerRepo: 3, token: TOKEN });
      const failingConfig = join(dir, 'failing/pipeline.toml');
      writeFileSync(failingConfig, [
        '[pipeline]', 'name = "live-failing"',
        '[source]', 'type = "github"', `base_url = "${sim.url}"`, `org = "${sim.org}"`,
        '[destination]', 'type = "sqlite"', `path = "${join(dir, 'failing/github.db')}"`,
        '[store]', 'type = "sqlite"', `path = "${join(dir, 'failing/store.db')}"`,
        '[reports]', `dir = "${join(dir, 'failing/reports')}"`,
      ].join('\n'));
      // REST: its 3 list calls spend a budget of 3 on `core` (GraphQL would spend points on `graphql`).
      const demo = ['demo', '--mode', 'rest', '--json', '--repos', '2', '--prs-per-repo', '5', '--latency-ms', '0', '--data-dir', join(dir, 'demo'), '--reports-dir', join(dir, 'demo/reports')];
      const failing = runCli(['run', '--config', failingConfig, '--execute', '--json'], {
        env: { GITHUB_TOKEN: 'ghp_wrongToken', SYNCSCOPE_PUSHGATEWAY_URL: gateway.url, SYNCSCOPE_PUSHGATEWAY_INSTANCE: INSTANCE },
      }).then((r) => ({ ...r, exitedAt: Date.now() }));
      runs.first = await syncAndWaitForRecords(demo, 10);
      // Its 3 calls spend the whole simulated budget of 3, which resets only in 10 minutes.
      runs.exhausting = await syncAndWaitForRecords([...demo, '--rate-limit', '3', '--rate-limit-window', '600'], 20);
      runs.failing = await failing;
    }, 120_000);

    afterAll(async () => {
      for (const service of services.reverse()) await service.stop();
      await sim?.close();
      tmp.cleanup();
    });

    it('ran the syncs: two demo runs that succeed (the second spending its whole budget), one run that fails', () => {
      expect(runs.first.code, runs.first.stderr.slice(-1500)).toBe(0);
      expect(runs.exhausting.code, runs.exhausting.stderr.slice(-1500)).toBe(0);
      expect(JSON.parse(runs.exhausting.stdout)).toMatchObject({ status: 'succeeded', api: { requests: 3 } });
      expect(runs.failing.code, runs.failing.stderr.slice(-1500)).toBe(1);
      expect(JSON.parse(runs.failing.stdout)).toMatchObject({ status: 'failed', error: { category: 'INVALID_CREDENTIALS' } });
      for (const run of Object.values(runs)) expect(run.stderr).not.toContain('sync.metrics.push_failed');
    });

    // A generous bound: under the full suite on 2 shared cores one run's series landed 5.4 s after exit;
    // what matters is that a CLI run's series arrive within a few scrapes, not never.
    it('makes each CLI sync\'s sync_records_total queryable within a few scrape intervals of its exit', () => {
      expect(arrivalMs).toHaveLength(2);
      for (const ms of arrivalMs) expect(ms).toBeLessThanOrEqual(6 * SCRAPE_INTERVAL_MS);
    });

    it('adds runs up in their pushed group, so rate() and increase() see every run', async () => {
      const records = await query(`sync_records_total{instance="${INSTANCE}",pipeline="github-demo",status="synced"}`);
      expect(records.map((s) => s.value[1])).toEqual(['20']);
      const runsOk = await query(`sync_runs_total{instance="${INSTANCE}",pipeline="github-demo",status="succeeded"}`);
      expect(runsOk.map((s) => s.value[1])).toEqual(['2']);
      const increase = await query(`sum(increase(sync_records_total{pipeline="github-demo",status="synced"}[1m]))`);
      expect(Number(increase[0]?.value[1])).toBeGreaterThan(0);
      // honor_labels: the group's own job, instance and pipeline, not the gateway's.
      expect((await query('sync_runs_total{exported_job!=""}')).length).toBe(0);
    });

    it('scrapes every local target, and no label anywhere holds a sync ID', async () => {
      const up = await query('up');
      expect(Object.fromEntries(up.map((s) => [s.metric.job, s.value[1]]))).toEqual({ syncscope: '1', pushgateway: '1', alertmanager: '1', prometheus: '1' });
      const response = await fetch(`${prometheus.url}/api/v1/series?match[]=${encodeURIComponent('{__name__=~"sync_.+"}')}`);
      const series = ((await response.json()) as { data: Record<string, string>[] }).data;
      expect(series.length).toBeGreaterThan(50);
      expect(JSON.stringify(series)).not.toMatch(/SYNC-[0-9A-F]{8}|[0-9a-f]{32}/);
    });

    it('answers every dashboard query with data, except those documented as distributed-mode only', async () => {
      const dashboards = collectStackExpressions().filter((e) => e.source.startsWith(STACK_PATHS.dashboardsDir));
      const distributedOnly = dashboards.filter((e) => metricNamesIn(e.expr).some((m) => DISTRIBUTED_ONLY_METRICS.includes(m)));
      const empty: string[] = [];
      for (const { source, expr } of dashboards.filter((e) => !distributedOnly.includes(e))) {
        // Grafana's "All" for the multi-value variables is `.*` (their allValue).
        const promql = expr.replace(/\$(pipeline|connector)\b/g, '.*');
        const samples = await query(promql);
        if (!samples.some((s) => Number.isFinite(Number(s.value[1])))) empty.push(`${source}: ${promql}`);
      }
      expect(empty).toEqual([]);
      expect(dashboards.length - distributedOnly.length).toBeGreaterThan(20);
      const doc = readText(STACK_PATHS.observabilityDoc);
      for (const { source } of distributedOnly) {
        const title = /panel \d+ "([^"]+)"/.exec(source)?.[1] ?? source;
        expect(doc, `docs/observability.md lists "${title}" as distributed-mode only`).toMatch(new RegExp(`distributed-mode only[^\\n]*${title}`, 'i'));
      }
    });

    it('delivers SyncRunFailed and the exhausted budget to the webhook receiver, annotations rendered, one cause paging once', async () => {
      const base = runbookBaseUrl();
      type Line = { status: string; alertname: string; severity: string; labels: Record<string, string>; summary: string; description: string; runbook_url: string };
      const lines = await eventually('SyncRunFailed and RateLimitBudgetExhausted at the webhook', async () => {
        const received = (await (await fetch(`${alertLog.url}/alerts`)).json()) as Line[];
        const names = new Set(received.filter((l) => l.status === 'firing').map((l) => l.alertname));
        return names.has('SyncRunFailed') && names.has('RateLimitBudgetExhausted') ? received : undefined;
      });
      const failed = lines.find((l) => l.alertname === 'SyncRunFailed');
      expect(failed).toMatchObject({
        severity: 'critical',
        labels: { pipeline: 'live-failing', stack: 'syncscope-compose' },
        summary: 'A sync run of pipeline live-failing failed',
        description: 'At least one run of pipeline live-failing finished with status failed in the last 15 minutes.',
        runbook_url: `${base}#runbook-syncrunfailed`,
      });
      const exhausted = lines.find((l) => l.alertname === 'RateLimitBudgetExhausted');
      expect(exhausted).toMatchObject({
        severity: 'warning',
        labels: { connector: 'github', resource: 'core', pipeline: 'github-demo', instance: INSTANCE },
        summary: 'github/core rate-limit budget exhausted',
        runbook_url: `${base}#runbook-ratelimitbudgetexhausted`,
      });
      expect(runbookBaseUrl()).toMatch(/^https:\/\//);
      for (const line of lines) expect(`${line.summary} ${line.description} ${line.runbook_url}`).not.toContain('{{');

      // The same cause also pushed the budget under 10%: Alertmanager holds RateLimitBudgetLow back.
      type AmAlert = { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } };
      const low = await eventually('RateLimitBudgetLow at Alertmanager', async () => {
        const alerts = (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as AmAlert[];
        return alerts.find((a) => a.labels.alertname === 'RateLimitBudgetLow' && a.status.state === 'suppressed');
      });
      expect(low.status.inhibitedBy.length).toBe(1);
      const now = (await (await fetch(`${alertLog.url}/alerts`)).json()) as Line[];
      expect(now.map((l) => l.alertname)).not.toContain('RateLimitBudgetLow');
    });

    it('serves Prometheus text that promtool accepts from the live `serve` after Prometheus\'s OpenMetrics scrapes', async () => {
      const [scrapes] = await query('scrape_samples_scraped{job="syncscope"}');
      expect(Number(scrapes?.value[1])).toBeGreaterThan(0);
      const counter = await query(`sync_telemetry_export_failures_total{job="syncscope",instance="${serve.url.replace('http://', '')}",signal="metrics"}`);
      expect(counter).toHaveLength(1);
      // Prometheus asks for OpenMetrics first; one more such scrape right before, to be sure.
      const open = await fetch(`${serve.url}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
      expect(open.headers.get('content-type')).toContain('application/openmetrics-text');
      expect(await open.text()).toContain('# TYPE sync_runs counter');
      const text = await (await fetch(`${serve.url}/metrics`)).text();
      expect(text).toContain('# TYPE sync_runs_total counter');
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
    });

    it('keeps one Pushgateway group per pipeline and instance, never per sync', async () => {
      const gateway = services[0]!;
      const body = (await (await fetch(`${gateway.url}/api/v1/metrics`)).json()) as { data: { labels: Record<string, string> }[] };
      expect(body.data.map((g) => g.labels).sort((a, b) => String(a.pipeline).localeCompare(String(b.pipeline)))).toEqual([
        { job: 'syncscope', instance: INSTANCE, pipeline: 'github-demo' },
        { job: 'syncscope', instance: INSTANCE, pipeline: 'live-failing' },
      ]);
    });
  },
);
