import type { Account, SimBoard, SimItem } from './account.js';
import { mondayError } from './errors.js';
import { DEFAULT_PAGE, MAX_PAGE } from './schema.js';

/** Monday's `complexity` object for the running query. */
export interface ComplexityView {
  before: number;
  after: number;
  query: number;
  reset_in_x_seconds: number;
}

/** Per-request state the resolvers read and write. */
export interface RequestContext {
  account: Account;
  complexity: ComplexityView;
  /** Boards the request's mutations touched (for the concurrent-mutation counter). */
  touchedBoards: Set<string>;
}

type Args = Record<string, unknown>;
type ColumnFilter = { column_id: string; column_values: Array<string | null> };
type Rule = { column_id: string; compare_value: unknown; operator?: string };

interface PageCursor {
  b: string;
  f: ColumnFilter[] | null;
  r: Rule[] | null;
  o: number;
}

/** The root value for graphql-js: one function per root field, Monday's names and rules. */
export function rootValue(): Record<string, (args: Args, ctx: RequestContext) => unknown> {
  return {
    complexity: (_args, ctx) => ctx.complexity,
    me: () => ({ id: '1', name: 'Simulated User' }),
    boards: (args, ctx) => {
      const ids = (args.ids as string[] | undefined) ?? [...ctx.account.boards.keys()];
      return ids.filter((id) => ctx.account.boards.has(String(id))).map((id) => boardView(ctx.account, ctx.account.board(id)));
    },
    items: (args, ctx) => ((args.ids as string[] | undefined) ?? []).map((id) => ctx.account.items.get(String(id))).filter(Boolean).map((i) => itemView(ctx.account, i as SimItem)),
    items_page_by_column_values: (args, ctx) => {
      if (args.cursor !== undefined && args.columns !== undefined) {
        throw mondayError('InvalidArgumentException', 'Send either cursor or columns, not both', { arguments: ['cursor', 'columns'] });
      }
      const limit = pageLimit(args.limit);
      if (typeof args.cursor === 'string') return pageFrom(ctx.account, decodeCursor(args.cursor), limit);
      ctx.account.board(args.board_id);
      return pageFrom(ctx.account, { b: String(args.board_id), f: (args.columns as ColumnFilter[] | undefined) ?? [], r: null, o: 0 }, limit);
    },
    next_items_page: (args, ctx) => pageFrom(ctx.account, decodeCursor(String(args.cursor)), pageLimit(args.limit)),
    create_group: (args, ctx) => {
      ctx.touchedBoards.add(String(args.board_id));
      const group = ctx.account.createGroup(args.board_id, String(args.group_name), args.group_color as string | undefined);
      return { id: group.id, title: group.title, color: group.color };
    },
    create_item: (args, ctx) => {
      ctx.touchedBoards.add(String(args.board_id));
      const item = ctx.account.createItem(args.board_id, String(args.item_name), args.group_id as string | undefined, args.column_values, args.create_labels_if_missing === true);
      return itemView(ctx.account, item);
    },
    change_multiple_column_values: (args, ctx) => {
      ctx.touchedBoards.add(String(args.board_id));
      return itemView(ctx.account, ctx.account.changeColumnValues(args.board_id, args.item_id, args.column_values, args.create_labels_if_missing === true));
    },
    create_subitem: (args, ctx) => {
      const parent = ctx.account.items.get(String(args.parent_item_id));
      if (parent) ctx.touchedBoards.add(parent.boardId);
      return itemView(ctx.account, ctx.account.createSubitem(args.parent_item_id, String(args.item_name), args.column_values, args.create_labels_if_missing === true));
    },
  };
}

