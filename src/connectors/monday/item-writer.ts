import { InterruptedError, toSyncError, type ErrorCategory } from '../../errors/sync-error.js';
import type { GraphqlErrorEntry } from '../http/graphql-operation.js';
import type { MutationLock } from '../../ports/mutation-lock.js';
import { boardLockKey } from './board-lock.js';
import { COMPLEXITY_FIELD, idempotencyKeyOf, type MondayClient } from './monday-client.js';
import { fieldErrorCategory } from './monday-errors.js';

/** One item to write: created in `groupId`, or updated when `itemId` is known. */
export interface ItemWrite {
  key: string;
  name: string;
  groupId: string;
  itemId: string | null;
  values: Record<string, unknown>;
  createLabels: boolean;
}

export interface ItemOutcome {
  key: string;
  itemId: string | null;
  action: 'created' | 'updated' | null;
  failure?: { category: ErrorCategory; message: string; requestId?: string };
}

/** Monday documents ~10,000 points per create_item; updates and subitems are priced alike here, plus the selection. */
export const MUTATION_COST = 10_000;
const SELECTION_COST = 20;

/**
 * Writes items as aliased mutations, `perRequest` a request (each request is one atomic call
 * through the shared HTTP layer, under the board's lock). A row Monday refuses fails alone, with
 * Monday's code, message and request ID; a request the HTTP layer gave up on fails its rows with
 * that error, and the other requests' rows keep their results. Each request carries an
 * Idempotency-Key of its content, so a replay after a crash or a lost answer creates nothing twice.
 */
export async function writeItems(client: MondayClient, lock: MutationLock, boardId: string, writes: ItemWrite[], perRequest: number): Promise<ItemOutcome[]> {
  const outcomes: ItemOutcome[] = [];
  for (let at = 0; at < writes.length; at += perRequest) {
    const chunk = writes.slice(at, at + perRequest);
    outcomes.push(...(await writeChunk(client, lock, boardId, chunk)));
  }
  return outcomes;
}

async function writeChunk(client: MondayClient, lock: MutationLock, boardId: string, chunk: ItemWrite[]): Promise<ItemOutcome[]> {
  const { query, variables } = itemsMutation(boardId, chunk);
  try {
    const result = await lock.withLock(boardLockKey(boardId), () =>
      client.request({
        name: 'writeItems',
        query,
        variables,
        cost: chunk.length * (MUTATION_COST + SELECTION_COST),
        idempotencyKey: idempotencyKeyOf('write_items', boardId, chunk),
      }),
    );
    return chunk.map((write, i) => outcomeOf(write, result.data[`m${i}`], result.errors.filter((e) => e.path[0] === `m${i}`), result.requestId));
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    const failure = toSyncError(error);
    const requestId = failure.requestId ? { requestId: failure.requestId } : {};
    return chunk.map((write) => ({ key: write.key, itemId: write.itemId, action: null, failure: { category: failure.category, message: failure.message, ...requestId } }));
  }
}

/** One mutation, `m<i>: create_item(...)` or `m<i>: change_multiple_column_values(...)` per write. */
export function itemsMutation(boardId: string, chunk: ItemWrite[]): { query: string; variables: Record<string, unknown> } {
  const declarations = ['$board: ID!'];
  const fields: string[] = [];
  const variables: Record<string, unknown> = { board: boardId };
  chunk.forEach((write, i) => {
    variables[`v${i}`] = JSON.stringify(write.values);
    variables[`l${i}`] = write.createLabels;
    if (write.itemId) {
      declarations.push(`$i${i}: ID!`, `$v${i}: JSON!`, `$l${i}: Boolean`);
      variables[`i${i}`] = write.itemId;
      fields.push(`m${i}: change_multiple_column_values(board_id: $board, item_id: $i${i}, column_values: $v${i}, create_labels_if_missing: $l${i}) { id }`);
    } else {
      declarations.push(`$n${i}: String!`, `$g${i}: String`, `$v${i}: JSON`, `$l${i}: Boolean`);
      variables[`n${i}`] = write.name;
      variables[`g${i}`] = write.groupId;
      fields.push(`m${i}: create_item(board_id: $board, item_name: $n${i}, group_id: $g${i}, column_values: $v${i}, create_labels_if_missing: $l${i}) { id }`);
    }
  });
  return { query: `mutation writeItems(${declarations.join(', ')}) { ${COMPLEXITY_FIELD} ${fields.join(' ')} }`, variables };
}

function outcomeOf(write: ItemWrite, data: unknown, errors: GraphqlErrorEntry[], requestId: string | null): ItemOutcome {
  const id = data && typeof data === 'object' && typeof (data as { id?: unknown }).id === 'string' ? (data as { id: string }).id : null;
  if (id && errors.length === 0) return { key: write.key, itemId: id, action: write.itemId ? 'updated' : 'created' };
  const error = errors[0];
  const detail = error ? `${error.code ?? 'error'}: ${error.message}${describeData(error)}` : 'no result for this item';
  return {
    key: write.key,
    itemId: write.itemId,
    action: null,
    failure: {
      category: error ? fieldErrorCategory(error.code) : 'SERVER_ERROR',
      message: `Monday refused ${write.itemId ? `item ${write.itemId}` : 'the new item'}: ${detail} (request_id ${requestId ?? 'unknown'})`,
      ...(requestId ? { requestId } : {}),
    },
  };
}

/** Which column and value Monday objected to, when it says (`error_data`). */
function describeData(error: GraphqlErrorEntry): string {
  const data = error.extensions.error_data as { column_id?: unknown; column_value?: unknown } | undefined;
  if (!data || typeof data.column_id !== 'string') return '';
  return ` (column ${data.column_id}${typeof data.column_value === 'string' ? `, value ${data.column_value}` : ''})`;
}
