import { mondayError } from './errors.js';
import type { ColumnType } from './types.js';

/** A column as the simulated board holds it; labels are mutable (create_labels_if_missing). */
export interface SimColumn {
  id: string;
  title: string;
  type: ColumnType;
  labels: string[];
}

export interface CellValue {
  text: string;
  /** What Monday returns as `value` (a JSON string), or null for an empty cell. */
  value: string | null;
}

/** The validated effect of one `column_values` argument, applied only when every column is valid. */
export interface ColumnChanges {
  cells: Map<string, CellValue>;
  /** Labels to add to columns before the cells are written: column ID → labels. */
  newLabels: Map<string, string[]>;
  name?: string;
}

const MAX_LABELS = 40;
const MAX_LABEL_LENGTH = 30;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}(:\d{2})?$/;

/**
 * Parses a `column_values` JSON string as Monday does: an object keyed by column ID, each value in
 * the column type's format (text `"x"`, numbers `"42.5"`, date `{"date","time"}`, status
 * `{"label"}`/`{"index"}`, dropdown `{"labels":[...]}`/`{"ids":[...]}`, not mixed). Throws the
 * error Monday answers with; changes nothing until the caller applies the result.
 * https://developer.monday.com/api-reference/reference/column-types-reference
 */
export function parseColumnValues(input: unknown, columns: ReadonlyMap<string, SimColumn>, createLabels: boolean): ColumnChanges {
  let parsed: unknown = input;
  if (typeof input === 'string') {
    try {
      parsed = JSON.parse(input);
    } catch (error) {
      throw mondayError('JsonParseException', `column_values is not valid JSON: ${(error as Error).message}`, {}, 400);
    }
  }
  if (parsed === null || parsed === undefined) return { cells: new Map(), newLabels: new Map() };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw mondayError('JsonParseException', 'column_values must be a JSON object keyed by column ID', {}, 400);
  }
  const changes: ColumnChanges = { cells: new Map(), newLabels: new Map() };
  for (const [columnId, raw] of Object.entries(parsed as Record<string, unknown>)) {
    const column = columns.get(columnId);
    if (!column) throw mondayError('InvalidColumnIdException', "This column ID doesn't exist for the board", { column_id: columnId });
    if (column.type === 'name') {
      changes.name = String(raw);
      continue;
    }
    changes.cells.set(columnId, cellOf(column, raw, createLabels, changes));
  }
  return changes;
}

function cellOf(column: SimColumn, raw: unknown, createLabels: boolean, changes: ColumnChanges): CellValue {
  if (raw === null || raw === '') return { text: '', value: null };
  const invalid = (detail: string) =>
    mondayError('ColumnValueException', `invalid value - ${detail}`, { column_id: column.id, column_type: column.type, column_value: JSON.stringify(raw) });
  switch (column.type) {
    case 'text':
    case 'long_text': {
      const text = typeof raw === 'object' && raw !== null && 'text' in raw ? String((raw as { text: unknown }).text) : String(raw);
      return { text, value: JSON.stringify(text) };
    }
    case 'numbers': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (!Number.isFinite(n)) throw invalid('numbers column expects a number');
      return { text: String(n), value: JSON.stringify(String(n)) };
    }
    case 'date': {
      const value = typeof raw === 'string' ? { date: raw } : (raw as { date?: unknown; time?: unknown });
      const date = typeof value.date === 'string' ? value.date : '';
      const time = typeof value.time === 'string' ? value.time : undefined;
      if (!DATE.test(date) || Number.isNaN(Date.parse(date)) || (time !== undefined && !TIME.test(time))) throw invalid('date expects {"date":"YYYY-MM-DD","time":"HH:MM:SS"}');
      return { text: time ? `${date} ${time}` : date, value: JSON.stringify(time ? { date, time } : { date }) };
    }
    case 'status': {
      const label = statusLabel(column, raw, invalid);
      ensureLabel(column, label, createLabels, changes, invalid);
      return { text: label, value: JSON.stringify({ label }) };
    }
    case 'dropdown': {
      const labels = dropdownLabels(column, raw, invalid);
      for (const label of labels) ensureLabel(column, label, createLabels, changes, invalid);
      return { text: labels.join(', '), value: JSON.stringify({ labels }) };
    }
    default:
      throw invalid(`column type ${column.type} cannot be written`);
  }
}

function statusLabel(column: SimColumn, raw: unknown, invalid: (d: string) => Error): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'object' && raw !== null) {
    const value = raw as { label?: unknown; index?: unknown };
    if (typeof value.label === 'string') return value.label;
    if (typeof value.index === 'number') {
      const label = column.labels[value.index];
      if (label === undefined) throw invalid(`no label with index ${value.index}`);
      return label;
    }
  }
  throw invalid('status expects {"label": "..."} or {"index": n}');
}

function dropdownLabels(column: SimColumn, raw: unknown, invalid: (d: string) => Error): string[] {
  if (typeof raw === 'string') return raw.split(',').map((s) => s.trim()).filter(Boolean);
  const value = raw as { labels?: unknown; ids?: unknown };
  if (value.labels !== undefined && value.ids !== undefined) throw invalid('dropdown takes labels or ids, not both');
  if (Array.isArray(value.labels)) return value.labels.map(String);
  if (Array.isArray(value.ids)) {
    return value.ids.map((id) => {
      const label = column.labels[Number(id)];
      if (label === undefined) throw invalid(`no label with id ${String(id)}`);
      return label;
    });
  }
  throw invalid('dropdown expects {"labels": [...]} or {"ids": [...]}');
}

/** Labels match exactly, as on Monday: `Cancelled` is not `CANCELLED`. */
function ensureLabel(column: SimColumn, label: string, createLabels: boolean, changes: ColumnChanges, invalid: (d: string) => Error): void {
  const pending = changes.newLabels.get(column.id) ?? [];
  if (column.labels.includes(label) || pending.includes(label)) return;
  if (!createLabels) throw invalid('label does not exist in column. Add it to the column or send create_labels_if_missing: true');
  if (label.length > MAX_LABEL_LENGTH) throw invalid(`labels are at most ${MAX_LABEL_LENGTH} characters`);
  if (column.labels.length + pending.length >= MAX_LABELS) throw invalid(`a column holds at most ${MAX_LABELS} labels`);
  changes.newLabels.set(column.id, [...pending, label]);
}