function boardView(account: Account, board: SimBoard): Record<string, unknown> {
  return {
    id: board.id,
    name: board.name,
    items_count: board.itemIds.length,
    groups: (args: Args) => board.groups.filter((g) => !args.ids || (args.ids as string[]).includes(g.id)).map((g) => ({ ...g })),
    columns: (args: Args) =>
      [...board.columns.values()]
        .filter((c) => (!args.ids || (args.ids as string[]).includes(c.id)) && (!args.types || (args.types as string[]).includes(c.type)))
        .map((c) => {
          const settings = c.type === 'status' || c.type === 'dropdown' ? { labels: c.labels.map((name, id) => ({ id, name })) } : {};
          return { id: c.id, title: c.title, type: c.type, settings, settings_str: JSON.stringify(settings) };
        }),
    items_page: (args: Args) => {
      const limit = pageLimit(args.limit);
      if (typeof args.cursor === 'string') return pageFrom(account, decodeCursor(args.cursor), limit);
      const rules = ((args.query_params as { rules?: Rule[] } | undefined)?.rules ?? null);
      return pageFrom(account, { b: board.id, f: null, r: rules, o: 0 }, limit);
    },
  };
}

function itemView(account: Account, item: SimItem): Record<string, unknown> {
  const board = account.boards.get(item.boardId.replace(/_subitems$/, ''));
  return {
    id: item.id,
    name: item.name,
    created_at: item.createdAt,
    group: () => {
      const group = board?.groups.find((g) => g.id === item.groupId);
      return group ? { ...group } : null;
    },
    board: () => (board ? boardView(account, board) : null),
    column_values: (args: Args) => {
      const columns = item.parentId === null ? board?.columns : board?.subitemColumns;
      return [...(columns?.values() ?? [])]
        .filter((c) => c.type !== 'name' && (!args.ids || (args.ids as string[]).includes(c.id)))
        .map((c) => ({ id: c.id, type: c.type, text: item.cells.get(c.id)?.text ?? '', value: item.cells.get(c.id)?.value ?? null }));
    },
    subitems: () => item.subitemIds.map((id) => itemView(account, account.items.get(id) as SimItem)),
    parent_item: () => (item.parentId ? itemView(account, account.items.get(item.parentId) as SimItem) : null),
  };
}

function pageFrom(account: Account, cursor: PageCursor, limit: number): { cursor: string | null; items: unknown[] } {
  const matching = cursor.f ? account.findItems(cursor.b, cursor.f) : byRules(account, account.board(cursor.b), cursor.r);
  const page = matching.slice(cursor.o, cursor.o + limit);
  const more = cursor.o + limit < matching.length;
  return { cursor: more ? encodeCursor({ ...cursor, o: cursor.o + limit }) : null, items: page.map((i) => itemView(account, i)) };
}

function byRules(account: Account, board: SimBoard, rules: Rule[] | null): SimItem[] {
  const items = board.itemIds.map((id) => account.items.get(id) as SimItem);
  if (!rules || rules.length === 0) return items;
  return items.filter((item) =>
    rules.every((rule) => {
      const text = (item.cells.get(rule.column_id)?.text ?? '').toLowerCase();
      const values = (Array.isArray(rule.compare_value) ? rule.compare_value : [rule.compare_value]).map((v) => String(v).toLowerCase());
      if (rule.operator === 'is_empty') return text === '';
      if (rule.operator === 'is_not_empty') return text !== '';
      const hit = values.includes(text);
      return rule.operator === 'not_any_of' ? !hit : hit;
    }),
  );
}

function pageLimit(value: unknown): number {
  const limit = value === undefined || value === null ? DEFAULT_PAGE : Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw mondayError('InvalidArgumentException', `limit must be between 1 and ${MAX_PAGE}`, { argument: 'limit' });
  }
  return limit;
}

function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): PageCursor {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageCursor;
    if (typeof cursor.b === 'string' && typeof cursor.o === 'number') return cursor;
  } catch {
    // fall through: Monday answers an unknown cursor with an error, not a crash
  }
  throw mondayError('InvalidArgumentException', 'The cursor is invalid or has expired', { argument: 'cursor' });
}
