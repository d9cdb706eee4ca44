import { z } from 'zod';
import { InterruptedError, toSyncError } from '../../errors/sync-error.js';
import type { MondayDestinationConfig } from '../../config/orders-pipeline-schema.js';
import type { Destination } from '../../ports/destination.js';
import type { MutationLock } from '../../ports/mutation-lock.js';
import { InProcessMutationLock } from '../../scheduling/in-process-mutation-lock.js';
import type { OrderRecordData } from '../../ports/order-record.js';
import type { DestinationChange, Partition, RecordFailure, SourceRecord, WriteResult } from '../../ports/records.js';
import { checkBoard, loadBoard, type BoardState } from './board.js';
import { mapColumnValues } from './column-values.js';
import { GroupResolver } from './group-resolver.js';
import { findItemsByKey } from './item-lookup.js';
import { MUTATION_COST, writeItems, type ItemWrite } from './item-writer.js';
import type { MondayClient } from './monday-client.js';
import { subitemsOf, writeSubitems, type SubitemWrite } from './subitem-writer.js';
import { fillTemplate } from './templates.js';

export interface MondayDestinationOptions {
  client: MondayClient;
  config: MondayDestinationConfig;
  /** `--skip-subitems`: items only. */
  skipSubitems: boolean;
  /**
   * Serialises the board's mutations. Default: this destination's own (one process). Distributed
   * workers pass one lock shared through Redis, so no two workers write to one board at once.
   */
  mutationLock?: MutationLock;
}

