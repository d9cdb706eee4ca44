import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository root, whatever the working directory of the test run. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the stack's files live, relative to the repository root. */
export const STACK_PATHS = {
  compose: 'docker-compose.yml',
  prometheusConfig: 'otel/prometheus.yml',
  alertTests: 'otel/alerts/syncscope-alerts.test.yml',
  datasources: 'grafana/provisioning/datasources/datasources.yaml',
  dashboardsDir: 'grafana/dashboards',
  observabilityDoc: 'docs/observability.md',
  readme: 'README.md',
} as const;

export function repoPath(relative: string): string {
  return join(REPO_ROOT, relative);
}

export function readText(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8');
}

export function readYaml<T = unknown>(relative: string): T {
  return parse(readText(relative)) as T;
}

/** A Grafana datasource reference as dashboards write it. */
export interface DataSourceRef {
  type?: string;
  uid?: string;
}

export interface DashboardTarget {
  refId?: string;
  datasource?: DataSourceRef;
  /** PromQL (Prometheus) or LogQL (Loki). */
  expr?: string;
  /** TraceQL (Tempo). */
  query?: string;
  queryType?: string;
  [key: string]: unknown;
}

export interface DashboardPanel {
  id?: number;
  type: string;
  title?: string;
  datasource?: DataSourceRef | null;
  targets?: DashboardTarget[];
  /** Collapsed rows keep their panels here. */
  panels?: DashboardPanel[];
  [key: string]: unknown;
}

export interface TemplateVariable {
  name: string;
  type: string;
  datasource?: DataSourceRef | null;
  query?: string | { query?: string };
  [key: string]: unknown;
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: DashboardPanel[];
  templating?: { list: TemplateVariable[] };
  [key: string]: unknown;
}

export interface DashboardFile {
  /** Path relative to the repository root. */
  file: string;
  dashboard: Dashboard;
}

/** Every dashboard JSON under grafana/dashboards, sorted by file name. */
export function loadDashboards(): DashboardFile[] {
  const dir = STACK_PATHS.dashboardsDir;
  return readdirSync(repoPath(dir))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const file = `${dir}/${name}`;
      return { file, dashboard: JSON.parse(readText(file)) as Dashboard };
    });
}

/** Panels of a dashboard, with the panels of collapsed rows flattened in. */
export function allPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

export interface ProvisionedDatasource {
  name: string;
  type: string;
  uid: string;
  url?: string;
  jsonData?: Record<string, unknown>;
}

export function loadProvisionedDatasources(): ProvisionedDatasource[] {
  const file = readYaml<{ datasources?: ProvisionedDatasource[] }>(STACK_PATHS.datasources);
  return file.datasources ?? [];
}

export interface RuleGroupFile {
  groups: {
    name: string;
    rules: {
      alert?: string;
      record?: string;
      expr: string;
      for?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    }[];
  }[];
}

/**
 * The rule files Prometheus loads: `rule_files` of otel/prometheus.yml, resolved against the
 * config file's directory as Prometheus does. Globs are limited to `*` in the file name.
 */
export function ruleFilesOfPrometheusConfig(): string[] {
  const config = readYaml<{ rule_files?: string[] }>(STACK_PATHS.prometheusConfig);
  const configDir = dirname(STACK_PATHS.prometheusConfig);
  return (config.rule_files ?? []).flatMap((pattern) => {
    const relative = join(configDir, pattern);
    if (!pattern.includes('*')) return [relative];
    const dir = dirname(relative);
    const nameRe = new RegExp(
      `^${relative.slice(dir.length + 1).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`,
    );
    return existsSync(repoPath(dir))
      ? readdirSync(repoPath(dir))
          .filter((name) => nameRe.test(name))
          .sort()
          .map((name) => join(dir, name))
      : [];
  });
}
