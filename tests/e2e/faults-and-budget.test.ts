import { afterAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const demo = (dir: string, args: string[]) =>
  runCli(['demo', '--mode', 'rest', '--json', '--data-dir', `${tmp.dir}/${dir}`, '--reports-dir', `${tmp.dir}/${dir}/reports`, ...args]);

describe('transient faults and the API budget', () => {
  it('syncs every record of 20 repos × 50 PRs through a 10% fault rate of every transient kind', async () => {
    const result = await demo('faults', ['--repos', '20', '--prs-per-repo', '50', '--per-page', '10', '--fault-rate', '0.1', '--latency-ms', '1']);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.records).toEqual({ synced: 1000, failed: 0, skipped: 0, pending: 0 });
    expect(summary.simulator.faults_injected).toBeGreaterThan(5);
    // Every injected fault cost exactly one retry; nothing was given up on.
    expect(summary.api.retries).toBeGreaterThanOrEqual(summary.simulator.faults_injected);
    const retryEvents = jsonLines(result.stderr).filter((e) => e.event === 'sync.api.retry');
    const categories = new Set(retryEvents.map((e) => e.error_category));
    expect(retryEvents.length).toBe(summary.api.retries);
    for (const category of categories) expect(['SERVER_ERROR', 'RATE_LIMITED', 'TIMEOUT', 'NETWORK_ERROR']).toContain(category);
    expect(categories.size).toBeGreaterThanOrEqual(3);
  });

  // 50 requests per 2 s window: even a loaded CI machine spends a window's budget before it resets,
  // so the run must wait (and must never overdraw) several times.
  it('spends a small budget (50 requests per 2 s) without a single primary-limit rejection, logging its waits', async () => {
    const result = await demo('budget', ['--repos', '10', '--prs-per-repo', '200', '--per-page', '10', '--rate-limit', '50', '--rate-limit-window', '2', '--latency-ms', '0']);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.records.synced).toBe(2000);
    expect(summary.simulator.requests).toBeGreaterThan(200);
    expect(summary.simulator.rate_limit_rejections).toBe(0);
    expect(summary.api.rate_limit_rejections).toBe(0);
    const waits = jsonLines(result.stderr).filter((e) => e.event === 'sync.api.rate_wait');
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.some((w) => w.reason === 'primary')).toBe(true);
    expect(summary.api.rate_limit_waits).toBeGreaterThanOrEqual(waits.length);
  });
});
