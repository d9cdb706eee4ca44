// The language modules only: `graphql`'s index loads the whole type system and executor (129
// modules, a noticeable share of a CLI's start-up) where reading an operation name needs 18.
import type { OperationDefinitionNode } from 'graphql/language/ast.js';
import { Kind } from 'graphql/language/kinds.js';
import { parse } from 'graphql/language/parser.js';

/** A GraphQL request's operation, for span attributes, metric labels and events. */
export interface GraphqlOperation {
  /** The operation's name (`query boardMetadata { … }`), or `null` for an anonymous one. */
  name: string | null;
  type: 'query' | 'mutation' | 'subscription';
}

/** One entry of a GraphQL response's `errors`, as far as every server agrees on its shape. */
export interface GraphqlErrorEntry {
  message: string;
  /** The field the error belongs to (an alias first), or none for a request-level error. */
  path: Array<string | number>;
  /** `extensions.code` (Monday: `ColumnValueException`; GitHub: `type` at top level). */
  code: string | null;
  extensions: Record<string, unknown>;
}

/**
 * Header a connector sets to tell the HTTP layer how many points a request will cost (a GraphQL
 * query's complexity), so the shared scheduler can reserve them; removed before sending.
 */
export const COST_HEADER = 'x-syncscope-cost';

const cache = new Map<string, GraphqlOperation | undefined>();
const CACHE_SIZE = 256;

/**
 * The operation of a GraphQL POST body (`{"query": …, "operationName": …}`), parsed with the
 * `graphql` package. Connectors send a few fixed query texts with variables, so results are cached
 * by text; a body that is not GraphQL yields `undefined` (the server will say why).
 */
export function graphqlOperationOf(body: string | null): GraphqlOperation | undefined {
  if (body === null) return undefined;
  let request: { query?: unknown; operationName?: unknown };
  try {
    request = JSON.parse(body) as typeof request;
  } catch {
    return undefined;
  }
  if (typeof request?.query !== 'string') return undefined;
  const wanted = typeof request.operationName === 'string' ? request.operationName : undefined;
  const cacheKey = `${wanted ?? ''}\u0000${request.query}`;
  if (cache.has(cacheKey)) return cache.get(cacheKey);
  let operation: GraphqlOperation | undefined;
  try {
    const definitions = parse(request.query, { noLocation: true }).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const chosen = wanted ? definitions.find((d) => d.name?.value === wanted) : definitions[0];
    operation = chosen ? { name: chosen.name?.value ?? null, type: chosen.operation } : undefined;
  } catch {
    operation = undefined;
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(cacheKey, operation);
  return operation;
}

/** The `errors` of a parsed GraphQL response body (empty when there are none or the body is not one). */
export function graphqlErrorsOf(json: unknown): GraphqlErrorEntry[] {
  if (!json || typeof json !== 'object' || !Array.isArray((json as { errors?: unknown }).errors)) return [];
  return ((json as { errors: unknown[] }).errors).map((raw) => {
    const entry = (raw && typeof raw === 'object' ? raw : {}) as { message?: unknown; path?: unknown; extensions?: unknown; type?: unknown };
    const extensions = entry.extensions && typeof entry.extensions === 'object' ? (entry.extensions as Record<string, unknown>) : {};
    const code = typeof extensions.code === 'string' ? extensions.code : typeof entry.type === 'string' ? entry.type : null;
    return {
      message: typeof entry.message === 'string' ? entry.message : JSON.stringify(raw).slice(0, 200),
      path: Array.isArray(entry.path) ? entry.path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number') : [],
      code,
      extensions,
    };
  });
}
