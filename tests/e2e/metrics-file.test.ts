import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { skipWithoutTools } from '../helpers/required-tools.js';
import { runCli, tempDir } from '../helpers/cli.js';

// In CI promtool must be there (.ci/run installs it): only a developer machine may skip.
const skip = skipWithoutTools(['promtool']);
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('--metrics-file', () => {
  it.skipIf(skip)('writes Prometheus text that promtool accepts, with the run\'s records, API calls and rate-limit gauge', async () => {
    const file = join(tmp.dir, 'metrics.prom');
    const result = await runCli(['demo', '--mode', 'rest', '--json', '--repos', '3', '--prs-per-repo', '20', '--latency-ms', '0', '--data-dir', tmp.dir, '--reports-dir', `${tmp.dir}/reports`, '--metrics-file', file]);
    expect(result.code, result.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^sync_records_total\{pipeline="github-demo",status="synced"\} 60$/m);
    expect(text).toMatch(/^sync_api_requests_total\{connector="github",operation="pulls\.list",status_class="2xx",error_category="none"\} \d+$/m);
    expect(text).toMatch(/^sync_api_rate_limit_remaining\{connector="github",resource="core"\} \d+$/m);
    expect(text).toMatch(/^sync_runs_total\{pipeline="github-demo",status="succeeded"\} 1$/m);
    // No sync ID, record key or URL ever becomes a label value.
    expect(text).not.toMatch(/SYNC-[0-9A-F]{8}|repo-\d|http:\/\//);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  });

});
