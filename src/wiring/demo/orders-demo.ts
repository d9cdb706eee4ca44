import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BoardSpec } from '../../simulator/monday/index.js';
import { generateOrders, seedOrderTable, type OrderBookSpec } from './order-data.js';

export const DEMO_BOARD_ID = '4400000001';
/** A fake token: the simulator requires it, and it must never show up in any output. */
export const DEMO_MONDAY_TOKEN = 'mondaydemo_eyJhbGciOiJIUzI1NiJ9.SyncscopeDemoToken0000';

/** The demo's Monday board: what `examples/orders.toml` maps its order table to. */
export function demoBoard(): BoardSpec {
  return {
    id: DEMO_BOARD_ID,
    name: 'Orders',
    externalKeyColumnId: 'text_order_key',
    columns: [
      { id: 'text_order_key', title: 'Order key', type: 'text' },
      { id: 'text_style', title: 'Style', type: 'text' },
      { id: 'status', title: 'Status', type: 'status', labels: ['OPEN', 'SHIPPED', 'CANCELLED'] },
      { id: 'dropdown_sizes', title: 'Sizes', type: 'dropdown', labels: ['S', 'M', 'L'] },
      { id: 'numbers_qty', title: 'Quantity', type: 'numbers' },
      { id: 'date_ship', title: 'Ship date', type: 'date' },
    ],
    subitemColumns: [{ id: 'numbers_qty', title: 'Quantity', type: 'numbers' }],
    groups: [{ id: 'topics', title: 'Group Title' }],
  };
}

export interface OrdersDemoConfig {
  name: string;
  apiUrl: string;
  ordersPath: string;
  reportsDir: string;
  /** The simulator's time scale: Monday's 60 s window lasts 60/scale s. */
  timeScale: number;
  batchSize?: number;
  concurrency?: number;
  mutationsPerRequest?: number;
}

/** The demo pipeline's config (as a user would write it in TOML), pointed at a simulator. */
export function ordersDemoConfig(o: OrdersDemoConfig): Record<string, unknown> {
  return {
    pipeline: { name: o.name, kind: 'orders' },
    source: { type: 'sqlite', path: o.ordersPath, table: 'FACT_ORDER_LIST', page_size: 500 },
    destination: {
      type: 'monday',
      api_url: o.apiUrl,
      board_id: DEMO_BOARD_ID,
      group_name: '{customer} {season}',
      item_name: '{ORDER_NUMBER} {STYLE}',
      key_column_id: 'text_order_key',
      mutations_per_request: o.mutationsPerRequest ?? 25,
      complexity_window_seconds: 60 / o.timeScale,
      columns: {
        text_style: { source: 'STYLE', type: 'text' },
        status: { source: 'ORDER_STATUS', type: 'status', create_labels_if_missing: false, match_labels: 'case_insensitive', value_map: { CONFIRMED: 'OPEN' } },
        dropdown_sizes: { source: 'SIZES', type: 'dropdown', create_labels_if_missing: true },
        numbers_qty: { source: 'QTY', type: 'numbers' },
        date_ship: { source: 'SHIP_DATE', type: 'date' },
      },
      subitems: { source: 'SIZE_BREAKDOWN', name_field: 'size', columns: { numbers_qty: { field: 'qty', type: 'numbers' } } },
    },
    options: { batch_size: o.batchSize ?? 50, partition_concurrency: o.concurrency ?? 4 },
    api: { max_concurrent_per_token: 8, request_timeout_ms: 15_000, max_attempts: 6, reset_margin_ms: Math.max(20, Math.round(250 / o.timeScale)) },
    reports: { dir: o.reportsDir },
  };
}

/** A fresh demo order table (the file is replaced): `book`'s orders, all pending. */
export async function seedDemoOrders(path: string, book: OrderBookSpec): Promise<number> {
  mkdirSync(dirname(path), { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  const db = new Kysely<Record<string, Record<string, unknown>>>({ dialect: new SqliteDialect({ database: new Database(path) }) });
  try {
    const orders = generateOrders(book);
    await seedOrderTable(db, orders);
    return orders.length;
  } finally {
    await db.destroy();
  }
}
