import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import { ORDER_ENTITY, type OrderRecordData } from '../../ports/order-record.js';
import type { Partition, SourceRecord } from '../../ports/records.js';
import type { PartitionRowsState, Source, SourcePage, WriteAcknowledgement } from '../../ports/source.js';
import { cellOf, checkTable, settingsColumns, type OrderDatabase, type OrderDb, type OrderRow, type OrderTableSettings, type RequiredColumn } from './order-table.js';
import { PlanCollector } from './plan.js';
import { orderTableError } from './source-errors.js';
import { writeBackBatch } from './write-back.js';

export interface OrderSourceOptions {
  db: OrderDb;
  connector: 'sqlite' | 'postgres';
  /** PostgreSQL schema of the table (SQLite: none). */
  schema?: string;
  settings: OrderTableSettings;
  /** Only these customers, compared case-insensitively; empty = all. */
  customers: string[];
  /** At most this many rows in all, taken by customer then key. */
  limit?: number;
  pageSize: number;
  /**
   * Executing runs claim their rows (write the sync ID on them) and read back what they claimed, so
   * a resumed run reads the same rows whatever `limit` would pick now; dry runs write nothing.
   */
  execute: boolean;
  /** The run resumes this sync: its rows are claimed already. */
  resume: boolean;
  syncId: string;
  /** Columns the destination's mapping and templates read, checked at start with the settings' own. */
  requiredColumns: RequiredColumn[];
  /** SQLite matches identifiers case-insensitively; PostgreSQL (quoted, as Kysely writes them) does not. */
  caseInsensitiveNames: boolean;
}

type Query = SelectQueryBuilder<OrderDatabase, string, object>;

/** Failed rows a customer report lists. */
const FAILED_ROWS = 10;

/**
 * The pending rows of an order table as records, partitioned by customer, and the write-back of
 * each row's outcome (see `Source.acknowledge`). One implementation for both dialects: Kysely
 * writes the SQL; `SqliteOrderSource` and `PostgresOrderSource` only open the connection.
 */
export class OrderTableSource implements Source {
  readonly connector: string;
  readonly plan = new PlanCollector();
  private s: OrderTableSettings;
  /** Dry runs: rows each customer gets under `limit` (the first rows by customer then key). */
  private caps = new Map<string, number>();

  constructor(private readonly options: OrderSourceOptions) {
    this.connector = options.connector;
    this.s = options.settings;
  }

  async listPartitions(): Promise<Partition[]> {
    const { db, settings } = this.options;
    return this.guard('listing customers', async () => {
      const resolve = await checkTable(db, settings.table, this.options.schema, [...settingsColumns(settings), ...this.options.requiredColumns], this.options.caseInsensitiveNames);
      this.s = resolveNames(settings, resolve);
      if (this.options.execute && !this.options.resume) await this.claim();
      const counts = this.options.execute ? await this.countClaimed() : await this.countSelected();
      if (!this.options.execute) this.caps = new Map(counts.map(([customer, rows]) => [customer, rows]));
      return counts.map(([customer, rows]) => ({ key: customer, kind: 'customer', metadata: { rows } }));
    });
  }

  async *readPartition(partition: Partition, cursor: string | undefined): AsyncIterable<SourcePage> {
    const { db, pageSize } = this.options;
    const { key, customer } = this.s.columns;
    let after: unknown = cursor === undefined ? undefined : (JSON.parse(cursor) as unknown);
    let left = this.options.execute ? Number.POSITIVE_INFINITY : (this.caps.get(partition.key) ?? 0);
    if (!this.options.execute && after !== undefined) left = Math.max(0, left - (await this.countUpTo(partition.key, after)));
    while (left > 0) {
      const size = Math.min(pageSize, left);
      const rows = await this.guard(`reading ${partition.key}`, () => {
        let query = this.rowsQuery(db.selectFrom(this.s.table).selectAll()).where(customer, '=', partition.key);
        if (after !== undefined) query = query.where(key, '>', after as never);
        return query.orderBy(key).limit(size).execute();
      });
      const records = rows.map((row) => this.recordOf(row as Record<string, unknown>));
      for (const record of records) this.plan.add(record.data as unknown as OrderRecordData);
      left -= rows.length;
      const last = rows.at(-1);
      after = last?.[key];
      const more = rows.length === size && left > 0;
      yield { records, nextCursor: more ? JSON.stringify(after) : undefined };
      if (!more) return;
    }
    yield { records: [], nextCursor: undefined };
  }

  async acknowledge(ack: WriteAcknowledgement): Promise<void> {
    await this.guard(`writing back ${ack.records.length} rows of ${ack.partition.key}`, () => writeBackBatch(this.options.db, this.s, ack));
  }

