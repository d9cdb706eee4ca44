import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { jsonLines, runCli, tempDir } from '../helpers/cli.js';

const TOKEN = 'ghp_reportsFailuresToken00000000000000000';

function writeConfig(dir: string, name: string, sim: GithubSimulator, reports = join(dir, 'reports')): string {
  const path = join(dir, `${name}.toml`);
  writeFileSync(path, [
    '[pipeline]', `name = "${name}"`,
    '[source]', 'type = "github"', 'mode = "rest"', `base_url = "${sim.url}"`, `org = "${sim.org}"`, 'per_page = 10',
    '[destination]', 'type = "sqlite"', `path = "${join(dir, `${name}-github.db`)}"`,
    '[store]', 'type = "sqlite"', `path = "${join(dir, 'store.db')}"`,
    '[reports]', `dir = "${reports}"`,
  ].join('\n'));
  return path;
}

describe('reports are written for every partition even when the sync fails', () => {
  const tmp = tempDir();
  let sim: GithubSimulator;
  beforeAll(async () => {
    sim = await startGithubSimulator({ repos: 4, prsPerRepo: 15, token: TOKEN, notFoundRepos: ['repo-002'] });
  });
  afterAll(async () => {
    await sim.close();
    tmp.cleanup();
  });

  it('a partition that fails (404) gets its ❌ report; the others ✅', async () => {
    const result = await runCli(['run', '--config', writeConfig(tmp.dir, 'partly-missing', sim), '--execute', '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    expect(result.code, result.stderr.slice(-2000)).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe('partial');
    const folder = join(tmp.dir, 'reports', 'sync', summary.sync_id);
    expect(summary.report_path).toBe(join(folder, '_SYNC_SUMMARY.md'));

    const files = readdirSync(join(folder, 'repo_reports')).sort();
    expect(files).toEqual(['001', '002', '003', '004'].flatMap((n) => [`syncscope-demo__repo-${n}.json`, `syncscope-demo__repo-${n}.md`]));
    const md = readFileSync(join(folder, '_SYNC_SUMMARY.md'), 'utf8');
    expect(md.split('\n')[0]).toBe(`# ⚠️ Sync ${summary.sync_id}`);
    expect(md).toContain('| [syncscope-demo/repo-002](repo_reports/syncscope-demo__repo-002.md) | ❌ failed | 0 | NOT_FOUND |');
    for (const n of ['001', '003', '004']) expect(md).toContain(`| [syncscope-demo/repo-${n}](repo_reports/syncscope-demo__repo-${n}.md) | ✅ succeeded | 15 | 0 |`);
    expect(md).toContain('| NOT_FOUND | 0 | 1 | GET /repos/{owner}/{repo}/pulls → 404 Not Found (repo syncscope-demo/repo-002): Not Found |');

    const failed = JSON.parse(readFileSync(join(folder, 'repo_reports/syncscope-demo__repo-002.json'), 'utf8'));
    expect(failed.partition).toMatchObject({ key: 'syncscope-demo/repo-002', status: 'failed', mark: '❌', error_category: 'NOT_FOUND' });
    expect(readFileSync(join(folder, 'repo_reports/syncscope-demo__repo-002.md'), 'utf8')).toContain('**NOT_FOUND** — GET /repos/{owner}/{repo}/pulls → 404 Not Found (repo syncscope-demo/repo-002): Not Found');
    const good = JSON.parse(readFileSync(join(folder, 'repo_reports/syncscope-demo__repo-001.json'), 'utf8'));
    expect(good.partition).toMatchObject({ mark: '✅', records: { synced: 15, failed: 0 } });
  });

  it('a run that cannot even list its partitions (401 everywhere) still gets a summary with the error, and no partition reports', async () => {
    const result = await runCli(['run', '--config', writeConfig(tmp.dir, 'bad-token', sim), '--execute', '--json'], { env: { GITHUB_TOKEN: 'ghp_notTheRightToken000000000000000000000' } });
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe('failed');
    expect(summary.partitions.total).toBe(0);
    const folder = join(tmp.dir, 'reports', 'sync', summary.sync_id);
    // There are no partitions, so there is honestly nothing per partition to write.
    expect(readdirSync(folder).sort()).toEqual(['_SYNC_SUMMARY.json', '_SYNC_SUMMARY.md']);
    expect(existsSync(join(folder, 'repo_reports'))).toBe(false);

    const md = readFileSync(join(folder, '_SYNC_SUMMARY.md'), 'utf8');
    expect(md.split('\n')[0]).toBe(`# ❌ Sync ${summary.sync_id}`);
    expect(md).toContain('Run error: **INVALID_CREDENTIALS** — GET /orgs/{org}/repos → 401 Unauthorized: Bad credentials');
    expect(md).toContain('No partitions were listed, so there are no partition reports.');
    const json = JSON.parse(readFileSync(join(folder, '_SYNC_SUMMARY.json'), 'utf8'));
    expect(json).toMatchObject({ status: 'failed', status_mark: '❌', partitions: [], errors: { run_error: { category: 'INVALID_CREDENTIALS' } } });
    expect(json.errors.by_category).toEqual([{ category: 'INVALID_CREDENTIALS', records: 0, partitions: 0, run_level: true, example_message: 'GET /orgs/{org}/repos → 401 Unauthorized: Bad credentials' }]);

    const written = jsonLines(result.stderr).filter((e) => e.event === 'sync.report.written');
    expect(written.map((e) => e.path)).toEqual([join(folder, '_SYNC_SUMMARY.md'), join(folder, '_SYNC_SUMMARY.json')]);
  });

  it('a report folder that cannot be written is recorded as an event; the sync result stands', async () => {
    const blocked = join(tmp.dir, 'not-a-directory');
    writeFileSync(blocked, 'a file where the reports should go');
    const result = await runCli(['run', '--config', writeConfig(tmp.dir, 'unwritable-reports', sim, blocked), '--execute', '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe('partial');
    expect(summary.report_path).toBeUndefined();
    const failure = jsonLines(result.stderr).find((e) => e.event === 'sync.report.failed');
    expect(failure?.level).toBe('error');
    expect(String(failure?.error_message)).toMatch(/ENOTDIR/);
  });
});
