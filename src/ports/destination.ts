import type { Partition, SourceRecord, WriteResult } from './records.js';

/**
 * Where records go. Writes must be idempotent by the record's external key, so a batch replayed
 * after a crash creates no duplicates. Batch-level failures (the whole write failed) are thrown
 * as `SyncError`; per-record rejections are returned in `WriteResult.failures`.
 */
export interface Destination {
  /** Name as it appears in spans and events (`sqlite`, `monday`). */
  readonly name: string;
  /**
   * Called once when a partition starts, before its first batch: lets the destination write the
   * partition's own row (e.g. the repository) from `partition.metadata`. Optional.
   */
  preparePartition?(partition: Partition): Promise<void>;
  /** Writes one batch of records of one partition. */
  writeBatch(partition: Partition, records: SourceRecord[]): Promise<WriteResult>;
  /** Flushes and releases the connection. */
  close(): Promise<void>;
}
