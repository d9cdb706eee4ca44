import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/sync-error.js';
import type { OrderTableSource, OrderSourceOptions } from '../../src/connectors/sql-orders/order-source.js';
import type { OrderTableSettings } from '../../src/connectors/sql-orders/order-table.js';
import type { OrderRecordData } from '../../src/ports/order-record.js';
import type { SourceRecord, Partition } from '../../src/ports/records.js';
import { generateOrders, seedOrderTable } from '../../src/wiring/demo/order-data.js';

export type Db = Kysely<Record<string, Record<string, unknown>>>;
export type SourceOptions = Omit<OrderSourceOptions, 'db' | 'connector' | 'caseInsensitiveNames' | 'schema'>;

/** A fresh order table per test: a Kysely handle to look at it, and a way to open the source on it. */
export interface OrderTableFixture {
  db: Db;
  open(options: SourceOptions): OrderTableSource;
  cleanup(): Promise<void>;
}

export const SETTINGS: OrderTableSettings = {
  table: 'FACT_ORDER_LIST',
  columns: { key: 'ORDER_ID', customer: 'CUSTOMER', season: 'SEASON' },
  writeBack: {
    state: 'SYNC_STATE', itemId: 'MONDAY_ITEM_ID', groupId: 'MONDAY_GROUP_ID', syncId: 'SYNC_ID', errorCategory: 'SYNC_ERROR_CATEGORY',
    errorMessage: 'SYNC_ERROR_MESSAGE', syncedAt: 'SYNCED_AT', syncedState: 'SYNCED', failedState: 'FAILED',
  },
  pendingStates: ['PENDING', 'FAILED'],
};

const SYNC = '202611231405-SYNC-7AC96AF9';
const options = (overrides: Partial<SourceOptions> = {}): SourceOptions => ({
  settings: SETTINGS, customers: [], pageSize: 4, execute: false, resume: false, syncId: SYNC, requiredColumns: [], ...overrides,
});

async function readAll(source: OrderTableSource, partition: Partition, cursor?: string): Promise<{ pages: SourceRecord[][]; cursors: Array<string | undefined> }> {
  const pages: SourceRecord[][] = [];
  const cursors: Array<string | undefined> = [];
  for await (const page of source.readPartition(partition, cursor)) {
    pages.push(page.records);
    cursors.push(page.nextCursor);
  }
  return { pages, cursors };
}
const keysOf = (pages: SourceRecord[][]) => pages.flat().map((r) => r.key);
const table = (db: Db) => db.selectFrom('FACT_ORDER_LIST').selectAll().orderBy('ORDER_ID').execute();

