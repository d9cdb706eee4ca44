import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMondaySimulator, type MondaySimulator } from '../../src/simulator/monday/index.js';
import { generateOrders, seedOrderTable } from '../../src/wiring/demo/order-data.js';
import { DEMO_BOARD_ID, DEMO_MONDAY_TOKEN, demoBoard } from '../../src/wiring/demo/orders-demo.js';
import { collect, startCli, tempDir } from '../helpers/cli.js';
import { killWorkers, startWorker, until } from '../helpers/workers.js';
import { ordersToml } from '../e2e/orders-helpers.js';

const PG_URL = process.env.SYNCSCOPE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.SYNCSCOPE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Must show 4: the orders pipeline (PostgreSQL order table → Monday board) in distributed mode.
 * Six customers are six partition jobs on three worker processes; their groups are titled by
 * season alone, so every worker needs the same two groups of the one board at the same moment.
 */
describe('a distributed orders run: PostgreSQL order table → Monday board on three workers', () => {
  const id = randomBytes(4).toString('hex');
  const ordersSchema = `orders_${id}`;
  const storeSchema = `store_${id}`;
  const prefix = `test-${id}`;
  const tmp = tempDir();
  const root = new Kysely<Record<string, Record<string, unknown>>>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: PG_URL, max: 2 }) }) });
  const db = root.withSchema(ordersSchema);
  let sim: MondaySimulator;
  let config: string;
  const env: Record<string, string> = {
    MONDAY_API_TOKEN: DEMO_MONDAY_TOKEN,
    ORDERS_DATABASE_URL: PG_URL,
    SYNCSCOPE_REDIS_URL: REDIS_URL,
    SYNCSCOPE_QUEUE_PREFIX: prefix,
    SYNCSCOPE_QUEUE_LOCK_MS: '2000',
    SYNCSCOPE_QUEUE_STALLED_MS: '1000',
    SYNCSCOPE_QUEUE_BACKOFF_MS: '200',
  };

  beforeAll(async () => {
    await sql`CREATE SCHEMA ${sql.id(ordersSchema)}`.execute(root);
    // 6 customers × 2 seasons × 10 orders.
    await seedOrderTable(db, generateOrders({ customers: 6, groups: 12, orders: 120 }));
    // Every write-back of a synced row, as the database saw it (a replayed batch would show twice).
    await sql`CREATE TABLE ${sql.id(ordersSchema, 'write_backs')} (order_id integer NOT NULL, sync_id text)`.execute(root);
    await sql.raw(`
      CREATE FUNCTION "${ordersSchema}".note_write_back() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO "${ordersSchema}".write_backs VALUES (NEW."ORDER_ID", NEW."SYNC_ID"); RETURN NEW; END $$;
      CREATE TRIGGER note_write_back AFTER UPDATE ON "${ordersSchema}"."FACT_ORDER_LIST"
        FOR EACH ROW WHEN (NEW."SYNC_STATE" = 'SYNCED') EXECUTE FUNCTION "${ordersSchema}".note_write_back();
    `).execute(root);
    // Latency on every request and per mutation, so writes from different workers would overlap.
    sim = await startMondaySimulator({ boards: [demoBoard()], token: DEMO_MONDAY_TOKEN, latencyMs: 20, latencyPerMutationMs: 3 });
    const path = ordersToml({
      dir: tmp.dir,
      name: 'orders-distributed',
      apiUrl: sim.url,
      source: ['type = "postgres"', 'url_env = "ORDERS_DATABASE_URL"', `schema = "${ordersSchema}"`],
      store: ['type = "postgres"', `url = "${PG_URL}"`, `schema = "${storeSchema}"`],
    });
    // Groups by season only: each group is wanted by all six customers' partitions.
    writeFileSync(path, readFileSync(path, 'utf8').replace('token_env = "MONDAY_API_TOKEN"', 'token_env = "MONDAY_API_TOKEN"\ngroup_name = "Season {season}"'));
    config = path;
  });
  afterAll(async () => {
    await sim.close();
    await sql`DROP SCHEMA IF EXISTS ${sql.id(ordersSchema)} CASCADE`.execute(root);
    await sql`DROP SCHEMA IF EXISTS ${sql.id(storeSchema)} CASCADE`.execute(root);
    await root.destroy();
    tmp.cleanup();
  });

  it('creates each group and item once, writes every row back once and never mutates the board from two workers at once', async () => {
    const workers = [startWorker(env), startWorker(env), startWorker(env)];
    try {
      await until('three workers ready', () => workers.every((w) => w.lines().some((l) => l.event === 'sync.worker.started')));
      const result = await collect(startCli(['run', '--config', config, '--execute', '--distributed', '--json', '--log-format', 'json'], { env }));
      expect(result.code, result.stderr.slice(-3000)).toBe(0);
      const summary = JSON.parse(result.stdout) as { sync_id: string; status: string; records: Record<string, number>; partitions: Record<string, number> };
      expect(summary.status).toBe('succeeded');
      expect(summary.records.synced).toBe(120);
      expect(summary.partitions.total).toBe(6);

      // Monday: two groups, each created by one createGroup request (no replayed duplicate), 120 items once.
      const stats = sim.stats();
      const board = sim.board(DEMO_BOARD_ID);
      expect(board.groups.map((g) => g.title).sort()).toEqual(['Group Title', 'Season FW25', 'Season SS25']);
      expect(stats.groupsCreated).toBe(2);
      expect(stats.byOperation.createGroup).toBe(2);
      expect(stats.idempotentReplays).toBe(0);
      expect(board.items).toHaveLength(120);
      expect(stats.itemsCreated).toBe(120);
      expect(stats.itemsUpdated).toBe(0);
      expect(stats.duplicateItemsByExternalKey).toBe(0);
      // One mutation request at a time on the board, across every worker.
      expect(stats.concurrentBoardMutations).toBe(0);
      expect(stats.maxConcurrentBoardMutations).toEqual({ [DEMO_BOARD_ID]: 1 });

      // The order table: every row claimed by this sync, synced, pointing to its item and group, written back once.
      const rows = await db.selectFrom('FACT_ORDER_LIST').selectAll().orderBy('ORDER_ID').execute();
      const items = new Map(board.items.map((i) => [i.columns.text_order_key, i]));
      expect(rows).toHaveLength(120);
      for (const row of rows) {
        expect(row).toMatchObject({ SYNC_STATE: 'SYNCED', SYNC_ID: summary.sync_id, SYNC_ERROR_CATEGORY: null });
        const item = items.get(String(row.ORDER_ID));
        expect(row.MONDAY_ITEM_ID).toBe(item?.id);
        expect(row.MONDAY_GROUP_ID).toBe(item?.groupId);
        expect(board.groups.find((g) => g.id === item?.groupId)?.title).toBe(`Season ${String(row.SEASON)}`);
      }
      const writeBacks = await db.selectFrom('write_backs').select(['order_id', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('order_id').execute();
      expect(writeBacks).toHaveLength(120);
      expect(writeBacks.every((w) => Number(w.n) === 1)).toBe(true);

      // The run store agrees: six partitions succeeded, 120 records synced once each.
      const states = await sql<{ status: string; n: number; keys: number }>`SELECT status, COUNT(*)::int AS n, COUNT(DISTINCT record_key)::int AS keys FROM ${sql.id(storeSchema, 'record_states')} WHERE sync_id = ${summary.sync_id} GROUP BY status`.execute(root);
      expect(states.rows).toEqual([{ status: 'synced', n: 120, keys: 120 }]);
      const parts = await sql<{ status: string; n: number }>`SELECT status, COUNT(*)::int AS n FROM ${sql.id(storeSchema, 'partitions')} WHERE sync_id = ${summary.sync_id} GROUP BY status`.execute(root);
      expect(parts.rows).toEqual([{ status: 'succeeded', n: 6 }]);

      // Reports: one folder, one summary and a report per customer, written by one worker once.
      const reportsDir = join(tmp.dir, 'reports', 'sync');
      expect(readdirSync(reportsDir).filter((d) => d.includes(summary.sync_id))).toHaveLength(1);
      const customerReports = readdirSync(join(reportsDir, readdirSync(reportsDir).find((d) => d.includes(summary.sync_id))!, 'customer_reports'));
      expect(customerReports.filter((f) => f.endsWith('.md'))).toHaveLength(6);
      const lines = workers.flatMap((w) => w.lines());
      expect(lines.filter((l) => l.event === 'sync.pipeline.completed' && l.sync_id === summary.sync_id)).toHaveLength(1);
      // The customers were spread over the workers: the lock was shared, not idle.
      const byWorker = new Set(lines.filter((l) => l.event === 'sync.customer.completed').map((l) => l.worker_id));
      expect(byWorker.size).toBeGreaterThanOrEqual(2);
      expect(lines.filter((l) => l.event === 'sync.worker.lock_lost')).toEqual([]);

      for (const w of workers) w.child.kill('SIGTERM');
      expect((await Promise.all(workers.map((w) => w.done))).map((e) => e.code)).toEqual([0, 0, 0]);
    } finally {
      killWorkers(workers);
    }
  }, 120_000);
});
