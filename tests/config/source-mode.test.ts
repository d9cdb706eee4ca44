import { describe, expect, it } from 'vitest';
import { parsePipelineConfig as parseAny } from '../../src/config/load-config.js';
import { isOrdersPipeline, type GithubPipelineConfig } from '../../src/config/pipeline-schema.js';
import { ConfigError } from '../../src/errors/sync-error.js';

const base = { pipeline: { name: 'p' }, destination: { type: 'sqlite' } };

/** These are GitHub configs: narrowed so `.source.mode` type-checks against the union of kinds. */
function parsePipelineConfig(raw: unknown): GithubPipelineConfig {
  const config = parseAny(raw);
  if (isOrdersPipeline(config)) throw new Error('expected a github pipeline');
  return config;
}

describe('source.mode', () => {
  it('defaults to graphql and accepts rest as the fallback', () => {
    expect(parsePipelineConfig({ ...base, source: { type: 'github', org: 'o' } }).source.mode).toBe('graphql');
    expect(parsePipelineConfig({ ...base, source: { type: 'github', org: 'o', mode: 'rest' } }).source.mode).toBe('rest');
  });

  it('names the key and the allowed values when the mode is wrong', () => {
    const attempt = () => parsePipelineConfig({ ...base, source: { type: 'github', org: 'o', mode: 'soap' } });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/source\.mode: .*"rest".*"graphql"/);
  });
});
