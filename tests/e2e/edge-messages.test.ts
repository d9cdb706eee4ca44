import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const TOKEN = 'ghp_edgeMessagesToken0000000000000000000';

function config(dir: string, name: string, source: string[], extra: string[] = []): string {
  const path = join(dir, `${name}.toml`);
  writeFileSync(path, [
    '[pipeline]', `name = "${name}"`,
    // These messages are REST's (routes, pages); the mode cases below set their own.
    '[source]', 'type = "github"', ...(source.some((line) => line.startsWith('mode')) ? [] : ['mode = "rest"']), ...source,
    '[destination]', 'type = "sqlite"', `path = "${join(dir, `${name}-github.db`)}"`,
    '[store]', 'type = "sqlite"', `path = "${join(dir, `${name}-store.db`)}"`,
    '[reports]', `dir = "${join(dir, 'reports')}"`,
    ...extra,
  ].join('\n'));
  return path;
}

function partitions(dir: string, name: string, syncId: string) {
  const db = new Database(join(dir, `${name}-store.db`), { readonly: true });
  try {
    return db.prepare('SELECT partition_key, status, error_category, error_message FROM partitions WHERE sync_id = ? ORDER BY partition_key').all(syncId) as Array<{
      partition_key: string; status: string; error_category: string | null; error_message: string | null;
    }>;
  } finally {
    db.close();
  }
}

describe('edge messages: what a failure says, and configs refused before anything runs', () => {
  const tmp = tempDir();
  let sim: GithubSimulator;
  beforeAll(async () => {
    sim = await startGithubSimulator({ repos: 3, prsPerRepo: 4, token: TOKEN, notFoundRepos: ['repo-002'] });
  });
  afterAll(async () => {
    await sim.close();
    tmp.cleanup();
  });

  for (const mode of ['rest', 'graphql'] as const) {
    it(`${mode}: a missing repository in \`repos\` fails that partition, named by method, route and repo; the others sync; exit 1, partial`, async () => {
      const name = `missing-${mode}`;
      const repos = ['repo-001', 'repo-002', 'repo-003'].map((r) => `"${sim.org}/${r}"`).join(', ');
      const path = config(tmp.dir, name, [`base_url = "${sim.url}"`, `repos = [${repos}]`, `mode = "${mode}"`, 'per_page = 10']);
      const result = await runCli(['run', '--config', path, '--execute', '--json'], { env: { GITHUB_TOKEN: TOKEN } });
      expect(result.code, result.stderr.slice(-2000)).toBe(1);
      const summary = JSON.parse(result.stdout);
      expect(summary.status).toBe('partial');
      expect(summary.records.synced).toBe(8);
      const rows = partitions(tmp.dir, name, summary.sync_id);
      expect(rows.map((r) => [r.partition_key, r.status])).toEqual([
        [`${sim.org}/repo-001`, 'succeeded'],
        [`${sim.org}/repo-002`, 'failed'],
        [`${sim.org}/repo-003`, 'succeeded'],
      ]);
      const failed = rows[1]!;
      expect(failed.error_category).toBe('NOT_FOUND');
      const route = mode === 'rest' ? 'GET /repos/{owner}/{repo} → 404 Not Found' : 'POST /graphql';
      expect(failed.error_message).toContain(route);
      expect(failed.error_message).toContain(`${sim.org}/repo-002`);
    });
  }

  it('rest: a 404 while listing a repository\'s pulls names the route and the repo', async () => {
    const name = 'pulls-404';
    const path = config(tmp.dir, name, [`base_url = "${sim.url}"`, `org = "${sim.org}"`, 'per_page = 10']);
    const result = await runCli(['run', '--config', path, '--execute', '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    expect(result.code, result.stderr.slice(-2000)).toBe(1);
    const summary = JSON.parse(result.stdout);
    const failed = partitions(tmp.dir, name, summary.sync_id).find((r) => r.status === 'failed');
    expect(failed?.error_message).toBe(`GET /repos/{owner}/{repo}/pulls → 404 Not Found (repo ${sim.org}/repo-002): Not Found`);
  });

  it('a refused connection names host and port', async () => {
    const port = await closedPort();
    const path = config(tmp.dir, 'refused', [`base_url = "http://127.0.0.1:${port}"`, 'org = "acme"'], ['[api]', 'max_attempts = 1']);
    const result = await runCli(['run', '--config', path, '--execute', '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    expect(result.code, result.stderr.slice(-2000)).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe('failed');
    expect(result.stdout + result.stderr).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('an unset token_env variable is exit 2 naming the variable; anonymous = true runs without it', async () => {
    const source = [`base_url = "${sim.url}"`, `org = "${sim.org}"`, 'token_env = "EDGE_UNSET_TOKEN"'];
    const refused = await runCli(['run', '--config', config(tmp.dir, 'no-token', source), '--execute'], { env: { EDGE_UNSET_TOKEN: undefined } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('source.token_env: environment variable EDGE_UNSET_TOKEN is not set');
    // Anonymous: the run starts and reaches the API (which wants a token, so it fails there: exit 1, not 2).
    const anonymous = await runCli(['run', '--config', config(tmp.dir, 'anonymous', [...source, 'anonymous = true']), '--execute', '--json']);
    expect(anonymous.code).toBe(1);
    expect(JSON.parse(anonymous.stdout).error.category).toBe('INVALID_CREDENTIALS');
  });

  it('a base_url carrying credentials is exit 2 naming the key, and the secret is printed nowhere', async () => {
    for (const url of [`http://edge-user:S3cretPassw0rd@127.0.0.1:1`, `http://127.0.0.1:1/?access_token=S3cretPassw0rd`]) {
      const result = await runCli(['run', '--config', config(tmp.dir, 'userinfo', [`base_url = "${url}"`, 'org = "acme"']), '--execute'], { env: { GITHUB_TOKEN: TOKEN } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('source.base_url: must not carry credentials');
      expect(result.stdout + result.stderr).not.toContain('S3cretPassw0rd');
    }
  });

  it('a PostgreSQL store.url may carry its password, but a failure to reach it never prints it', async () => {
    const port = await closedPort();
    const path = join(tmp.dir, 'pg.toml');
    writeFileSync(path, [
      '[pipeline]', 'name = "pg-store"',
      '[source]', 'type = "github"', 'mode = "rest"', `base_url = "${sim.url}"`, `org = "${sim.org}"`,
      '[destination]', 'type = "sqlite"', `path = "${join(tmp.dir, 'pg-github.db')}"`,
      '[store]', 'type = "postgres"', `url = "postgres://syncer:PgS3cretPw@127.0.0.1:${port}/db"`,
    ].join('\n'));
    const result = await runCli(['run', '--config', path, '--execute'], { env: { GITHUB_TOKEN: TOKEN } });
    expect(result.code).toBe(1);
    // One line naming the store's host and port and the cause (store-open-error.ts), never the password.
    expect(result.stderr).toContain(`run store postgres 127.0.0.1:${port}: cannot connect (ECONNREFUSED)`);
    expect(result.stdout + result.stderr).not.toContain('PgS3cretPw');
  });
});

/** A port nothing listens on: bound once to get a free one, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
