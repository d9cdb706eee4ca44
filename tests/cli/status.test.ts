import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRunStore } from '../../src/store/sqlite/sqlite-run-store.js';
import { CURRENT, seedRuns } from '../reports/seed.js';
import { collect, runCli, startCli, tempDir } from '../helpers/cli.js';
import { createServer } from 'node:net';
import { aToken, eventually, startService, type RunningService } from '../helpers/service.js';

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const reader = aToken('default-read', 'default', 'read');

describe('syncscope status', () => {
  const tmp = tempDir('syncscope-status-');
  const storePath = join(tmp.dir, 'syncscope.db');
  let service: RunningService;

  beforeAll(async () => {
    const store = new SqliteRunStore({ path: storePath });
    await store.migrate();
    await seedRuns(store);
    await store.close();
    service = await startService({ dir: tmp.dir, tokens: [reader], pipelines: [], organizations: ['default'] });
  });

  afterAll(async () => {
    await service?.stop();
    tmp.cleanup();
  });

  it('shows one sync from the store: bar, partitions, errors by category', async () => {
    const result = await runCli(['status', CURRENT, '--store', storePath]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${CURRENT} · github-pull-requests · default · partial`);
    expect(result.stdout).toMatch(/Progress\s+█+/);
    expect(result.stdout).toContain('38 synced · 0 skipped · 2 failed');
    expect(result.stdout).toContain('3/4 finished · 0 running');
    expect(result.stdout).toMatch(/octo\/gone\s+❌ failed/);
    expect(result.stdout).toMatch(/VALIDATION_ERROR\s+2/);
    expect(result.stdout).toContain('the run has ended (partial)');
  });

  it('lists the latest runs without a sync ID, and prints JSON with --json', async () => {
    const list = await runCli(['status', '--store', storePath]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('0 running');
    expect(list.stdout).toContain(CURRENT);
    const json = await runCli(['status', CURRENT, '--store', storePath, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ sync_id: CURRENT, status: 'partial', progress: { partitions_total: 4 } });
  });

  it('shows the same view from a service with --url and the token from SYNCSCOPE_TOKEN', async () => {
    const local = await runCli(['status', CURRENT, '--store', storePath]);
    const remote = await runCli(['status', CURRENT, '--url', service.url], { env: { SYNCSCOPE_TOKEN: reader.token } });
    expect(remote.code, remote.stderr).toBe(0);
    const stable = (text: string) => text.replace(/\d+(\.\d+)? (ms|s|min)/g, '<t>');
    expect(stable(remote.stdout)).toEqual(stable(local.stdout));
  });

  it('names what is wrong with a remote call: no token, a refused token, an unreachable service', async () => {
    const none = await runCli(['status', CURRENT, '--url', service.url]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--url needs an API token in SYNCSCOPE_TOKEN');
    const refused = await runCli(['status', CURRENT, '--url', service.url], { env: { SYNCSCOPE_TOKEN: 'ssc_wrong' } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refused the token (401)');
    const missing = await runCli(['status', CURRENT.replace(/.{8}$/, '00000000'), '--url', service.url], { env: { SYNCSCOPE_TOKEN: reader.token } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no sync ${CURRENT.replace(/.{8}$/, '00000000')} in ${service.url}`);
    const closed = await freePort();
    const down = await runCli(['status', CURRENT, '--url', `http://127.0.0.1:${closed}`], { env: { SYNCSCOPE_TOKEN: reader.token } });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`cannot reach the service at http://127.0.0.1:${closed}: ECONNREFUSED`);
  });

  it('--watch redraws until the run ends and exits with its exit code', { timeout: 120_000 }, async () => {
    const demoDir = join(tmp.dir, 'watch');
    const demo = startCli(['demo', '--json', '--repos', '6', '--prs-per-repo', '60', '--per-page', '5', '--latency-ms', '300', '--concurrency', '2', '--data-dir', demoDir, '--reports-dir', join(demoDir, 'reports')]);
    const demoDone = collect(demo);
    const store = join(demoDir, 'syncscope.db');
    const syncId = await eventually(async () => {
      const reader = new SqliteRunStore({ path: store });
      try {
        return (await reader.listRuns({ status: 'running', limit: 1 }))[0]?.syncId;
      } finally {
        await reader.close();
      }
    }, 30_000, 'the demo to start');
    const watch = await runCli(['status', syncId, '--store', store, '--watch', '--interval', '0.3']);
    expect((await demoDone).code).toBe(0);
    expect(watch.code, watch.stderr).toBe(0);
    const frames = watch.stdout.split(/^(?=⏳|✅)/m).filter((f) => f.includes(syncId));
    expect(frames.length, watch.stdout.slice(-3000)).toBeGreaterThanOrEqual(3);
    expect(frames.at(-1)).toContain('succeeded');
    const percents = frames.map((f) => Number(/(\d+(\.\d+)?)% of/.exec(f)?.[1]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);
  });
});
