import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MondaySimulator } from '../../../src/simulator/monday/index.js';
import { BOARD, gql, startSim } from './helpers.js';

const CREATE = `mutation ($board: ID!, $a: JSON, $b: JSON) {
  first: create_item(board_id: $board, item_name: "Order A", column_values: $a) { id name group { id } }
  second: create_item(board_id: $board, item_name: "Order B", column_values: $b) { ...itemFields }
}
fragment itemFields on Item { id name column_values(ids: ["status"]) { id text value } }`;

describe('Monday simulator: real GraphQL', () => {
  let sim: MondaySimulator;
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(() => sim.close());

  it('runs several aliased mutations with variables and fragments in one request', async () => {
    const r = await gql(sim, CREATE, {
      board: BOARD,
      a: JSON.stringify({ order_key: 'K-1', status: { label: 'OPEN' } }),
      b: JSON.stringify({ order_key: 'K-2', status: { index: 2 }, qty: '42.5', ship_date: { date: '2026-06-15', time: '09:00:00' } }),
    });
    expect(r.status).toBe(200);
    expect(r.json.errors).toBeUndefined();
    expect(r.json.data.first).toMatchObject({ name: 'Order A', group: { id: 'topics' } });
    expect(r.json.data.second.column_values).toEqual([{ id: 'status', text: 'CANCELLED', value: '{"label":"CANCELLED"}' }]);
    expect(r.json.extensions.request_id).toMatch(/^[0-9a-f-]{36}$/);
    const board = sim.board(BOARD);
    expect(board.items.map((i) => i.columns)).toEqual([
      { order_key: 'K-1', status: 'OPEN' },
      { order_key: 'K-2', status: 'CANCELLED', qty: '42.5', ship_date: '2026-06-15 09:00:00' },
    ]);
    expect(sim.stats()).toMatchObject({ itemsCreated: 2, byOperation: { create_item: 1 } });
  });

  it('answers a missing label with ColumnValueException on HTTP 200 beside the other aliases\' data', async () => {
    const r = await gql(sim, CREATE, {
      board: BOARD,
      a: JSON.stringify({ order_key: 'K-1', status: { label: 'Cancelled' } }),
      b: JSON.stringify({ order_key: 'K-2', sizes: { labels: ['S', 'M'] } }),
    });
    expect(r.status).toBe(200);
    expect(r.json.data.first).toBeNull();
    expect(r.json.data.second.name).toBe('Order B');
    expect(r.json.errors).toHaveLength(1);
    expect(r.json.errors[0]).toMatchObject({
      message: expect.stringMatching(/^invalid value - label does not exist in column\./),
      path: ['first'],
      extensions: { code: 'ColumnValueException', status_code: 200, error_data: { column_id: 'status', column_type: 'status' } },
    });
    expect(sim.stats().labelsCreated).toBe(0);
  });

  it('creates missing labels only with create_labels_if_missing, and refuses mixed dropdown values', async () => {
    const mutation = `mutation ($v: JSON) { create_item(board_id: ${BOARD}, item_name: "x", column_values: $v, create_labels_if_missing: true) { id } }`;
    expect((await gql(sim, mutation, { v: JSON.stringify({ status: { label: 'ON HOLD' }, sizes: { labels: ['XL', 'S'] } }) })).json.errors).toBeUndefined();
    expect(sim.board(BOARD).labels).toMatchObject({ status: ['OPEN', 'SHIPPED', 'CANCELLED', 'ON HOLD'], sizes: ['S', 'M', 'L', 'XL'] });
    expect(sim.stats().labelsCreated).toBe(2);
    const mixed = await gql(sim, mutation, { v: JSON.stringify({ sizes: { labels: ['S'], ids: [1] } }) });
    expect(mixed.json.errors[0].extensions.code).toBe('ColumnValueException');
    const tooLong = await gql(sim, mutation, { v: JSON.stringify({ status: { label: 'x'.repeat(31) } }) });
    expect(tooLong.json.errors[0].message).toContain('at most 30 characters');
  });

  it('names the bad board, column, name and JSON with Monday\'s codes', async () => {
    const codeOf = async (query: string) => (await gql(sim, query)).json.errors?.[0]?.extensions?.code;
    expect(await codeOf('mutation { create_item(board_id: 1, item_name: "x") { id } }')).toBe('InvalidBoardIdException');
    expect(await codeOf(`mutation { create_item(board_id: ${BOARD}, item_name: "x", column_values: "{\\"nope\\": \\"1\\"}") { id } }`)).toBe('InvalidColumnIdException');
    expect(await codeOf(`mutation { create_item(board_id: ${BOARD}, item_name: "${'n'.repeat(256)}") { id } }`)).toBe('ItemNameTooLongException');
    expect(await codeOf(`mutation { create_item(board_id: ${BOARD}, item_name: "x", column_values: "{not json") { id } }`)).toBe('JsonParseException');
    expect(await codeOf(`mutation { create_item(board_id: ${BOARD}, item_name: "x", group_id: "nope") { id } }`)).toBe('InvalidGroupIdException');
    expect(await codeOf('query { boards { nope } }')).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await codeOf('query { boards { id ')).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('creates groups (no uniqueness, as on Monday), updates items and creates subitems', async () => {
    const group = await gql(sim, `mutation { create_group(board_id: ${BOARD}, group_name: "PELOTON SS26") { id title } }`);
    const again = await gql(sim, `mutation { create_group(board_id: ${BOARD}, group_name: "PELOTON SS26") { id title } }`);
    expect(group.json.data.create_group.id).not.toBe(again.json.data.create_group.id);
    const groupId = group.json.data.create_group.id as string;
    const item = await gql(sim, `mutation { create_item(board_id: ${BOARD}, item_name: "x", group_id: "${groupId}") { id } }`);
    const id = item.json.data.create_item.id as string;
    const changed = await gql(sim, `mutation ($v: JSON!) { change_multiple_column_values(board_id: ${BOARD}, item_id: ${id}, column_values: $v) { id name } }`, { v: JSON.stringify({ name: 'renamed', qty: 3 }) });
    expect(changed.json.data.change_multiple_column_values).toEqual({ id, name: 'renamed' });
    const sub = await gql(sim, `mutation { create_subitem(parent_item_id: ${id}, item_name: "size M", column_values: "{\\"qty\\":\\"4\\"}") { id parent_item { id } } }`);
    expect(sub.json.data.create_subitem.parent_item.id).toBe(id);
    const missing = await gql(sim, `mutation { change_multiple_column_values(board_id: ${BOARD}, item_id: 1, column_values: "{}") { id } }`);
    expect(missing.json.errors[0].extensions.code).toBe('InvalidItemIdException');
    expect(sim.board(BOARD).items[0]).toMatchObject({ name: 'renamed', groupId, columns: { qty: '3' }, subitems: [{ name: 'size M', columns: { qty: '4' } }] });
    expect(sim.stats()).toMatchObject({ groupsCreated: 2, itemsCreated: 1, itemsUpdated: 1, subitemsCreated: 1 });
  });

  it('finds items by a text column (case-insensitive whole value) and pages with cursors', async () => {
    for (let i = 0; i < 5; i++) {
      await gql(sim, `mutation ($v: JSON) { create_item(board_id: ${BOARD}, item_name: "o${i}", column_values: $v) { id } }`, { v: JSON.stringify({ order_key: i < 4 ? `KEY-${i % 2}` : 'KEY-10' }) });
    }
    const find = `query ($cursor: String, $columns: [ItemsPageByColumnValuesQuery!]) {
      items_page_by_column_values(board_id: ${BOARD}, limit: 1, cursor: $cursor, columns: $columns) { cursor items { name } } }`;
    const first = await gql(sim, find, { columns: [{ column_id: 'order_key', column_values: ['key-1'] }] });
    expect(first.json.data.items_page_by_column_values.items).toEqual([{ name: 'o1' }]);
    const cursor = first.json.data.items_page_by_column_values.cursor as string;
    const next = await gql(sim, `query ($c: String!) { next_items_page(cursor: $c, limit: 5) { cursor items { name } } }`, { c: cursor });
    expect(next.json.data.next_items_page).toEqual({ cursor: null, items: [{ name: 'o3' }] });
    const both = await gql(sim, find, { cursor, columns: [{ column_id: 'order_key', column_values: ['x'] }] });
    expect(both.json.errors[0].message).toBe('Send either cursor or columns, not both');
    const page = await gql(sim, `query { boards(ids: [${BOARD}]) { items_page(limit: 2, query_params: { rules: [{ column_id: "order_key", compare_value: ["KEY-0", "KEY-10"], operator: any_of }] }) { cursor items { name } } } }`);
    expect(page.json.data.boards[0].items_page.items).toEqual([{ name: 'o0' }, { name: 'o2' }]);
    expect(page.json.data.boards[0].items_page.cursor).not.toBeNull();
    expect(sim.stats().duplicateItemsByExternalKey).toBe(2);
  });
});
