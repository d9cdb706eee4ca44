import { executeSync, getOperationAST, GraphQLError, Kind, parse, validate, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema } from 'graphql';
import type { Account } from './account.js';
import { complexityOf, mutationFieldCount } from './complexity.js';
import { requestError, type MondayAnswer } from './errors.js';
import { LimitAnswers } from './fault-answers.js';
import type { MondayFaults } from './faults.js';
import type { IdempotencyCache } from './idempotency.js';
import type { DailyCounter, SlidingWindow } from './limits.js';
import { rootValue, type RequestContext } from './resolvers.js';
import type { SimStats } from './stats.js';
import type { MondayFaultKind } from './types.js';

export interface GatewayDeps {
  account: Account;
  schema: GraphQLSchema;
  token: string;
  requireApiVersion: boolean;
  complexity: SlidingWindow;
  requests: SlidingWindow;
  daily: DailyCounter;
  maxConcurrent: number;
  maxComplexityPerQuery: number;
  idempotency: IdempotencyCache;
  faults: MondayFaults;
  stats: SimStats;
  timeScale: number;
  now: () => number;
}

export interface IncomingRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  apiVersion: string | undefined;
  idempotencyKey: string | undefined;
  body: string;
  requestId: string;
}

/** What the HTTP front does: answer after `delayMs` (maybe cut short), or drop the socket. */
export interface Plan {
  answer: MondayAnswer;
  /** Extra delay beyond the base latency (mutations, `slow`). */
  extraDelayMs: number;
  mutations: number;
  delivery: 'normal' | 'truncated' | 'reset';
  /** Called once the request is over (answered, dropped or aborted by the client). */
  done: () => void;
}

const API_VERSION = /^(\d{4}-(01|04|07|10)|current|stable)$/;
const ROOT = rootValue();

/**
 * Decides a request's fate synchronously on arrival, in Monday's order: credentials and version,
 * the request limits, the body and its GraphQL, idempotency, then (injected) faults, the query's
 * complexity against the budget, and finally execution. Being synchronous, a check and the
 * charge it allows cannot interleave with another request; mutations take effect on arrival.
 */
export class Gateway {
  private inFlight = 0;
  private readonly boardMutations = new Map<string, number>();
  private readonly limits: LimitAnswers;

  constructor(private readonly deps: GatewayDeps) {
    this.limits = new LimitAnswers(deps.timeScale);
  }

