import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_ID_PATTERN } from '../../src/engine/sync-id.js';
import { attr, OtlpReceiver } from '../helpers/otlp-receiver.js';
import { jsonLines, runCli, tempDir, type CliResult } from '../helpers/cli.js';

const REPOS = 4;
const PRS = 30;

describe('syncscope demo, end to end with the real OTLP/HTTP exporter', () => {
  const receiver = new OtlpReceiver();
  const tmp = tempDir();
  let result: CliResult;
  let summary: Record<string, any>;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    result = await runCli(
      ['demo', '--json', '--mode', 'rest', '--repos', String(REPOS), '--prs-per-repo', String(PRS), '--latency-ms', '2', '--batch-size', '10', '--data-dir', tmp.dir, '--reports-dir', join(tmp.dir, 'reports')],
      { env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } },
    );
    summary = JSON.parse(result.stdout);
  });

  afterAll(async () => {
    await receiver.stop();
    tmp.cleanup();
  });

  it('exits 0 and prints a JSON summary with a sync ID of the design format', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(summary.sync_id).toMatch(SYNC_ID_PATTERN);
    expect(summary.status).toBe('succeeded');
    expect(summary.records).toEqual({ synced: REPOS * PRS, failed: 0, skipped: 0, pending: 0 });
    expect(summary.partitions).toEqual({ total: REPOS, succeeded: REPOS, failed: 0 });
    expect(summary.batches.total).toBe(REPOS * (PRS / 10));
    expect(summary.api.requests).toBeGreaterThanOrEqual(REPOS + 1);
    expect(summary.throughput_records_per_second).toBeGreaterThan(0);
  });

  it('exports one trace: sync.pipeline → one sync.repo per repo → batches and HTTP client spans, all with sync.id', () => {
    const traceIds = new Set(receiver.spans.map((s) => s.traceId));
    expect([...traceIds]).toEqual([summary.trace_id]);
    const roots = receiver.spans.filter((s) => s.name === 'sync.pipeline');
    expect(roots).toHaveLength(1);
    const root = roots[0]!;
    expect(root.parentSpanId ?? '').toBe('');
    const repos = receiver.spans.filter((s) => s.name === 'sync.repo');
    const repoNames = repos.map((s) => String(attr(s, 'sync.repo')));
    expect(new Set(repoNames).size).toBe(REPOS);
    for (const name of repoNames) expect(name).toMatch(/^syncscope-demo\/repo-\d+$/);
    for (const repo of repos) expect(repo.parentSpanId).toBe(root.spanId);

    const repoIds = new Set(repos.map((s) => s.spanId));
    const clientSpans = receiver.spans.filter((s) => s.kind === 3);
    const pullsCalls = clientSpans.filter((s) => s.name === 'GET /repos/{owner}/{repo}/pulls');
    expect(pullsCalls.length).toBeGreaterThanOrEqual(REPOS);
    for (const span of pullsCalls) {
      expect(repoIds.has(span.parentSpanId ?? '')).toBe(true);
      expect(attr(span, 'http.request.method')).toBe('GET');
      expect(attr(span, 'http.response.status_code')).toBe(200);
      expect(attr(span, 'url.template')).toBe('/repos/{owner}/{repo}/pulls');
      expect(String(attr(span, 'url.full'))).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/repos\/syncscope-demo\/repo-\d+\/pulls\?/);
      expect(typeof attr(span, 'sync.ratelimit.remaining')).toBe('number');
    }
    const batches = receiver.spans.filter((s) => s.name === 'sync.batch');
    expect(batches).toHaveLength(summary.batches.total);
    for (const span of receiver.spans) {
      expect(attr(span, 'sync.id'), span.name).toBe(summary.sync_id);
      expect(attr(span, 'sync.pipeline'), span.name).toBe('github-demo');
    }
  });

  it('writes only JSON events on stderr, each with timestamp, level, event, sync_id and the exported trace_id', () => {
    const events = jsonLines(result.stderr);
    expect(events.length).toBeGreaterThan(REPOS * 2);
    for (const e of events) {
      expect(typeof e.timestamp).toBe('string');
      expect(new Date(String(e.timestamp)).toISOString()).toBe(e.timestamp);
      expect(['error', 'warn', 'info', 'debug']).toContain(e.level);
      expect(String(e.event)).toMatch(/^sync\.[a-z_]+\.[a-z_]+$/);
      expect(e.sync_id).toBe(summary.sync_id);
      expect(e.trace_id).toBe(summary.trace_id);
      expect(e.service).toBe('syncscope');
    }
    const names = events.map((e) => e.event);
    expect(names).toContain('sync.pipeline.started');
    expect(names).toContain('sync.pipeline.completed');
    expect(names.filter((n) => n === 'sync.repo.completed')).toHaveLength(REPOS);
    const repoEvent = events.find((e) => e.event === 'sync.repo.completed')!;
    const repoSpans = new Set(receiver.spans.filter((s) => s.name === 'sync.repo').map((s) => s.spanId));
    expect(repoSpans.has(String(repoEvent.span_id))).toBe(true);
  });

  it('stores every pull request of the simulator exactly once in the destination and the run store', () => {
    const destination = new Database(join(tmp.dir, 'demo-github.db'), { readonly: true });
    const { n, uniq } = destination
      .prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT repo_full_name || \'#\' || number) AS uniq FROM pull_requests')
      .get() as { n: number; uniq: number };
    const repoRows = destination.prepare('SELECT COUNT(*) AS n FROM repositories').get() as { n: number };
    destination.close();
    expect(n).toBe(REPOS * PRS);
    expect(uniq).toBe(REPOS * PRS);
    expect(repoRows.n).toBe(REPOS);

    const store = new Database(join(tmp.dir, 'syncscope.db'), { readonly: true });
    const states = store
      .prepare('SELECT status, COUNT(*) AS n FROM record_states WHERE sync_id = ? GROUP BY status')
      .all(summary.sync_id) as Array<{ status: string; n: number }>;
    store.close();
    expect(states).toEqual([{ status: 'synced', n: REPOS * PRS }]);
  });
});

