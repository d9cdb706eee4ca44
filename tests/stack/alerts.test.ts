import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  STACK_PATHS,
  readText,
  readYaml,
  repoPath,
  ruleFilesOfPrometheusConfig,
  type RuleGroupFile,
} from './stack-files.js';

/** The alerts the observability issue asks for; more may be added, none of these removed. */
const REQUIRED_ALERTS = [
  'RateLimitBudgetLow',
  'RateLimitBudgetPredictedExhaustion',
  'RateLimitBudgetExhausted',
  'SecondaryRateLimitRisk',
  'BatchSuccessRateLow',
  'SyncRunFailed',
  'SyncStalled',
  'ApiErrorRatioHigh',
  'SyncscopeDown',
  'MetricsTargetDown',
  'TelemetryExportFailing',
  'OtelCollectorDroppingTelemetry',
];

/**
 * What each alert asks of the on-call engineer (critical: act now, paged; warning: act today;
 * info: nothing expected). A rate-limit alert is never critical: runs wait for the reset by
 * themselves, and SyncStalled leaves such waits out.
 */
const SEVERITY_OF: Record<string, string> = {
  RateLimitBudgetLow: 'info',
  RateLimitBudgetPredictedExhaustion: 'warning',
  RateLimitBudgetExhausted: 'warning',
  SecondaryRateLimitRisk: 'warning',
  BatchSuccessRateLow: 'warning',
  SyncRunFailed: 'critical',
  SyncStalled: 'critical',
  ApiErrorRatioHigh: 'warning',
  SyncscopeDown: 'critical',
  MetricsTargetDown: 'warning',
  TelemetryExportFailing: 'warning',
  OtelCollectorDroppingTelemetry: 'warning',
};

const SEVERITIES = ['info', 'warning', 'critical'];

interface RuleTestFile {
  rule_files: string[];
  tests: { name?: string; alert_rule_test?: { alertname: string; exp_alerts?: unknown[] | null }[] }[];
}

const alerts = ruleFilesOfPrometheusConfig().flatMap((file) =>
  readYaml<RuleGroupFile>(file).groups.flatMap((group) =>
    group.rules.filter((rule) => rule.alert !== undefined).map((rule) => ({ file, ...rule, alert: rule.alert ?? '' })),
  ),
);

describe('alert rules', () => {
  it('define every required alert, each once', () => {
    const names = alerts.map((rule) => rule.alert);
    expect(names).toEqual(expect.arrayContaining(REQUIRED_ALERTS));
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(alerts.map((rule) => [rule.alert, rule] as const))('%s has severity, summary, description, runbook_url', (name, rule) => {
    expect(SEVERITIES).toContain(rule.labels?.severity);
    expect(rule.labels?.severity).toBe(SEVERITY_OF[name]);
    expect(rule.annotations?.summary?.trim()).toBeTruthy();
    expect(rule.annotations?.description?.trim()).toBeTruthy();
    expect(rule.annotations?.runbook_url).toBe(`{{ $externalLabels.runbook_base_url }}#runbook-${name.toLowerCase()}`);
  });

  it('build absolute runbook URLs on a base set once in prometheus.yml and documented', () => {
    const config = readYaml<{ global: { external_labels: Record<string, string> } }>(STACK_PATHS.prometheusConfig);
    const base = config.global.external_labels.runbook_base_url ?? '';
    expect(base).toMatch(/^https:\/\/[^\s#]+\/README\.md$/);
    expect(readText(STACK_PATHS.observabilityDoc)).toContain('runbook_base_url');
    expect(readText(STACK_PATHS.readme)).toContain('runbook_base_url');
  });

  it('have a runbook section per alert in the README, whose anchor is the runbook_url', () => {
    const doc = readText(STACK_PATHS.readme);
    const headings = [...doc.matchAll(/^#{2,6} (.+)$/gm)].map((match) => (match[1] ?? '').trim());
    for (const { alert } of alerts) {
      const heading = `Runbook: ${alert}`;
      expect(headings, `missing "#### ${heading}"`).toContain(heading);
      expect(githubAnchor(heading)).toBe(`runbook-${alert.toLowerCase()}`);
    }
  });

  it('each have a firing and a not-firing case in the promtool unit tests', () => {
    const testFile = readYaml<RuleTestFile>(STACK_PATHS.alertTests);
    const firing = new Set<string>();
    const silent = new Set<string>();
    for (const test of testFile.tests) {
      for (const check of test.alert_rule_test ?? []) {
        (check.exp_alerts && check.exp_alerts.length > 0 ? firing : silent).add(check.alertname);
      }
    }
    for (const { alert } of alerts) {
      expect(firing, `${alert} has no firing test case`).toContain(alert);
      expect(silent, `${alert} has no not-firing test case`).toContain(alert);
    }
  });

  it('are the files the unit tests load', () => {
    const testFile = readYaml<RuleTestFile>(STACK_PATHS.alertTests);
    const testDir = STACK_PATHS.alertTests.slice(0, STACK_PATHS.alertTests.lastIndexOf('/'));
    const loaded = testFile.rule_files.map((file) => `${testDir}/${file}`);
    expect(loaded.sort()).toEqual(ruleFilesOfPrometheusConfig().sort());
    for (const file of loaded) expect(existsSync(repoPath(file)), file).toBe(true);
  });
});

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function githubAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}
