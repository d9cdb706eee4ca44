import type { Kysely } from 'kysely';
import { ConfigError } from '../../errors/sync-error.js';

/** A cell as the source hands it on: drivers' dates, big integers and buffers are turned into these. */
export type CellValue = string | number | boolean | null;
export type OrderRow = Record<string, CellValue>;
/** The order database as Kysely sees it: table names and column names come from the config. */
export type OrderDatabase = Record<string, Record<string, CellValue>>;
export type OrderDb = Kysely<OrderDatabase>;

/** Where the order table is and which columns mean what; names are as the user configured them. */
export interface OrderTableSettings {
  table: string;
  columns: { key: string; customer: string; season: string };
  writeBack: {
    state: string;
    itemId: string;
    groupId: string;
    syncId: string;
    errorCategory: string;
    errorMessage: string;
    syncedAt: string;
    syncedState: string;
    failedState: string;
  };
  pendingStates: string[];
}

/** A column the pipeline needs, with the config key that named it (for the error message). */
export interface RequiredColumn {
  column: string;
  configKey: string;
}

/** Every column the settings name, with its config key. */
export function settingsColumns(s: OrderTableSettings): RequiredColumn[] {
  const wb = s.writeBack;
  return [
    { column: s.columns.key, configKey: 'source.columns.key' },
    { column: s.columns.customer, configKey: 'source.columns.customer' },
    { column: s.columns.season, configKey: 'source.columns.season' },
    { column: wb.state, configKey: 'source.write_back.state' },
    { column: wb.itemId, configKey: 'source.write_back.item_id' },
    { column: wb.groupId, configKey: 'source.write_back.group_id' },
    { column: wb.syncId, configKey: 'source.write_back.sync_id' },
    { column: wb.errorCategory, configKey: 'source.write_back.error_category' },
    { column: wb.errorMessage, configKey: 'source.write_back.error_message' },
    { column: wb.syncedAt, configKey: 'source.write_back.synced_at' },
  ];
}

/**
 * Checks the table and every column the pipeline reads or writes before any row is touched, so a
 * typo in the config is one clear error naming its key, not a failed batch per customer.
 */
export async function checkTable(
  db: OrderDb,
  table: string,
  schema: string | undefined,
  required: RequiredColumn[],
  caseInsensitive: boolean,
): Promise<(name: string) => string> {
  const tables = await db.introspection.getTables();
  const norm = (name: string) => (caseInsensitive ? name.toLowerCase() : name);
  const found = tables.find((t) => norm(t.name) === norm(table) && (schema === undefined || t.schema === schema));
  if (!found) {
    const where = schema ? ` in schema ${schema}` : '';
    throw new ConfigError(`source.table: the order table ${table} does not exist${where}`);
  }
  const columns = new Map(found.columns.map((c) => [norm(c.name), c.name]));
  const missing = required.filter((r) => !columns.has(norm(r.column)));
  if (missing.length > 0) {
    throw new ConfigError(`the order table ${table} lacks ${missing.map((m) => `${m.column} (${m.configKey})`).join(', ')}`);
  }
  // The names as the table spells them, so rows read back are keyed as the config says.
  return (name) => (norm(name) === norm(table) ? found.name : (columns.get(norm(name)) ?? name));
}

/** A driver value as a plain cell: dates as ISO 8601, big integers as decimal text, bytes dropped. */
export function cellOf(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return null;
}
