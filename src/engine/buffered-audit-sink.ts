import type { AuditSink } from '../ports/audit-sink.js';
import type { ApiCallRow, RunStore } from '../ports/run-store.js';

export interface BufferedAuditSinkLimits {
  /** Rows written per store call at most (default 500). */
  batchSize?: number;
  /**
   * Body bytes (request + response, as kept) that trigger a write before `batchSize` rows: with
   * 64 KiB bodies, 500 rows would be 32 MB held and written in one blocking transaction.
   */
  batchBytes?: number;
  /** Rows kept at most while the store refuses writes; older ones beyond are dropped (reported). */
  maxPending?: number;
  /** Body bytes kept at most while the store refuses writes; beyond it rows are dropped (reported). */
  maxPendingBytes?: number;
  /**
   * A row waits at most this long before it is written (default 1000 ms), so readers in other
   * processes (the status API: calls made, quota spent, the ETA's calls per record) stay current
   * on a slow run too.
   */
  maxDelayMs?: number;
}

const DEFAULTS: Required<BufferedAuditSinkLimits> = {
  batchSize: 500,
  batchBytes: 2 * 1024 * 1024,
  maxPending: 50_000,
  maxPendingBytes: 64 * 1024 * 1024,
  maxDelayMs: 1000,
};

/**
 * Buffers audit rows and writes them in batches, off the API call path. A batch goes when it has
 * `batchSize` rows or `batchBytes` of bodies, whichever comes first, so memory stays small whatever
 * the body cap. A failed write is reported (never thrown into the sync) and the rows are kept for
 * the next flush, up to a bound in rows and in bytes.
 */
export class BufferedAuditSink implements AuditSink {
  private pending: ApiCallRow[] = [];
  private pendingBytes = 0;
  private writing: Promise<void> = Promise.resolve();
  private readonly limits: Required<BufferedAuditSinkLimits>;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly onError: (error: unknown, droppedRows: number) => void,
    limits: BufferedAuditSinkLimits = {},
  ) {
    this.limits = { ...DEFAULTS, ...limits };
  }

  record(row: ApiCallRow): void {
    this.pending.push(row);
    this.pendingBytes += bodyBytes(row);
    if (this.pending.length >= this.limits.batchSize || this.pendingBytes >= this.limits.batchBytes) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.limits.maxDelayMs).unref();
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.writePending());
    return this.writing;
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      await this.store.recordApiCalls(rows);
    } catch (error) {
      const keep = this.keepable(rows);
      this.pending = keep.concat(this.pending);
      this.pendingBytes = this.pending.reduce((sum, row) => sum + bodyBytes(row), 0);
      this.onError(error, rows.length - keep.length);
    }
  }

  /** The oldest of `rows` that fit, with what is already pending, under both bounds. */
  private keepable(rows: ApiCallRow[]): ApiCallRow[] {
    let count = this.pending.length;
    let bytes = this.pendingBytes;
    let end = 0;
    for (const row of rows) {
      const size = bodyBytes(row);
      if (count + 1 > this.limits.maxPending || bytes + size > this.limits.maxPendingBytes) break;
      count += 1;
      bytes += size;
      end += 1;
    }
    return rows.slice(0, end);
  }
}

/** Size of a row's bodies in UTF-16 units: a cheap, close enough stand-in for bytes. */
function bodyBytes(row: ApiCallRow): number {
  return (row.requestBody?.length ?? 0) + (row.responseBody?.length ?? 0);
}
