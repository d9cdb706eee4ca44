import { z } from 'zod';
import { SyncError } from '../../errors/sync-error.js';
import { COMPLEXITY_FIELD, type MondayClient } from './monday-client.js';

const itemsShape = z.object({
  cursor: z.string().nullable(),
  items: z.array(z.object({ id: z.string(), group: z.object({ id: z.string() }).nullable().optional(), column_values: z.array(z.object({ id: z.string(), text: z.string().nullable() })) })),
});

const FIND = `query findItemsByKey($board: ID!, $limit: Int!, $columns: [ItemsPageByColumnValuesQuery!], $keyColumn: [String!]) {
  ${COMPLEXITY_FIELD}
  items_page_by_column_values(board_id: $board, limit: $limit, columns: $columns) { cursor items { id group { id } column_values(ids: $keyColumn) { id text } } } }`;
const NEXT = `query findItemsByKeyNext($cursor: String!, $limit: Int!, $keyColumn: [String!]) {
  ${COMPLEXITY_FIELD}
  next_items_page(cursor: $cursor, limit: $limit) { cursor items { id group { id } column_values(ids: $keyColumn) { id text } } } }`;

/** Monday: at most 500 items a page. */
const PAGE = 500;

export interface FoundItem {
  id: string;
  groupId: string | null;
}

/**
 * Looks orders up by external key before creating them (Monday has no uniqueness constraint, so a
 * create after a crash, a timeout or a lost answer would make a second item): one
 * `items_page_by_column_values` for a whole batch, pages followed to the end. Matching is
 * Monday's (case-insensitive, whole value); the first item of a key wins. Keys map lower-cased.
 */
export async function findItemsByKey(client: MondayClient, boardId: string, keyColumnId: string, keys: string[]): Promise<Map<string, FoundItem>> {
  const found = new Map<string, FoundItem>();
  if (keys.length === 0) return found;
  const limit = Math.min(PAGE, Math.max(25, keys.length * 2));
  const cost = 100 + limit * 40;
  let page = await client.request({
    name: 'findItemsByKey',
    query: FIND,
    variables: { board: boardId, limit, columns: [{ column_id: keyColumnId, column_values: keys }], keyColumn: [keyColumnId] },
    cost,
  });
  for (;;) {
    const parsed = itemsShape.safeParse(page.data.items_page_by_column_values ?? page.data.next_items_page);
    if (!parsed.success) {
      const error = page.errors[0];
      throw new SyncError(error ? 'VALIDATION_ERROR' : 'SERVER_ERROR', `Monday answered the lookup by ${keyColumnId} with ${error ? `${error.code}: ${error.message}` : 'an unexpected shape'} (request_id ${page.requestId ?? 'unknown'})`);
    }
    for (const item of parsed.data.items) {
      const key = item.column_values.find((c) => c.id === keyColumnId)?.text?.toLowerCase();
      if (key && !found.has(key)) found.set(key, { id: item.id, groupId: item.group?.id ?? null });
    }
    if (!parsed.data.cursor) return found;
    page = await client.request({ name: 'findItemsByKeyNext', query: NEXT, variables: { cursor: parsed.data.cursor, limit, keyColumn: [keyColumnId] }, cost });
  }
}
