import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_BOARD_ID } from '../../src/wiring/demo/orders-demo.js';

/** An orders pipeline config as a user writes it, pointing at a simulator and a local order table. */
export function ordersToml(o: {
  dir: string;
  name: string;
  apiUrl: string;
  source?: string[];
  store?: string[];
  extra?: string[];
}): string {
  const path = join(o.dir, `${o.name}.toml`);
  writeFileSync(path, [
    '[pipeline]', `name = "${o.name}"`, 'kind = "orders"',
    '[source]', ...(o.source ?? ['type = "sqlite"', `path = "${join(o.dir, 'orders.db')}"`]), 'page_size = 10',
    '[destination]', 'type = "monday"', `api_url = "${o.apiUrl}"`, `board_id = "${DEMO_BOARD_ID}"`, 'key_column_id = "text_order_key"',
    'item_name = "{ORDER_NUMBER} {STYLE}"', 'token_env = "MONDAY_API_TOKEN"',
    '[destination.columns.status]', 'source = "ORDER_STATUS"', 'type = "status"', 'create_labels_if_missing = false',
    'match_labels = "case_insensitive"', 'value_map = { CONFIRMED = "OPEN" }',
    '[destination.columns.dropdown_sizes]', 'source = "SIZES"', 'type = "dropdown"', 'create_labels_if_missing = true',
    '[destination.columns.numbers_qty]', 'source = "QTY"', 'type = "numbers"',
    '[options]', 'batch_size = 5', 'partition_concurrency = 3',
    '[api]', 'request_timeout_ms = 5000', 'max_attempts = 6', 'reset_margin_ms = 20',
    '[store]', ...(o.store ?? ['type = "sqlite"', `path = "${join(o.dir, 'store.db')}"`]),
    '[reports]', `dir = "${join(o.dir, 'reports')}"`,
    ...(o.extra ?? []),
  ].join('\n'));
  return path;
}

export function tableRows(path: string): Array<Record<string, unknown>> {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT * FROM FACT_ORDER_LIST ORDER BY ORDER_ID').all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

export function updateRows(path: string, sql: string): void {
  const db = new Database(path);
  try {
    db.prepare(sql).run();
  } finally {
    db.close();
  }
}
