import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startBlackHole } from '../helpers/local-services.js';
import { jsonLines, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function demoPushingTo(url: string, name: string, timeoutMs: number) {
  const dir = join(tmp.dir, name);
  const started = Date.now();
  const result = await runCli(
    ['demo', '--json', '--repos', '2', '--prs-per-repo', '5', '--latency-ms', '0', '--data-dir', dir, '--reports-dir', join(dir, 'reports'), '--metrics-file', join(dir, 'metrics.prom')],
    { env: { SYNCSCOPE_PUSHGATEWAY_URL: url, SYNCSCOPE_PUSHGATEWAY_TIMEOUT_MS: String(timeoutMs), SYNCSCOPE_PUSHGATEWAY_INSTANCE: 'e2e-host' } },
  );
  return { result, wallMs: Date.now() - started, metricsFile: readFileSync(join(dir, 'metrics.prom'), 'utf8') };
}

describe('a sync whose Pushgateway is down', () => {
  it('completes with exit 0 and one named, counted failure when the gateway refuses connections', async () => {
    const { result, metricsFile } = await demoPushingTo(`http://127.0.0.1:${await freePort()}`, 'refused', 2000);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { sync_id: string; trace_id: string; status: string };
    expect(summary.status).toBe('succeeded');
    const failures = jsonLines(result.stderr).filter((e) => e.event === 'sync.metrics.push_failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      level: 'warn',
      sync_id: summary.sync_id,
      pipeline: 'github-demo',
      trace_id: summary.trace_id,
      instance: 'e2e-host',
      error_message: expect.stringContaining('ECONNREFUSED'),
    });
    expect(metricsFile).toMatch(/^sync_telemetry_export_failures_total\{signal="metrics"\} 1$/m);
    expect(metricsFile).toMatch(/^sync_records_total\{pipeline="github-demo",status="synced"\} 10$/m);
  });

  it('gives up after its timeout when the gateway accepts connections and never answers', async () => {
    const hole = await startBlackHole();
    try {
      const { result, wallMs, metricsFile } = await demoPushingTo(hole.url, 'black-hole', 500);
      expect(result.code, result.stderr).toBe(0);
      const failures = jsonLines(result.stderr).filter((e) => e.event === 'sync.metrics.push_failed');
      expect(failures.map((e) => e.error_message)).toEqual(['no answer within 500 ms']);
      expect(metricsFile).toMatch(/^sync_telemetry_export_failures_total\{signal="metrics"\} 1$/m);
      // Generous (tsx start-up on a shared machine): a hung gateway must not hold the CLI.
      expect(wallMs).toBeLessThan(30_000);
    } finally {
      await hole.close();
    }
  });
});
