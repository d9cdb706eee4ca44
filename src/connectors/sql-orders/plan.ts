import type { OrderRecordData } from '../../ports/order-record.js';

/** What a run would write for one customer and season (one Monday group). */
export interface PlannedGroup {
  customer: string;
  season: string | null;
  /** The group ID the rows already carry (an earlier sync found or created it), if any. */
  knownGroupId: string | null;
  rows: number;
  /** Rows without an item ID: a create (after a lookup by external key). */
  creates: number;
  /** Rows with an item ID: an update. */
  updates: number;
  /** The first rows, for a readable plan. */
  sample: OrderRecordData[];
}

const SAMPLE = 5;

/** Collects the plan from the records a run reads, bounded by groups, not rows. */
export class PlanCollector {
  private readonly groups = new Map<string, PlannedGroup>();

  add(record: OrderRecordData): void {
    const key = `${record.customer}\u0000${record.season ?? ''}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { customer: record.customer, season: record.season, knownGroupId: null, rows: 0, creates: 0, updates: 0, sample: [] };
      this.groups.set(key, group);
    }
    group.rows += 1;
    if (record.itemId) group.updates += 1;
    else group.creates += 1;
    group.knownGroupId ??= record.groupId;
    if (group.sample.length < SAMPLE) group.sample.push(record);
  }

  /** By customer, then season. */
  groupsPlanned(): PlannedGroup[] {
    return [...this.groups.values()].sort((a, b) => a.customer.localeCompare(b.customer) || (a.season ?? '').localeCompare(b.season ?? ''));
  }
}
