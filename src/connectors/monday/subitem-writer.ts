import { InterruptedError, toSyncError, type ErrorCategory } from '../../errors/sync-error.js';
import type { OrderRecordData } from '../../ports/order-record.js';
import type { MondayDestinationConfig } from '../../config/orders-pipeline-schema.js';
import type { MutationLock } from '../../ports/mutation-lock.js';
import { boardLockKey } from './board-lock.js';
import { COMPLEXITY_FIELD, idempotencyKeyOf, type MondayClient } from './monday-client.js';
import { MUTATION_COST } from './item-writer.js';
import { fieldErrorCategory } from './monday-errors.js';

type SubitemsConfig = NonNullable<MondayDestinationConfig['subitems']>;

export interface SubitemFailure {
  category: ErrorCategory;
  message: string;
  requestId?: string;
}

export interface SubitemWrite {
  key: string;
  parentId: string;
  name: string;
  values: Record<string, unknown>;
}

/** The subitems of an order from its JSON array column; a value that is not such an array is an error. */
export function subitemsOf(order: OrderRecordData, config: SubitemsConfig, parentId: string): SubitemWrite[] | { error: string } {
  const raw = order.fields[config.source];
  if (raw === null || raw === undefined || raw === '') return [];
  let list: unknown;
  try {
    list = JSON.parse(String(raw));
  } catch {
    return { error: `${config.source} is not a JSON array of subitems` };
  }
  if (!Array.isArray(list)) return { error: `${config.source} is not a JSON array of subitems` };
  return list.map((element, i) => {
    const entry = (element && typeof element === 'object' ? element : {}) as Record<string, unknown>;
    const values: Record<string, unknown> = {};
    for (const [columnId, column] of Object.entries(config.columns)) {
      const value = entry[column.field];
      if (value !== undefined && value !== null) values[columnId] = column.type === 'status' ? { label: String(value) } : String(value);
    }
    return { key: order.key, parentId, name: String(entry[config.name_field] ?? `${order.key} #${i + 1}`), values };
  });
}

/**
 * Creates subitems under their new parent items, aliased like items. Returns the keys of orders
 * whose subitems failed, with why; the parent item exists either way.
 */
export async function writeSubitems(client: MondayClient, lock: MutationLock, boardId: string, writes: SubitemWrite[], perRequest: number): Promise<Map<string, SubitemFailure>> {
  const failed = new Map<string, SubitemFailure>();
  for (let at = 0; at < writes.length; at += perRequest) {
    const chunk = writes.slice(at, at + perRequest);
    const declarations: string[] = [];
    const fields: string[] = [];
    const variables: Record<string, unknown> = {};
    chunk.forEach((w, i) => {
      declarations.push(`$p${i}: ID!`, `$n${i}: String!`, `$v${i}: JSON`);
      Object.assign(variables, { [`p${i}`]: w.parentId, [`n${i}`]: w.name, [`v${i}`]: JSON.stringify(w.values) });
      fields.push(`s${i}: create_subitem(parent_item_id: $p${i}, item_name: $n${i}, column_values: $v${i}) { id }`);
    });
    const query = `mutation createSubitems(${declarations.join(', ')}) { ${COMPLEXITY_FIELD} ${fields.join(' ')} }`;
    try {
      const result = await lock.withLock(boardLockKey(boardId), () =>
        client.request({ name: 'createSubitems', query, variables, cost: chunk.length * (MUTATION_COST + 20), idempotencyKey: idempotencyKeyOf('create_subitems', chunk) }),
      );
      chunk.forEach((w, i) => {
        const error = result.errors.find((e) => e.path[0] === `s${i}`);
        if (error && !failed.has(w.key)) {
          failed.set(w.key, {
            category: fieldErrorCategory(error.code),
            message: `subitem "${w.name}": ${error.code ?? 'error'}: ${error.message} (request_id ${result.requestId ?? 'unknown'})`,
            ...(result.requestId ? { requestId: result.requestId } : {}),
          });
        }
      });
    } catch (error) {
      if (error instanceof InterruptedError) throw error;
      const failure = toSyncError(error);
      for (const w of chunk) if (!failed.has(w.key)) failed.set(w.key, { category: failure.category, message: `subitem "${w.name}": ${failure.message}` });
    }
  }
  return failed;
}
