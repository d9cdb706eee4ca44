import type { DestinationAction } from '../../ports/records.js';
import type { DestinationChangeCount, DestinationChangeQuery, DestinationChangeRow } from '../../ports/run-store.js';
import { normalizeLimit } from '../query-limits.js';
import { byKeys, take } from './sorting.js';

const RANK: Record<DestinationAction, number> = { found: 0, updated: 1, created: 2 };

/** One sync's destination changes, merged as the SQL stores' upsert merges them. */
export class MemoryChangeLog {
  private readonly rows = new Map<string, DestinationChangeRow>();

  upsert(change: DestinationChangeRow): void {
    const key = `${change.kind}\u0000${change.name}`;
    const prior = this.rows.get(key);
    const merged: DestinationChangeRow = prior
      ? {
          ...structuredClone(change),
          action: RANK[prior.action] > RANK[change.action] ? prior.action : change.action,
          externalId: change.externalId ?? prior.externalId,
          ...(change.scope ?? prior.scope ? { scope: structuredClone(change.scope ?? prior.scope) } : {}),
        }
      : structuredClone(change);
    this.rows.set(key, merged);
  }

  list(query: DestinationChangeQuery = {}): DestinationChangeRow[] {
    const rows = [...this.rows.values()].filter(
      (c) =>
        (query.kind === undefined || c.kind === query.kind) &&
        (query.partitionKey === undefined || c.partitionKey === query.partitionKey) &&
        (query.action === undefined || c.action === query.action),
    );
    return take(rows.sort(byKeys((c) => [c.kind, c.name])), normalizeLimit(query.limit)).map((c) => structuredClone(c));
  }

  count(): DestinationChangeCount[] {
    const counts = new Map<string, DestinationChangeCount>();
    for (const c of this.rows.values()) {
      const key = `${c.partitionKey}\u0000${c.kind}\u0000${c.action}`;
      const row = counts.get(key) ?? { partitionKey: c.partitionKey, kind: c.kind, action: c.action, count: 0 };
      row.count += 1;
      counts.set(key, row);
    }
    return [...counts.values()].sort(byKeys((r) => [r.partitionKey, r.kind, r.action]));
  }
}
