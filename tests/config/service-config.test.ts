import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../../src/config/load-service-config.js';
import { ConfigError } from '../../src/errors/sync-error.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';

const HASH = 'a'.repeat(64);
const tmp = tempDir('syncscope-service-config-');
afterAll(() => tmp.cleanup());

function pipelineFile(dir: string, name: string, organization?: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.toml`);
  writeFileSync(path, `[pipeline]\nname = "${name}"\n${organization ? `organization = "${organization}"\n` : ''}[source]\ntype = "github"\norg = "octo"\n[destination]\ntype = "sqlite"\n`);
  return path;
}

function serviceFile(name: string, text: string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
}

describe('service config', () => {
  it('loads the shipped example', async () => {
    const loaded = await loadServiceConfig(join(REPO_ROOT, 'examples/service.toml'), {});
    expect(loaded.pipelines.map((p) => [p.name, p.organization])).toEqual([['github-prs', 'default']]);
    expect(loaded.config.listen).toEqual({ host: '127.0.0.1', port: 9464 });
  });

  it('declares the pipelines of a folder and a list (paths relative to the config), tokens from the file and the environment', async () => {
    pipelineFile(join(tmp.dir, 'declared'), 'b-second', 'acme');
    pipelineFile(join(tmp.dir, 'declared'), 'a-first', 'acme');
    pipelineFile(join(tmp.dir, 'more'), 'c-third');
    writeFileSync(join(tmp.dir, 'declared', 'README.md'), 'not a pipeline');
    const path = serviceFile('ok.toml', `organizations = [{ id = "acme" }, { id = "default" }]
[pipelines]
dir = "declared"
files = ["more/c-third.toml"]
[[tokens]]
id = "ops"
organization = "acme"
role = "operate"
sha256 = "${HASH}"
`);
    const env = { SYNCSCOPE_API_TOKENS: JSON.stringify([{ id: 'reader', organization: 'default', role: 'read', sha256: 'b'.repeat(64) }]) };
    const loaded = await loadServiceConfig(path, env);
    expect(loaded.pipelines.map((p) => [p.name, p.organization])).toEqual([['a-first', 'acme'], ['b-second', 'acme'], ['c-third', 'default']]);
    expect(loaded.tokens.map((t) => [t.id, t.role])).toEqual([['ops', 'operate'], ['reader', 'read']]);
    expect(loaded.config.runs.concurrency).toBe(2);
    expect(loaded.config.api.poll_ms).toBe(1000);
  });

  it('runs on defaults without a file: organization default, no pipelines, tokens from the environment only', async () => {
    const loaded = await loadServiceConfig(undefined, {});
    expect(loaded.config.organizations).toEqual([{ id: 'default' }]);
    expect(loaded.pipelines).toEqual([]);
    expect(loaded.tokens).toEqual([]);
  });

  it('names what is wrong: unknown organizations, a pipeline declared twice, a bad token variable', async () => {
    const dir = join(tmp.dir, 'bad');
    pipelineFile(dir, 'twice', 'nowhere');
    pipelineFile(join(dir, 'again'), 'twice', 'acme');
    const path = serviceFile('bad.toml', `organizations = [{ id = "acme" }]
[pipelines]
dir = "bad"
files = ["bad/again/twice.toml"]
[[tokens]]
id = "ops"
organization = "globex"
role = "operate"
sha256 = "${HASH}"
`);
    const error = await loadServiceConfig(path, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('pipeline.organization "nowhere" is not in organizations');
    expect(message).toContain('pipeline "twice" is declared twice');
    expect(message).toContain('token "ops": organization "globex" is not in organizations');

    const env = await loadServiceConfig(undefined, { SYNCSCOPE_API_TOKENS: '[{"id":"x","organization":"default","role":"admin","sha256":"zz"}]' }).catch((e: unknown) => e);
    expect((env as Error).message).toContain('SYNCSCOPE_API_TOKENS is invalid');
    expect((env as Error).message).toContain('0.role');
    expect((env as Error).message).toContain('0.sha256');
    const notJson = await loadServiceConfig(undefined, { SYNCSCOPE_API_TOKENS: 'ops:acme' }).catch((e: unknown) => e);
    expect((notJson as Error).message).toContain('SYNCSCOPE_API_TOKENS must be a JSON array');
  });

  it('rejects unknown keys and a missing pipelines folder, naming them', async () => {
    const typo = await loadServiceConfig(serviceFile('typo.toml', '[runs]\nconcurrancy = 3\n'), {}).catch((e: unknown) => e);
    expect((typo as Error).message).toContain('runs: unknown key(s) "concurrancy"');
    const missing = await loadServiceConfig(serviceFile('missing.toml', '[pipelines]\ndir = "nope"\n'), {}).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/pipelines\.dir .*nope cannot be read: ENOENT/);
  });
});
