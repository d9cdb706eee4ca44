import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { collect, startCli, tempDir } from '../helpers/cli.js';
import { aToken, call, eventually, GiveUp, startService, type RunningService } from '../helpers/service.js';

const PG_URL = process.env['SYNCSCOPE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const ops = aToken('acme-ops', 'acme', 'operate');
const outsider = aToken('globex-ops', 'globex', 'operate');

/**
 * The service over a PostgreSQL run store: a CLI run of a declared pipeline in another process is
 * live in the API, a cancel through the API stops it (`cancelled`, the request stored in
 * PostgreSQL), and the service resumes it to the end under the same sync ID.
 */
describe('serve with a PostgreSQL run store', () => {
  const schema = `t_${randomBytes(5).toString('hex')}`;
  const tmp = tempDir('syncscope-service-pg-');
  const admin = new pg.Client({ connectionString: PG_URL });
  let sim: GithubSimulator;
  let service: RunningService;

  beforeAll(async () => {
    await admin.connect();
    sim = await startGithubSimulator({ repos: 6, prsPerRepo: 60, latencyMs: 100 });
    service = await startService({
      dir: tmp.dir,
      tokens: [ops, outsider],
      pipelines: [{ name: 'gh-pg', organization: 'acme', baseUrl: sim.url, org: sim.org, perPage: 5, batchSize: 5 }],
      postgres: { url: PG_URL, schema },
      pollMs: 200,
    });
  });

  afterAll(async () => {
    await service?.stop();
    await sim?.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
    tmp.cleanup();
  });

  it('sees a CLI run live, cancels it across processes, and resumes it to the end', { timeout: 150_000 }, async () => {
    const cli = startCli(['run', '--config', join(tmp.dir, 'pipelines', 'gh-pg.toml'), '--execute', '--json'], { env: { GITHUB_TOKEN: 'ghp_anyTokenTheSimulatorAccepts000000000' } });
    const done = collect(cli);
    const syncId = await eventually(async () => {
      const runs = await call(service, ops.token, '/api/v1/runs?status=running');
      const run = runs.body.runs?.[0];
      return run && run.records.synced >= 15 ? (run.sync_id as string) : undefined;
    }, 40_000, 'the CLI run to show up with progress');
    expect((await call(service, outsider.token, `/api/v1/runs/${syncId}`)).status).toBe(404);

    const cancel = await call(service, ops.token, `/api/v1/runs/${syncId}/cancel`, { method: 'POST' });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(202);
    const stored = await admin.query(`SELECT cancel_requested_by FROM "${schema}".runs WHERE sync_id = $1`, [syncId]);
    expect(stored.rows).toEqual([{ cancel_requested_by: 'token:acme-ops' }]);

    const result = await done;
    expect(result.code, result.stderr.slice(-1500)).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ sync_id: syncId, status: 'cancelled' });

    const resumed = await call(service, ops.token, `/api/v1/runs/${syncId}/resume`, { method: 'POST' });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(202);
    const jobId = resumed.body.job_id as string;
    let last: unknown;
    const view = await eventually(async () => {
      const v = await call(service, ops.token, `/api/v1/runs/${syncId}`);
      const job = (await call(service, ops.token, `/api/v1/jobs/${jobId}`)).body;
      last = { run: v.body.status, records: v.body.records, job };
      if (v.body.status === 'succeeded') return v.body;
      // Ended any other way: fail now, with what the run and its job say, not after the timeout.
      // (The job's own word: the run's view may be up to one poll older.)
      if (job.status === 'failed' || (job.status === 'completed' && job.run_status !== 'succeeded')) {
        throw new GiveUp(`its job is ${String(job.status)} with the run ${String(job.run_status)}`);
      }
      return undefined;
    }, 60_000, 'the resumed run to finish').catch(async (error: Error) => {
      const partitions = (await call(service, ops.token, `/api/v1/runs/${syncId}/partitions`)).body;
      throw new Error(`${error.message}; last seen ${JSON.stringify(last)}; partitions ${JSON.stringify(partitions)}; the service's warnings and errors: ${problemsIn(service.stderr()).slice(-4000)}`);
    });
    expect(view).toMatchObject({ resume_count: 1, dry_run: false, cancel_requested_at: null, records: { synced: 360, failed: 0, pending: 0 } });
    const attempts = await admin.query(`SELECT status FROM "${schema}".run_attempts WHERE sync_id = $1 ORDER BY attempt`, [syncId]);
    expect(attempts.rows.map((r) => r.status)).toEqual(['cancelled', 'succeeded']);
  });
});

/** The service's JSON log lines at warn or error (its access log drowns everything else). */
function problemsIn(stderr: string): string {
  return stderr.split('\n').filter((line) => /"(level|severity)":"(warn|warning|error)"/i.test(line)).join('\n');
}