/** The order-table source contract, run against SQLite (unit) and PostgreSQL (services). */
export function describeOrderSource(name: string, factory: () => Promise<OrderTableFixture>): void {
  describe(`order table source: ${name}`, () => {
    let f: OrderTableFixture;
    // 3 customers × 2 seasons × 5 orders; CONTOSO's rows 100021.. are SYNCED already, one row has no customer.
    beforeEach(async () => {
      f = await factory();
      await seedOrderTable(f.db, generateOrders({ customers: 3, groups: 6, orders: 30 }));
      await f.db.updateTable('FACT_ORDER_LIST').set({ SYNC_STATE: 'SYNCED' }).where('ORDER_ID', '>=', 100_026).execute();
      await f.db.updateTable('FACT_ORDER_LIST').set({ CUSTOMER: null }).where('ORDER_ID', '=', 100_025).execute();
    });
    afterEach(async () => {
      await f.cleanup();
    });

    it('lists customers with pending rows, in order, filtered case-insensitively and limited by customer then key', async () => {
      const all = f.open(options());
      expect(await all.listPartitions()).toEqual([
        { key: 'CONTOSO', kind: 'customer', metadata: { rows: 4 } },
        { key: 'NORTHWIND', kind: 'customer', metadata: { rows: 10 } },
        { key: 'PELOTON', kind: 'customer', metadata: { rows: 10 } },
      ]);
      await all.close();
      const some = f.open(options({ customers: ['peloton', 'Contoso'], limit: 7 }));
      const partitions = await some.listPartitions();
      expect(partitions.map((p) => [p.key, p.metadata?.rows])).toEqual([['CONTOSO', 4], ['PELOTON', 3]]);
      const peloton = await readAll(some, partitions[1]!);
      expect(keysOf(peloton.pages)).toEqual(['100001', '100002', '100003']);
      await some.close();
    });

    it('reads a customer page by page as order records; a dry run writes nothing', async () => {
      const before = await table(f.db);
      const source = f.open(options());
      const [, northwind] = await source.listPartitions();
      const { pages, cursors } = await readAll(source, northwind!);
      expect(pages.map((p) => p.length)).toEqual([4, 4, 2]);
      expect(cursors).toEqual(['100014', '100018', undefined]);
      const first = pages[0]![0]!;
      expect(first.entity).toBe('order');
      expect(first.data).toMatchObject({ key: '100011', customer: 'NORTHWIND', season: 'SS25', itemId: null, groupId: null } satisfies Partial<OrderRecordData>);
      expect((first.data as unknown as OrderRecordData).fields).toMatchObject({ ORDER_ID: 100011, ORDER_NUMBER: 'PO-SS25-00011', SYNC_STATE: 'PENDING', QTY: expect.any(Number) });
      const resumed = await readAll(source, northwind!, '100018');
      expect(keysOf(resumed.pages)).toEqual(['100019', '100020']);
      await source.close();
      expect(await table(f.db)).toEqual(before);
    });

    it('claims its rows with the sync ID when executing, and a resume reads exactly those again', async () => {
      const source = f.open(options({ execute: true, limit: 12, customers: ['NORTHWIND', 'PELOTON'] }));
      expect((await source.listPartitions()).map((p) => [p.key, p.metadata?.rows])).toEqual([['NORTHWIND', 10], ['PELOTON', 2]]);
      await source.close();
      const claimed = (await table(f.db)).filter((r) => r.SYNC_ID === SYNC).map((r) => r.ORDER_ID);
      expect(claimed).toEqual([100001, 100002, ...Array.from({ length: 10 }, (_, i) => 100_011 + i)]);
      // Meanwhile two of them were synced and a new order came in: a resume still reads the same twelve.
      await f.db.updateTable('FACT_ORDER_LIST').set({ SYNC_STATE: 'SYNCED' }).where('ORDER_ID', 'in', [100001, 100011]).execute();
      await f.db.updateTable('FACT_ORDER_LIST').set({ SYNC_STATE: 'PENDING' }).where('ORDER_ID', '=', 100_026).execute();
      const resumed = f.open(options({ execute: true, resume: true, limit: 12 }));
      const partitions = await resumed.listPartitions();
      expect(partitions.map((p) => [p.key, p.metadata?.rows])).toEqual([['NORTHWIND', 10], ['PELOTON', 2]]);
      expect(keysOf((await readAll(resumed, partitions[1]!)).pages)).toEqual(['100001', '100002']);
      await resumed.close();
    });

    it('writes back each row, and a group\'s ID to every pending row of its customer and season', async () => {
      const source = f.open(options({ execute: true, limit: 2 }));
      const [contoso] = await source.listPartitions();
      await source.acknowledge({
        syncId: SYNC,
        partition: contoso!,
        at: '2026-11-23T14:05:09.000Z',
        records: [
          { key: '100021', status: 'synced', externalId: '1800000001', containerId: 'new_group7', errorCategory: null, errorMessage: null },
          { key: '100022', status: 'failed', externalId: null, containerId: 'new_group7', errorCategory: 'VALIDATION_ERROR', errorMessage: 'ColumnValueException: invalid value (request 9c1e)' },
        ],
        containers: [{ kind: 'group', name: 'CONTOSO SS25', externalId: 'new_group7', action: 'created', scope: { customer: 'CONTOSO', season: 'SS25' } }],
      });
      await source.close();
      const rows = new Map((await table(f.db)).map((r) => [r.ORDER_ID, r]));
      expect(rows.get(100021)).toMatchObject({ SYNC_STATE: 'SYNCED', MONDAY_ITEM_ID: '1800000001', MONDAY_GROUP_ID: 'new_group7', SYNC_ID: SYNC, SYNC_ERROR_CATEGORY: null, SYNCED_AT: '2026-11-23T14:05:09.000Z' });
      expect(rows.get(100022)).toMatchObject({ SYNC_STATE: 'FAILED', MONDAY_ITEM_ID: null, SYNC_ERROR_CATEGORY: 'VALIDATION_ERROR', SYNC_ERROR_MESSAGE: 'ColumnValueException: invalid value (request 9c1e)', SYNCED_AT: null });
      // Not selected by --limit 2, still pending in CONTOSO SS25: it learns the group too.
      expect(rows.get(100023)).toMatchObject({ SYNC_STATE: 'PENDING', MONDAY_GROUP_ID: 'new_group7', SYNC_ID: null });
      // CONTOSO SS25's synced rows and other groups keep what they had.
      expect(rows.get(100026)?.MONDAY_GROUP_ID).toBeNull();
      expect(rows.get(100001)?.MONDAY_GROUP_ID).toBeNull();
    });

    it('names the config key of a column the table lacks, and a missing table', async () => {
      const typo = f.open(options({ settings: { ...SETTINGS, writeBack: { ...SETTINGS.writeBack, itemId: 'MONDAY_ITEM' } }, requiredColumns: [{ column: 'STYLE_CODE', configKey: 'destination.item_name' }] }));
      const error = await typo.listPartitions().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe('the order table FACT_ORDER_LIST lacks MONDAY_ITEM (source.write_back.item_id), STYLE_CODE (destination.item_name)');
      await typo.close();
      const missing = f.open(options({ settings: { ...SETTINGS, table: 'ORDERS' } }));
      await expect(missing.listPartitions()).rejects.toThrow(/source\.table: the order table ORDERS does not exist/);
      await missing.close();
    });
  });
}
