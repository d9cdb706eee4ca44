import type { Span } from '@opentelemetry/api';
import { decideRetry, type RetryPolicyOptions } from '../../scheduling/retry-policy.js';
import { InterruptedError, SyncError, type ErrorCategory } from '../../errors/sync-error.js';
import type { Clock } from '../../ports/clock.js';
import type { BudgetKey, RateLimitObservation, RequestScheduler } from '../../ports/request-scheduler.js';
import { observeWithExemplar, statusClass } from '../../telemetry/metrics.js';
import { ATTR } from '../../telemetry/names.js';
import type { RunTelemetry } from '../../telemetry/run-telemetry.js';
import { currentPartitionKey } from '../../telemetry/partition-scope.js';
import type { ClassifiedFailure, ObservedResponse, ProviderPolicy } from './provider-policy.js';
import { RateLimitReporter } from './rate-limit-reporter.js';
import { responseWithParsedBody } from './parsed-body.js';
import { COST_HEADER, graphqlOperationOf, type GraphqlOperation } from './graphql-operation.js';
import { failureMessage, transportDetail } from './failure-message.js';
import { shapeFailure } from './response-shape.js';
import { headerRecord } from './request-headers.js';
import { AuditBodySampler, type AuditBodies, type AuditSample } from './audit-body-sampler.js';

/** Header a connector sets to pass the URL template (e.g. from octokit's route); never sent. */
export const ROUTE_HEADER = 'x-syncscope-route';

export type { AuditBodies } from './audit-body-sampler.js';

