import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { jsonLines, runCli, tempDir } from '../helpers/cli.js';

const TOKEN = 'ghp_retryFailedTestToken0000000000000000';
const REVIEWS_ROUTE = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews';
const HOLD_MS = 12_000;

describe('run --retry-failed', () => {
  const tmp = tempDir();
  const config = join(tmp.dir, 'pipeline.toml');
  const storePath = join(tmp.dir, 'store.db');
  const reports = join(tmp.dir, 'reports');
  let sim: GithubSimulator;
  beforeAll(async () => {
    sim = await startGithubSimulator({
      repos: 3,
      prsPerRepo: 20,
      reviewsPerPr: 1,
      token: TOKEN,
      faults: { rate: 0.2, kinds: ['unauthorized'], routes: [REVIEWS_ROUTE] },
      logRequests: true,
    });
    writeFileSync(config, [
      '[pipeline]', 'name = "github-retry"',
      '[source]', 'type = "github"', 'mode = "rest"', `base_url = "${sim.url}"`, `org = "${sim.org}"`, 'include_reviews = true', 'per_page = 10',
      '[destination]', 'type = "sqlite"', `path = "${join(tmp.dir, 'github.db')}"`,
      '[store]', 'type = "sqlite"', `path = "${storePath}"`,
      '[reports]', `dir = "${reports}"`,
    ].join('\n'));
  });
  afterAll(async () => {
    await sim.close();
    tmp.cleanup();
  });

  it('re-runs only the failed records as a new sync linked both ways', async () => {
    const first = await runCli(['run', '--config', config, '--execute', '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    expect(first.code, first.stderr.slice(-2000)).toBe(1);
    const original = JSON.parse(first.stdout);
    expect(original.records.failed).toBeGreaterThan(0);
    expect(original.records.synced).toBeGreaterThan(0);

    sim.setFaults(undefined);
    const second = await runCli(['run', '--config', config, '--execute', '--retry-failed', original.sync_id, '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    expect(second.code, second.stderr.slice(-2000)).toBe(0);
    const retry = JSON.parse(second.stdout);
    expect(retry.sync_id).not.toBe(original.sync_id);
    expect(retry.retry_of).toBe(original.sync_id);
    expect(retry.status).toBe('succeeded');
    expect(retry.records).toEqual({ synced: original.records.failed, failed: 0, skipped: 0, pending: 0 });

    // Exactly the keys that failed were written this time.
    const db = new Database(storePath, { readonly: true });
    const keysOf = (syncId: string, status: string) =>
      (db.prepare('SELECT record_key FROM record_states WHERE sync_id = ? AND status = ? ORDER BY record_key').all(syncId, status) as Array<{ record_key: string }>).map((r) => r.record_key);
    const failedBefore = keysOf(original.sync_id, 'failed');
    const syncedNow = keysOf(retry.sync_id, 'synced');
    db.close();
    expect(syncedNow).toEqual(failedBefore);

    // Both summaries show the link.
    const summaryOf = (syncId: string) => JSON.parse(readFileSync(join(reports, 'sync', syncId, '_SYNC_SUMMARY.json'), 'utf8'));
    expect(summaryOf(retry.sync_id).retry_of).toBe(original.sync_id);
    const mdOf = (syncId: string) => readFileSync(join(reports, 'sync', syncId, '_SYNC_SUMMARY.md'), 'utf8');
    expect(mdOf(retry.sync_id)).toContain(`| Retry of | \`${original.sync_id}\` (re-ran its failed records) |`);
    // The retry rewrote the original's reports, so they point forward to it.
    expect(summaryOf(original.sync_id).retried_by).toEqual([retry.sync_id]);
    expect(mdOf(original.sync_id)).toContain(`| Retried by | \`${retry.sync_id}\` |`);

    const shown = await runCli(['show', original.sync_id, '--store', storePath, '--reports-dir', reports]);
    expect(shown.stdout).toMatch(new RegExp(`Retried by\\s+${retry.sync_id}`));
  });

  it("waits out a rate-limit hold the original sync ended under before its first request", async () => {
    sim.setFaults({ rate: 0.2, kinds: ['unauthorized'], routes: [REVIEWS_ROUTE] });
    const first = await runCli(['run', '--config', config, '--execute', '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    const original = JSON.parse(first.stdout);
    expect(original.records.failed).toBeGreaterThan(0);
    sim.setFaults(undefined);
    // As a sync that failed under a secondary limit leaves it: the token held past the run's end.
    // Longer than a retry's CLI takes to start on a loaded machine, so the retry meets the hold.
    const heldUntilMs = Date.now() + HOLD_MS;
    const db = new Database(storePath);
    const held = db.prepare("UPDATE run_rate_limits SET held_until = ?, hold_reason = 'secondary' WHERE sync_id = ? AND resource = 'core'")
      .run(new Date(heldUntilMs).toISOString(), original.sync_id);
    db.close();
    expect(held.changes).toBe(1);
    const before = sim.requests().length;

    const second = await runCli(['run', '--config', config, '--execute', '--retry-failed', original.sync_id, '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    expect(second.code, second.stderr.slice(-2000)).toBe(0);
    const events = jsonLines(second.stderr);
    const restored = events.filter((e) => e.event === 'sync.api.hold_restored');
    expect(restored).toEqual([expect.objectContaining({ resource: 'core', reason: 'secondary', held_until: new Date(heldUntilMs).toISOString() })]);
    const started = events.find((e) => e.event === 'sync.pipeline.started');
    expect(Date.parse(String(started!.timestamp)), 'the retry started inside the hold').toBeLessThan(heldUntilMs - 1000);
    const requests = sim.requests().slice(before);
    expect(requests.length).toBeGreaterThan(0);
    expect(Math.min(...requests.map((r) => r.receivedAtMs))).toBeGreaterThanOrEqual(heldUntilMs - 100);
    expect(JSON.parse(second.stdout).records).toEqual({ synced: original.records.failed, failed: 0, skipped: 0, pending: 0 });
  }, 60_000);

  it('refuses a retry of a sync without failures, with exit 2', async () => {
    const clean = await runCli(['run', '--config', config, '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    const { sync_id: syncId } = JSON.parse(clean.stdout);
    const result = await runCli(['run', '--config', config, '--retry-failed', syncId], { env: { GITHUB_TOKEN: TOKEN } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('has no failed records to retry');
  });
});