  async describeRows(partitionKey: string): Promise<PartitionRowsState> {
    const { db } = this.options;
    const { key, customer } = this.s.columns;
    const wb = this.s.writeBack;
    const waiting = this.s.pendingStates.filter((state) => state !== wb.failedState);
    return this.guard(`reading ${partitionKey}'s rows for its report`, async () => {
      const count = async (states: string[]) =>
        states.length === 0
          ? 0
          : Number((await db.selectFrom(this.s.table).select((eb) => eb.fn.countAll().as('n')).where(customer, '=', partitionKey).where(wb.state, 'in', states).executeTakeFirst())?.n ?? 0);
      const failed = await db
        .selectFrom(this.s.table)
        .select([key, wb.errorCategory, wb.errorMessage, wb.syncId])
        .where(customer, '=', partitionKey)
        .where(wb.state, '=', wb.failedState)
        .orderBy(key)
        .limit(FAILED_ROWS)
        .execute();
      const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
      return {
        pending: await count(waiting),
        failedTotal: await count([wb.failedState]),
        failed: failed.map((r) => ({ key: String(r[key]), errorCategory: text(r[wb.errorCategory]), errorMessage: text(r[wb.errorMessage]), syncId: text(r[wb.syncId]) })),
      };
    });
  }

  async close(): Promise<void> {
    await this.options.db.destroy();
  }

  /** Executing runs read what they claimed; dry runs read pending rows, the same selection a claim makes. */
  private rowsQuery<Q extends Query>(query: Q): Q {
    const wb = this.s.writeBack;
    return (this.options.execute ? query.where(wb.syncId, '=', this.options.syncId) : this.pendingSelection(query)) as Q;
  }

  private pendingSelection<Q extends Query>(query: Q): Q {
    const { customer } = this.s.columns;
    let q = query.where(this.s.writeBack.state, 'in', this.s.pendingStates).where(customer, 'is not', null);
    const wanted = this.options.customers.map((c) => c.toLowerCase());
    if (wanted.length > 0) q = q.where((eb: ExpressionBuilder<OrderDatabase, string>) => eb(sql`lower(${sql.ref(customer)})`, 'in', wanted));
    return q as Q;
  }

  /** Writes this sync's ID on the rows it will take: pending, wanted, the first `limit` by customer then key. */
  private async claim(): Promise<void> {
    const { db, syncId, limit } = this.options;
    const { key, customer } = this.s.columns;
    let selected = this.pendingSelection(db.selectFrom(this.s.table).select(key)).orderBy(customer).orderBy(key);
    if (limit !== undefined) selected = selected.limit(limit);
    await db.updateTable(this.s.table).set({ [this.s.writeBack.syncId]: syncId }).where(key, 'in', selected).execute();
  }

  private async countClaimed(): Promise<Array<[string, number]>> {
    const { customer } = this.s.columns;
    const rows = await this.options.db
      .selectFrom(this.s.table)
      .select([customer, (eb) => eb.fn.countAll().as('n')])
      .where(this.s.writeBack.syncId, '=', this.options.syncId)
      .groupBy(customer)
      .orderBy(customer)
      .execute();
    return rows.map((r) => [String(r[customer]), Number(r.n)]);
  }

  private async countSelected(): Promise<Array<[string, number]>> {
    const { db, limit } = this.options;
    const { key, customer } = this.s.columns;
    let selected = this.pendingSelection(db.selectFrom(this.s.table).select([key, customer])).orderBy(customer).orderBy(key);
    if (limit !== undefined) selected = selected.limit(limit);
    const rows = await db
      .selectFrom(selected.as('selected'))
      .select([`selected.${customer}`, (eb) => eb.fn.countAll().as('n')])
      .groupBy(`selected.${customer}`)
      .orderBy(`selected.${customer}`)
      .execute();
    return rows.map((r) => [String((r as Record<string, unknown>)[customer]), Number((r as Record<string, unknown>).n)]);
  }

  /** Dry runs resumed mid-customer: rows already read up to the cursor, counted against the cap. */
  private async countUpTo(customerKey: string, after: unknown): Promise<number> {
    const { key, customer } = this.s.columns;
    const row = await this.pendingSelection(this.options.db.selectFrom(this.s.table).select((eb) => eb.fn.countAll().as('n')))
      .where(customer, '=', customerKey)
      .where(key, '<=', after as never)
      .executeTakeFirst();
    return Number((row as { n?: unknown } | undefined)?.n ?? 0);
  }

  private recordOf(raw: Record<string, unknown>): SourceRecord {
    const row: OrderRow = Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, cellOf(value)]));
    const { key, customer, season } = this.s.columns;
    const text = (value: unknown) => (value === null || value === undefined || value === '' ? null : String(value));
    const data: OrderRecordData = {
      key: String(row[key]),
      customer: String(row[customer]),
      season: text(row[season]),
      itemId: text(row[this.s.writeBack.itemId]),
      groupId: text(row[this.s.writeBack.groupId]),
      fields: row,
    };
    return { key: data.key, entity: ORDER_ENTITY, data: data as unknown as Record<string, unknown> };
  }

  private async guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw orderTableError(error, operation, this.options.settings.table);
    }
  }
}

/** The settings with every column as the table spells it (SQLite matches names case-insensitively). */
function resolveNames(s: OrderTableSettings, actual: (name: string) => string): OrderTableSettings {
  const wb = s.writeBack;
  return {
    ...s,
    table: actual(s.table),
    columns: { key: actual(s.columns.key), customer: actual(s.columns.customer), season: actual(s.columns.season) },
    writeBack: {
      ...wb,
      state: actual(wb.state),
      itemId: actual(wb.itemId),
      groupId: actual(wb.groupId),
      syncId: actual(wb.syncId),
      errorCategory: actual(wb.errorCategory),
      errorMessage: actual(wb.errorMessage),
      syncedAt: actual(wb.syncedAt),
    },
  };
}
