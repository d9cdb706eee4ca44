import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const PG_URL = process.env.SYNCSCOPE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('a sync whose run store is PostgreSQL', () => {
  const schema = `t_${randomBytes(4).toString('hex')}`;
  const tmp = tempDir();
  const client = new pg.Client({ connectionString: PG_URL });
  let sim: GithubSimulator;

  beforeAll(async () => {
    await client.connect();
    sim = await startGithubSimulator({ repos: 3, prsPerRepo: 25, faults: { rate: 0.1, kinds: ['server_error'] } });
  });
  afterAll(async () => {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    await sim.close();
    tmp.cleanup();
  });

  it('records the run, its partitions, every record state and the API audit trail in PostgreSQL', async () => {
    const config = join(tmp.dir, 'pipeline.yaml');
    writeFileSync(
      config,
      [
        'pipeline: { name: github-pg }',
        `source: { type: github, base_url: "${sim.url}", org: ${sim.org}, per_page: 10, anonymous: true }`,
        `destination: { type: sqlite, path: "${join(tmp.dir, 'github.db')}" }`,
        `store: { type: postgres, url: "${PG_URL}", schema: ${schema} }`,
      ].join('\n'),
    );
    const result = await runCli(['run', '--config', config, '--execute', '--json']);
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.records.synced).toBe(75);

    const run = await client.query(`SELECT status, trace_id FROM ${schema}.runs WHERE sync_id = $1`, [summary.sync_id]);
    expect(run.rows).toEqual([{ status: 'succeeded', trace_id: summary.trace_id }]);
    const states = await client.query(`SELECT status, COUNT(*)::int AS n FROM ${schema}.record_states WHERE sync_id = $1 GROUP BY status`, [summary.sync_id]);
    expect(states.rows).toEqual([{ status: 'synced', n: 75 }]);
    const partitions = await client.query(`SELECT COUNT(*)::int AS n FROM ${schema}.partitions WHERE sync_id = $1 AND status = 'succeeded'`, [summary.sync_id]);
    expect(partitions.rows[0].n).toBe(3);
    const calls = await client.query(`SELECT COUNT(*)::int AS n, COUNT(*) FILTER (WHERE error_category = 'SERVER_ERROR')::int AS errors FROM ${schema}.api_calls WHERE sync_id = $1`, [summary.sync_id]);
    expect(calls.rows[0].n).toBe(summary.api.requests);
    expect(calls.rows[0].errors).toBe(summary.api.retries);

    const listed = await runCli(['runs', '--store', `${PG_URL}?schema=${schema}`, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((r: { syncId: string }) => r.syncId)).toEqual([summary.sync_id]);
  });
});
