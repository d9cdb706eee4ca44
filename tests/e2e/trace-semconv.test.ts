import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATEGORIES } from '../../src/errors/sync-error.js';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { jsonLines, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { attr, OtlpReceiver, type OtlpSpan } from '../helpers/otlp-receiver.js';

const TOKEN = 'ghp_traceSemconvTestToken00000000000000';
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

/**
 * One sync with injected 5xx (retried) and 401 (fails its repository) on the pull-request listing,
 * exported over OTLP/HTTP: what the trace and log records say about it, per the semantic conventions.
 */
describe('exported spans and log records follow the semantic conventions', () => {
  const receiver = new OtlpReceiver();
  const tmp = tempDir();
  let sim: GithubSimulator;
  let result: CliResult;
  let summary: { sync_id: string; trace_id: string; status: string };

  beforeAll(async () => {
    sim = await startGithubSimulator({
      repos: 6,
      prsPerRepo: 8,
      token: TOKEN,
      seed: 7,
      // 4 pages a repository: enough calls that some get a 401 whatever order they arrive in.
      faults: { rate: 0.6, kinds: ['server_error', 'unauthorized'], routes: ['GET /repos/{owner}/{repo}/pulls'] },
    });
    const endpoint = await receiver.start();
    const config = join(tmp.dir, 'pipeline.toml');
    writeFileSync(config, [
      '[pipeline]', 'name = "semconv"',
      '[source]', 'type = "github"', 'mode = "rest"', `base_url = "${sim.url}"`, `org = "${sim.org}"`, 'per_page = 2',
      '[destination]', 'type = "sqlite"', `path = "${join(tmp.dir, 'github.db')}"`,
      '[store]', 'type = "sqlite"', `path = "${join(tmp.dir, 'store.db')}"`,
      '[options]', 'batch_size = 4',
      '[reports]', `dir = "${join(tmp.dir, 'reports')}"`,
    ].join('\n'));
    result = await runCli(['run', '--config', config, '--execute', '--json', '--log-level', 'debug'], {
      env: {
        GITHUB_TOKEN: TOKEN,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_SERVICE_NAME: 'syncscope-e2e',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=e2e,service.namespace=data%20sync',
      },
    });
    summary = JSON.parse(result.stdout);
  });

  afterAll(async () => {
    await receiver.stop();
    await sim.close();
    tmp.cleanup();
  });

  const spans = (name: string) => receiver.spans.filter((s) => s.name === name);
  const clientSpans = () => receiver.spans.filter((s) => s.kind === SPAN_KIND_CLIENT);
  const event = (span: OtlpSpan, name: string) => span.events?.find((e) => e.name === name);

  it('ran a sync in which some repositories failed', () => {
    expect(result.code, result.stderr.slice(-2000)).toBe(1);
    expect(['partial', 'failed']).toContain(summary.status);
  });

  it('carries the resource: OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, telemetry.sdk.*, service.instance.id', () => {
    expect(receiver.resources.length).toBeGreaterThan(0);
    const instanceIds = new Set<unknown>();
    for (const resource of receiver.resources) {
      expect(attr(resource, 'service.name')).toBe('syncscope-e2e');
      expect(attr(resource, 'service.version')).toBe('0.1.0');
      expect(attr(resource, 'deployment.environment.name')).toBe('e2e');
      expect(attr(resource, 'service.namespace')).toBe('data sync');
      expect(attr(resource, 'telemetry.sdk.language')).toBe('nodejs');
      expect(attr(resource, 'telemetry.sdk.name')).toBe('opentelemetry');
      expect(String(attr(resource, 'telemetry.sdk.version'))).toMatch(/^\d+\.\d+\.\d+/);
      expect(typeof attr(resource, 'host.name')).toBe('string');
      expect(attr(resource, 'process.command_args')).toBeUndefined();
      instanceIds.add(attr(resource, 'service.instance.id'));
    }
    expect(instanceIds.size).toBe(1);
    expect(String([...instanceIds][0])).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(receiver.rawBodies.join('')).not.toContain(TOKEN);
  });

  it('makes the root span a SERVER span and names the called service on every CLIENT span', () => {
    const [root] = spans('sync.pipeline');
    expect(root?.kind).toBe(SPAN_KIND_SERVER);
    expect(clientSpans().length).toBeGreaterThan(6);
    for (const span of clientSpans()) expect(attr(span, 'peer.service'), span.name).toBe('github');
  });

  it('sets error.type to the status code on failed HTTP spans and keeps the category in sync.error.category', () => {
    const failed = clientSpans().filter((s) => s.status?.code === STATUS_ERROR);
    expect(failed.length).toBeGreaterThan(0);
    const categories = new Set(failed.map((s) => attr(s, 'sync.error.category')));
    expect(categories).toContain('INVALID_CREDENTIALS');
    for (const category of categories) expect(['SERVER_ERROR', 'INVALID_CREDENTIALS']).toContain(category);
    for (const span of failed) {
      expect(attr(span, 'error.type')).toBe(String(attr(span, 'http.response.status_code')));
      expect(ERROR_CATEGORIES).toContain(attr(span, 'sync.error.category'));
    }
    const types = new Set(failed.map((s) => String(attr(s, 'error.type'))));
    for (const type of types) expect(['401', '500', '502']).toContain(type);
    for (const span of clientSpans().filter((s) => s.status?.code !== STATUS_ERROR)) expect(attr(span, 'error.type')).toBeUndefined();
  });

  it('records the error that failed a repository as an exception event on its span', () => {
    const failedRepos = spans('sync.repo').filter((s) => s.status?.code === STATUS_ERROR);
    expect(failedRepos.length).toBeGreaterThan(0);
    for (const span of failedRepos) {
      // A 401, or (rarely) five 5xx in a row on one page.
      expect(['INVALID_CREDENTIALS', 'SERVER_ERROR']).toContain(attr(span, 'sync.error.category'));
      expect(attr(span, 'error.type')).toBe(attr(span, 'sync.error.category'));
      const exception = event(span, 'exception');
      expect(exception, span.name).toBeDefined();
      expect(attr(exception!, 'exception.type')).toBe('SyncError');
      expect(String(attr(exception!, 'exception.message'))).toBe(span.status?.message);
      expect(String(attr(exception!, 'exception.stacktrace'))).toContain('SyncError');
    }
  });

  it('names the operation and the collection of each sync.db.write span', () => {
    const writes = spans('sync.db.write');
    expect(writes.length).toBeGreaterThan(0);
    for (const span of writes) {
      expect(attr(span, 'db.system.name')).toBe('sqlite');
      expect(attr(span, 'db.operation.name')).toBe('upsert');
      expect(attr(span, 'db.collection.name')).toBe('pull_request');
      expect(Number(attr(span, 'db.operation.batch.size'))).toBeGreaterThan(0);
    }
  });

  it('gives every log record its event name as EventName, and types `status` the same way in every event', () => {
    expect(receiver.logs.length).toBeGreaterThan(10);
    for (const log of receiver.logs) {
      expect(log.eventName).toBe(log.body?.stringValue);
      expect(attr(log, 'event')).toBe(log.eventName);
      expect(attr(log, 'otel.event.name')).toBeUndefined();
    }
    const events = jsonLines(result.stderr);
    const apiCalls = events.filter((e) => e.event === 'sync.api.rest' || e.event === 'sync.api.retry');
    expect(apiCalls.length).toBeGreaterThan(0);
    for (const e of apiCalls) {
      expect(e.status).toBeUndefined();
      expect(e.status_code === null || typeof e.status_code === 'number').toBe(true);
    }
    for (const e of events.filter((x) => x.status !== undefined)) expect(typeof e.status, String(e.event)).toBe('string');
    for (const e of events) expect(e['otel.event.name']).toBeUndefined();
  });
});
