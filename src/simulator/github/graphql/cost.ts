import {
  getArgumentValues,
  getDirectiveValues,
  getLocation,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { isConnectionType } from './schema.js';

/**
 * GitHub's GraphQL limits, worked out on the query before it runs.
 * https://docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api
 *
 * - Node limit: every connection needs `first` or `last`, each within 1–100, and the nodes a
 *   query could return (each connection's page size times its parents') total at most 500,000.
 * - Cost: "add up the number of requests needed to fulfill each unique connection in the call",
 *   assuming each returns a full page (a connection nested in a page of 50 takes 50 requests),
 *   "divide by 100 and round the result to get the final aggregate cost" — at least 1 point.
 */

export const MAX_PAGE = 100;
export const MAX_NODES = 500_000;

/** An error as GitHub words and types it; `path` names the field (by alias) that broke the limit. */
export interface LimitError {
  type: 'MISSING_PAGINATION_BOUNDARIES' | 'EXCESSIVE_PAGINATION' | 'MAX_NODE_LIMIT_EXCEEDED';
  path: string[];
  locations: Array<{ line: number; column: number }>;
  message: string;
}

export interface QueryCost {
  /** Requests GitHub would need to fill every connection at its page size. */
  requests: number;
  /** Points charged: requests / 100, rounded, at least 1. */
  cost: number;
  /** Most nodes the query could return (what `rateLimit { nodeCount }` reports). */
  nodeCount: number;
}

export type CostAssessment = { ok: true; cost: QueryCost } | { ok: false; errors: LimitError[] };

export function pointsFor(requests: number): number {
  return Math.max(1, Math.round(requests / 100));
}

interface Walk {
  schema: GraphQLSchema;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  requests: number;
  nodes: number;
  errors: LimitError[];
}

/**
 * Counts requests and nodes of a validated operation (`variables` already coerced). Every
 * fragment spread is walked where it is used, so a fragment used twice counts twice, as its
 * fields are fetched twice.
 */
export function assessQuery(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  variables: Record<string, unknown>,
): CostAssessment {
  const root = schema.getRootType(operation.operation);
  if (!root) throw new RangeError(`the schema has no ${operation.operation} type`);
  const walk: Walk = { schema, fragments: new Map(fragments.map((f) => [f.name.value, f])), variables, requests: 0, nodes: 0, errors: [] };
  visit(walk, operation.selectionSet, root, 1, []);
  if (walk.errors.length > 0) return { ok: false, errors: walk.errors };
  return { ok: true, cost: { requests: walk.requests, cost: pointsFor(walk.requests), nodeCount: walk.nodes } };
}

function visit(walk: Walk, set: SelectionSetNode, parent: GraphQLCompositeType, multiplier: number, path: string[]): void {
  for (const selection of set.selections) {
    if (skipped(walk, selection)) continue;
    if (selection.kind === 'Field') {
      visitField(walk, selection, parent, multiplier, path);
    } else if (selection.kind === 'InlineFragment') {
      const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parent;
      if (type && isCompositeType(type)) visit(walk, selection.selectionSet, type, multiplier, path);
    } else {
      const fragment = walk.fragments.get(selection.name.value);
      const type = fragment ? walk.schema.getType(fragment.typeCondition.name.value) : undefined;
      if (fragment && type && isCompositeType(type)) visit(walk, fragment.selectionSet, type, multiplier, path);
    }
  }
}

function visitField(walk: Walk, node: FieldNode, parent: GraphQLCompositeType, multiplier: number, path: string[]): void {
  if (!node.selectionSet || !(isObjectType(parent) || isInterfaceType(parent))) return;
  const field = parent.getFields()[node.name.value];
  if (!field) return;
  const type = getNamedType(field.type);
  if (!isCompositeType(type)) return;
  const here = [...path, node.alias?.value ?? node.name.value];
  if (!isConnectionType(type.name)) {
    visit(walk, node.selectionSet, type, multiplier, here);
    return;
  }
  const args = getArgumentValues(field, node, walk.variables);
  const size = pageSize(walk, node, args, here);
  if (size === undefined) return;
  walk.requests += multiplier;
  const reachable = multiplier * size;
  walk.nodes += reachable;
  if (walk.nodes > MAX_NODES && !walk.errors.some((e) => e.type === 'MAX_NODE_LIMIT_EXCEEDED')) {
    walk.errors.push({
      type: 'MAX_NODE_LIMIT_EXCEEDED',
      path: here,
      locations: location(node),
      message:
        `By the time this query traverses to the ${node.name.value} connection, it is requesting up to ` +
        `${walk.nodes.toLocaleString('en-US')} possible nodes which exceeds the maximum limit of ${MAX_NODES.toLocaleString('en-US')}.`,
    });
  }
  visit(walk, node.selectionSet, type, reachable, here);
}

/** The connection's page size, or undefined (and an error) when `first`/`last` break the rules. */
function pageSize(walk: Walk, node: FieldNode, args: Record<string, unknown>, path: string[]): number | undefined {
  const name = node.name.value;
  const bounds = (['first', 'last'] as const).filter((key) => typeof args[key] === 'number');
  if (bounds.length === 0) {
    walk.errors.push({
      type: 'MISSING_PAGINATION_BOUNDARIES',
      path,
      locations: location(node),
      message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
    });
    return undefined;
  }
  let size = 0;
  for (const key of bounds) {
    const value = args[key] as number;
    if (value > MAX_PAGE || value < 1) {
      // GitHub's wording for too many; the docs only say 1–100 for too few, so that wording is ours.
      const message = value > MAX_PAGE
        ? `Requesting ${value} records on the \`${name}\` connection exceeds the \`${key}\` limit of ${MAX_PAGE} records.`
        : `\`${key}\` on the \`${name}\` connection must be between 1 and ${MAX_PAGE}, got ${value}.`;
      walk.errors.push({ type: 'EXCESSIVE_PAGINATION', path, locations: location(node), message });
      return undefined;
    }
    size = Math.max(size, value);
  }
  return size;
}

function skipped(walk: Walk, node: Parameters<typeof getDirectiveValues>[1]): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, walk.variables)?.if === true) return true;
  return getDirectiveValues(GraphQLIncludeDirective, node, walk.variables)?.if === false;
}

function location(node: FieldNode): Array<{ line: number; column: number }> {
  return node.loc ? [getLocation(node.loc.source, node.loc.start)] : [];
}
