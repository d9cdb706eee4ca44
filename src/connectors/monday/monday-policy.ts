import type { RateLimitObservation } from '../../ports/request-scheduler.js';
import { graphqlErrorsOf, type GraphqlErrorEntry } from '../http/graphql-operation.js';
import type { ClassifiedFailure, ObservedResponse, ProviderPolicy } from '../http/provider-policy.js';
import { categoryOfStatus, MONDAY_CODES } from './monday-errors.js';

export interface MondayPolicyOptions {
  /** The token's complexity budget per window (Monday does not report its size). */
  complexityPerMinute: number;
  /** The sliding window's length (60 s). */
  windowMs: number;
  now?: () => number;
}

/** The resource Monday's complexity points count against. */
export const COMPLEXITY = 'complexity';

/**
 * Monday.com's rules for the shared HTTP layer: every call is `POST /v2`, named by its GraphQL
 * operation; the complexity budget is read from the `complexity` field each query asks for; errors
 * that refuse the call — also on HTTP 200 — are classified here, per-row ones left to the connector.
 * https://developer.monday.com/api-reference/docs/rate-limits
 */
export function mondayPolicy(options: MondayPolicyOptions): ProviderPolicy {
  const now = options.now ?? Date.now;
  return {
    connector: 'monday',
    partitionNoun: 'customer',
    resourceFor: () => COMPLEXITY,
    routeFor: () => '/v2',
    operationFor: (_method, _route, graphql) => graphql?.name ?? 'graphql',
    protocolFor: () => 'graphql',

    readRateLimit(response): RateLimitObservation | undefined {
      const complexity = (response.json as { data?: { complexity?: unknown } } | undefined)?.data?.complexity as
        | { before?: unknown; after?: unknown; query?: unknown; reset_in_x_seconds?: unknown }
        | undefined;
      if (!complexity || typeof complexity.after !== 'number') return undefined;
      const resetSeconds = typeof complexity.reset_in_x_seconds === 'number' ? complexity.reset_in_x_seconds : 0;
      return {
        resource: COMPLEXITY,
        limit: options.complexityPerMinute,
        remaining: complexity.after,
        resetAtMs: now() + resetSeconds * 1000,
        windowMs: options.windowMs,
        ...(typeof complexity.query === 'number' ? { cost: complexity.query } : {}),
      };
    },

    classify(response): ClassifiedFailure | undefined {
      const errors = graphqlErrorsOf(response.json);
      const refusing = errors.find((e) => e.code !== null && MONDAY_CODES[e.code]?.request);
      if (response.status >= 200 && response.status < 300) {
        if (response.malformedJson) return { category: 'NETWORK_ERROR', message: `Monday ${response.status}: a truncated or malformed JSON body` };
        if (response.json === undefined) return { category: 'SERVER_ERROR', message: `Monday ${response.status}: not a JSON body: ${snippet(response.bodyText)}` };
        if (refusing) return failureOf(refusing, response);
        const data = (response.json as { data?: unknown }).data;
        // Errors and no data at all: nothing of the request ran.
        if (errors.length > 0 && (data === null || data === undefined)) return failureOf(errors[0] as GraphqlErrorEntry, response);
        return undefined;
      }
      const first = refusing ?? errors[0];
      if (first) return failureOf(first, response);
      return { category: categoryOfStatus(response.status), message: `Monday ${response.status}: ${snippet(response.bodyText)}`, ...retryAfterOf(response) };
    },

    requestIdOf(response) {
      const id = (response.json as { extensions?: { request_id?: unknown } } | undefined)?.extensions?.request_id;
      return typeof id === 'string' ? id : response.headers.get('x-request-id');
    },
  };
}

function failureOf(error: GraphqlErrorEntry, response: ObservedResponse): ClassifiedFailure {
  const rule = error.code ? MONDAY_CODES[error.code] : undefined;
  const requestId = (response.json as { extensions?: { request_id?: unknown } } | undefined)?.extensions?.request_id;
  const message = `Monday ${response.status} ${error.code ?? 'error'}: ${error.message}${typeof requestId === 'string' ? ` (request_id ${requestId})` : ''}`;
  const wait = retryInSeconds(error) ?? retryAfterOf(response).retryAfterSeconds;
  return {
    category: rule?.category ?? categoryOfStatus(response.status === 200 ? 500 : response.status),
    message,
    ...(wait !== undefined && rule?.retryable !== false ? { retryAfterSeconds: wait, waitReason: rule?.wait ?? 'retry_after' } : {}),
    ...(rule?.budget ? { primaryRejection: true } : {}),
    ...(rule?.retryable !== undefined ? { retryable: rule.retryable } : {}),
  };
}

/** `retry_in_seconds` in the error's extensions or its `error_data`. */
function retryInSeconds(error: GraphqlErrorEntry): number | undefined {
  const data = error.extensions.error_data as { retry_in_seconds?: unknown } | undefined;
  const value = error.extensions.retry_in_seconds ?? data?.retry_in_seconds;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

function retryAfterOf(response: ObservedResponse): { retryAfterSeconds?: number } {
  const header = Number(response.headers.get('retry-after') ?? Number.NaN);
  return Number.isFinite(header) && header >= 0 ? { retryAfterSeconds: header } : {};
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 159)}…` : flat || '(empty body)';
}
