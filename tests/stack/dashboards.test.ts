import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { skipWithoutTools } from '../helpers/required-tools.js';
import { parse, stringify } from 'yaml';
import { createSyncMetrics } from '../../src/telemetry/metrics.js';
import {
  baseMetricName,
  collectStackExpressions,
  exposedSeriesNames,
  grafanaToPromQL,
  metricNamesIn,
  promqlSyntaxErrors,
  syncscopeMetricNamesIn,
} from './promql-metrics.js';
import { runPromtool } from './promtool.js';
import {
  STACK_PATHS,
  allPanels,
  loadDashboards,
  loadProvisionedDatasources,
  readText,
  repoPath,
  type DataSourceRef,
} from './stack-files.js';

const dashboards = loadDashboards();
const datasources = loadProvisionedDatasources();
const expressions = collectStackExpressions();
const havePromtool = !skipWithoutTools(['promtool']);

describe('metricNamesIn', () => {
  it('returns the selected metric names, not functions, labels or grouping names', () => {
    expect(
      metricNamesIn(
        'sum by (connector) (rate(sync_api_requests_total{error_category!="none"}[10m])) / on (connector) group_left sum by (connector) (sync_api_rate_limit_limit)',
      ),
    ).toEqual(['sync_api_requests_total', 'sync_api_rate_limit_limit']);
  });

  it('keeps histogram suffixes as written, and reads __name__ and quoted names', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le) (rate(x_seconds_bucket[5m])))')).toEqual(['x_seconds_bucket']);
    expect(metricNamesIn('{__name__="sync_runs_total", status="failed"} offset 15m')).toEqual(['sync_runs_total']);
    expect(metricNamesIn('{"sync_runs_total"}')).toEqual(['sync_runs_total']);
    expect(metricNamesIn('{__name__=~"sync_.*"}')).toEqual([]);
    expect(metricNamesIn('time() - 3')).toEqual([]);
  });

  it('is paired with baseMetricName and exposedSeriesNames for histogram families', () => {
    const histograms = new Set(['x_seconds']);
    expect(baseMetricName('x_seconds_bucket', histograms)).toBe('x_seconds');
    expect(baseMetricName('y_count', histograms)).toBe('y_count');
    expect([...exposedSeriesNames([{ name: 'x_seconds', type: 'histogram' }, { name: 'y_total', type: 'counter' }])]).toEqual([
      'x_seconds_bucket',
      'x_seconds_sum',
      'x_seconds_count',
      'y_total',
    ]);
  });

  it('grafanaToPromQL replaces interval macros and promqlSyntaxErrors reports leftovers', () => {
    expect(grafanaToPromQL('rate(x[$__rate_interval]) + increase(y[${__range}])')).toBe('rate(x[1m]) + increase(y[6h])');
    expect(promqlSyntaxErrors('rate(x[$__rate_interval])')).not.toEqual([]);
    expect(promqlSyntaxErrors('sum(rate(x[5m])')).not.toEqual([]);
    expect(promqlSyntaxErrors('sum(rate(x[5m]))')).toEqual([]);
  });
});

