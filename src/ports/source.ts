import type { ErrorCategory } from '../errors/sync-error.js';
import type { DestinationChange, Partition, RecordFailure, SourceRecord } from './records.js';

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

/** What became of one record of an executed batch, as its source is told. */
export interface RecordOutcome {
  key: string;
  status: 'synced' | 'failed';
  /** The destination's ID of the record (e.g. the Monday item ID), when it has one. */
  externalId: string | null;
  /** The container it was written into (e.g. the Monday group ID), when the destination said. */
  containerId: string | null;
  errorCategory: ErrorCategory | null;
  errorMessage: string | null;
}

/** One executed batch, told back to the source that produced it. */
export interface WriteAcknowledgement {
  syncId: string;
  partition: Partition;
  /** Every record of the batch (source failures included), in batch order. */
  records: RecordOutcome[];
  /**
   * Containers the destination found or created during the write (changes with a `scope`). The
   * source gives each one's ID to every still-pending record of its scope, not only this batch's.
   */
  containers: DestinationChange[];
  /** When the outcome was decided, ISO 8601 UTC. */
  at: string;
}

/** What a source says of one partition's rows now, for its report (an order table's customer). */
export interface PartitionRowsState {
  /** Rows still waiting for a sync (in a pending state). */
  pending: number;
  /** Rows whose last sync failed, in all. */
  failedTotal: number;
  /** The first of them, by key, with the error their write-back recorded. */
  failed: Array<{ key: string; errorCategory: string | null; errorMessage: string | null; syncId: string | null }>;
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
  /**
   * Optional write-back, for sources that record each row's sync (an order table's state, item ID,
   * group ID, sync ID, error and synced-at columns). The engine calls it once per batch of an
   * executing run — never on a dry run — after the destination write returned and *before* the
   * batch commits to the run store, so a crash in between leaves the source ahead of the run store,
   * never behind the destination: the resumed run re-reads the page from its checkpoint and rewrites
   * it idempotently. Must be idempotent itself (a replayed batch is acknowledged again). A throw
   * fails every record of the batch with the error's category: they are on the destination, but
   * their source does not know it, so the next run must send them again.
   */
  acknowledge?(ack: WriteAcknowledgement): Promise<void>;
  /**
   * Optional: the partition's rows as the source holds them after the run (still pending, failed),
   * for its report. Called after the run, before `close`, at most once per partition.
   */
  describeRows?(partitionKey: string): Promise<PartitionRowsState>;
  /** Releases sockets and timers. */
  close(): Promise<void>;
}
