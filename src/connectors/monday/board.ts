import { z } from 'zod';
import { ConfigError, SyncError } from '../../errors/sync-error.js';
import type { MondayColumnConfig } from '../../config/orders-pipeline-schema.js';
import { COMPLEXITY_FIELD, type MondayClient } from './monday-client.js';

export interface BoardColumn {
  id: string;
  title: string;
  type: string;
  /** Labels of a status or dropdown column, as the board spells them. */
  labels: string[];
}

/** What the destination knows of its board: groups by title, columns, labels (kept current as it creates them). */
export interface BoardState {
  id: string;
  groups: Map<string, string>;
  columns: Map<string, BoardColumn>;
}

const settingsLabels = z.union([
  z.object({ labels: z.array(z.object({ id: z.union([z.number(), z.string()]), name: z.string().optional(), label: z.string().optional() }).passthrough()) }).passthrough(),
  // The older `settings_str` form: label index → name.
  z.object({ labels: z.record(z.string(), z.string()) }).passthrough(),
]);

const boardShape = z.object({
  boards: z.array(z.object({
    id: z.string(),
    groups: z.array(z.object({ id: z.string(), title: z.string() })).nullable(),
    columns: z.array(z.object({ id: z.string(), title: z.string(), type: z.string(), settings: z.unknown() })).nullable(),
  })),
});

export const BOARD_QUERY = `query boardMetadata($board: [ID!]) { ${COMPLEXITY_FIELD} boards(ids: $board) { id groups { id title } columns { id title type settings } } }`;
/** A generous estimate: a board with 20 groups and 40 columns costs a few hundred points. */
const BOARD_COST = 2_000;

export async function loadBoard(client: MondayClient, boardId: string): Promise<BoardState> {
  const result = await client.request({ name: 'boardMetadata', query: BOARD_QUERY, variables: { board: [boardId] }, cost: BOARD_COST });
  const parsed = boardShape.safeParse(result.data);
  if (!parsed.success) throw new SyncError('SERVER_ERROR', `Monday answered boardMetadata with an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`);
  const board = parsed.data.boards[0];
  if (!board) throw new ConfigError(`destination.board_id: board ${boardId} does not exist or the token cannot see it (Monday request_id ${result.requestId ?? 'unknown'})`);
  const groups = new Map<string, string>();
  // Monday allows two groups of one title; the first listed is the one this pipeline keeps using.
  for (const g of board.groups ?? []) if (!groups.has(g.title)) groups.set(g.title, g.id);
  const columns = new Map((board.columns ?? []).map((c) => [c.id, { id: c.id, title: c.title, type: c.type, labels: labelsOf(c.settings) }]));
  return { id: board.id, groups, columns };
}

function labelsOf(settings: unknown): string[] {
  const value = typeof settings === 'string' ? safeJson(settings) : settings;
  const parsed = settingsLabels.safeParse(value);
  if (!parsed.success) return [];
  const labels = parsed.data.labels;
  if (Array.isArray(labels)) return labels.map((l) => l.name ?? l.label ?? '').filter(Boolean);
  return Object.entries(labels).sort(([a], [b]) => Number(a) - Number(b)).map(([, name]) => name);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Checks the config against the board before anything is written: one clear error per mismatch. */
export function checkBoard(board: BoardState, keyColumnId: string, columns: Record<string, MondayColumnConfig>): void {
  const problems: string[] = [];
  const key = board.columns.get(keyColumnId);
  if (!key) problems.push(`destination.key_column_id: board ${board.id} has no column "${keyColumnId}"`);
  else if (key.type !== 'text') problems.push(`destination.key_column_id: column "${keyColumnId}" is a ${key.type} column; the external key needs a text column`);
  for (const [id, column] of Object.entries(columns)) {
    const found = board.columns.get(id);
    if (!found) problems.push(`destination.columns.${id}: board ${board.id} has no column "${id}"`);
    else if (found.type !== column.type) problems.push(`destination.columns.${id}.type: the board's column is ${found.type}, not ${column.type}`);
  }
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
}
