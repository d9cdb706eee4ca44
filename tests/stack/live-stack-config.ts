import { stringify } from 'yaml';
import { STACK_PATHS, readYaml, ruleFilesOfPrometheusConfig, type RuleGroupFile } from './stack-files.js';

/**
 * The project's own stack files, rewritten for a run on loopback ports in a test: scrape targets,
 * the Alertmanager address and the webhook URL point at the local processes, intervals are short.
 * Nothing else changes: the same rules, routes, inhibitions and annotations as in compose.
 */

interface PrometheusConfig {
  global: { scrape_interval?: string; evaluation_interval?: string; external_labels?: Record<string, string> };
  alerting?: unknown;
  rule_files?: string[];
  scrape_configs: { job_name: string; static_configs?: { targets: string[] }[]; [key: string]: unknown }[];
}

export interface LocalTargets {
  /** job_name → host:port; jobs without a local process (otel-collector, tempo, loki) are dropped. */
  jobs: Record<string, string>;
  alertmanager: string;
  ruleFile: string;
  scrapeInterval: string;
  evaluationInterval: string;
}

export function localPrometheusConfig(targets: LocalTargets): { yaml: string; dropped: string[] } {
  const config = readYaml<PrometheusConfig>(STACK_PATHS.prometheusConfig);
  const dropped = config.scrape_configs.map((j) => j.job_name).filter((name) => !(name in targets.jobs));
  const local: PrometheusConfig = {
    ...config,
    global: { ...config.global, scrape_interval: targets.scrapeInterval, evaluation_interval: targets.evaluationInterval },
    alerting: { alertmanagers: [{ static_configs: [{ targets: [targets.alertmanager] }] }] },
    rule_files: [targets.ruleFile],
    scrape_configs: config.scrape_configs
      .filter((job) => job.job_name in targets.jobs)
      .map((job) => ({ ...job, static_configs: [{ targets: [targets.jobs[job.job_name] ?? ''] }] })),
  };
  return { yaml: stringify(local), dropped };
}

/**
 * The rule files Prometheus loads, in one file, with every `for:` shortened to `forDuration` so a
 * test need not wait minutes: the expressions, labels and annotations are the shipped ones.
 */
export function rulesWithShortFor(forDuration: string): string {
  const groups = ruleFilesOfPrometheusConfig().flatMap((file) => readYaml<RuleGroupFile>(file).groups);
  return stringify({
    groups: groups.map((group) => ({
      ...group,
      rules: group.rules.map((rule) => (rule.for === undefined ? rule : { ...rule, for: forDuration })),
    })),
  });
}

interface AlertmanagerConfig {
  route: Record<string, unknown>;
  receivers: { name: string; webhook_configs?: { url: string }[] }[];
  [key: string]: unknown;
}

/** otel/alertmanager/alertmanager.yml with its webhooks sent to `webhookUrl` and 1 s grouping. */
export function localAlertmanagerConfig(webhookUrl: string): string {
  const config = readYaml<AlertmanagerConfig>('otel/alertmanager/alertmanager.yml');
  return stringify({
    ...config,
    route: { ...config.route, group_wait: '1s', group_interval: '1s' },
    receivers: config.receivers.map((r) => ({ ...r, webhook_configs: r.webhook_configs?.map((w) => ({ ...w, url: webhookUrl })) })),
  });
}

/** The absolute base every alert's runbook_url starts with (otel/prometheus.yml). */
export function runbookBaseUrl(): string {
  return readYaml<PrometheusConfig>(STACK_PATHS.prometheusConfig).global.external_labels?.runbook_base_url ?? '';
}

export type { RuleGroupFile };
