import { describe, expect, it } from 'vitest';
import { runPromtool } from './promtool.js';
import { skipWithoutTools } from '../helpers/required-tools.js';
import { STACK_PATHS, ruleFilesOfPrometheusConfig } from './stack-files.js';

const available = !skipWithoutTools(['promtool']);

describe.skipIf(!available)('promtool on the Prometheus config and alert rules', () => {
  it('accepts otel/prometheus.yml (which also loads and checks its rule files)', () => {
    const result = runPromtool(['check', 'config', STACK_PATHS.prometheusConfig]);
    expect(result.status, result.output).toBe(0);
  });

  it('accepts every rule file prometheus.yml loads', () => {
    const ruleFiles = ruleFilesOfPrometheusConfig();
    expect(ruleFiles.length).toBeGreaterThan(0);
    const result = runPromtool(['check', 'rules', ...ruleFiles]);
    expect(result.status, result.output).toBe(0);
  });

  it('passes the alert unit tests', () => {
    const result = runPromtool(['test', 'rules', STACK_PATHS.alertTests]);
    expect(result.status, result.output).toBe(0);
  });
});
