import { afterAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function demoEvents(env: Record<string, string>, dir: string) {
  const result = await runCli(['demo', '--mode', 'rest', '--json', '--repos', '2', '--prs-per-repo', '5', '--latency-ms', '0', '--data-dir', dir, '--reports-dir', `${dir}/reports`], { env });
  expect(result.code, result.stderr).toBe(0);
  return jsonLines(result.stderr).map((e) => String(e.event));
}

describe('per-component log levels', () => {
  it('shows api debug events only when the api component is raised, and leaves other components at the global level', async () => {
    const quiet = await demoEvents({ SYNCSCOPE_LOG_LEVEL: 'info' }, `${tmp.dir}/a`);
    const apiDebug = await demoEvents({ SYNCSCOPE_LOG_LEVEL: 'info', SYNCSCOPE_LOG_LEVELS: 'api=debug' }, `${tmp.dir}/b`);

    expect(quiet).not.toContain('sync.api.rest');
    expect(apiDebug).toContain('sync.api.rest');
    // Raising `api` does not raise `db` or `batch`: their debug events stay hidden.
    expect(apiDebug).not.toContain('sync.db.write');
    expect(apiDebug).not.toContain('sync.batch.completed');
    // Info events are there in both.
    expect(quiet).toContain('sync.repo.completed');
    expect(apiDebug).toContain('sync.repo.completed');
  });

  it('lowers one component below the global level', async () => {
    const events = await demoEvents({ SYNCSCOPE_LOG_LEVEL: 'debug', SYNCSCOPE_LOG_LEVELS: 'api=warn,partition=warn' }, `${tmp.dir}/c`);
    expect(events).toContain('sync.db.write');
    expect(events).not.toContain('sync.api.rest');
    expect(events).not.toContain('sync.api.rate_limit');
    expect(events).not.toContain('sync.repo.started');
  });

  it('rejects a bad component spec with exit code 2 and names it', async () => {
    const result = await runCli(['demo', '--data-dir', `${tmp.dir}/d`], { env: { SYNCSCOPE_LOG_LEVELS: 'apii=debug' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SYNCSCOPE_LOG_LEVELS');
    expect(result.stderr).toContain('apii=debug');
  });
});
