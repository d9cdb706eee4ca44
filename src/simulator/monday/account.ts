import { parseColumnValues, type CellValue, type SimColumn } from './column-values.js';
import { mondayError } from './errors.js';
import type { BoardSnapshot, BoardSpec, ColumnSpec } from './types.js';

export interface SimItem {
  id: string;
  boardId: string;
  name: string;
  groupId: string;
  cells: Map<string, CellValue>;
  subitemIds: string[];
  parentId: string | null;
  createdAt: string;
}

export interface SimGroup {
  id: string;
  title: string;
  color: string;
}

export interface SimBoard {
  id: string;
  name: string;
  columns: Map<string, SimColumn>;
  subitemColumns: Map<string, SimColumn>;
  groups: SimGroup[];
  itemIds: string[];
  externalKeyColumnId: string | undefined;
}

/** What the account's mutations did, for the stats. */
export interface AccountCounters {
  groupsCreated: number;
  itemsCreated: number;
  itemsUpdated: number;
  subitemsCreated: number;
  labelsCreated: number;
}

const MAX_NAME = 255;

/** The simulated account: boards, their groups and items, and every mutation's rules. */
export class Account {
  readonly boards = new Map<string, SimBoard>();
  readonly items = new Map<string, SimItem>();
  readonly counters: AccountCounters = { groupsCreated: 0, itemsCreated: 0, itemsUpdated: 0, subitemsCreated: 0, labelsCreated: 0 };
  private nextItemId = 1_800_000_001;
  private nextGroup = 10_000;

  constructor(specs: BoardSpec[], private readonly itemsPerBoard: number, private readonly now: () => number) {
    for (const spec of specs) {
      this.boards.set(spec.id, {
        id: spec.id,
        name: spec.name,
        columns: columnsOf([{ id: 'name', title: 'Name', type: 'name' }, ...spec.columns]),
        subitemColumns: columnsOf([{ id: 'name', title: 'Name', type: 'name' }, ...(spec.subitemColumns ?? [])]),
        groups: (spec.groups ?? []).map((g) => ({ ...g, color: '#579bfc' })),
        itemIds: [],
        externalKeyColumnId: spec.externalKeyColumnId,
      });
    }
  }

  board(id: unknown): SimBoard {
    const board = this.boards.get(String(id));
    if (!board) throw mondayError('InvalidBoardIdException', 'Board not found', { board_id: String(id) });
    return board;
  }

  createGroup(boardId: unknown, title: string, color: string | undefined): SimGroup {
    const board = this.board(boardId);
    if (title.trim() === '') throw mondayError('InvalidArgumentException', 'group_name must not be empty', { argument: 'group_name' });
    // Monday has no uniqueness on titles: a second create makes a second group of the same name.
    const group = { id: `new_group${(this.nextGroup += 7)}`, title, color: color ?? '#579bfc' };
    board.groups.unshift(group);
    this.counters.groupsCreated += 1;
    return group;
  }

  createItem(boardId: unknown, name: string, groupId: string | undefined, columnValues: unknown, createLabels: boolean): SimItem {
    const board = this.board(boardId);
    checkName(name);
    if (board.itemIds.length >= this.itemsPerBoard) {
      throw mondayError('ItemsLimitationException', `This board has reached the limit of ${this.itemsPerBoard} items`, { board_id: board.id });
    }
    const group = groupId === undefined ? board.groups[0] : board.groups.find((g) => g.id === groupId);
    if (!group) throw mondayError('InvalidGroupIdException', 'Group not found', { group_id: groupId ?? null });
    const changes = parseColumnValues(columnValues, board.columns, createLabels);
    this.applyLabels(board.columns, changes.newLabels);
    const item = this.newItem(board.id, changes.name ?? name, group.id, changes.cells, null);
    board.itemIds.push(item.id);
    this.counters.itemsCreated += 1;
    return item;
  }

  changeColumnValues(boardId: unknown, itemId: unknown, columnValues: unknown, createLabels: boolean): SimItem {
    const board = this.board(boardId);
    const item = this.items.get(String(itemId));
    if (!item || item.boardId !== board.id) throw mondayError('InvalidItemIdException', 'Item not found in board', { item_id: String(itemId) });
    const changes = parseColumnValues(columnValues, board.columns, createLabels);
    this.applyLabels(board.columns, changes.newLabels);
    for (const [id, cell] of changes.cells) item.cells.set(id, cell);
    if (changes.name !== undefined) item.name = changes.name;
    this.counters.itemsUpdated += 1;
    return item;
  }

