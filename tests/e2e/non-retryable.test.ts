import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { jsonLines, runCli, tempDir } from '../helpers/cli.js';

const TOKEN = 'ghp_nonRetryableTestToken000000000000000';

describe('non-retryable faults', () => {
  const tmp = tempDir();
  let sim: GithubSimulator;
  beforeAll(async () => {
    sim = await startGithubSimulator({
      repos: 3,
      prsPerRepo: 20,
      reviewsPerPr: 1,
      token: TOKEN,
      faults: { rate: 0.3, kinds: ['unauthorized'], routes: ['GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews'] },
    });
  });
  afterAll(async () => {
    await sim.close();
    tmp.cleanup();
  });

  it('fails the affected records with INVALID_CREDENTIALS, retries nothing, leaves nothing pending, exits 1', async () => {
    const config = join(tmp.dir, 'pipeline.toml');
    writeFileSync(
      config,
      [
        '[pipeline]',
        'name = "github-401"',
        '[source]',
        'type = "github"',
        'mode = "rest"',
        `base_url = "${sim.url}"`,
        `org = "${sim.org}"`,
        'include_reviews = true',
        'per_page = 10',
        '[destination]',
        'type = "sqlite"',
        `path = "${join(tmp.dir, 'github.db')}"`,
        '[store]',
        'type = "sqlite"',
        `path = "${join(tmp.dir, 'store.db')}"`,
      ].join('\n'),
    );
    const result = await runCli(['run', '--config', config, '--execute', '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    expect(result.code, result.stderr.slice(-2000)).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe('failed');
    expect(summary.api.retries).toBe(0);
    expect(summary.records.failed).toBeGreaterThan(0);
    expect(summary.records.synced).toBeGreaterThan(0);
    expect(summary.records.pending).toBe(0);

    const store = new Database(join(tmp.dir, 'store.db'), { readonly: true });
    const states = store.prepare('SELECT status, error_category, error_message, entity FROM record_states WHERE sync_id = ?').all(summary.sync_id) as Array<{
      status: string; error_category: string | null; error_message: string | null; entity: string;
    }>;
    const partitions = store.prepare('SELECT status, error_category FROM partitions WHERE sync_id = ?').all(summary.sync_id) as Array<{ status: string; error_category: string | null }>;
    store.close();
    const failed = states.filter((s) => s.status === 'failed');
    expect(failed.length).toBe(summary.records.failed);
    for (const f of failed) {
      expect(f.error_category).toBe('INVALID_CREDENTIALS');
      expect(f.error_message).toContain('reviews could not be read');
    }
    expect(states.every((s) => s.status === 'synced' || s.status === 'failed')).toBe(true);
    for (const p of partitions.filter((p) => p.status === 'failed')) expect(p.error_category).toBe('INVALID_CREDENTIALS');

    // Each failed record is announced, with its category, and the token appears nowhere.
    const events = jsonLines(result.stderr);
    expect(events.filter((e) => e.event === 'sync.record.failed')).toHaveLength(failed.length);
    expect(events.filter((e) => e.event === 'sync.record.failed').every((e) => e.error_category === 'INVALID_CREDENTIALS')).toBe(true);
    expect(result.stderr + result.stdout).not.toContain(TOKEN);
  });

  it('rejects a bad config with exit code 2, naming the key', async () => {
    const config = join(tmp.dir, 'bad.yaml');
    writeFileSync(config, 'pipeline:\n  name: Bad Name\nsource:\n  type: github\n  per_page: 500\ndestination:\n  type: sqlite\n');
    const result = await runCli(['run', '--config', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pipeline.name');
    expect(result.stderr).toContain('source.per_page');
    expect(result.stderr).toContain('source.org');
  });
});
