import {
  executeSync,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
} from 'graphql';
import type { PrimaryRateLimit, RateLimitState } from '../rate-limit.js';
import type { Answer } from '../responses.js';
import { iso } from '../vocabulary.js';
import { errorsOnly, githubErrorOf, graphqlOk, missingQuery, problemsParsingJson, rateLimited } from './answers.js';
import { assessQuery, type QueryCost } from './cost.js';
import type { GraphModels } from './models.js';
import type { GraphqlStatsRecorder } from './stats.js';

export interface QueryDeps {
  schema: GraphQLSchema;
  models: GraphModels;
  /** The GraphQL points budget (resource `graphql`), apart from REST's `core`. */
  points: PrimaryRateLimit;
  stats: GraphqlStatsRecorder;
}

/** What a query run charged, for the `x-ratelimit-*` headers of its answer. */
export interface QueryOutcome {
  answer: Answer;
  budget: RateLimitState;
}

interface Request {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
}

/**
 * One POST /graphql body, from JSON to answer, in GitHub's order: the body, the query's syntax,
 * its validity against the schema, its variables, the node limit, then the points budget (a
 * query whose cost exceeds the points left is refused whole), and only then execution.
 * Refusals before the budget check charge nothing.
 */
export function runQuery(bodyText: string, deps: QueryDeps): QueryOutcome {
  const refuse = (answer: Answer): QueryOutcome => {
    deps.stats.invalid();
    return { answer, budget: deps.points.peek() };
  };
  const request = parseBody(bodyText);
  if (request === 'not-json') return refuse(problemsParsingJson());
  if (request === 'no-query') return refuse(missingQuery());
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    if (error instanceof GraphQLError) return refuse(errorsOnly([githubErrorOf(error)]));
    throw error;
  }
  const invalid = validate(deps.schema, document);
  if (invalid.length > 0) return refuse(errorsOnly(invalid.map(githubErrorOf)));
  const operation = getOperationAST(document, request.operationName);
  if (!operation) {
    const message = request.operationName === undefined
      ? 'An operation name is required when the document holds several operations.'
      : `No operation named "${request.operationName}".`;
    return refuse(errorsOnly([{ message }]));
  }
  // GitHub's mutations are not simulated: say so rather than charge for an empty answer.
  if (!deps.schema.getRootType(operation.operation)) return refuse(errorsOnly([{ message: `Schema is not configured for ${operation.operation}s.` }]));
  const coerced = getVariableValues(deps.schema, operation.variableDefinitions ?? [], request.variables);
  if (coerced.errors) return refuse(errorsOnly(coerced.errors.map(githubErrorOf)));
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition');
  const assessed = assessQuery(deps.schema, operation, fragments, coerced.coerced);
  if (!assessed.ok) return refuse(errorsOnly(assessed.errors));

  const charged = deps.points.consume(assessed.cost.cost);
  if (!charged.allowed) {
    return { answer: rateLimited(deps.stats.rateLimited()), budget: charged.state };
  }
  deps.stats.executed(operation.name?.value, assessed.cost.cost);
  const result = executeSync({
    schema: deps.schema,
    document,
    operationName: request.operationName,
    variableValues: request.variables,
    rootValue: rootValue(deps.models, assessed.cost, charged.state),
  });
  return {
    answer: graphqlOk({
      ...(result.data === undefined ? {} : { data: result.data }),
      ...(result.errors?.length ? { errors: result.errors.map(githubErrorOf) } : {}),
    }),
    budget: charged.state,
  };
}

function parseBody(text: string): Request | 'not-json' | 'no-query' {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'not-json';
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'no-query';
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string') return 'no-query';
  return {
    query,
    variables: variables !== null && typeof variables === 'object' && !Array.isArray(variables) ? (variables as Record<string, unknown>) : {},
    operationName: typeof operationName === 'string' && operationName !== '' ? operationName : undefined,
  };
}

/** The root fields; each throws GitHub's NOT_FOUND error, which graphql-js places at its path. */
function rootValue(models: GraphModels, cost: QueryCost, budget: RateLimitState) {
  return {
    organization: ({ login }: { login: string }) => models.organization(login),
    repository: ({ owner, name }: { owner: string; name: string }) => models.repository(owner, name),
    node: ({ id }: { id: string }) => models.node(id),
    // An Error in a list is reported at its index, the rest of the list is kept.
    nodes: ({ ids }: { ids: string[] }) => ids.map((id) => {
      try {
        return models.node(id);
      } catch (error) {
        return error;
      }
    }),
    rateLimit: () => ({
      cost: cost.cost,
      limit: budget.limit,
      nodeCount: cost.nodeCount,
      remaining: budget.remaining,
      resetAt: iso(budget.reset),
      used: budget.used,
    }),
  };
}