  plan(req: IncomingRequest): Plan {
    const d = this.deps;
    d.stats.requests += 1;
    this.inFlight += 1;
    let released = false;
    const base = { extraDelayMs: 0, mutations: 0, delivery: 'normal' as const };
    const finish: Array<() => void> = [() => (this.inFlight -= 1)];
    const plan = (answer: MondayAnswer, extra: Partial<Plan> = {}): Plan => ({
      ...base,
      ...extra,
      answer,
      done: () => {
        if (released) return;
        released = true;
        for (const f of finish) f();
      },
    });
    const now = d.now();
    if (req.method !== 'POST' || req.path !== '/v2') return plan(requestError(404, 'NOT_FOUND', `No route for ${req.method} ${req.path}; the API is POST /v2`));
    const auth = this.authError(req.authorization);
    if (auth) return plan(auth);
    if (req.apiVersion === undefined ? d.requireApiVersion : !API_VERSION.test(req.apiVersion)) {
      return plan(requestError(400, 'API_VERSION_REQUIRED', req.apiVersion === undefined ? 'The API-Version header is required' : `API-Version "${req.apiVersion}" is not a valid version`));
    }
    const admitted = d.requests.tryCharge(now, 1);
    if (!admitted.ok) {
      d.stats.rateLimitRejections += 1;
      return plan(this.limits.minuteLimit(admitted.waitMs / 1000));
    }
    if (this.inFlight > d.maxConcurrent) {
      d.stats.concurrencyRejections += 1;
      return plan(this.limits.concurrency());
    }
    if (!d.daily.take(now)) {
      d.stats.dailyLimitRejections += 1;
      return plan(this.limits.daily(d.daily.msUntilNextDay(now) / 1000));
    }
    const request = parseBody(req.body);
    if ('answer' in request) return plan(request.answer);
    let document: DocumentNode;
    try {
      document = parse(request.query);
    } catch (error) {
      return plan(graphqlErrors([error as GraphQLError], 'GRAPHQL_PARSE_FAILED', req.requestId));
    }
    const operation = getOperationAST(document, request.operationName);
    if (!operation) return plan(graphqlErrors([new GraphQLError('No operation found for the given operationName')], 'GRAPHQL_VALIDATION_FAILED', req.requestId));
    const invalid = validate(d.schema, document);
    if (invalid.length > 0) return plan(graphqlErrors(invalid, 'GRAPHQL_VALIDATION_FAILED', req.requestId));
    const isMutation = operation.operation === 'mutation';
    const fragments = new Map(document.definitions.filter((x): x is FragmentDefinitionNode => x.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
    const operationName = operation.name?.value ?? firstField(operation.selectionSet.selections);
    d.stats.byOperation[operationName] = (d.stats.byOperation[operationName] ?? 0) + 1;

    const idempotencyKey = isMutation ? req.idempotencyKey : undefined;
    if (idempotencyKey) {
      const cached = d.idempotency.lookup(idempotencyKey, now);
      if (cached.state === 'done') {
        d.stats.idempotentReplays += 1;
        return plan({ ...cached.answer, headers: { ...cached.answer.headers, 'idempotency-replayed': 'true' } });
      }
      if (cached.state === 'running') {
        d.stats.idempotencyConflicts += 1;
        return plan(requestError(409, 'IDEMPOTENCY_CONFLICT', 'A request with this Idempotency-Key is still being processed', {}, { 'retry-after': String(1) }));
      }
    }
    const fault = d.faults.decide(isMutation);
    if (fault) d.stats.fault(fault.kind);
    const faulted = fault ? this.limits.fault(fault.kind, fault.retryAfterSeconds) : undefined;
    if (faulted) return plan(faulted);

    const cost = complexityOf(operation, request.variables, fragments);
    if (cost > d.maxComplexityPerQuery) {
      return plan(graphqlErrors([new GraphQLError(`Query has complexity of ${cost}, which exceeds max complexity of ${d.maxComplexityPerQuery}`)], 'maxComplexityExceeded', req.requestId));
    }
    const before = d.complexity.remaining(now);
    const charged = d.complexity.tryCharge(now, cost);
    if (!charged.ok) {
      d.stats.budgetRejections += 1;
      return plan(this.limits.budgetExhausted(charged.waitMs / 1000));
    }
    d.stats.charged(cost, now);
    if (idempotencyKey) d.idempotency.begin(idempotencyKey, now);

    const context: RequestContext = {
      account: d.account,
      complexity: { before, after: before - cost, query: cost, reset_in_x_seconds: Math.ceil(d.complexity.msUntilClear(now) / 1000) },
      touchedBoards: new Set(),
    };
    const result = executeSync({ schema: d.schema, document, rootValue: ROOT, contextValue: context, variableValues: request.variables, operationName: request.operationName });
    for (const board of context.touchedBoards) {
      const running = (this.boardMutations.get(board) ?? 0) + 1;
      d.stats.boardMutationStarted(board, running);
      this.boardMutations.set(board, running);
      finish.push(() => this.boardMutations.set(board, (this.boardMutations.get(board) ?? 1) - 1));
    }
    const answer: MondayAnswer = {
      status: 200,
      body: { ...(result.data !== undefined ? { data: result.data } : {}), ...(result.errors?.length ? { errors: result.errors.map((e) => e.toJSON()) } : {}), account_id: 1, extensions: { request_id: req.requestId } },
      headers: rateLimitHeaders(d.complexity, now, d.timeScale),
    };
    // A request that ran is remembered whatever happens to its answer: the item exists now.
    if (idempotencyKey) finish.push(() => d.idempotency.finish(idempotencyKey, answer));
    return plan(answer, { mutations: mutationFieldCount(operation, fragments), extraDelayMs: fault?.kind === 'slow' ? fault.slowMs : 0, delivery: deliveryOf(fault?.kind) });
  }

  private authError(header: string | undefined): MondayAnswer | undefined {
    const token = header?.replace(/^Bearer\s+/i, '').trim();
    if (!token) return requestError(401, 'UNAUTHENTICATED', 'Not Authenticated: send your API token in the Authorization header');
    if (token !== this.deps.token) return requestError(403, 'USER_UNAUTHORIZED', 'Not Authenticated: the token is invalid or has been revoked');
    return undefined;
  }
}

function parseBody(body: string): { query: string; variables: Record<string, unknown>; operationName: string | undefined } | { answer: MondayAnswer } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { answer: requestError(400, 'JsonParseException', 'Unexpected token in JSON request body') };
  }
  const request = json as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof request?.query !== 'string') return { answer: requestError(400, 'INVALID_REQUEST', 'No query string was present') };
  const variables = request.variables && typeof request.variables === 'object' ? (request.variables as Record<string, unknown>) : {};
  return { query: request.query, variables, operationName: typeof request.operationName === 'string' ? request.operationName : undefined };
}

function graphqlErrors(errors: readonly GraphQLError[], code: string, requestId: string): MondayAnswer {
  return {
    status: 200,
    body: { errors: errors.map((e) => ({ ...e.toJSON(), extensions: { code, status_code: 200, ...e.extensions } })), account_id: 1, extensions: { request_id: requestId } },
  };
}

function firstField(selections: readonly { kind: string; name?: { value: string } }[]): string {
  return selections.find((s) => s.kind === Kind.FIELD && s.name?.value !== 'complexity')?.name?.value ?? 'anonymous';
}

function deliveryOf(kind: MondayFaultKind | undefined): Plan['delivery'] {
  return kind === 'truncated_json' ? 'truncated' : kind === 'connection_reset' ? 'reset' : 'normal';
}

/** IETF draft headers Monday sends: the policy and what is left of it. */
function rateLimitHeaders(window: SlidingWindow, now: number, timeScale: number): Record<string, string> {
  const seconds = Math.ceil(window.windowMs / 1000);
  const reset = Math.ceil(window.msUntilClear(now) / 1000);
  return {
    'ratelimit-policy': `"complexity";q=${window.limit};w=${seconds}${timeScale === 1 ? '' : `;scale=${timeScale}`}`,
    ratelimit: `"complexity";r=${window.remaining(now)};t=${reset}`,
  };
}