  createSubitem(parentId: unknown, name: string, columnValues: unknown, createLabels: boolean): SimItem {
    const parent = this.items.get(String(parentId));
    if (!parent || parent.parentId !== null) throw mondayError('InvalidItemIdException', 'Parent item not found', { item_id: String(parentId) });
    checkName(name);
    const board = this.board(parent.boardId);
    const changes = parseColumnValues(columnValues, board.subitemColumns, createLabels);
    this.applyLabels(board.subitemColumns, changes.newLabels);
    const sub = this.newItem(`${board.id}_subitems`, changes.name ?? name, 'topics', changes.cells, parent.id);
    parent.subitemIds.push(sub.id);
    this.counters.subitemsCreated += 1;
    return sub;
  }

  /** Items of the board whose cells match every column filter (case-insensitive whole value). */
  findItems(boardId: unknown, filters: Array<{ column_id: string; column_values: Array<string | null> }>): SimItem[] {
    const board = this.board(boardId);
    for (const f of filters) {
      if (!board.columns.has(f.column_id)) throw mondayError('InvalidColumnIdException', "This column ID doesn't exist for the board", { column_id: f.column_id });
    }
    const wanted = filters.map((f) => ({ id: f.column_id, values: new Set(f.column_values.map((v) => (v ?? '').toLowerCase())) }));
    return board.itemIds
      .map((id) => this.items.get(id) as SimItem)
      .filter((item) => wanted.every((w) => w.values.has((w.id === 'name' ? item.name : item.cells.get(w.id)?.text ?? '').toLowerCase())));
  }

  duplicatesByExternalKey(): number {
    let duplicates = 0;
    for (const board of this.boards.values()) {
      if (!board.externalKeyColumnId) continue;
      const seen = new Set<string>();
      for (const id of board.itemIds) {
        const key = this.items.get(id)?.cells.get(board.externalKeyColumnId)?.text ?? '';
        if (key === '') continue;
        if (seen.has(key)) duplicates += 1;
        seen.add(key);
      }
    }
    return duplicates;
  }

  snapshot(boardId: string): BoardSnapshot {
    const board = this.board(boardId);
    const cellsOf = (item: SimItem) => Object.fromEntries([...item.cells].map(([id, cell]) => [id, cell.text]));
    return {
      id: board.id,
      groups: board.groups.map((g) => ({ id: g.id, title: g.title })),
      items: board.itemIds.map((id) => this.items.get(id) as SimItem).map((item) => ({
        id: item.id,
        name: item.name,
        groupId: item.groupId,
        columns: cellsOf(item),
        subitems: item.subitemIds.map((sid) => this.items.get(sid) as SimItem).map((s) => ({ id: s.id, name: s.name, columns: cellsOf(s) })),
      })),
      labels: Object.fromEntries([...board.columns.values()].filter((c) => c.type === 'status' || c.type === 'dropdown').map((c) => [c.id, [...c.labels]])),
    };
  }

  private applyLabels(columns: Map<string, SimColumn>, newLabels: Map<string, string[]>): void {
    for (const [columnId, labels] of newLabels) {
      columns.get(columnId)?.labels.push(...labels);
      this.counters.labelsCreated += labels.length;
    }
  }

  private newItem(boardId: string, name: string, groupId: string, cells: Map<string, CellValue>, parentId: string | null): SimItem {
    const item: SimItem = { id: String(this.nextItemId++), boardId, name, groupId, cells, subitemIds: [], parentId, createdAt: new Date(this.now()).toISOString() };
    this.items.set(item.id, item);
    return item;
  }
}

function checkName(name: string): void {
  if (name.length > MAX_NAME) throw mondayError('ItemNameTooLongException', `Item name must be at most ${MAX_NAME} characters`, { item_name_length: name.length });
  if (name.trim() === '') throw mondayError('InvalidArgumentException', 'item_name must not be empty', { argument: 'item_name' });
}

function columnsOf(specs: ColumnSpec[]): Map<string, SimColumn> {
  return new Map(specs.map((c) => [c.id, { id: c.id, title: c.title, type: c.type, labels: [...(c.labels ?? [])] }]));
}
