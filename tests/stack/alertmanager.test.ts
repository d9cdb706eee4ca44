import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { skipWithoutTools, TOOLS } from '../helpers/required-tools.js';
import { REPO_ROOT, readYaml, ruleFilesOfPrometheusConfig, type RuleGroupFile } from './stack-files.js';

const CONFIG = 'otel/alertmanager/alertmanager.yml';

interface Route {
  receiver?: string;
  matchers?: string[];
  routes?: Route[];
}
interface AlertmanagerConfig {
  route: Route & { group_by?: string[] };
  inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal?: string[] }[];
  receivers: { name: string; webhook_configs?: { url: string; send_resolved?: boolean }[] }[];
}

const config = readYaml<AlertmanagerConfig>(CONFIG);
const rules = ruleFilesOfPrometheusConfig().flatMap((file) => readYaml<RuleGroupFile>(file).groups.flatMap((g) => g.rules));
const alertNames = rules.flatMap((r) => (r.alert ? [r.alert] : []));

/** Alert names a matcher list selects (`alertname="X"` or `alertname=~"A|B"`). */
function alertsMatched(matchers: string[]): string[] {
  return matchers.flatMap((m) => {
    const match = /^alertname(=~?)"(.+)"$/.exec(m);
    if (!match) return [];
    const [, op, value = ''] = match;
    return op === '=' ? [value] : alertNames.filter((name) => new RegExp(`^(?:${value})$`).test(name));
  });
}

describe('Alertmanager config', () => {
  it.skipIf(skipWithoutTools(['amtool']))('passes amtool check-config', () => {
    const result = spawnSync(TOOLS.amtool.command, ['check-config', CONFIG], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it('routes every severity the rules use, to receivers that exist', () => {
    const receivers = new Set(config.receivers.map((r) => r.name));
    expect(receivers).toContain(config.route.receiver);
    const routed = new Map((config.route.routes ?? []).map((r) => [r.matchers?.[0], r.receiver]));
    for (const severity of new Set(rules.map((r) => r.labels?.severity))) {
      const receiver = routed.get(`severity="${severity}"`);
      expect(receiver, `no route for severity ${severity}`).toBeDefined();
      expect(receivers).toContain(receiver);
    }
  });

  it('groups by bounded labels only, never a sync ID', () => {
    expect(config.route.group_by).toEqual(expect.arrayContaining(['alertname', 'pipeline', 'connector']));
    expect(config.route.group_by?.some((label) => /sync|trace/.test(label))).toBe(false);
  });

  it('inhibits only between alerts that exist, each rule silencing something', () => {
    expect(config.inhibit_rules.length).toBeGreaterThanOrEqual(4);
    for (const rule of config.inhibit_rules) {
      const sources = alertsMatched(rule.source_matchers);
      const targets = alertsMatched(rule.target_matchers);
      expect(sources.length, JSON.stringify(rule)).toBeGreaterThan(0);
      expect(targets.length, JSON.stringify(rule)).toBeGreaterThan(0);
      for (const name of [...sources, ...targets]) expect(alertNames, JSON.stringify(rule)).toContain(name);
    }
    // The three budget alerts fire for one cause: the exhausted one holds the other two back.
    const exhausted = config.inhibit_rules.find((r) => alertsMatched(r.source_matchers).includes('RateLimitBudgetExhausted') && alertsMatched(r.target_matchers).includes('RateLimitBudgetLow'));
    expect(alertsMatched(exhausted?.target_matchers ?? [])).toEqual(['RateLimitBudgetLow', 'RateLimitBudgetPredictedExhaustion']);
    expect(exhausted?.equal).toEqual(['connector', 'resource']);
  });

  it('delivers to a webhook out of the box, resolved alerts included', () => {
    const hooks = config.receivers.flatMap((r) => r.webhook_configs ?? []);
    expect(hooks.length).toBeGreaterThan(0);
    for (const hook of hooks) expect(hook.send_resolved).toBe(true);
  });
});