const orderShape = z.object({
  key: z.string().min(1),
  customer: z.string(),
  season: z.string().nullable(),
  itemId: z.string().nullable(),
  groupId: z.string().nullable(),
  fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

/** Monday refuses a query above 5M complexity points. */
const MAX_QUERY_COMPLEXITY = 5_000_000;

interface Prepared {
  record: SourceRecord;
  order: OrderRecordData;
  title: string;
}

/**
 * Order records → Monday.com: one group per customer and season (found or created once, see
 * `GroupResolver`), one item per order keyed by its external key in a text column (looked up
 * before any create, since Monday has no uniqueness), written as aliased mutations within the
 * per-query complexity limit, serialised per board, budgeted by the shared scheduler through the
 * HTTP layer. Rows Monday refuses fail alone with its message and request ID.
 */
export class MondayDestination implements Destination {
  readonly name = 'monday';
  private board: Promise<BoardState> | undefined;
  private groups: GroupResolver | undefined;
  private readonly lock: MutationLock;
  /** Groups resolved by a write that then failed as a whole: reported with the partition's next result. */
  private readonly unreported = new Map<string, DestinationChange[]>();
  /** Group titles already reported: the source learns a group's ID once, with its first batch. */
  private readonly reportedGroups = new Set<string>();

  constructor(private readonly options: MondayDestinationOptions) {
    this.lock = options.mutationLock ?? new InProcessMutationLock();
  }

  async preparePartition(): Promise<void> {
    await this.boardState();
  }

  async writeBatch(partition: Partition, records: SourceRecord[]): Promise<WriteResult> {
    const board = await this.boardState();
    const groups = this.groups as GroupResolver;
    const { config } = this.options;
    const failures: RecordFailure[] = [];
    const changes: DestinationChange[] = [];
    const prepared: Prepared[] = [];
    for (const record of records) {
      const parsed = orderShape.safeParse(record.data);
      if (!parsed.success) failures.push({ key: record.key, category: 'VALIDATION_ERROR', message: `not an order record: ${parsed.error.issues[0]?.message ?? ''}` });
      else prepared.push({ record, order: parsed.data, title: fillTemplate(config.group_name, parsed.data) });
    }

    const containerIds: Record<string, string> = {};
    const groupOf = new Map<string, string>();
    for (const title of new Set(prepared.filter((p) => !(p.order.groupId && groups.has(p.order.groupId))).map((p) => p.title))) {
      try {
        const group = await groups.resolve(title);
        groupOf.set(title, group.id);
        const first = prepared.find((p) => p.title === title)?.order as OrderRecordData;
        this.note(partition.key, { kind: 'group', name: title, externalId: group.id, action: group.action, scope: { customer: first.customer, season: first.season } });
      } catch (error) {
        for (const p of prepared.filter((q) => q.title === title)) failures.push({ key: p.record.key, ...categoryAndMessage(error) });
      }
    }
    const writable = prepared.filter((p) => !failures.some((f) => f.key === p.record.key));

    const unknownItems = writable.filter((p) => !p.order.itemId).map((p) => p.order.key);
    const found = await findItemsByKey(this.options.client, board.id, config.key_column_id, unknownItems);
    const writes: ItemWrite[] = [];
    const newLabels = new Map<string, Array<{ columnId: string; label: string }>>();
    for (const p of writable) {
      const groupId = p.order.groupId && groups.has(p.order.groupId) ? p.order.groupId : (groupOf.get(p.title) as string);
      const itemId = p.order.itemId ?? found.get(p.order.key.toLowerCase())?.id ?? null;
      const mapped = mapColumnValues(p.order, config.key_column_id, config.columns, board.columns, itemId !== null);
      containerIds[p.record.key] = groupId;
      newLabels.set(p.record.key, mapped.newLabels);
      writes.push({ key: p.record.key, name: fillTemplate(config.item_name, p.order), groupId, itemId, values: mapped.values, createLabels: mapped.newLabels.length > 0 && !mapped.strictMiss });
    }

    const outcomes = await writeItems(this.options.client, this.lock, board.id, writes, this.perRequest());
    const externalIds: Record<string, string> = {};
    let created = 0;
    let updated = 0;
    const subitems: SubitemWrite[] = [];
    for (const outcome of outcomes) {
      if (outcome.itemId) externalIds[outcome.key] = outcome.itemId;
      if (outcome.failure) {
        failures.push({ key: outcome.key, ...outcome.failure });
        continue;
      }
      if (outcome.action === 'created') created += 1;
      else updated += 1;
      changes.push({ kind: 'item', name: outcome.key, externalId: outcome.itemId, action: outcome.action ?? 'updated' });
      for (const label of newLabels.get(outcome.key) ?? []) this.learnLabel(board, label, changes);
      const order = prepared.find((p) => p.record.key === outcome.key)?.order;
      if (outcome.action === 'created' && order && config.subitems && !this.options.skipSubitems && outcome.itemId) {
        const list = subitemsOf(order, config.subitems, outcome.itemId);
        if ('error' in list) failures.push({ key: outcome.key, category: 'VALIDATION_ERROR', message: `item ${outcome.itemId} created, but ${list.error}` });
        else subitems.push(...list);
      }
    }
    if (subitems.length > 0) {
      const failed = await writeSubitems(this.options.client, this.lock, board.id, subitems, this.perRequest());
      for (const [key, failure] of failed) failures.push({ ...failure, key, message: `item ${externalIds[key] ?? ''} created, but ${failure.message}` });
      for (const s of subitems) if (!failed.has(s.key)) changes.push({ kind: 'subitem', name: `${s.key}: ${s.name}`, externalId: null, action: 'created' });
    }
    return { created, updated, failures, externalIds, containerIds, changes: [...this.drain(partition.key), ...changes] };
  }

  async close(): Promise<void> {}

  /** Mutations a request carries: as configured, but never more than the per-query limit or a minute's budget allows. */
  private perRequest(): number {
    const { mutations_per_request: wanted, complexity_per_minute: budget } = this.options.config;
    return Math.max(1, Math.min(wanted, Math.floor(MAX_QUERY_COMPLEXITY / MUTATION_COST) - 1, Math.floor(budget / (MUTATION_COST * 1.01)) - 1));
  }

  private boardState(): Promise<BoardState> {
    this.board ??= loadBoard(this.options.client, this.options.config.board_id).then((board) => {
      checkBoard(board, this.options.config.key_column_id, this.options.config.columns);
      this.groups = new GroupResolver(this.options.client, this.lock, board);
      return board;
    });
    // A failed load (network, credentials) is retried by the next partition, not cached.
    this.board.catch(() => (this.board = undefined));
    return this.board;
  }

  /** A label Monday created: the board knows it from now on, and the run counts it once. */
  private learnLabel(board: BoardState, label: { columnId: string; label: string }, changes: DestinationChange[]): void {
    const column = board.columns.get(label.columnId);
    if (!column || column.labels.includes(label.label)) return;
    column.labels.push(label.label);
    changes.push({ kind: 'label', name: `${label.columnId}: ${label.label}`, externalId: null, action: 'created' });
  }

  private note(partitionKey: string, change: DestinationChange): void {
    if (this.reportedGroups.has(change.name)) return;
    this.reportedGroups.add(change.name);
    this.unreported.set(partitionKey, [...(this.unreported.get(partitionKey) ?? []), change]);
  }

  private drain(partitionKey: string): DestinationChange[] {
    const changes = this.unreported.get(partitionKey) ?? [];
    this.unreported.delete(partitionKey);
    return changes;
  }
}

function categoryAndMessage(error: unknown): Pick<RecordFailure, 'category' | 'message' | 'requestId'> {
  if (error instanceof InterruptedError) throw error;
  const failure = toSyncError(error);
  return { category: failure.category, message: failure.message, ...(failure.requestId ? { requestId: failure.requestId } : {}) };
}
