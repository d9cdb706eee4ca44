import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { OtlpReceiver } from '../helpers/otlp-receiver.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { decodedRows } from '../helpers/store-rows.js';

const TOKEN = 'ghp_auditTrailTestToken00000000000000000';

interface AuditRow {
  operation: string; method: string; route: string; url: string; status: number | null; duration_ms: number; attempt: number;
  error_category: string | null; trace_id: string; span_id: string; request_id: string | null; resource: string | null; cost: number | null;
  request_headers: string; request_body: string | null; response_body: string | null; truncated: number;
}

/** The payload audit trail: one row per API call attempt, bodies redacted and capped as configured. */
describe('payload audit trail', () => {
  const tmp = tempDir();
  const receiver = new OtlpReceiver();
  const storePath = join(tmp.dir, 'store.db');
  let sim: GithubSimulator;
  let endpoint = '';

  const run = async (name: string, audit: string[]) => {
    const config = join(tmp.dir, `${name}.toml`);
    writeFileSync(config, [
      '[pipeline]', `name = "${name}"`,
      '[source]', 'type = "github"', 'mode = "rest"', `base_url = "${sim.url}"`, `org = "${sim.org}"`, 'per_page = 20',
      '[destination]', 'type = "sqlite"', `path = "${join(tmp.dir, `${name}.db`)}"`,
      '[store]', 'type = "sqlite"', `path = "${storePath}"`,
      '[reports]', `dir = "${join(tmp.dir, 'reports')}"`,
      ...audit,
    ].join('\n'));
    const result = await runCli(['run', '--config', config, '--execute', '--json'], { env: { GITHUB_TOKEN: TOKEN, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const summary = JSON.parse(result.stdout) as { sync_id: string; trace_id: string; api: { requests: number } };
    const db = new Database(storePath, { readonly: true });
    const rows = decodedRows(db, 'SELECT * FROM api_calls WHERE sync_id = ? ORDER BY id', summary.sync_id) as unknown as AuditRow[];
    db.close();
    return { summary, rows };
  };

  beforeAll(async () => {
    endpoint = await receiver.start();
    sim = await startGithubSimulator({ repos: 2, prsPerRepo: 40, token: TOKEN });
  });
  afterAll(async () => {
    await sim.close();
    await receiver.stop();
    tmp.cleanup();
  });

  it('records every attempt with method, route, status, duration, attempt, category, trace/span IDs and the provider request ID', async () => {
    const { summary, rows } = await run('audit-default', []);
    expect(rows).toHaveLength(summary.api.requests);
    const clientSpans = new Set(receiver.spans.filter((s) => s.kind === 3).map((s) => s.spanId));
    for (const row of rows) {
      expect(row).toMatchObject({ method: 'GET', status: 200, attempt: 1, error_category: null, trace_id: summary.trace_id, resource: 'core', cost: 1 });
      expect(row.route).toMatch(/^\/(orgs|repos)\//);
      expect(row.duration_ms).toBeGreaterThan(0);
      expect(row.request_id).toMatch(/\S/);
      expect(clientSpans.has(row.span_id), `span ${row.span_id} exported`).toBe(true);
      expect(JSON.parse(row.request_headers).authorization).toBe('[REDACTED]');
      expect(row.url).not.toContain(TOKEN);
      // Under the 64 KiB default cap, the bodies kept are whole.
      expect(row.truncated).toBe(0);
      if (row.response_body !== null) expect(() => JSON.parse(row.response_body!)).not.toThrow();
    }
    // Default "errors+sample": the first 3 successful calls of each operation keep bodies, the rest not.
    const byOperation = new Map<string, AuditRow[]>();
    for (const row of rows) byOperation.set(row.operation, [...(byOperation.get(row.operation) ?? []), row]);
    for (const [operation, calls] of byOperation) {
      expect(calls.map((c) => c.response_body !== null), operation).toEqual(calls.map((_, i) => i < 3));
    }
    expect(rows.filter((r) => r.response_body === null).length).toBeGreaterThan(0);
  });

  it('cuts bodies at audit.max_body_bytes and marks them truncated; audit.secret_keys redacts the fields named', async () => {
    const { rows } = await run('audit-capped', ['[audit]', 'bodies = "all"', 'max_body_bytes = 512', 'secret_keys = ["token", "password", "title"]']);
    const pulls = rows.filter((r) => r.operation === 'pulls.list');
    expect(pulls.length).toBeGreaterThanOrEqual(4);
    for (const row of pulls) {
      expect(row.truncated).toBe(1);
      const body = row.response_body ?? '';
      const marker = /…\[truncated: (\d+) bytes, cap 512\]$/.exec(body);
      expect(marker, body.slice(-80)).not.toBeNull();
      expect(Number(marker![1])).toBeGreaterThan(512);
      expect(Buffer.byteLength(body.slice(0, marker!.index))).toBeLessThanOrEqual(512);
      // The configured key list replaces the default one: `title` is now secret.
      expect(body).toContain('"title":"[REDACTED]"');
    }
  });
});
