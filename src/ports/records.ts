import type { ErrorCategory } from '../errors/sync-error.js';

/** Final state of one record in one run. `pending` means the run never reached it. */
export type RecordStatus = 'synced' | 'failed' | 'skipped' | 'pending';

/** What a partition is: a repository (GitHub pipelines) or a customer (order pipelines). */
export type PartitionKind = 'repo' | 'customer';

/** The unit of progress, reporting and distribution. */
export interface Partition {
  /** Stable, human-readable key: `owner/name` for a repo, the customer code for a customer. */
  key: string;
  kind: PartitionKind;
  /** What the source knows of the partition itself (e.g. the repository object), if anything. */
  metadata?: Record<string, unknown>;
}

/** One record read from a source, ready to be written to a destination. */
export interface SourceRecord {
  /** Stable key, unique within the pipeline (e.g. `octo/repo-1#42`). Used for record states. */
  key: string;
  /** The entity type the destination should write it as (e.g. `pull_request`). */
  entity: string;
  /** The record's payload, already parsed and validated at the source's edge. */
  data: Record<string, unknown>;
}

/** Outcome of writing one batch. Records not listed in `failures` were written. */
export interface WriteResult {
  created: number;
  updated: number;
  /** Records the destination rejected individually; the rest of the batch still counts. */
  failures: RecordFailure[];
  /** External IDs by record key, when the destination assigns them. */
  externalIds?: Record<string, string>;
}

export interface RecordFailure {
  key: string;
  category: ErrorCategory;
  message: string;
  /** Provider request ID of the failing call, for a support ticket (kept with the record state). */
  requestId?: string;
}
