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
  /** The container each record was written into, by record key (e.g. its Monday group ID). */
  containerIds?: Record<string, string>;
  /**
   * What the write created, updated or found on the destination: the records' own objects and
   * those beside them (a Monday group, a dropdown label). Stored with the batch (reports count
   * them) and told to the source, which learns the IDs of containers (see `Source.acknowledge`).
   */
  changes?: DestinationChange[];
}

/** One object the destination created, updated or found while writing a batch. */
export interface DestinationChange {
  /** A small, fixed set per destination: `item`, `subitem`, `group`, `label`. */
  kind: string;
  /** Unique within its kind for a sync: the record key of an item, a group's title, `column: label`. */
  name: string;
  externalId: string | null;
  action: DestinationAction;
  /**
   * For a container (a Monday group): the source fields shared by every record it holds, e.g.
   * `{ customer: 'PELOTON', season: 'SS26' }`, so the source can give its ID to all of them at once.
   */
  scope?: Record<string, string | null>;
}

/** `found`: it already existed (looked up, not written). */
export type DestinationAction = 'created' | 'updated' | 'found';

export interface RecordFailure {
  key: string;
  category: ErrorCategory;
  message: string;
  /** Provider request ID of the failing call, for a support ticket (kept with the record state). */
  requestId?: string;
}
