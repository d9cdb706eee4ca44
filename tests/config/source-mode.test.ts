import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors/sync-error.js';

const base = { pipeline: { name: 'p' }, destination: { type: 'sqlite' } };

describe('source.mode', () => {
  it('defaults to rest and accepts graphql', () => {
    expect(parsePipelineConfig({ ...base, source: { type: 'github', org: 'o' } }).source.mode).toBe('rest');
    expect(parsePipelineConfig({ ...base, source: { type: 'github', org: 'o', mode: 'graphql' } }).source.mode).toBe('graphql');
  });

  it('names the key and the allowed values when the mode is wrong', () => {
    const attempt = () => parsePipelineConfig({ ...base, source: { type: 'github', org: 'o', mode: 'soap' } });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/source\.mode: .*"rest".*"graphql"/);
  });
});
