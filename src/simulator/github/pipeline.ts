import type { SimulatedOrg } from './data.js';
import type { Fault, FaultInjector } from './faults.js';
import { rateLimitHeaders, type PrimaryRateLimit } from './rate-limit.js';
import { badCredentials, htmlPage, notFound, primaryLimited, primaryLimited429, secondaryLimited, serverError, type Answer } from './responses.js';
import type { MatchedRoute } from './routes.js';
import type { SecondaryLimits } from './secondary-limit.js';
import type { StatsRecorder } from './stats.js';

export interface IncomingCall {
  matched: MatchedRoute | undefined;
  routeKey: string;
  url: URL;
  authorization: string | undefined;
  requestId: string;
}

/** What the server does with one request: answer (maybe late, maybe cut short) or drop the socket. */
export type Plan =
  | { type: 'answer'; answer: Answer; extraDelayMs: number; truncate: boolean; cut?: boolean; release?: () => void }
  | { type: 'reset'; release?: () => void };

export interface PipelineDeps {
  data: SimulatedOrg;
  notFoundRepos: ReadonlySet<string>;
  token: string | undefined;
  primary: PrimaryRateLimit;
  /** The GraphQL points budget, reported by GET /rate_limit beside `core`. */
  graphqlPrimary: PrimaryRateLimit;
  secondary: SecondaryLimits;
  faults: FaultInjector;
  stats: StatsRecorder;
}

/**
 * Decides a request's fate synchronously on arrival, in GitHub's order: credentials, primary
 * budget, secondary limits, then (injected) faults, then the route. Being synchronous, checking
 * the budget and spending it cannot interleave with another request.
 */
export function plan(call: IncomingCall, deps: PipelineDeps): Plan {
  if (deps.token !== undefined && !authorized(call.authorization, deps.token)) return answer(badCredentials());
  const handle = (): Answer =>
    call.matched
      ? call.matched.route.handle(call.matched.params, {
          data: deps.data,
          notFoundRepos: deps.notFoundRepos,
          url: call.url,
          rateLimits: () => [deps.primary.peek(), deps.graphqlPrimary.peek()],
        })
      : notFound();
  // GET /rate_limit "does not count against your REST API rate limit" (GitHub docs).
  if (call.matched?.route.exempt) return answer(withHeaders(handle(), rateLimitHeaders(deps.primary.peek())));

  const budget = deps.primary.peek();
  if (budget.remaining <= 0) {
    deps.stats.rateLimitRejected();
    return answer(withHeaders(primaryLimited(call.requestId), rateLimitHeaders(budget)));
  }
  const admission = deps.secondary.admit(call.routeKey);
  if (!admission.admitted) {
    deps.stats.secondaryRejected();
    // On GitHub every answered request counts against the primary budget, refusals included.
    const spent = rateLimitHeaders(deps.primary.consume().state);
    return answer(withHeaders(secondaryLimited(403, admission.retryAfterSeconds, call.requestId), spent));
  }
  const release = admission.release;
  const fault = deps.faults.decide(call.routeKey);
  if (fault) deps.stats.faultInjected(fault.kind);
  // A dropped connection is never answered, so it is the one outcome that spends no budget.
  if (fault?.kind === 'connection_reset') return { type: 'reset', release };
  const headers = rateLimitHeaders(deps.primary.consume().state);
  // `slow`, `truncated_json` and `cut_stream` keep the route's own answer (status included) and only alter its delivery.
  const faulted = fault ? faultAnswer(fault, call.requestId) : undefined;
  return {
    type: 'answer',
    answer: withHeaders(faulted ?? handle(), headers),
    extraDelayMs: fault?.kind === 'slow' ? fault.delayMs : 0,
    truncate: fault?.kind === 'truncated_json',
    cut: fault?.kind === 'cut_stream',
    release,
  };
}

/** The answer that replaces the route's, for faults that replace it (REST and GraphQL alike). */
export function faultAnswer(fault: Fault, requestId: string): Answer | undefined {
  switch (fault.kind) {
    case 'server_error':
      return serverError(fault.status);
    case 'secondary_limit':
      return secondaryLimited(fault.status, fault.retryAfterSeconds, requestId);
    case 'unauthorized':
      return badCredentials();
    case 'html_200':
      return htmlPage(200);
    case 'html_502':
      return htmlPage(502);
    case 'primary_limit_429':
      return primaryLimited429(requestId);
    default:
      return undefined;
  }
}

/** GitHub accepts both `token <t>` and `Bearer <t>`. */
export function authorized(header: string | undefined, token: string): boolean {
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] === token;
}

export function answer(a: Answer): Plan {
  return { type: 'answer', answer: a, extraDelayMs: 0, truncate: false };
}

export function withHeaders(a: Answer, headers: Record<string, string>): Answer {
  return { ...a, headers: { ...headers, ...a.headers } };
}