describe('dashboards', () => {
  it('exist: sync overview, rate limits, single sync', () => {
    expect(dashboards.map((d) => d.file)).toEqual(
      expect.arrayContaining(['sync-overview.json', 'rate-limits.json', 'single-sync.json'].map((f) => `${STACK_PATHS.dashboardsDir}/${f}`)),
    );
  });

  it('have unique uids and panel ids, and a recent schema version', () => {
    const uids = dashboards.map((d) => d.dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const { file, dashboard } of dashboards) {
      expect(dashboard.schemaVersion, file).toBeGreaterThanOrEqual(36);
      const ids = allPanels(dashboard).map((panel) => panel.id);
      expect(new Set(ids).size, `${file}: duplicate panel ids`).toBe(ids.length);
    }
  });

  it('use only provisioned datasources, by fixed uid and matching type, on every panel, target and variable', () => {
    const byUid = new Map(datasources.map((ds) => [ds.uid, ds]));
    const problems: string[] = [];
    const check = (where: string, ref: DataSourceRef | null | undefined): void => {
      if (!ref?.uid || !ref.type) return void problems.push(`${where}: datasource needs {type, uid}`);
      if (ref.uid.includes('$')) return void problems.push(`${where}: datasource uid ${ref.uid} is a variable`);
      const provisioned = byUid.get(ref.uid);
      if (!provisioned) return void problems.push(`${where}: uid ${ref.uid} is not in ${STACK_PATHS.datasources}`);
      if (provisioned.type !== ref.type) problems.push(`${where}: type ${ref.type} but ${ref.uid} is ${provisioned.type}`);
    };
    for (const { file, dashboard } of dashboards) {
      for (const variable of dashboard.templating?.list ?? []) {
        if (variable.type === 'query') check(`${file} variable ${variable.name}`, variable.datasource);
      }
      for (const panel of allPanels(dashboard)) {
        // Rows and text panels query nothing.
        if (panel.type === 'row' || panel.type === 'text') continue;
        const where = `${file} panel ${panel.id ?? '?'} "${panel.title ?? ''}"`;
        check(where, panel.datasource);
        expect(panel.targets?.length, `${where} has no query`).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) check(`${where} target ${target.refId ?? '?'}`, target.datasource);
      }
    }
    expect(problems).toEqual([]);
  });

  it('query Loki for the service the $service variable names (OTEL_SERVICE_NAME), and single-sync panels filter by $sync_id', () => {
    for (const { file, dashboard } of dashboards) {
      const lokiTargets = allPanels(dashboard).flatMap((panel) => panel.targets ?? []).filter((t) => t.datasource?.type === 'loki');
      if (lokiTargets.length > 0) {
        const service = dashboard.templating?.list.find((v) => v.name === 'service');
        expect(service, `${file} has a service variable`).toMatchObject({ type: 'query', datasource: { type: 'loki', uid: 'loki' } });
        expect(service?.query).toMatchObject({ label: 'service_name', type: 1 });
      }
      for (const panel of allPanels(dashboard)) {
        for (const target of panel.targets ?? []) {
          const type = target.datasource?.type;
          const where = `${file} panel "${panel.title ?? ''}"`;
          if (type === 'loki') expect(target.expr, where).toContain('{service_name="$service"}');
          expect(JSON.stringify(target), where).not.toContain('service_name=\\"syncscope\\"');
          if (file.endsWith('single-sync.json') && type === 'loki') expect(target.expr, where).toContain('sync_id="$sync_id"');
          if (file.endsWith('single-sync.json') && type === 'tempo') expect(target.query, where).toContain('span.sync.id = "$sync_id"');
        }
      }
    }
  });
});

describe('dashboard variables', () => {
  it('list every pipeline that ran, including one that failed before its first record', () => {
    const overview = dashboards.find((d) => d.file.endsWith('sync-overview.json'))?.dashboard;
    const pipeline = overview?.templating?.list.find((v) => v.name === 'pipeline');
    // sync_runs_total of every final status is created at 0 when a run starts.
    expect(pipeline?.query).toMatchObject({ query: 'label_values(sync_runs_total, pipeline)' });
  });
});

