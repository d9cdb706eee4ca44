import type { AuditSink } from '../ports/audit-sink.js';
import type { ApiCallRow, RunStore } from '../ports/run-store.js';

/**
 * Buffers audit rows and writes them in batches, off the API call path. A failed write is reported
 * (never thrown into the sync) and the rows are kept for the next flush, up to a bound.
 */
export class BufferedAuditSink implements AuditSink {
  private pending: ApiCallRow[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: RunStore,
    private readonly onError: (error: unknown, droppedRows: number) => void,
    private readonly batchSize = 500,
    private readonly maxPending = 50_000,
  ) {}

  record(row: ApiCallRow): void {
    this.pending.push(row);
    if (this.pending.length >= this.batchSize) void this.flush();
  }

  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.writePending());
    return this.writing;
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    try {
      await this.store.recordApiCalls(rows);
    } catch (error) {
      const keep = rows.slice(0, Math.max(0, this.maxPending - this.pending.length));
      this.pending = keep.concat(this.pending);
      this.onError(error, rows.length - keep.length);
    }
  }
}
