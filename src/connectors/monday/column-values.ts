import type { MondayColumnConfig } from '../../config/orders-pipeline-schema.js';
import type { OrderRecordData } from '../../ports/order-record.js';
import type { BoardColumn } from './board.js';

/** The `column_values` of one item, and what it needs of the board's labels. */
export interface MappedValues {
  values: Record<string, unknown>;
  /** Labels not on the board that a column allowed to create: Monday will add them. */
  newLabels: Array<{ columnId: string; label: string }>;
  /** A strict column (`create_labels_if_missing = false`) carries a label the board lacks: Monday will refuse the row. */
  strictMiss: boolean;
}

/**
 * Maps an order's fields to Monday's `column_values` formats (text `"x"`, numbers `"42.5"`, date
 * `{"date","time"}` in UTC, status `{"label"}`, dropdown `{"labels":[...]}`), after each column's
 * value map and label matching. The external key always goes into the key column.
 * https://developer.monday.com/api-reference/reference/column-types-reference
 */
export function mapColumnValues(
  order: OrderRecordData,
  keyColumnId: string,
  columns: Record<string, MondayColumnConfig>,
  board: ReadonlyMap<string, BoardColumn>,
  update: boolean,
): MappedValues {
  const mapped: MappedValues = { values: { [keyColumnId]: order.key }, newLabels: [], strictMiss: false };
  for (const [columnId, column] of Object.entries(columns)) {
    const raw = order.fields[column.source];
    if (raw === null || raw === undefined || raw === '') {
      // Creating: leave the cell empty. Updating: clear what an earlier sync wrote.
      if (update) mapped.values[columnId] = '';
      continue;
    }
    mapped.values[columnId] = valueOf(columnId, column, raw, board.get(columnId)?.labels ?? [], mapped);
  }
  return mapped;
}

function valueOf(columnId: string, column: MondayColumnConfig, raw: string | number | boolean, labels: readonly string[], out: MappedValues): unknown {
  switch (column.type) {
    case 'text':
    case 'long_text':
      return String(raw);
    case 'numbers':
      return String(raw);
    case 'date':
      return dateValue(String(raw));
    case 'status':
      return { label: label(columnId, column, String(raw), labels, out) };
    case 'dropdown':
      return { labels: String(raw).split(',').map((s) => s.trim()).filter(Boolean).map((l) => label(columnId, column, l, labels, out)) };
  }
}

/** The value map first, then the board's own spelling of a label that differs only by case. */
function label(columnId: string, column: MondayColumnConfig, value: string, labels: readonly string[], out: MappedValues): string {
  const mappedValue = column.value_map[value] ?? value;
  if (labels.includes(mappedValue)) return mappedValue;
  if (column.match_labels === 'case_insensitive') {
    const same = labels.find((l) => l.toLowerCase() === mappedValue.toLowerCase());
    if (same) return same;
  }
  if (column.create_labels_if_missing) {
    if (!out.newLabels.some((n) => n.columnId === columnId && n.label === mappedValue)) out.newLabels.push({ columnId, label: mappedValue });
  } else out.strictMiss = true;
  return mappedValue;
}

/** A date or timestamp as Monday's date value; times are given in UTC. */
function dateValue(text: string): unknown {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return { date: text };
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) return { date: text };
  const iso = parsed.toISOString();
  const time = iso.slice(11, 19);
  return time === '00:00:00' ? { date: iso.slice(0, 10) } : { date: iso.slice(0, 10), time };
}
