import { Kind, valueFromASTUntyped, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { DEFAULT_PAGE } from './schema.js';

/**
 * The simulator's complexity model, computed from the parsed query before it runs (as Monday
 * does). Mutations have a fixed price — `create_item` 10,000 points, as Monday documents; the
 * other writes are priced alike — plus their selection. A read field costs 10 if it is an object,
 * 1 if a scalar; a list multiplies its children by how many it returns: an item page by its
 * `limit` (default 25), `boards`/`items` by their `ids`, `groups`/`columns`/`column_values`/
 * `subitems` by their `ids` or a nominal 10. `complexity` itself is free.
 * https://developer.monday.com/api-reference/docs/rate-limits#complexity-limit
 */
export const MUTATION_COST: Readonly<Record<string, number>> = {
  create_item: 10_000,
  create_subitem: 10_000,
  change_multiple_column_values: 10_000,
  create_group: 10_000,
};

const PAGES = new Set(['items_page', 'items_page_by_column_values', 'next_items_page']);
const NOMINAL_LIST = new Set(['groups', 'columns', 'column_values', 'subitems']);
const NOMINAL_SIZE = 10;

type Variables = Record<string, unknown>;
type Fragments = ReadonlyMap<string, FragmentDefinitionNode>;

export function complexityOf(operation: OperationDefinitionNode, variables: Variables, fragments: Fragments): number {
  const mutation = operation.operation === 'mutation';
  let total = 0;
  for (const field of fieldsOf(operation.selectionSet, fragments)) {
    if (field.name.value === 'complexity') continue;
    if (mutation) {
      total += (MUTATION_COST[field.name.value] ?? 1_000) + selectionCost(field, variables, fragments, undefined);
    } else {
      total += fieldCost(field, variables, fragments, undefined);
    }
  }
  return Math.round(total);
}

/** Each mutation root field (aliases counted one by one), for latency and stats. */
export function mutationFieldCount(operation: OperationDefinitionNode, fragments: Fragments): number {
  if (operation.operation !== 'mutation') return 0;
  return fieldsOf(operation.selectionSet, fragments).filter((f) => f.name.value !== 'complexity').length;
}

function fieldCost(field: FieldNode, variables: Variables, fragments: Fragments, pageLimit: number | undefined): number {
  if (!field.selectionSet) return 1;
  return 10 + factorOf(field, variables, pageLimit) * selectionCost(field, variables, fragments, limitOf(field, variables));
}

function selectionCost(field: FieldNode, variables: Variables, fragments: Fragments, pageLimit: number | undefined): number {
  if (!field.selectionSet) return 0;
  const limit = PAGES.has(field.name.value) ? pageLimit ?? DEFAULT_PAGE : undefined;
  return fieldsOf(field.selectionSet, fragments).reduce((sum, child) => sum + fieldCost(child, variables, fragments, limit), 0);
}

function factorOf(field: FieldNode, variables: Variables, pageLimit: number | undefined): number {
  const name = field.name.value;
  if (name === 'items' && pageLimit !== undefined) return pageLimit;
  const ids = argument(field, 'ids', variables);
  if (Array.isArray(ids)) return Math.max(1, ids.length);
  if (name === 'boards') return Number(argument(field, 'limit', variables) ?? DEFAULT_PAGE);
  if (NOMINAL_LIST.has(name)) return NOMINAL_SIZE;
  return 1;
}

function limitOf(field: FieldNode, variables: Variables): number | undefined {
  if (!PAGES.has(field.name.value)) return undefined;
  const limit = Number(argument(field, 'limit', variables) ?? DEFAULT_PAGE);
  return Number.isFinite(limit) && limit > 0 ? limit : DEFAULT_PAGE;
}

function argument(field: FieldNode, name: string, variables: Variables): unknown {
  const arg = field.arguments?.find((a) => a.name.value === name);
  return arg ? valueFromASTUntyped(arg.value, variables) : undefined;
}

/** The fields of a selection set, fragments and inline fragments flattened. */
function fieldsOf(set: SelectionSetNode, fragments: Fragments): FieldNode[] {
  return set.selections.flatMap((selection): FieldNode[] => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldsOf(selection.selectionSet, fragments);
    const fragment = fragments.get(selection.name.value);
    return fragment ? fieldsOf(fragment.selectionSet, fragments) : [];
  });
}
