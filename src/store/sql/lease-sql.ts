import type { LeaseRequest, RunLease } from '../../ports/run-store.js';
import type { Query } from './run-store-sql.js';
import type { SqlRow } from './row-reader.js';

/**
 * The lease statements of both SQL adapters (`?` placeholders). Acquire is one upsert whose
 * update only happens when the lease is free to take, so two processes racing for it cannot both
 * win: the loser's statement changes nothing and it reads the winner's row.
 */
export class LeaseSql {
  readonly heartbeat: string;
  readonly release: string;
  readonly get: string;
  private readonly acquireText: string;

  constructor(table: (name: string) => string) {
    const leases = table('run_leases');
    this.acquireText = `INSERT INTO ${leases} (sync_id, owner, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (sync_id) DO UPDATE SET owner = excluded.owner, acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at
      WHERE ${leases}.owner = excluded.owner OR ${leases}.heartbeat_at < ? OR ${leases}.owner = ?`;
    this.heartbeat = `UPDATE ${leases} SET heartbeat_at = ? WHERE sync_id = ? AND owner = ?`;
    this.release = `DELETE FROM ${leases} WHERE sync_id = ? AND owner = ?`;
    this.get = `SELECT sync_id, owner, acquired_at, heartbeat_at FROM ${leases} WHERE sync_id = ?`;
  }

  acquire(request: LeaseRequest, castTime: (value: string) => string | Date = (v) => v): Query {
    return {
      text: this.acquireText,
      values: [request.syncId, request.owner, castTime(request.now), castTime(request.now), castTime(request.staleBefore), request.replaceOwner ?? null] as Query['values'],
    };
  }
}

export function readLease(row: SqlRow): RunLease {
  const time = (value: unknown) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString());
  return { syncId: String(row.sync_id), owner: String(row.owner), acquiredAt: time(row.acquired_at), heartbeatAt: time(row.heartbeat_at) };
}
