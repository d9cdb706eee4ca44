import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMondaySimulator, type MondaySimulator } from '../../src/simulator/monday/index.js';
import { generateOrders, seedOrderTable } from '../../src/wiring/demo/order-data.js';
import { DEMO_BOARD_ID, DEMO_MONDAY_TOKEN, demoBoard } from '../../src/wiring/demo/orders-demo.js';
import { collect, runCli, startCli, tempDir } from '../helpers/cli.js';
import { ordersToml } from '../e2e/orders-helpers.js';

const url = process.env['SYNCSCOPE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Must show 1: an order table in PostgreSQL, a run store in PostgreSQL, three customers × two
 * seasons × 20 orders; two executing runs, then a third SIGKILLed mid-way and resumed.
 */
describe('orders pipeline on PostgreSQL, killed and resumed', () => {
  const id = randomBytes(4).toString('hex');
  const ordersSchema = `orders_${id}`;
  const storeSchema = `store_${id}`;
  const tmp = tempDir();
  const root = new Kysely<Record<string, Record<string, unknown>>>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) });
  const db = root.withSchema(ordersSchema);
  let sim: MondaySimulator;
  let config: string;
  const env = { MONDAY_API_TOKEN: DEMO_MONDAY_TOKEN, ORDERS_DATABASE_URL: url };
  const rows = () => db.selectFrom('FACT_ORDER_LIST').selectAll().orderBy('ORDER_ID').execute();
  const run = async (...args: string[]) => {
    const result = await runCli(['run', '--config', config, '--execute', '--json', ...args], { env });
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    return JSON.parse(result.stdout) as { sync_id: string; records: Record<string, number>; status: string };
  };

  beforeAll(async () => {
    await sql`CREATE SCHEMA ${sql.id(ordersSchema)}`.execute(root);
    await seedOrderTable(db, generateOrders({ customers: 3, groups: 6, orders: 120 }));
    // Slow enough that a run of 24 batches is still going when it is killed.
    sim = await startMondaySimulator({ boards: [demoBoard()], token: DEMO_MONDAY_TOKEN, latencyMs: 25, latencyPerMutationMs: 4 });
    config = ordersToml({
      dir: tmp.dir,
      name: 'orders-pg',
      apiUrl: sim.url,
      source: ['type = "postgres"', 'url_env = "ORDERS_DATABASE_URL"', `schema = "${ordersSchema}"`],
      store: ['type = "postgres"', `url = "${url}"`, `schema = "${storeSchema}"`],
    });
  });
  afterAll(async () => {
    await sim.close();
    await sql`DROP SCHEMA IF EXISTS ${sql.id(ordersSchema)} CASCADE`.execute(root);
    await sql`DROP SCHEMA IF EXISTS ${sql.id(storeSchema)} CASCADE`.execute(root);
    await root.destroy();
    tmp.cleanup();
  });

  it('creates each group and item once across two runs, a kill and a resume', async () => {
    const first = await run('--customer', 'PELOTON');
    expect(first.records.synced).toBe(40);
    const second = await run('--customer', 'NORTHWIND');
    expect(second.records.synced).toBe(40);
    expect(sim.stats()).toMatchObject({ groupsCreated: 4, itemsCreated: 80 });

    // The ERP changed every order; the first two customers' rows also lost their Monday IDs.
    await db.updateTable('FACT_ORDER_LIST').set({ SYNC_STATE: 'PENDING', QTY: sql`"QTY" + 1` }).execute();
    await db.updateTable('FACT_ORDER_LIST').set({ MONDAY_ITEM_ID: null, MONDAY_GROUP_ID: null }).where('CUSTOMER', '<>', 'CONTOSO').execute();

    const child = startCli(['run', '--config', config, '--execute', '--json', '--log-level', 'debug', '--log-format', 'json'], { env });
    const done = collect(child);
    let syncId = '';
    let committed = 0;
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.stderr?.on('data', (chunk) => {
        buffer += String(chunk);
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          const event = JSON.parse(line) as { event?: string; sync_id?: string };
          syncId ||= event.sync_id ?? '';
          if (event.event === 'sync.batch.completed' && ++committed === 6) {
            child.kill('SIGKILL');
            resolve();
          }
        }
      });
      child.once('exit', () => resolve());
      child.once('error', reject);
    });
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    expect(syncId).toMatch(/-SYNC-/);
    const before = await rows();
    expect(before.filter((r) => r.SYNC_STATE === 'SYNCED').length).toBeLessThan(120);

    const resumed = await run('--resume', syncId);
    expect(resumed.sync_id).toBe(syncId);
    expect(resumed.status).toBe('succeeded');

    const stats = sim.stats();
    const board = sim.board(DEMO_BOARD_ID);
    expect(board.groups.filter((g) => g.title !== 'Group Title')).toHaveLength(6);
    expect(stats.groupsCreated).toBe(6);
    expect(board.items).toHaveLength(120);
    expect(stats.duplicateItemsByExternalKey).toBe(0);
    expect(stats.concurrentBoardMutations).toBe(0);

    const after = await rows();
    const items = new Map(board.items.map((i) => [i.columns.text_order_key, i]));
    for (const row of after) {
      expect(row).toMatchObject({ SYNC_STATE: 'SYNCED', SYNC_ID: syncId, SYNC_ERROR_CATEGORY: null });
      const item = items.get(String(row.ORDER_ID));
      expect(row.MONDAY_ITEM_ID).toBe(item?.id);
      expect(row.MONDAY_GROUP_ID).toBe(item?.groupId);
      expect(item?.columns.numbers_qty).toBe(String(row.QTY));
    }
  }, 120_000);
});
