import { z } from 'zod';
import { buildOnce } from './build-once.js';
import { apiUrl, pipelineSchema } from './sections.js';

/* The orders pipeline: pending rows of an order table (SQLite or PostgreSQL) → Monday.com groups and items. */

/** The orders pipeline's schema, built on first use (config/build-once.ts): a GitHub run never needs it. */
export const ordersPipelineSchema = buildOnce(buildOrdersPipelineSchema);

function buildOrdersPipelineSchema() {
  const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, 'an SQL identifier: letters, digits, _ and $, not starting with a digit');

  const columns = z
    .object({
      key: identifier.default('ORDER_ID').describe('The order\'s external key: unique, kept in a Monday text column to find the item again.'),
      customer: identifier.default('CUSTOMER').describe('The customer: one partition (and report) per customer.'),
      season: identifier.default('SEASON').describe('The season: one Monday group per customer and season.'),
    })
    .strict()
    .prefault({});

  const writeBack = z
    .object({
      state: identifier.default('SYNC_STATE').describe('Sync state column: read to find pending rows, written with the outcome.'),
      item_id: identifier.default('MONDAY_ITEM_ID').describe('Written: the Monday item ID (read back: an item with an ID is updated, not created).'),
      group_id: identifier.default('MONDAY_GROUP_ID').describe('Written: the Monday group ID, for every pending row of the customer and season at once.'),
      sync_id: identifier.default('SYNC_ID').describe('Written: the sync ID that last took the row.'),
      error_category: identifier.default('SYNC_ERROR_CATEGORY').describe('Written: the error category of a failed row (cleared on success).'),
      error_message: identifier.default('SYNC_ERROR_MESSAGE').describe('Written: Monday\'s message for a failed row, with its request ID.'),
      synced_at: identifier.default('SYNCED_AT').describe('Written: when the row was last synced (ISO 8601 UTC).'),
      synced_state: z.string().min(1).default('SYNCED').describe('State written for a synced row.'),
      failed_state: z.string().min(1).default('FAILED').describe('State written for a failed row.'),
    })
    .strict()
    .prefault({});

  const common = {
    table: identifier.default('FACT_ORDER_LIST').describe('The order table (exact case; PostgreSQL folds unquoted names to lower case).'),
    columns,
    write_back: writeBack,
    pending_states: z.array(z.string()).min(1).default(['PENDING', 'FAILED']).describe('Rows in these states are read; FAILED rows are retried on the next run.'),
    customers: z.array(z.string().min(1)).default([]).describe('Only these customers (case-insensitive); `--customer` adds to it. Empty = all.'),
    limit: z.number().int().positive().optional().describe('At most this many rows in all, by customer then key; `--limit` overrides it.'),
    page_size: z.number().int().min(1).max(10_000).default(500).describe('Rows read per query; a page\'s last batch moves the checkpoint.'),
  };

  /**
   * One source section for both databases, so an environment can switch `type` and keep the rest
   * (`path` is read for SQLite, `url_env` and `schema` for PostgreSQL).
   */
  const orderTableSource = z
    .object({
      type: z.enum(['sqlite', 'postgres']).describe('Where the order table lives: sqlite (a file) or postgres.'),
      path: z.string().min(1).default('./data/orders.db').describe('type sqlite: the SQLite file holding the order table.'),
      url_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name').default('ORDERS_DATABASE_URL').describe('type postgres: environment variable holding the connection string (it may hold a password, so never the file).'),
      schema: identifier.default('public').describe('type postgres: schema of the order table.'),
      ...common,
    })
    .strict();

  const columnType = z.enum(['text', 'long_text', 'numbers', 'date', 'status', 'dropdown']);

  const mondayColumn = z
    .object({
      source: identifier.describe('Source column whose value goes into this Monday column.'),
      type: columnType.describe('Monday column type; decides the column_values format.'),
      create_labels_if_missing: z.boolean().default(false).describe('status/dropdown: let Monday create a label it does not have (else the row fails with Monday\'s message).'),
      match_labels: z.enum(['exact', 'case_insensitive']).default('case_insensitive').describe('status/dropdown: send the board\'s own spelling of a label that differs only by case (`Cancelled` → `CANCELLED`).'),
      value_map: z.record(z.string(), z.string()).default({}).describe('Source value → Monday label, applied before matching.'),
    })
    .strict();

  const subitems = z
    .object({
      source: identifier.describe('Source column holding a JSON array of subitems, e.g. [{"size":"M","qty":4}].'),
      name_field: z.string().min(1).default('name').describe('Field of each element that names the subitem.'),
      columns: z.record(z.string().min(1), z.object({ field: z.string().min(1), type: columnType }).strict()).default({}).describe('Subitem column ID → element field and column type.'),
    })
    .strict();

  const mondayDestination = z
    .object({
      type: z.literal('monday'),
      api_url: apiUrl('https://api.monday.com/v2', 'Monday.com GraphQL endpoint; the simulator\'s URL in development.'),
      api_version: z.string().regex(/^(\d{4}-\d{2}|current|stable)$/).default('2026-10').describe('Sent as the API-Version header (Monday makes it mandatory).'),
      token_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name').default('MONDAY_API_TOKEN').describe('Environment variable holding the API token. Tokens never go in config files.'),
      board_id: z.string().regex(/^\d+$/, 'a numeric board ID').describe('The board the groups and items go to.'),
      group_name: z.string().min(1).default('{customer} {season}').describe('Group title template: {customer}, {season} or any source column.'),
      item_name: z.string().min(1).default('{key}').describe('Item name template (1–255 characters once filled): {key}, {customer}, {season} or any source column.'),
      key_column_id: z.string().min(1).describe('Monday text column holding the order\'s external key (the lookup on resume or retry).'),
      columns: z.record(z.string().min(1), mondayColumn).default({}).describe('Monday column ID → where its value comes from.'),
      subitems: subitems.optional().describe('Optional subitems per item (skipped with --skip-subitems).'),
      mutations_per_request: z.number().int().min(1).max(500).default(25).describe('Mutations sent as aliases in one request (each create_item costs ~10,000 points; a query may cost 5M).'),
      complexity_per_minute: z.number().int().min(10_000).default(10_000_000).describe('The token\'s complexity budget per minute (10M personal, 1M trial/free; app tokens 5M writes).'),
      complexity_window_seconds: z.number().positive().default(60).describe('Length of Monday\'s sliding complexity window (60; smaller only against a time-scaled simulator).'),
    })
    .strict();

  return pipelineSchema({
    kind: z.literal('orders').describe('Pipeline kind: orders (order rows → Monday.com).'),
    source: orderTableSource,
    destination: mondayDestination,
    options: { batch_size: 50, partition_concurrency: 4 },
  });
}

export type OrdersPipelineConfig = z.infer<ReturnType<typeof buildOrdersPipelineSchema>>;
export type OrdersPipelineConfigInput = z.input<ReturnType<typeof buildOrdersPipelineSchema>>;
export type OrdersSourceConfig = OrdersPipelineConfig['source'];
export type MondayDestinationConfig = OrdersPipelineConfig['destination'];
export type MondayColumnConfig = MondayDestinationConfig['columns'][string];