describe('syncscope demo in the default mode (GraphQL)', () => {
  const receiver = new OtlpReceiver();
  const tmp = tempDir();
  let result: CliResult;
  let summary: Record<string, any>;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    result = await runCli(
      ['demo', '--json', '--repos', String(REPOS), '--prs-per-repo', String(PRS), '--latency-ms', '2', '--batch-size', '10', '--data-dir', tmp.dir, '--reports-dir', join(tmp.dir, 'reports')],
      { env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } },
    );
    summary = JSON.parse(result.stdout);
  });

  afterAll(async () => {
    await receiver.stop();
    tmp.cleanup();
  });

  it('reads over GraphQL: one POST /graphql client span per query, named and costed, under its repo span', () => {
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(summary.records).toEqual({ synced: REPOS * PRS, failed: 0, skipped: 0, pending: 0 });
    const clientSpans = receiver.spans.filter((s) => s.kind === 3);
    expect(clientSpans.filter((s) => s.name.startsWith('GET '))).toEqual([]);
    const pulls = clientSpans.filter((s) => attr(s, 'graphql.operation.name') === 'SyncscopePullRequests');
    expect(pulls).toHaveLength(REPOS);
    const repoIds = new Set(receiver.spans.filter((s) => s.name === 'sync.repo').map((s) => s.spanId));
    for (const span of pulls) {
      expect(repoIds.has(span.parentSpanId ?? '')).toBe(true);
      expect(attr(span, 'graphql.operation.type')).toBe('query');
      expect(attr(span, 'sync.api.cost')).toBe(1);
    }
  });

  it('prints the points it spent in the JSON summary: one per query here, the costliest query first', () => {
    expect(summary.api.points).toEqual({
      spent: REPOS + 1,
      records_per_point: Math.round(((REPOS * PRS) / (REPOS + 1)) * 10) / 10,
      top_queries: [
        expect.objectContaining({ operation: 'SyncscopePullRequests', calls: REPOS, errors: 0, points: REPOS }),
        expect.objectContaining({ operation: 'SyncscopeOrgRepositories', calls: 1, errors: 0, points: 1 }),
      ],
    });
  });
});
