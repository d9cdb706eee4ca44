import { CompiledQuery, sql, type Transaction } from 'kysely';
import type { RecordOutcome, WriteAcknowledgement } from '../../ports/source.js';
import type { CellValue, OrderDatabase, OrderDb, OrderTableSettings } from './order-table.js';

/** Error messages longer than this are cut in the table (the run store keeps them whole). */
const MAX_MESSAGE = 2000;

/**
 * One batch's outcomes into the order table, in one transaction: each row's state, item and group
 * IDs, sync ID, error and synced-at; then, for every group the destination found or created, its
 * ID on *every* still-pending row of that customer and season in one statement — rows of later
 * batches, and rows this run did not select, learn the group now, so no later write creates it
 * again. Idempotent: a replay writes the same values.
 *
 * The row update is one statement compiled once and run per row with its values: the same text
 * every time, so SQLite reuses its prepared statement and PostgreSQL compares each key with the
 * column's own type (its index serves the lookup). A 50-row batch costs well under a millisecond.
 */
export async function writeBackBatch(db: OrderDb, s: OrderTableSettings, ack: WriteAcknowledgement): Promise<void> {
  const wb = s.writeBack;
  await db.transaction().execute(async (trx) => {
    const update = rowUpdate(trx, s);
    for (const record of ack.records) await trx.executeQuery(update(valuesOf(s, record, ack)));
    for (const group of ack.containers) {
      const customer = group.scope?.customer ?? null;
      if (!group.externalId || customer === null) continue;
      const season = group.scope?.season ?? null;
      await trx
        .updateTable(s.table)
        .set({ [wb.groupId]: group.externalId })
        .where(s.columns.customer, '=', customer)
        .where(s.columns.season, season === null ? 'is' : '=', season)
        .where(wb.state, 'in', s.pendingStates)
        .where((eb) => eb.or([eb(wb.groupId, 'is', null), eb(wb.groupId, '<>', group.externalId as string)]))
        .execute();
    }
  });
}

type RowValues = [state: string, syncId: string, itemId: string | null, groupId: string | null, category: string | null, message: string | null, syncedAt: string | null, key: string];

/** The row update, compiled once: IDs and synced-at keep their old value when the outcome has none. */
function rowUpdate(trx: Transaction<OrderDatabase>, s: OrderTableSettings): (values: RowValues) => CompiledQuery {
  const wb = s.writeBack;
  const marks = Array.from({ length: 8 }, (_, i) => `\u0000value${i}`);
  const keep = (column: string, mark: string) => sql<CellValue>`COALESCE(${mark}, ${sql.ref(column)})`;
  const compiled = trx
    .updateTable(s.table)
    .set({
      [wb.state]: marks[0] as string,
      [wb.syncId]: marks[1] as string,
      [wb.itemId]: keep(wb.itemId, marks[2] as string),
      [wb.groupId]: keep(wb.groupId, marks[3] as string),
      [wb.errorCategory]: marks[4] as string,
      [wb.errorMessage]: marks[5] as string,
      [wb.syncedAt]: keep(wb.syncedAt, marks[6] as string),
    })
    .where(s.columns.key, '=', marks[7] as string)
    .compile();
  const positions = compiled.parameters.map((p) => marks.indexOf(p as string));
  if (positions.some((p) => p < 0)) throw new Error('write-back: unexpected parameters in the compiled update');
  return (values) => CompiledQuery.raw(compiled.sql, positions.map((p) => values[p]));
}

function valuesOf(s: OrderTableSettings, r: RecordOutcome, ack: WriteAcknowledgement): RowValues {
  const wb = s.writeBack;
  const synced = r.status === 'synced';
  const message = synced || r.errorMessage === null ? null : r.errorMessage.slice(0, MAX_MESSAGE);
  return [synced ? wb.syncedState : wb.failedState, ack.syncId, r.externalId, r.containerId, synced ? null : r.errorCategory, message, synced ? ack.at : null, r.key];
}
