import { SyncError } from '../../errors/sync-error.js';
import type { MutationLock } from '../../ports/mutation-lock.js';
import { boardLockKey } from './board-lock.js';
import type { BoardState } from './board.js';
import { fieldErrorCategory } from './monday-errors.js';
import { COMPLEXITY_FIELD, idempotencyKeyOf, type MondayClient } from './monday-client.js';

const CREATE_GROUP = `mutation createGroup($board: ID!, $name: String!) { ${COMPLEXITY_FIELD} create_group(board_id: $board, group_name: $name) { id title } }`;
const GROUPS_QUERY = `query boardGroups($board: [ID!]) { ${COMPLEXITY_FIELD} boards(ids: $board) { groups { id title } } }`;
/** create_group is priced like create_item (10,000 points) plus its selection. */
const CREATE_GROUP_COST = 10_100;
const GROUPS_COST = 500;

export interface ResolvedGroup {
  id: string;
  action: 'created' | 'found';
}

/**
 * Finds or creates each group once. A title is looked up in what this run knows of the board,
 * then in the board as it is now (another worker may have created it since), and only then
 * created. The create path looks the board up again and creates *within one hold* of the board's
 * mutation lock: two workers missing the same group both queue for the lock, and the second finds
 * the first one's group instead of making another. The create carries an Idempotency-Key of board
 * and title, so a retried create replays. Concurrent partitions of one process share one creation.
 */
export class GroupResolver {
  private readonly pending = new Map<string, Promise<ResolvedGroup>>();

  constructor(
    private readonly client: MondayClient,
    private readonly lock: MutationLock,
    private readonly board: BoardState,
  ) {}

  /** Whether `id` is one of the board's groups (a row's stored group ID may point to a deleted one). */
  has(id: string): boolean {
    for (const known of this.board.groups.values()) if (known === id) return true;
    return false;
  }

  resolve(title: string): Promise<ResolvedGroup> {
    const known = this.board.groups.get(title);
    if (known) return Promise.resolve({ id: known, action: 'found' });
    let pending = this.pending.get(title);
    if (!pending) {
      pending = this.findOrCreate(title).finally(() => this.pending.delete(title));
      this.pending.set(title, pending);
    }
    return pending;
  }

  private async findOrCreate(title: string): Promise<ResolvedGroup> {
    // A read outside the lock first: a group that exists costs no wait behind other writers.
    const existing = await this.lookup(title);
    if (existing) return existing;
    return this.lock.withLock(boardLockKey(this.board.id), async () => (await this.lookup(title)) ?? (await this.create(title)));
  }

  /** The group of `title` on the board as it is now, remembered for the rest of the run. */
  private async lookup(title: string): Promise<ResolvedGroup | undefined> {
    const current = await this.client.request({ name: 'boardGroups', query: GROUPS_QUERY, variables: { board: [this.board.id] }, cost: GROUPS_COST });
    const groups = ((current.data.boards as Array<{ groups?: Array<{ id: string; title: string }> }> | undefined)?.[0]?.groups) ?? [];
    // Monday allows two groups of one title; the first listed is the one this pipeline keeps using.
    const existing = groups.find((g) => g.title === title);
    if (!existing) return undefined;
    this.board.groups.set(title, existing.id);
    return { id: existing.id, action: 'found' };
  }

  private async create(title: string): Promise<ResolvedGroup> {
    const created = await this.client.request({
      name: 'createGroup',
      query: CREATE_GROUP,
      variables: { board: this.board.id, name: title },
      cost: CREATE_GROUP_COST,
      idempotencyKey: idempotencyKeyOf('create_group', this.board.id, title),
    });
    const group = created.data.create_group as { id?: unknown } | null | undefined;
    if (!group || typeof group.id !== 'string') {
      const error = created.errors[0];
      throw new SyncError(fieldErrorCategory(error?.code ?? null), `Monday refused to create group "${title}": ${error?.code ?? 'no result'}: ${error?.message ?? ''} (request_id ${created.requestId ?? 'unknown'})`);
    }
    this.board.groups.set(title, group.id);
    return { id: group.id, action: 'created' };
  }
}
