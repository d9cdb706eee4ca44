import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPipelineConfig, parsePipelineConfig } from '../../src/config/load-config.js';
import { isOrdersPipeline } from '../../src/config/pipeline-schema.js';
import { ConfigError } from '../../src/errors/sync-error.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('pipeline config', () => {
  it('loads the shipped TOML and YAML examples with defaults filled in', async () => {
    const toml = await loadPipelineConfig(join(REPO_ROOT, 'examples/github-prs.toml'));
    expect(toml.source).toMatchObject({ type: 'github', org: 'my-org', token_env: 'GITHUB_TOKEN', per_page: 100 });
    expect(toml.api.reset_margin_ms).toBe(1000);
    const yaml = await loadPipelineConfig(join(REPO_ROOT, 'examples/github-prs.yaml'));
    if (isOrdersPipeline(yaml)) throw new Error('expected a github pipeline');
    expect(yaml.pipeline.kind).toBe('github');
    expect(yaml.source.repos).toEqual(['octo/api', 'octo/web']);
    expect(yaml.store).toEqual({ type: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', schema: 'syncscope' });
    expect(yaml.options).toEqual({ batch_size: 100, partition_concurrency: 4, distributed: false });
    expect(yaml.audit.bodies).toBe('errors+sample');
  });

  it('names every bad key, unknown keys included', () => {
    const error = (() => {
      try {
        parsePipelineConfig({ pipeline: { name: 'ok' }, source: { type: 'github', org: 'x', per_pgae: 10 }, destination: { type: 'sqlite' }, api: { max_attempts: 0 } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('source: unknown key(s) "per_pgae"');
    expect(message).toContain('api.max_attempts');
  });

  it('says a missing section is required', () => {
    expect(() => parsePipelineConfig({ pipeline: { name: 'ok' } })).toThrow(/source: required \(expected object\)/);
  });

  it('rejects unreadable files and unknown extensions with the path in the message', async () => {
    await expect(loadPipelineConfig(join(tmp.dir, 'missing.toml'))).rejects.toThrow(/cannot read config file .*missing\.toml: ENOENT/);
    const json = join(tmp.dir, 'pipeline.json');
    writeFileSync(json, '{}');
    await expect(loadPipelineConfig(json)).rejects.toThrow(/must end in \.toml, \.yaml or \.yml/);
    const broken = join(tmp.dir, 'broken.toml');
    writeFileSync(broken, '[pipeline\nname = 1');
    await expect(loadPipelineConfig(broken)).rejects.toThrow(/is not valid TOML/);
  });
});
