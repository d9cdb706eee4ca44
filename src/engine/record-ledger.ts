import type { SourceRecord } from '../ports/records.js';

/**
 * The records a partition has read and not yet committed to a final state, so that nothing read
 * can end a run in no state at all: synced + failed + skipped + pending = records seen. Only the
 * outstanding ones are kept (at most a page), not every key of the partition.
 */
export class RecordLedger {
  private readonly outstanding = new Map<string, SourceRecord>();
  private seenCount = 0;
  private committedCount = 0;

  /** A page was read: its records are outstanding until a batch commits them. */
  read(records: readonly SourceRecord[]): void {
    for (const record of records) {
      if (!this.outstanding.has(record.key)) this.seenCount += 1;
      this.outstanding.set(record.key, record);
    }
  }

  /** A batch committed these records (in whatever final state). */
  committed(records: readonly SourceRecord[]): void {
    for (const record of records) {
      if (this.outstanding.delete(record.key)) this.committedCount += 1;
    }
  }

  /** Read but not committed: what an error inside the partition left without a state. */
  unsettled(): SourceRecord[] {
    return [...this.outstanding.values()];
  }

  /** Records seen in this attempt, and how many of them reached a final state. */
  totals(): { seen: number; committed: number } {
    return { seen: this.seenCount, committed: this.committedCount };
  }
}
