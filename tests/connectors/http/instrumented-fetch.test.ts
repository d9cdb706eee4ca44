import { getEventListeners } from 'node:events';
import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { githubPolicy } from '../../../src/connectors/github/github-policy.js';
import { createInstrumentedFetch, type AuditBodies } from '../../../src/connectors/http/instrumented-fetch.js';
import { BudgetScheduler } from '../../../src/scheduling/budget-scheduler.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/scheduling/retry-policy.js';
import { InterruptedError, SyncError } from '../../../src/errors/sync-error.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { testTelemetry } from '../../helpers/test-telemetry.js';

type Scripted = { status: number; body?: string; headers?: Record<string, string> } | Error;

const URL_PULLS = 'http://127.0.0.1:9999/repos/acme/widgets/pulls?per_page=100&page=1';
const rateHeaders = (remaining: number) => ({
  'content-type': 'application/json; charset=utf-8',
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': String(remaining),
  'x-ratelimit-reset': '1700000060',
  'x-ratelimit-resource': 'core',
  'x-github-request-id': `REQ-${remaining}`,
});

function setup(script: Scripted[], options: { maxAttempts?: number; auditBodies?: AuditBodies; signal?: AbortSignal } = {}) {
  const clock = new FakeClock();
  const t = testTelemetry({ knownSecrets: ['ghp_supersecret123'] });
  const calls: Array<{ url: string; headers: Record<string, string> }> = [];
  const fakeFetch = (async (input: URL | RequestInfo, init?: RequestInit) => {
    calls.push({ url: String(input), headers: Object.fromEntries(new Headers(init?.headers)) });
    const next = script.shift();
    if (!next) throw new Error('script exhausted');
    if (next instanceof Error) throw next;
    return new Response(next.body ?? '[]', { status: next.status, headers: next.headers ?? rateHeaders(4000) });
  }) as typeof fetch;
  const scheduler = new BudgetScheduler({ maxConcurrentPerToken: 4, resetMarginMs: 0, paceBelowShare: 1, maxPerEndpointPerMinute: 1000, clock, onWait: (n) => t.telemetry.recordWait('github', n) });
  const instrumented = createInstrumentedFetch({
    policy: githubPolicy,
    tokenId: 'token-abc',
    scheduler,
    telemetry: t.telemetry,
    retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: options.maxAttempts ?? 3 },
    requestTimeoutMs: 1000,
    clock,
    auditBodies: options.auditBodies ?? 'all',
    auditSample: { first: 2, every: 3 },
    random: () => 0.5,
    fetch: fakeFetch,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { ...t, clock, calls, instrumented, scheduler };
}

const request = (f: typeof fetch) => f(URL_PULLS, { headers: { authorization: 'token ghp_supersecret123' } });

describe('instrumented fetch', () => {
  it('makes one CLIENT span, one event, one audit row and metrics per successful call', async () => {
    const s = setup([{ status: 200, body: '[{"id":1,"number":1}]', headers: rateHeaders(4999) }]);
    const response = await request(s.instrumented);
    expect(await response.json()).toEqual([{ id: 1, number: 1 }]);
    const [span] = s.exporter.getFinishedSpans();
    expect(span?.name).toBe('GET /repos/{owner}/{repo}/pulls');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': 9999,
      'url.template': '/repos/{owner}/{repo}/pulls',
      'http.response.status_code': 200,
      'sync.id': '202611231200-SYNC-ABCDEF01',
      'sync.ratelimit.remaining': 4999,
    });
    expect(s.audit).toHaveLength(1);
    expect(s.audit[0]).toMatchObject({ operation: 'pulls.list', status: 200, attempt: 1, requestId: 'REQ-4999', resource: 'core', cost: 1, rateLimitRemaining: 4999 });
    expect(s.audit[0]?.requestHeaders.authorization).toBe('[REDACTED]');
    const metrics = await s.telemetry.metrics.registry.getSingleMetricAsString('sync_api_rate_limit_remaining');
    expect(metrics).toContain('sync_api_rate_limit_remaining{connector="github",resource="core"} 4999');
    await s.settle();
    expect(s.lines.map((l) => l.event)).toEqual(['sync.api.rate_limit', 'sync.api.rest']);
  });

  it('retries 5xx, resets and truncated JSON with backoff, one span per attempt with resend_count', async () => {
    const s = setup([
      { status: 502, body: '{"message":"Server Error"}' },
      Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }),
      { status: 200, body: '[{"id":1,', headers: rateHeaders(4998) },
      { status: 200, body: '[]', headers: rateHeaders(4997) },
    ], { maxAttempts: 5 });
    const response = await request(s.instrumented);
    expect(response.status).toBe(200);
    expect(s.calls).toHaveLength(4);
    expect(s.clock.sleeps).toEqual([188, 375, 750]);
    const spans = s.exporter.getFinishedSpans();
    expect(spans.map((sp) => sp.attributes['http.request.resend_count'])).toEqual([undefined, 1, 2, 3]);
    // error.type: the status code when one says error, else the category (no response, bad 2xx body).
    expect(spans.map((sp) => sp.attributes['error.type'])).toEqual(['502', 'NETWORK_ERROR', 'NETWORK_ERROR', undefined]);
    expect(spans.map((sp) => sp.attributes['sync.error.category'])).toEqual(['SERVER_ERROR', 'NETWORK_ERROR', 'NETWORK_ERROR', undefined]);
    expect(s.audit.map((a) => a.errorCategory)).toEqual(['SERVER_ERROR', 'NETWORK_ERROR', 'NETWORK_ERROR', null]);
    expect(s.telemetry.stats.retries).toBe(3);
    await s.settle();
    expect(s.lines.filter((l) => l.event === 'sync.api.retry').map((l) => l.error_category)).toEqual(['SERVER_ERROR', 'NETWORK_ERROR', 'NETWORK_ERROR']);
  });

  it('"errors+sample" keeps one audit row per attempt, bodies of failed and retried calls and a sample of successes', async () => {
    const ok = (n: number) => ({ status: 200, body: `[{"id":${n}}]`, headers: rateHeaders(4000 - n) });
    const s = setup([
      ok(1), ok(2), ok(3), ok(4), ok(5),
      { status: 502, body: '{"message":"Server Error"}' }, ok(6),
      ok(7), ok(8),
    ], { auditBodies: 'errors+sample' });
    for (let i = 0; i < 8; i++) await request(s.instrumented);
    expect(s.audit).toHaveLength(9);
    // Sample: the first 2 first-attempt successes, then every 3rd after them (the 5th); the 502 and its retry always.
    expect(s.audit.map((a) => a.responseBody !== null)).toEqual([true, true, false, false, true, true, true, false, false]);
    expect(s.audit[5]).toMatchObject({ status: 502, errorCategory: 'SERVER_ERROR', responseBody: '{"message":"Server Error"}' });
    expect(s.audit[6]).toMatchObject({ status: 200, attempt: 2, responseBody: '[{"id":6}]' });
  });

  it('retries a 200 HTML page as SERVER_ERROR before any client parses it; spent retries name call, status, content type and snippet', async () => {
    const html = { status: 200, body: '<html><title>Unicorn!</title></html>', headers: { ...rateHeaders(4990), 'content-type': 'text/html' } };
    const recovered = setup([html, { status: 200, body: '[]', headers: rateHeaders(4989) }]);
    expect((await request(recovered.instrumented)).status).toBe(200);
    expect(recovered.audit.map((a) => a.errorCategory)).toEqual(['SERVER_ERROR', null]);

    const spent = setup([html, html], { maxAttempts: 2 });
    const error = (await request(spent.instrumented).catch((e: unknown) => e)) as SyncError;
    expect(error).toBeInstanceOf(SyncError);
    expect(error.category).toBe('SERVER_ERROR');
    expect(error.message).toBe(
      'GET /repos/{owner}/{repo}/pulls → 200 OK: 200 with a success status with a body that is not JSON (content-type text/html): <html><title>Unicorn!</title></html>',
    );
  });

  it('a body cut before content-length is a NETWORK_ERROR, retried', async () => {
    const cut = new Response(new ReadableStream({ start: (c) => c.error(new TypeError('terminated')) }), { status: 200, headers: rateHeaders(4990) });
    const s = setup([{ status: 200, body: '[]', headers: rateHeaders(4989) }]);
    let first = true;
    const instrumented = createInstrumentedFetch({
      policy: githubPolicy, tokenId: 't', scheduler: s.scheduler, telemetry: s.telemetry, retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 },
      requestTimeoutMs: 1000, clock: s.clock, auditBodies: 'all',
      fetch: (async () => { if (first) { first = false; return cut; } throw new Error('unexpected'); }) as unknown as typeof fetch,
    });
    const error = (await request(instrumented).catch((e: unknown) => e)) as SyncError;
    expect(error.category).toBe('NETWORK_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('response body cut mid-stream (status 200)');
  });

  // A cancel aborts the run's signal with its own reason (not an AbortError). Whether the call was
  // about to take its turn or waiting for it, it must end as an interruption: a partition that
  // failed instead would be skipped by the resume, leaving its records unsynced.
  it('a run told to stop before or while a call waits its turn ends the call as an interruption, sending nothing', async () => {
    const before = new AbortController();
    before.abort(new Error('cancel requested'));
    const early = setup([{ status: 200 }], { signal: before.signal });
    await expect(request(early.instrumented)).rejects.toBeInstanceOf(InterruptedError);
    expect(early.calls).toHaveLength(0);

    const during = new AbortController();
    const waiting = setup([{ status: 200 }], { signal: during.signal });
    waiting.scheduler.block({ tokenId: 'token-abc', resource: 'core' }, waiting.clock.now() + 60_000, 'retry_after');
    const call = request(waiting.instrumented);
    during.abort(new Error('cancel requested'));
    await expect(call).rejects.toBeInstanceOf(InterruptedError);
    expect(waiting.calls).toHaveLength(0);
  });

  it('a call with no answer within request_timeout_ms is a TIMEOUT; a cancel ends a call in flight as an interruption', async () => {
    // A fetch that answers only by failing once its signal aborts, as undici does.
    const hanging = (async (_input: URL | RequestInfo, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)))) as typeof fetch;
    const s = setup([]);
    const options = { policy: githubPolicy, tokenId: 't', scheduler: s.scheduler, telemetry: s.telemetry, retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 }, clock: s.clock, auditBodies: 'all' as const, fetch: hanging };
    const timedOut = (await request(createInstrumentedFetch({ ...options, requestTimeoutMs: 30 })).catch((e: unknown) => e)) as SyncError;
    expect(timedOut).toBeInstanceOf(SyncError);
    expect(timedOut.category).toBe('TIMEOUT');
    expect(timedOut.message).toContain('no response within 30 ms');

    const run = new AbortController();
    const call = request(createInstrumentedFetch({ ...options, requestTimeoutMs: 60_000, signal: run.signal }));
    await new Promise((r) => setTimeout(r, 20));
    run.abort(new Error('cancel requested'));
    // An interruption (the partition resumes from its checkpoint), not a TIMEOUT or a failure.
    await expect(call).rejects.toBeInstanceOf(InterruptedError);
  });

  it('leaves nothing registered on the run\'s signal once its calls are over', async () => {
    const run = new AbortController();
    const s = setup([{ status: 200 }, { status: 200 }, { status: 200 }], { signal: run.signal });
    const before = getEventListeners(run.signal, 'abort').length;
    for (let i = 0; i < 3; i++) expect((await request(s.instrumented)).status).toBe(200);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(before);
  });

  it('does not retry 401 and throws a SyncError with the category', async () => {
    const s = setup([{ status: 401, body: '{"message":"Bad credentials"}', headers: { 'content-type': 'application/json' } }]);
    const error = await request(s.instrumented).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).category).toBe('INVALID_CREDENTIALS');
    expect(s.calls).toHaveLength(1);
    const [span] = s.exporter.getFinishedSpans();
    expect(span?.status.code).toBe(2);
    expect(span?.attributes['error.type']).toBe('401');
    expect(span?.attributes['sync.error.category']).toBe('INVALID_CREDENTIALS');
  });

  it('honours retry-after on a secondary limit by holding the token, then succeeds', async () => {
    const s = setup([
      { status: 403, body: '{"message":"You have exceeded a secondary rate limit."}', headers: { ...rateHeaders(4000), 'retry-after': '3' } },
      { status: 200, body: '[]', headers: rateHeaders(3999) },
    ]);
    const started = s.clock.now();
    await request(s.instrumented);
    expect(s.clock.now() - started).toBe(3000);
    expect(s.telemetry.stats.rateLimitWaits).toBe(1);
    await s.settle();
    expect(s.lines.find((l) => l.event === 'sync.api.rate_wait')).toMatchObject({ reason: 'secondary', wait_seconds: 3 });
  });

  it('counts a primary-limit rejection and waits for the reset before retrying', async () => {
    const s = setup([
      { status: 403, body: '{"message":"API rate limit exceeded"}', headers: { ...rateHeaders(0) } },
      { status: 200, body: '[]', headers: { ...rateHeaders(4999), 'x-ratelimit-reset': '1700003600' } },
    ]);
    await request(s.instrumented);
    expect(s.telemetry.stats.rateLimitRejections).toBe(1);
    expect(s.clock.now()).toBeGreaterThanOrEqual(1_700_000_060_000);
    await s.settle();
    expect(s.lines.find((l) => l.event === 'sync.api.rate_wait')).toMatchObject({ reason: 'primary' });
  });

  it('never lets the token into spans, events or audit rows', async () => {
    const s = setup([{ status: 500, body: '{"message":"boom token ghp_supersecret123","password":"hunter2"}' }], { maxAttempts: 1 });
    await request(s.instrumented).catch(() => undefined);
    await s.settle();
    const everything = JSON.stringify([s.audit, s.lines, s.exporter.getFinishedSpans().map((sp) => [sp.attributes, sp.status, sp.events])]);
    expect(everything).not.toContain('ghp_supersecret123');
    expect(everything).not.toContain('hunter2');
    expect(s.audit[0]?.responseBody).toContain('[REDACTED]');
  });
});
