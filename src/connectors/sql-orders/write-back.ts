import type { RecordOutcome, WriteAcknowledgement } from '../../ports/source.js';
import type { OrderDb, OrderTableSettings } from './order-table.js';

/** Error messages longer than this are cut in the table (the run store keeps them whole). */
const MAX_MESSAGE = 2000;

/**
 * One batch's outcomes into the order table, in one transaction: each row's state, item and group
 * IDs, sync ID, error and synced-at; then, for every group the destination found or created, its
 * ID on *every* still-pending row of that customer and season in one statement — rows of later
 * batches, and rows this run did not select, learn the group now, so no later write creates it
 * again. Idempotent: replaying a batch writes the same values.
 */
export async function writeBackBatch(db: OrderDb, s: OrderTableSettings, ack: WriteAcknowledgement): Promise<void> {
  const wb = s.writeBack;
  await db.transaction().execute(async (trx) => {
    for (const record of ack.records) {
      await trx.updateTable(s.table).set(rowUpdate(s, record, ack)).where(s.columns.key, '=', record.key).execute();
    }
    for (const group of ack.containers) {
      if (!group.externalId || !group.scope) continue;
      const customer = group.scope.customer ?? null;
      const season = group.scope.season ?? null;
      if (customer === null) continue;
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

function rowUpdate(s: OrderTableSettings, record: RecordOutcome, ack: WriteAcknowledgement): Record<string, string | null> {
  const wb = s.writeBack;
  const ids = {
    ...(record.externalId ? { [wb.itemId]: record.externalId } : {}),
    ...(record.containerId ? { [wb.groupId]: record.containerId } : {}),
  };
  if (record.status === 'synced') {
    return { [wb.state]: wb.syncedState, [wb.syncId]: ack.syncId, [wb.errorCategory]: null, [wb.errorMessage]: null, [wb.syncedAt]: ack.at, ...ids };
  }
  const message = record.errorMessage === null ? null : record.errorMessage.slice(0, MAX_MESSAGE);
  return { [wb.state]: wb.failedState, [wb.syncId]: ack.syncId, [wb.errorCategory]: record.errorCategory, [wb.errorMessage]: message, ...ids };
}
