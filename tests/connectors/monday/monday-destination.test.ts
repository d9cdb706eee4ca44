import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ordersRuntime, ordersWorld, DEMO_BOARD_ID, type OrdersWorld } from './orders-harness.js';

const { runtime, exporter, lines } = ordersRuntime();
afterAll(() => runtime.shutdown());

const BOOK = { customers: 2, groups: 4, orders: 40 };

describe('Monday destination against the simulator', () => {
  let world: OrdersWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
    exporter.reset();
    lines.length = 0;
  });

  it('creates one group per customer and season and one item per order, and writes every row back', async () => {
    world = await ordersWorld(runtime, BOOK);
    const run = await world.run();
    expect(run.status).toBe('succeeded');
    expect(run.records).toEqual({ synced: 40, failed: 0, skipped: 0, pending: 0 });
    const board = world.sim.board(DEMO_BOARD_ID);
    expect(board.groups.map((g) => g.title).sort()).toEqual(['Group Title', 'NORTHWIND FW25', 'NORTHWIND SS25', 'PELOTON FW25', 'PELOTON SS25']);
    expect(board.items).toHaveLength(40);
    const row = world.rows()[0]!;
    const item = board.items.find((i) => i.columns.text_order_key === '100001');
    expect(item?.name).toBe(`${String(row.ORDER_NUMBER)} ${String(row.STYLE)}`);
    expect(item?.columns).toMatchObject({ numbers_qty: String(row.QTY), date_ship: String(row.SHIP_DATE), text_style: String(row.STYLE) });
    expect(item?.subitems.map((s) => s.name)).toEqual(JSON.parse(String(row.SIZE_BREAKDOWN)).map((b: { size: string }) => b.size));
    expect(world.sim.stats()).toMatchObject({ duplicateItemsByExternalKey: 0, concurrentBoardMutations: 0, budgetRejections: 0 });
    for (const row of world.rows()) {
      expect(row).toMatchObject({ SYNC_STATE: 'SYNCED', SYNC_ID: run.syncId, SYNC_ERROR_CATEGORY: null });
      expect(row.MONDAY_ITEM_ID).toMatch(/^\d+$/);
      expect(board.groups.find((g) => g.id === row.MONDAY_GROUP_ID)?.title).toBe(`${String(row.CUSTOMER)} ${String(row.SEASON)}`);
      expect(Date.parse(String(row.SYNCED_AT))).not.toBeNaN();
    }
    const changes = await world.store.countDestinationChanges(run.syncId);
    expect(changes.filter((c) => c.kind === 'group').reduce((n, c) => n + c.count, 0)).toBe(4);
    expect(changes.filter((c) => c.kind === 'item' && c.action === 'created').reduce((n, c) => n + c.count, 0)).toBe(40);
  });

  it('finds its groups and items again: a second run over the same rows updates, creates nothing', async () => {
    world = await ordersWorld(runtime, BOOK);
    await world.run();
    const db = (await import('better-sqlite3')).default;
    const handle = new db(world.ordersPath);
    // The ERP marks the orders changed; half of them also lost their Monday IDs (a restored backup).
    handle.prepare("UPDATE FACT_ORDER_LIST SET SYNC_STATE = 'PENDING', QTY = QTY + 1").run();
    handle.prepare('UPDATE FACT_ORDER_LIST SET MONDAY_ITEM_ID = NULL, MONDAY_GROUP_ID = NULL WHERE ORDER_ID % 2 = 0').run();
    handle.close();
    const second = await world.run();
    expect(second.records.synced).toBe(40);
    const stats = world.sim.stats();
    expect(stats).toMatchObject({ groupsCreated: 4, itemsCreated: 40, itemsUpdated: 40, duplicateItemsByExternalKey: 0 });
    const changes = await world.store.listDestinationChanges(second.syncId, { kind: 'item' });
    expect(new Set(changes.map((c) => c.action))).toEqual(new Set(['updated']));
    expect(world.rows().every((r) => typeof r.MONDAY_ITEM_ID === 'string')).toBe(true);
  });

  it('survives every transient fault without a duplicate or a lost row (lookup + Idempotency-Key)', async () => {
    world = await ordersWorld(runtime, BOOK, { faults: { rate: 0.3, slowMs: 2_500, retryAfterSeconds: 0.05 }, seed: 11 });
    const run = await world.run({ config: (c) => ((c.api as Record<string, unknown>).max_attempts = 12) });
    const stats = world.sim.stats();
    expect(stats.faultsInjected).toBeGreaterThan(5);
    expect(run.records).toEqual({ synced: 40, failed: 0, skipped: 0, pending: 0 });
    expect(world.sim.board(DEMO_BOARD_ID).items).toHaveLength(40);
    expect(stats.duplicateItemsByExternalKey).toBe(0);
    expect(stats.concurrentBoardMutations).toBe(0);
    expect(run.api.retries).toBeGreaterThan(0);
  }, 60_000);

  // The documented failure shapes one at a time, on every call: each retried to success, or (when it
  // never stops) every record ends failed with a category and a message — never in no state.
  const SHAPES = ['html_200', 'bad_gateway_html', 'truncated_json', 'server_error', 'locked'] as const;
  it.each(SHAPES)('%s on a third of the calls: retried, every record synced once', async (kind) => {
    world = await ordersWorld(runtime, { customers: 1, groups: 2, orders: 8 }, { faults: { rate: 0.34, kinds: [kind], retryAfterSeconds: 0.05 }, seed: 5 });
    const run = await world.run({ selection: { skipSubitems: true }, config: (c) => ((c.api as Record<string, unknown>).max_attempts = 10) });
    expect(world.sim.stats().faultsInjected).toBeGreaterThan(0);
    expect(run.records).toEqual({ synced: 8, failed: 0, skipped: 0, pending: 0 });
    expect(world.sim.board(DEMO_BOARD_ID).items).toHaveLength(8);
    expect(world.sim.stats().duplicateItemsByExternalKey).toBe(0);
  }, 60_000);

  it.each([
    ['html_200', 'SERVER_ERROR'],
    ['bad_gateway_html', 'SERVER_ERROR'],
  ] as const)('%s on every mutation: each record ends failed (%s) with a message, rows stay pending', async (kind, category) => {
    world = await ordersWorld(runtime, { customers: 1, groups: 1, orders: 4 }, { faults: { rate: 1, kinds: [kind], only: 'mutation', retryAfterSeconds: 0.05 } });
    const run = await world.run({ selection: { skipSubitems: true }, config: (c) => ((c.api as Record<string, unknown>).max_attempts = 2) });
    expect(run.records.synced + run.records.failed + run.records.skipped + run.records.pending).toBe(4);
    expect(run.records.failed).toBe(4);
    const states = await world.store.listRecordStates(run.syncId);
    expect(states).toHaveLength(4);
    for (const s of states) {
      expect(s.status).toBe('failed');
      expect(s.errorCategory).toBe(category);
      expect(s.errorMessage).toMatch(/text\/html/);
    }
    expect(world.rows().every((r) => r.MONDAY_ITEM_ID === null && r.SYNC_STATE !== 'SYNCED')).toBe(true);
  }, 60_000);

  it('keeps within a small complexity budget (a sliding window) with no rejection', async () => {
    world = await ordersWorld(runtime, BOOK, { limits: { complexityPerMinute: 200_000 }, timeScale: 60 });
    const run = await world.run({ selection: { skipSubitems: true }, config: (c) => ((c.destination as Record<string, unknown>).complexity_per_minute = 200_000) });
    expect(run.records.synced).toBe(40);
    const stats = world.sim.stats();
    expect(stats.complexitySpent).toBeGreaterThan(400_000);
    expect(stats.budgetRejections).toBe(0);
    expect(stats.maxComplexityInWindow).toBeLessThanOrEqual(200_000);
    expect(run.api.rateLimitWaits).toBeGreaterThan(0);
  }, 60_000);

  it('traces each call as a GraphQL client span with its operation and cost, and logs sync.api.graphql', async () => {
    world = await ordersWorld(runtime, { customers: 1, groups: 1, orders: 3 });
    const run = await world.run({ selection: { skipSubitems: true } });
    const spans = exporter.getFinishedSpans();
    const write = spans.find((s) => s.attributes['graphql.operation.name'] === 'writeItems');
    expect(write?.kind).toBe(2);
    expect(write?.attributes).toMatchObject({ 'graphql.operation.type': 'mutation', 'sync.api.operation': 'writeItems', 'http.request.method': 'POST', 'url.template': '/v2', 'sync.id': run.syncId });
    expect(write?.attributes['sync.api.cost']).toBeGreaterThanOrEqual(30_000);
    expect(spans.filter((s) => s.name === 'sync.customer').map((s) => s.attributes['sync.customer'])).toEqual(['PELOTON']);
    const events = lines.filter((l) => l.event === 'sync.api.graphql');
    expect(events.map((e) => e.graphql_operation_name)).toEqual(expect.arrayContaining(['boardMetadata', 'boardGroups', 'createGroup', 'findItemsByKey', 'writeItems']));
    expect(events.find((e) => e.graphql_operation_name === 'writeItems')).toMatchObject({ connector: 'monday', graphql_operation_type: 'mutation', status_code: 200, cost: expect.any(Number) });
    const calls = await world.store.listApiCalls(run.syncId);
    expect(calls.every((c) => c.requestId && /^[0-9a-f-]{36}$/.test(c.requestId))).toBe(true);
    expect(calls.every((c) => c.requestHeaders.authorization === '[REDACTED]')).toBe(true);
  });

  it('fails a bad token as INVALID_CREDENTIALS and writes nothing', async () => {
    world = await ordersWorld(runtime, BOOK);
    const run = await world.run({ token: 'not-the-token' });
    expect(run.status).toBe('failed');
    expect(run.errorCategory).toBe('INVALID_CREDENTIALS');
    expect(world.sim.stats().itemsCreated).toBe(0);
    expect(world.rows().every((r) => r.SYNC_STATE === 'PENDING' && r.MONDAY_ITEM_ID === null)).toBe(true);
  });
});
