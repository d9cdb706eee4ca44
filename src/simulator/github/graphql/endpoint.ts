import type { IncomingMessage } from 'node:http';
import type { FaultInjector } from '../faults.js';
import { answer, authorized, faultAnswer, withHeaders, type Plan } from '../pipeline.js';
import { rateLimitHeaders } from '../rate-limit.js';
import { badCredentials, secondaryLimited } from '../responses.js';
import type { PrimaryRateLimit } from '../rate-limit.js';
import type { SecondaryLimits } from '../secondary-limit.js';
import type { StatsRecorder } from '../stats.js';
import { bodyTooLarge } from './answers.js';
import type { QueryOutcome } from './run-query.js';

/** The route key of the endpoint (stats, secondary limits, fault `routes`). */
export const GRAPHQL_ROUTE = 'POST /graphql';
/** Bodies past this are refused unread; a real query is a few kilobytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface GraphqlCall {
  /** The request body, or `undefined` when it was larger than MAX_BODY_BYTES. */
  body: string | undefined;
  authorization: string | undefined;
  requestId: string;
}

export interface GraphqlEndpointDeps {
  token: string | undefined;
  secondary: SecondaryLimits;
  /** GitHub allows the GraphQL endpoint 2,000 secondary points a minute; a query is 1 point. */
  pointsPerMinute: number;
  faults: FaultInjector;
  stats: StatsRecorder;
  /** The GraphQL points budget (resource `graphql`), apart from REST's `core`. */
  points: PrimaryRateLimit;
  /**
   * Runs a query body (parse, validate, cost, execute). Loaded on the first query: the `graphql`
   * package is a noticeable share of the start-up of a demo that only calls REST.
   */
  runQuery: (body: string) => Promise<QueryOutcome>;
}

/**
 * Decides a POST /graphql request's fate, like the REST pipeline: credentials, then the
 * secondary limits (concurrency shared with REST, points per minute of its own), then injected
 * faults, then the query itself (which checks the points budget once it knows the cost). Faults
 * that replace the answer charge no points: the query never ran. Every answer past the
 * credentials carries the `graphql` budget in `x-ratelimit-*` headers.
 */
export async function planGraphql(call: GraphqlCall, deps: GraphqlEndpointDeps): Promise<Plan> {
  if (deps.token !== undefined && !authorized(call.authorization, deps.token)) return answer(badCredentials());
  const points = deps.points;
  const admission = deps.secondary.admit(GRAPHQL_ROUTE, deps.pointsPerMinute);
  if (!admission.admitted) {
    deps.stats.secondaryRejected();
    return answer(withHeaders(secondaryLimited(403, admission.retryAfterSeconds, call.requestId), rateLimitHeaders(points.peek())));
  }
  const release = admission.release;
  const fault = deps.faults.decide(GRAPHQL_ROUTE);
  if (fault) deps.stats.faultInjected(fault.kind);
  if (fault?.kind === 'connection_reset') return { type: 'reset', release };
  const replaced = fault ? faultAnswer(fault, call.requestId) : undefined;
  const delivery = { extraDelayMs: fault?.kind === 'slow' ? fault.delayMs : 0, truncate: fault?.kind === 'truncated_json', cut: fault?.kind === 'cut_stream', release };
  if (replaced) return { type: 'answer', answer: withHeaders(replaced, rateLimitHeaders(points.peek())), ...delivery };
  if (call.body === undefined) return { type: 'answer', answer: withHeaders(bodyTooLarge(), rateLimitHeaders(points.peek())), ...delivery };
  const outcome = await deps.runQuery(call.body);
  return { type: 'answer', answer: withHeaders(outcome.answer, rateLimitHeaders(outcome.budget)), ...delivery };
}

export function isGraphqlRequest(method: string, pathname: string): boolean {
  return method === 'POST' && pathname === '/graphql';
}

/** Reads a request body as UTF-8; `undefined` (and the rest left unread) past `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
    req.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
