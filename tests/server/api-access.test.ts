import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { jsonLines, tempDir } from '../helpers/cli.js';
import { aToken, call, eventually, startService, type RunningService } from '../helpers/service.js';

const acmeRead = aToken('acme-read', 'acme', 'read');
const acmeOps = aToken('acme-ops', 'acme', 'operate');
const globexOps = aToken('globex-ops', 'globex', 'operate');

/**
 * Access control on every route of the real `serve` process over the real SQLite store: no token
 * → 401, a read token on a route that changes something → 403, another organization's run or job
 * → 404 exactly like one that does not exist (event stream included); bad input → 400 naming the
 * field; errors as RFC 9457 problem documents; the access log never holds a token.
 */
describe('status API access', () => {
  const tmp = tempDir('syncscope-api-access-');
  let sim: GithubSimulator;
  let service: RunningService;
  let syncId = '';
  let jobId = '';

  beforeAll(async () => {
    sim = await startGithubSimulator({ repos: 2, prsPerRepo: 10, latencyMs: 0 });
    service = await startService({
      dir: tmp.dir,
      tokens: [acmeRead, acmeOps, globexOps],
      pipelines: [
        { name: 'gh-acme', organization: 'acme', baseUrl: sim.url, org: sim.org },
        { name: 'gh-globex', organization: 'globex', baseUrl: sim.url, org: sim.org },
      ],
    });
    const started = await call(service, acmeOps.token, '/api/v1/runs', { method: 'POST', body: JSON.stringify({ pipeline: 'gh-acme' }) });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    syncId = started.body.sync_id;
    jobId = started.body.job_id;
    await eventually(async () => ((await call(service, acmeOps.token, `/api/v1/runs/${syncId}`)).body.status === 'succeeded' ? true : undefined), 30_000, 'the run to finish');
  });

  afterAll(async () => {
    await service?.stop();
    await sim?.close();
    tmp.cleanup();
  });

  const routes = () => [
    { method: 'GET', path: '/api/v1/runs' },
    { method: 'GET', path: `/api/v1/runs/${syncId}`, scoped: true },
    { method: 'GET', path: `/api/v1/runs/${syncId}/partitions`, scoped: true },
    { method: 'GET', path: `/api/v1/runs/${syncId}/errors`, scoped: true },
    { method: 'GET', path: `/api/v1/runs/${syncId}/events`, scoped: true },
    { method: 'POST', path: '/api/v1/runs', body: { pipeline: 'gh-acme' }, operate: true },
    { method: 'POST', path: `/api/v1/runs/${syncId}/cancel`, scoped: true, operate: true },
    { method: 'POST', path: `/api/v1/runs/${syncId}/resume`, scoped: true, operate: true },
    { method: 'GET', path: '/api/v1/pipelines' },
    { method: 'GET', path: '/api/v1/queue/stats' },
    { method: 'GET', path: `/api/v1/jobs/${jobId}`, scoped: true },
    { method: 'GET', path: '/api/v1/me' },
  ];
  const send = (token: string | undefined, route: { method: string; path: string; body?: unknown }) =>
    call(service, token, route.path, { method: route.method, ...(route.body ? { body: JSON.stringify(route.body) } : {}) });

  it('answers 401 with a Bearer challenge to a request without a token, or with a wrong one, on every route', async () => {
    for (const route of routes()) {
      for (const token of [undefined, 'ssc_not_a_token', `${acmeOps.token}x`]) {
        const res = await send(token, route);
        expect(res.status, `${route.method} ${route.path} with ${token ?? 'no token'}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="syncscope"/);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401, instance: route.path.split('?')[0] });
      }
    }
  });

  it('answers 403 to a read token on every route that starts, resumes or cancels', async () => {
    for (const route of routes().filter((r) => r.operate)) {
      const res = await send(acmeRead.token, route);
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
      expect(res.body.detail).toContain('needs role operate');
    }
    // ...and lets the read token read everything else.
    for (const route of routes().filter((r) => !r.operate && !r.path.endsWith('/events'))) {
      expect((await send(acmeRead.token, route)).status, `${route.method} ${route.path}`).toBe(200);
    }
  });

  it('answers 404 to another organization on every route naming a run or job, exactly as for one that does not exist', async () => {
    const missing = syncId.replace(/-SYNC-.{8}$/, '-SYNC-00000000');
    for (const route of routes().filter((r) => r.scoped)) {
      const other = await send(globexOps.token, route);
      const absent = await send(acmeOps.token, { ...route, path: route.path.replace(syncId, missing).replace(jobId, '00000000-0000-4000-8000-000000000000') });
      expect(other.status, `${route.method} ${route.path}`).toBe(404);
      expect(absent.status, `${route.method} ${route.path} (missing)`).toBe(404);
      const shape = (b: Record<string, unknown>) => ({ ...b, detail: String(b['detail']).replace(/\S+$/, '<id>'), instance: '<i>', request_id: '<r>' });
      expect(shape(other.body)).toEqual(shape(absent.body));
    }
  });

  it('lets nothing leak across organizations in lists and counts', async () => {
    const runs = await call(service, globexOps.token, '/api/v1/runs');
    expect(runs.body.runs).toEqual([]);
    const pipelines = await call(service, globexOps.token, '/api/v1/pipelines');
    expect(pipelines.body.pipelines.map((p: { name: string }) => p.name)).toEqual(['gh-globex']);
    const queue = await call(service, globexOps.token, '/api/v1/queue/stats');
    expect(queue.body).toMatchObject({ organization: 'globex', waiting: 0, active: 0, completed: 0, failed: 0 });
    const acmeQueue = await call(service, acmeOps.token, '/api/v1/queue/stats');
    expect(acmeQueue.body.completed).toBeGreaterThanOrEqual(1);
    const start = await call(service, globexOps.token, '/api/v1/runs', { method: 'POST', body: JSON.stringify({ pipeline: 'gh-acme' }) });
    expect(start.status).toBe(404);
    expect(start.body.detail).toContain('no declared pipeline "gh-acme"');
  });

  it('answers 400 naming the field for bad input', async () => {
    const cases: Array<[string, RequestInit, string[]]> = [
      ['/api/v1/runs?limit=0', {}, ['query.limit']],
      ['/api/v1/runs?status=done', {}, ['query.status']],
      ['/api/v1/runs?since=yesterday', {}, ['query.since']],
      ['/api/v1/runs?cursor=bm90LWEtY3Vyc29y', {}, ['query.cursor']],
      ['/api/v1/runs?colour=blue', {}, ['query.colour']],
      ['/api/v1/runs/not-a-sync-id', {}, ['params.syncId']],
      [`/api/v1/runs/${syncId}/errors?limit=many`, {}, ['query.limit']],
      ['/api/v1/jobs/42', {}, ['params.jobId']],
      ['/api/v1/runs', { method: 'POST', body: JSON.stringify({}) }, ['body.pipeline']],
      ['/api/v1/runs', { method: 'POST', body: JSON.stringify({ pipeline: 'gh-acme', execute: 'yes' }) }, ['body.execute']],
      ['/api/v1/runs', { method: 'POST', body: JSON.stringify({ pipeline: 'gh-acme', config: '/etc/passwd' }) }, ['body.config']],
      ['/api/v1/runs', { method: 'POST', body: JSON.stringify({ pipeline: 'gh-acme', options: { limit: -1, file: 'x.toml' } }) }, ['body.options.limit', 'body.options.file']],
      ['/api/v1/runs', { method: 'POST', body: JSON.stringify({ pipeline: 'gh-acme', options: { repos: ['elsewhere/repo'] } }) }, ['body.options.repos[0]']],
      ['/api/v1/runs', { method: 'POST', body: '{"pipeline": ' }, ['body']],
    ];
    for (const [path, init, fields] of cases) {
      const res = await call(service, acmeOps.token, path, init);
      expect(res.status, `${path} ${String(init.body ?? '')}`).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.type).toBe('tag:syncscope.dev,2026:problem/validation-error');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
      for (const field of fields) expect(res.body.detail).toContain(field);
    }
  });

  it('refuses a body over the size limit with 413, and never answers with a stack trace', async () => {
    const big = await call(service, acmeOps.token, '/api/v1/runs', { method: 'POST', body: JSON.stringify({ pipeline: 'x'.repeat(20_000) }) });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ status: 413, title: 'Content Too Large' });
    const notRunning = await call(service, acmeOps.token, `/api/v1/runs/${syncId}/cancel`, { method: 'POST' });
    expect(notRunning.status).toBe(409);
    expect(notRunning.body).toMatchObject({ type: 'tag:syncscope.dev,2026:problem/run-not-running', run_status: 'succeeded' });
    for (const res of [big, notRunning]) expect(JSON.stringify(res.body)).not.toMatch(/at .+\.(ts|js):\d+/);
  });

  it('sends helmet\'s security headers and a request ID', async () => {
    const res = await call(service, acmeRead.token, '/api/v1/me', { headers: { 'x-request-id': 'trace-me-42' } });
    expect(res.body).toEqual({ token_id: 'acme-read', organization: 'acme', role: 'read' });
    expect(res.headers.get('x-request-id')).toBe('trace-me-42');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('writes an access-log event per request with the request ID and the organization, never the token', async () => {
    await call(service, acmeRead.token, `/api/v1/runs/${syncId}`, { headers: { 'x-request-id': 'log-check-1' } });
    const line = await eventually(async () => jsonLines(service.stderr()).find((l) => l['event'] === 'sync.server.request' && l['request_id'] === 'log-check-1'));
    expect(line).toMatchObject({ method: 'GET', route: '/api/v1/runs/:syncId', status_code: 200, organization: 'acme', token_id: 'acme-read', sync_id: syncId });
    for (const t of [acmeRead, acmeOps, globexOps]) expect(service.stderr()).not.toContain(t.token);
    const unauthenticated = jsonLines(service.stderr()).find((l) => l['event'] === 'sync.server.request' && l['status_code'] === 401);
    expect(unauthenticated).toMatchObject({ organization: null, token_id: null });
  });
});
