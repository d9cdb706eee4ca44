import type { Partition, RecordFailure, SourceRecord } from './records.js';

/** A page of records read from one partition, and where to resume after it. */
export interface SourcePage {
  records: SourceRecord[];
  /**
   * Records the source read but could not complete (e.g. a pull request whose reviews failed to
   * load). They end the run `failed` with this category instead of being written.
   */
  failures?: RecordFailure[];
  /**
   * Opaque cursor pointing just after this page. Persisted as the partition's checkpoint once
   * every record of the page is in a final state; passed back to `readPartition` on resume.
   * `undefined` on the last page.
   */
  nextCursor: string | undefined;
  /**
   * The source's estimate of how many records the whole partition holds (from its start, not from
   * the cursor), when it can tell (GitHub: the `rel="last"` page × page size). Progress and ETA
   * use it; nothing relies on it being exact.
   */
  expectedRecords?: number;
}

/**
 * Where records come from. Adapters (e.g. `GithubSource`) parse every response at their edge and
 * throw `SyncError` with a category on failure; they never retry themselves — the HTTP layer the
 * engine provides does that.
 */
export interface Source {
  /** Connector name as it appears in metric labels (`github`, `monday`). */
  readonly connector: string;
  /** Lists the partitions to sync, in a stable order. */
  listPartitions(): Promise<Partition[]>;
  /**
   * Reads one partition page by page, starting after `cursor` (or from the start). An error thrown
   * here fails the partition, not the run.
   */
  readPartition(partition: Partition, cursor: string | undefined): AsyncIterable<SourcePage>;
  /** Releases sockets and timers. */
  close(): Promise<void>;
}