export interface InstrumentedFetchOptions {
  policy: ProviderPolicy;
  /** Non-secret identifier of the credential, so budgets are tracked per token. */
  tokenId: string;
  scheduler: RequestScheduler;
  telemetry: RunTelemetry;
  retry: RetryPolicyOptions;
  requestTimeoutMs: number;
  clock: Clock;
  auditBodies: AuditBodies;
  /** For "errors+sample": how many successes per operation keep their bodies (default first 3, then 1 in 500). */
  auditSample?: AuditSample;
  random?: () => number;
  /** Aborts waits and calls when the run is told to stop. */
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

interface Attempt {
  method: string;
  url: URL;
  route: string;
  operation: string;
  key: BudgetKey;
  requestHeaders: Record<string, string>;
  requestBody: string | null;
  graphql: GraphqlOperation | undefined;
}

/**
 * A `fetch` for API clients (octokit's `request.fetch`, or direct GraphQL calls): one CLIENT span,
 * one `sync.api.*` event, metrics and an audit row per attempt; budget-aware scheduling before
 * each attempt; classification of every failure into a category; retries with backoff for the
 * retryable ones. What it finally returns is the successful response; what it throws is a
 * `SyncError` carrying the category.
 */
export function createInstrumentedFetch(options: InstrumentedFetchOptions): typeof fetch {
  const baseFetch = options.fetch ?? fetch;
  const reporter = new RateLimitReporter(options.telemetry, options.policy.connector);
  const { telemetry, policy } = options;
  const sampler = new AuditBodySampler(options.auditBodies, options.auditSample);

  return async function instrumentedFetch(input, init) {
    const attemptInfo = describe(input, init, policy, options.tokenId);
    for (let attempt = 1; ; attempt++) {
      const release = await interruptible(options.signal, options.scheduler.acquire(attemptInfo.key, options.signal));
      const span = telemetry.startClientSpan(`${attemptInfo.method} ${attemptInfo.route}`, {
        ...spanAttributes(attemptInfo, attempt),
        [ATTR.peerService]: policy.connector,
      });
      const startedAt = options.clock.now();
      setInFlight(options);
      let observed: ObservedResponse | undefined;
      let rateLimit: RateLimitObservation | undefined;
      let failure: ClassifiedFailure | undefined;
      try {
        observed = await send(baseFetch, attemptInfo, init, options);
        rateLimit = policy.readRateLimit(observed);
        if (rateLimit) {
          rateLimit.startedAtMs ??= startedAt;
          options.scheduler.observe(options.tokenId, rateLimit);
          reporter.report(rateLimit);
          span.setAttribute(ATTR.rateLimitRemaining, rateLimit.remaining);
          span.setAttribute(ATTR.rateLimitResource, rateLimit.resource);
          if (rateLimit.cost !== undefined) span.setAttribute(ATTR.apiCost, rateLimit.cost);
        }
        // A body no API sends (an HTML page on a 200 or a 502) is caught before the policy reads it.
        failure = shapeFailure(observed, (text) => telemetry.redactor.text(text)) ?? policy.classify(observed);
      } catch (error) {
        if (options.signal?.aborted) {
          release();
          span.end();
          throw new InterruptedError();
        }
        failure = failureOfThrown(error, attemptInfo.url);
      } finally {
        release();
        setInFlight(options);
      }
      const durationMs = options.clock.now() - startedAt;
      finishAttempt(options, span, attemptInfo, attempt, { observed, rateLimit, failure, durationMs }, sampler);

      if (!failure && observed) return toResponse(observed);
      const failed = failure ?? { category: 'INTERNAL' as ErrorCategory, message: 'no response' };
      if (failed.primaryRejection) {
        telemetry.stats.rateLimitRejections += 1;
        telemetry.metrics.rateLimitRejections.inc({ connector: policy.connector, resource: attemptInfo.key.resource });
      }
      const decision = decideRetry(
        { category: failed.category, attempt, retryAfterSeconds: failed.retryAfterSeconds, resetAtMs: failed.resetAtMs, retryable: failed.retryable },
        options.retry,
        options.clock.now(),
        options.random,
      );
      if (!decision.retry) {
        const requestId = observed ? policy.requestIdOf(observed) : null;
        const partitionKey = currentPartitionKey();
        const message = failureMessage({
          method: attemptInfo.method,
          route: attemptInfo.route,
          status: observed?.status,
          detail: failed.message,
          ...(partitionKey ? { partitionKey, partitionNoun: policy.partitionNoun ?? 'partition' } : {}),
        });
        throw new SyncError(failed.category, message, {
          status: observed?.status,
          retryAfterSeconds: failed.retryAfterSeconds,
          ...(requestId ? { requestId } : {}),
        });
      }
      telemetry.stats.retries += 1;
      telemetry.metrics.retries.inc({ connector: policy.connector, error_category: failed.category });
      telemetry.events.apiRetry({
        connector: policy.connector,
        operation: attemptInfo.operation,
        attempt: attempt + 1,
        delay_ms: Math.round(decision.delayMs),
        error_category: failed.category,
        status_code: observed?.status ?? null,
      });
      if (decision.basis === 'backoff') {
        await interruptible(options.signal, options.clock.sleep(decision.delayMs, options.signal));
      } else {
        // Waiting for Retry-After or a reset holds the whole token, not just this call.
        const reason = failed.waitReason ?? (decision.basis === 'reset' ? 'primary' : 'retry_after');
        options.scheduler.block(attemptInfo.key, options.clock.now() + decision.delayMs, reason);
      }
    }
  };
}

function describe(input: Parameters<typeof fetch>[0], init: RequestInit | undefined, policy: ProviderPolicy, tokenId: string): Attempt {
  // Read as a Request only by shape: `instanceof Request` would load undici (request-headers.ts).
  const request = typeof input === 'string' || input instanceof URL ? undefined : input;
  const url = new URL(request ? request.url : String(input));
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  const requestHeaders = headerRecord(init?.headers);
  const route = requestHeaders[ROUTE_HEADER] ?? policy.routeFor(method, url);
  delete requestHeaders[ROUTE_HEADER];
  const cost = Number(requestHeaders[COST_HEADER] ?? Number.NaN);
  delete requestHeaders[COST_HEADER];
  const requestBody = typeof init?.body === 'string' ? init.body : null;
  const graphql = policy.protocolFor(url) === 'graphql' ? graphqlOperationOf(requestBody) : undefined;
  return {
    method,
    url,
    route,
    operation: policy.operationFor(method, route, graphql),
    key: { tokenId, resource: policy.resourceFor(method, url), endpoint: `${method} ${route}`, ...(cost > 0 ? { cost } : {}) },
    requestHeaders,
    requestBody,
    graphql,
  };
}

function spanAttributes(info: Attempt, attempt: number) {
  return {
    [ATTR.httpMethod]: info.method,
    [ATTR.serverAddress]: info.url.hostname,
    [ATTR.serverPort]: Number(info.url.port || (info.url.protocol === 'https:' ? 443 : 80)),
    [ATTR.urlTemplate]: info.route,
    [ATTR.apiOperation]: info.operation,
    ...(info.graphql ? { [ATTR.graphqlOperationType]: info.graphql.type, ...(info.graphql.name ? { [ATTR.graphqlOperationName]: info.graphql.name } : {}) } : {}),
    ...(attempt > 1 ? { [ATTR.httpResendCount]: attempt - 1 } : {}),
  };
}

/**
 * A wait of the call (its scheduler turn, a backoff). A run told to stop rejects it with the
 * signal's reason, whatever that is (a cancel's own Error, a shutdown's AbortError): that is an
 * interruption, so the partition resumes from its checkpoint instead of failing with an INTERNAL
 * error that no resume retries.
 */
async function interruptible<T>(signal: AbortSignal | undefined, wait: Promise<T>): Promise<T> {
  try {
    return await wait;
  } catch (error) {
    if (signal?.aborted) throw new InterruptedError();
    throw error;
  }
}

async function send(
  baseFetch: typeof fetch,
  info: Attempt,
  init: RequestInit | undefined,
  options: InstrumentedFetchOptions,
): Promise<ObservedResponse> {
  const abort = requestAbort(options.requestTimeoutMs, options.signal);
  try {
    const response = await baseFetch(info.url, { ...init, headers: info.requestHeaders, signal: abort.signal });
    const bodyText = await readBody(response, abort);
    const isJson = (response.headers.get('content-type') ?? '').includes('json');
    let json: unknown;
    let malformedJson = false;
    if (isJson && bodyText.length > 0) {
      try {
        json = JSON.parse(bodyText);
      } catch {
        malformedJson = true;
      }
    }
    return { status: response.status, headers: response.headers, bodyText, json, malformedJson };
  } catch (error) {
    if (abort.timedOut) {
      throw new SyncError('TIMEOUT', `no response within ${options.requestTimeoutMs} ms`, { cause: error });
    }
    throw error;
  } finally {
    abort.dispose();
  }
}

interface RequestAbort {
  readonly signal: AbortSignal;
  /** The request's own timeout fired (not the run's cancel). */
  readonly timedOut: boolean;
  /** Clears the timer and leaves the run's signal as it was. */
  dispose(): void;
}

/**
 * One request's signal: aborted by its timeout or by the run's signal. One controller with a timer
 * and a listener, removed when the call is over, rather than `AbortSignal.any([AbortSignal.timeout(),
 * run])`: in Node 20 that costs about three times the CPU per call (35 vs 10 µs) and leaves every
 * composite signal registered on the run's signal, which lives as long as the sync.
 */
function requestAbort(timeoutMs: number, runSignal: AbortSignal | undefined): RequestAbort {
  const controller = new AbortController();
  const onRunAbort = () => controller.abort(runSignal?.reason);
  const state = {
    signal: controller.signal,
    timedOut: false,
    dispose: () => {
      clearTimeout(timer);
      runSignal?.removeEventListener('abort', onRunAbort);
    },
  };
  const timer = setTimeout(() => {
    state.timedOut = true;
    controller.abort(new DOMException(`no response within ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  // As AbortSignal.timeout's: a request's timer alone never keeps the process alive.
  timer.unref();
  if (runSignal?.aborted) controller.abort(runSignal.reason);
  else runSignal?.addEventListener('abort', onRunAbort, { once: true });
  return state;
}

/**
 * The whole body. A socket that closes before `content-length` bytes arrived (a proxy restart, a
 * cut connection) is a network failure with the status already seen, retried like a reset.
 */
async function readBody(response: Response, abort: RequestAbort): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    if (abort.timedOut) throw error;
    const length = response.headers.get('content-length');
    throw new SyncError(
      'NETWORK_ERROR',
      `response body cut mid-stream (status ${response.status}${length ? `, content-length ${length}` : ''}): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, status: response.status },
    );
  }
}

function failureOfThrown(error: unknown, url: URL): ClassifiedFailure {
  if (error instanceof SyncError) return { category: error.category, message: error.message };
  return { category: 'NETWORK_ERROR', message: `request failed (${transportDetail(error, url)})` };
}

interface AttemptOutcome {
  observed: ObservedResponse | undefined;
  rateLimit: RateLimitObservation | undefined;
  failure: ClassifiedFailure | undefined;
  durationMs: number;
}

function finishAttempt(options: InstrumentedFetchOptions, span: Span, info: Attempt, attempt: number, outcome: AttemptOutcome, sampler: AuditBodySampler): void {
  const { telemetry, policy } = options;
  const { observed, rateLimit, failure, durationMs } = outcome;
  const safeUrl = telemetry.redactor.url(info.url.toString());
  span.setAttribute(ATTR.urlFull, safeUrl);
  if (observed) span.setAttribute(ATTR.httpStatus, observed.status);
  if (failure) telemetry.markClientSpanError(span, observed?.status, failure.category, failure.message);
  const { traceId, spanId } = { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
  span.end();

  const errorCategory = failure?.category ?? 'none';
  const labels = { connector: policy.connector, operation: info.operation };
  telemetry.stats.requests += 1;
  telemetry.stats.apiTimeMs += durationMs;
  telemetry.metrics.apiRequests.inc({ ...labels, status_class: statusClass(observed?.status), error_category: errorCategory });
  observeWithExemplar(telemetry.metrics, telemetry.metrics.apiRequestDuration, labels, durationMs / 1000, { traceId, spanId });
  const cost = rateLimit?.cost;
  // Points by query name: connectors send a fixed set of named documents, so the label stays bounded.
  if (cost !== undefined && cost > 0) telemetry.metrics.apiCostPoints.inc({ connector: policy.connector, operation: info.graphql?.name ?? info.operation }, cost);
  telemetry.events.apiCall(policy.protocolFor(info.url), {
    connector: policy.connector,
    operation: info.operation,
    method: info.method,
    route: info.route,
    status_code: observed?.status ?? null,
    duration_ms: Math.round(durationMs),
    attempt,
    cost: cost ?? null,
    error_category: failure?.category,
    ...(info.graphql ? { graphql_operation_name: info.graphql.name, graphql_operation_type: info.graphql.type } : {}),
  });

  const keepBodies = sampler.keep(info.operation, failure !== undefined, attempt);
  const request = keepBodies ? telemetry.redactor.body(info.requestBody) : { text: null, truncated: false };
  // The parsed JSON lets a body without secret-looking keys skip the costly field scan.
  const response = keepBodies ? telemetry.redactor.body(observed?.bodyText, observed?.json) : { text: null, truncated: false };
  telemetry.audit.record({
    syncId: telemetry.syncId,
    partitionKey: currentPartitionKey() ?? null,
    connector: policy.connector,
    operation: info.operation,
    method: info.method,
    route: info.route,
    url: safeUrl,
    status: observed?.status ?? null,
    durationMs: Math.round(durationMs * 1000) / 1000,
    attempt,
    errorCategory: failure?.category ?? null,
    traceId,
    spanId,
    requestId: observed ? policy.requestIdOf(observed) : null,
    resource: info.key.resource,
    cost: cost ?? (policy.protocolFor(info.url) === 'rest' ? 1 : null),
    rateLimitRemaining: rateLimit?.remaining ?? null,
    requestHeaders: telemetry.redactor.headers(info.requestHeaders),
    requestBody: request.text,
    responseBody: failure && !keepBodies ? null : response.text,
    truncated: request.truncated || response.truncated,
    startedAt: new Date(options.clock.now() - durationMs).toISOString(),
  });
}

function setInFlight(options: InstrumentedFetchOptions): void {
  options.telemetry.metrics.apiRequestsInFlight.set(
    { connector: options.policy.connector },
    options.scheduler.inFlight(options.tokenId),
  );
}

function toResponse(observed: ObservedResponse): Response {
  const nullBody = observed.status === 204 || observed.status === 304;
  return responseWithParsedBody(nullBody ? null : observed.bodyText, nullBody ? undefined : observed.json, {
    status: observed.status,
    headers: observed.headers,
  });
}