describe('Prometheus expressions of dashboards and rules', () => {
  it('are collected from every dashboard and every rule file', () => {
    const sources = new Set(expressions.map((e) => e.source.slice(0, e.source.indexOf(':'))));
    expect(sources).toContain(`${STACK_PATHS.dashboardsDir}/sync-overview.json`);
    expect(sources).toContain(`${STACK_PATHS.dashboardsDir}/rate-limits.json`);
    expect(sources).toContain('otel/alerts/syncscope-alerts.yml');
  });

  it('parse without syntax errors', () => {
    const broken = expressions
      .map(({ source, expr }) => ({ source, errors: promqlSyntaxErrors(expr) }))
      .filter((e) => e.errors.length > 0);
    expect(broken).toEqual([]);
  });

  it('use only metrics that createSyncMetrics() registers', async () => {
    const families = await createSyncMetrics().registry.getMetricsAsJSON();
    const exported = exposedSeriesNames(families.map((f) => ({ name: f.name, type: String(f.type) })));
    const unknown = expressions.flatMap(({ source, expr }) =>
      syncscopeMetricNamesIn(expr)
        .filter((name) => !exported.has(name))
        .map((name) => `${source}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it.skipIf(!havePromtool)('pass `promtool check rules` when written as recording rules (dashboards)', () => {
    const dashboardExpressions = expressions.filter((e) => e.source.startsWith(STACK_PATHS.dashboardsDir));
    const dir = mkdtempSync(join(tmpdir(), 'syncscope-dashboard-rules-'));
    try {
      const file = join(dir, 'dashboard-expressions.yml');
      const record = (i: number): string => `syncscope:dashboard_expression_${i}`;
      const rules = dashboardExpressions.map(({ expr }, i) => ({ record: record(i), expr }));
      writeFileSync(file, stringify({ groups: [{ name: 'syncscope-dashboards', rules }] }));
      const result = runPromtool(['check', 'rules', file]);
      const legend = dashboardExpressions.map((e, i) => `${record(i)} = ${e.source}`).join('\n');
      expect(result.status, `${result.output}\n${legend}`).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Grafana provisioning', () => {
  const provisioningFiles = (dir: string): string[] =>
    readdirSync(repoPath(dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? provisioningFiles(`${dir}/${entry.name}`) : [`${dir}/${entry.name}`],
    );

  it('escapes Grafana template variables as $$ (Grafana expands $VAR in provisioned values)', () => {
    const strings = (value: unknown): string[] => {
      if (typeof value === 'string') return [value];
      if (Array.isArray(value)) return value.flatMap(strings);
      return value && typeof value === 'object' ? Object.values(value).flatMap(strings) : [];
    };
    const unescaped = provisioningFiles('grafana/provisioning').flatMap((file) =>
      strings(parse(readText(file))).flatMap((value) =>
        [...value.matchAll(/(?<!\$)\$\{?__\w+/g)].map((match) => `${file}: ${match[0]} in ${value}`),
      ),
    );
    expect(unescaped).toEqual([]);
  });

  it('provisions prometheus, tempo and loki with their cross-links', () => {
    const byUid = new Map(datasources.map((ds) => [ds.uid, ds]));
    expect(byUid.get('prometheus')?.type).toBe('prometheus');
    expect(byUid.get('tempo')?.type).toBe('tempo');
    expect(byUid.get('loki')?.type).toBe('loki');
    expect(byUid.get('prometheus')?.jsonData?.exemplarTraceIdDestinations).toEqual([
      expect.objectContaining({ name: 'trace_id', datasourceUid: 'tempo' }),
    ]);
    const tempo = byUid.get('tempo')?.jsonData ?? {};
    expect(tempo.tracesToLogsV2).toMatchObject({
      datasourceUid: 'loki',
      filterByTraceID: true,
      customQuery: true,
      // The span's own service.name, mapped to Loki's label: no hard-coded service name.
      tags: [{ key: 'service.name', value: 'service_name' }],
      query: '{$${__tags}} | trace_id="$${__trace.traceId}"',
    });
    expect(tempo.serviceMap).toMatchObject({ datasourceUid: 'prometheus' });
    expect(tempo.nodeGraph).toMatchObject({ enabled: true });
    expect(byUid.get('loki')?.jsonData?.derivedFields).toEqual([
      expect.objectContaining({ name: 'trace_id', matcherType: 'label', matcherRegex: 'trace_id', datasourceUid: 'tempo' }),
    ]);
  });
});
