import type { ErrorCategory } from '../../errors/sync-error.js';
import type { RateLimitObservation, WaitReason } from '../../ports/request-scheduler.js';
import type { GraphqlOperation } from './graphql-operation.js';

/** A response as the HTTP layer saw it, body read in full. */
export interface ObservedResponse {
  status: number;
  headers: Headers;
  bodyText: string;
  /** Parsed body when the content type is JSON and it parsed. */
  json: unknown;
  /** The content type said JSON but the body did not parse (truncated transfer, proxy page). */
  malformedJson: boolean;
}

/** A failed attempt, classified by the provider's rules. */
export interface ClassifiedFailure {
  category: ErrorCategory;
  message: string;
  /** Seconds the provider asked us to wait before any further request on this token. */
  retryAfterSeconds?: number;
  /** Why the wait: GitHub's secondary limit, a plain Retry-After, the spent primary budget. */
  waitReason?: WaitReason;
  /** The primary budget was overdrawn: the provider refused the call (counted as a rejection). */
  primaryRejection?: boolean;
  /** Epoch ms at which the primary budget resets, when it is spent. */
  resetAtMs?: number;
  /**
   * Overrides the category's retryability: false for a limit that will not lift within the run (a
   * daily call limit), true for a conflict the provider asks to retry after a wait.
   */
  retryable?: boolean;
}

/**
 * Everything provider-specific about calling an API: how to name and group calls, where its
 * rate-limit state is, and what each error response means. The HTTP layer stays generic.
 */
export interface ProviderPolicy {
  readonly connector: string;
  /** What a partition is to this connector (`repo`, `customer`), for failure messages. */
  readonly partitionNoun?: string;
  /** The rate-limit resource a request counts against before any response says so. */
  resourceFor(method: string, url: URL): string;
  /** The URL template of a request (IDs replaced by `{placeholders}`), e.g. for next-page links. */
  routeFor(method: string, url: URL): string;
  /**
   * A bounded operation name for metrics, e.g. `pulls.list`; for a GraphQL call, from its parsed
   * operation (a connector names its few operations, so the label stays bounded).
   */
  operationFor(method: string, route: string, graphql?: GraphqlOperation): string;
  protocolFor(url: URL): 'rest' | 'graphql';
  readRateLimit(response: ObservedResponse): RateLimitObservation | undefined;
  /**
   * `undefined` when the response is a success. GraphQL errors arrive on HTTP 200 too: the policy
   * decides which of them fail the call (a spent budget, a bad token) and which belong to one field
   * of it (a row the server refused), left for the connector to read from the body.
   */
  classify(response: ObservedResponse): ClassifiedFailure | undefined;
  requestIdOf(response: ObservedResponse): string | null;
}
