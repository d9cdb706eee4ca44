/** The entity of order records. */
export const ORDER_ENTITY = 'order';

/**
 * The payload (`SourceRecord.data`) of an order record: the contract between an order source (a
 * SQL table) and an order destination (Monday.com), which never import each other. The record's
 * `key` is the order's external key.
 */
export interface OrderRecordData {
  /** The external key, as text (also the record key). */
  key: string;
  customer: string;
  season: string | null;
  /** The destination's item and group IDs from an earlier sync (the source's write-back), if any. */
  itemId: string | null;
  groupId: string | null;
  /** Every column of the row by name, values as plain cells (dates as ISO 8601 text). */
  fields: Record<string, string | number | boolean | null>;
}
