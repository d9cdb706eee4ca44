import type { ErrorCategory } from '../errors/sync-error.js';
import type { DestinationAction, DestinationChange, PartitionKind, RecordStatus } from './records.js';
import type { WaitReason } from './request-scheduler.js';

/**
 * Lifecycle of a run. `partial`: finished, but some records or partitions failed. `interrupted`
 * (a signal or a crash) and `cancelled` (asked to through `requestCancel`) are both resumable.
 * Every exhaustive map of statuses (marks, exit codes, filters) is keyed by this list.
 */
export const RUN_STATUSES = ['running', 'succeeded', 'partial', 'failed', 'interrupted', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type PartitionStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'interrupted';
export type BatchStatus = 'success' | 'failure';

export interface RecordCounts {
  synced: number;
  failed: number;
  skipped: number;
  pending: number;
}

/** One sync run. Timestamps are ISO 8601 UTC strings; durations milliseconds. */
export interface RunRow {
  syncId: string;
  pipeline: string;
  /**
   * The organization the run belongs to (its pipeline's `pipeline.organization`, `default` unless
   * set): API tokens of one organization see only its runs. Fixed when the run is created.
   */
  organization: string;
  status: RunStatus;
  /** The options the run was started with (dry run, limits, ...), secrets removed. */
  options: Record<string, unknown>;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  /** Trace of the first attempt; resumed attempts continue this trace. */
  traceId: string;
  /** Root span of the first attempt, the parent of every resumed attempt's root span. */
  rootSpanId: string;
  /** How many times the run was resumed after an interruption or crash. */
  resumeCount: number;
  /** The sync this one re-runs the failed records of (`run --retry-failed`), if any. */
  retryOf: string | null;
  records: RecordCounts;
  partitions: { total: number; succeeded: number; failed: number };
  batches: { total: number; succeeded: number; failed: number };
  api: {
    requests: number;
    retries: number;
    rateLimitWaits: number;
    rateLimitWaitSeconds: number;
    rateLimitRejections: number;
  };
  errorCategory: ErrorCategory | null;
  errorMessage: string | null;
  /**
   * Set by `requestCancel` (possibly from another process); never written by `updateRun`, so the
   * process running the sync cannot overwrite a request it has not seen yet.
   */
  cancelRequest: CancelRequest | null;
}

/** Someone asked a running sync to stop; the engine honours it between batches. */
export interface CancelRequest {
  /** ISO timestamp of the request. */
  requestedAt: string;
  /** Who asked: an API token's ID (never the token) or `cli`. */
  requestedBy: string;
}

/** What `requestCancel` did. */
export type CancelOutcome =
  | { result: 'requested'; request: CancelRequest }
  /** A request was already pending: the first one stands. */
  | { result: 'already_requested'; request: CancelRequest }
  /** The run exists but is not running (finished, interrupted, cancelled). */
  | { result: 'not_running'; status: RunStatus }
  | { result: 'not_found' };

/**
 * The latest rate-limit state one run saw for one budget (connector + resource), kept so that
 * another process (the status API) can bound the run's ETA by the budget left and its reset.
 */
export interface RateLimitRow {
  syncId: string;
  connector: string;
  resource: string;
  limit: number;
  remaining: number;
  /** ISO timestamp at which the window resets. */
  resetAt: string;
  /** ISO timestamp of the response that reported it. */
  observedAt: string;
  /**
   * Set while the run's requests on this token are held back (a Retry-After, a secondary limit,
   * a spent budget): ISO timestamp until which no request may start. Kept in the store so a
   * resumed run (a new process) waits the hold out instead of sending into it. Absent: no hold.
   */
  heldUntil?: string;
  /** Why the hold was put in place; set with `heldUntil`. */
  holdReason?: HoldReason;
}

/** Why requests were held back by a block (pacing never blocks). */
export type HoldReason = Exclude<WaitReason, 'pacing'>;
export const HOLD_REASONS: readonly HoldReason[] = ['primary', 'secondary', 'retry_after'];

/**
 * Which process works on a sync now. One lease per sync: a second process (a second `--resume`)
 * gets it only once the holder stopped heart-beating (stale) or is known dead. Timestamps ISO.
 */
export interface RunLease {
  syncId: string;
  /** `host:pid:random`, so a process on the same host can tell a dead holder. */
  owner: string;
  acquiredAt: string;
  heartbeatAt: string;
}

export interface LeaseRequest {
  syncId: string;
  owner: string;
  /** ISO now: the new lease's acquired and heartbeat time. */
  now: string;
  /** ISO: a lease whose last heartbeat is older than this is stale and taken over. */
  staleBefore: string;
  /** Take the lease over from this owner whatever its heartbeat (the caller knows it is dead). */
  replaceOwner?: string;
}

/** What `acquireLease` found: whether the caller holds the lease now, and the lease as it stands. */
export interface LeaseOutcome {
  acquired: boolean;
  lease: RunLease;
}

/** One attempt (the first run, or a resume) of a sync. */
export interface RunAttemptRow {
  syncId: string;
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus;
  traceId: string;
  spanId: string;
}

export interface PartitionRow {
  syncId: string;
  partitionKey: string;
  kind: PartitionKind;
  status: PartitionStatus;
  records: RecordCounts;
  batchesTotal: number;
  batchesFailed: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  errorCategory: ErrorCategory | null;
  errorMessage: string | null;
  /**
   * How many records the source expects the partition to hold (e.g. GitHub's last page × page
   * size), for progress and ETA; `null` while unknown. An estimate, never a limit.
   */
  recordsExpected: number | null;
}

export interface BatchRow {
  syncId: string;
  partitionKey: string;
  /** `<partition key>#<sequence>`; unique within a sync. */
  batchId: string;
  sequence: number;
  status: BatchStatus;
  records: number;
  synced: number;
  failed: number;
  attempt: number;
  startedAt: string;
  durationMs: number;
  errorCategory: ErrorCategory | null;
  errorMessage: string | null;
}

export interface RecordStateRow {
  syncId: string;
  recordKey: string;
  partitionKey: string;
  entity: string;
  status: RecordStatus;
  externalId: string | null;
  errorCategory: ErrorCategory | null;
  errorMessage: string | null;
  /** Provider request ID of the call that failed the record (`x-github-request-id`, Monday `request_id`), if any. */
  requestId: string | null;
  updatedAt: string;
}

/**
 * Audit of one API call attempt. Bodies are already redacted and size-capped by the caller;
 * the store saves them as given.
 */
export interface ApiCallRow {
  syncId: string;
  partitionKey: string | null;
  connector: string;
  /** Bounded operation name, e.g. `pulls.list`. */
  operation: string;
  method: string;
  /** URL template without IDs, e.g. `/repos/{owner}/{repo}/pulls`. */
  route: string;
  /** Full URL with credentials and secret query parameters removed. */
  url: string;
  status: number | null;
  durationMs: number;
  attempt: number;
  errorCategory: ErrorCategory | null;
  traceId: string;
  spanId: string;
  /** Provider request ID for support tickets (`x-github-request-id`, Monday `request_id`). */
  requestId: string | null;
  /** Rate-limit resource the call counted against (`core`, `graphql`, `search`, ...). */
  resource: string | null;
  /** Points charged (GraphQL cost / complexity); 1 for a REST call. */
  cost: number | null;
  rateLimitRemaining: number | null;
  requestHeaders: Record<string, string>;
  requestBody: string | null;
  responseBody: string | null;
  /** True when a body was cut to the configured cap. */
  truncated: boolean;
  startedAt: string;
}

/** API calls of a sync grouped by connector and rate-limit resource: the quota it spent. */
export interface ApiUsageRow {
  connector: string;
  resource: string | null;
  calls: number;
  errors: number;
  /** Points spent: 1 per REST call, the reported cost per GraphQL call. */
  cost: number;
  totalDurationMs: number;
}

/** API calls of a sync per operation (GraphQL query name, REST operation): what each query cost. */
export interface OperationApiUsageRow extends ApiUsageRow {
  operation: string;
}

/** API calls of a sync per partition, connector and resource: what each partition spent. */
export interface PartitionApiUsageRow extends ApiUsageRow {
  /** `null` for calls made outside any partition (e.g. listing partitions). */
  partitionKey: string | null;
}

/**
 * A destination change of a sync (see `DestinationChange`), one row per kind and name. When a
 * resumed or replayed batch reports the same object again, the strongest action is kept
 * (`created` over `updated` over `found`) and the latest non-null external ID.
 */
export interface DestinationChangeRow extends DestinationChange {
  syncId: string;
  partitionKey: string;
  /** The batch that last reported it. */
  batchId: string;
  recordedAt: string;
}

export interface DestinationChangeQuery {
  kind?: string;
  partitionKey?: string;
  action?: DestinationAction;
  limit?: number;
}

/** Destination changes of a sync counted per partition, kind and action. */
export interface DestinationChangeCount {
  partitionKey: string;
  kind: string;
  action: DestinationAction;
  count: number;
}

export interface FailureCategoryRow {
  category: ErrorCategory;
  count: number;
}

/** A position in the runs list (most recent first): the last run of the previous page. */
export interface RunCursor {
  startedAt: string;
  syncId: string;
}

export interface RunFilter {
  status?: RunStatus;
  pipeline?: string;
  /** Only runs of this organization. */
  organization?: string;
  /** ISO timestamp: only runs started at or after it. */
  since?: string;
  /**
   * Keyset pagination: only runs that sort after this one (started earlier, or at the same instant
   * with a smaller sync ID). Runs added meanwhile sort before it, so pages never repeat or skip.
   */
  after?: RunCursor;
  /** Most recent first; default 50. */
  limit?: number;
}

export interface ApiCallQuery {
  /** Only calls that ended with an error category. */
  onlyErrors?: boolean;
  /** `slowest`: by duration descending; default: in call order. */
  order?: 'slowest' | 'chronological';
  limit?: number;
}

export interface RecordStateQuery {
  status?: RecordStatus;
  partitionKey?: string;
  /** Keyset pagination: only records whose key sorts after this one (the order is by record key). */
  afterKey?: string;
  limit?: number;
}

/**
 * A finished batch, committed atomically: the batch row, the final state of each of its records
 * and, when the batch closes a source page, the partition's new checkpoint. A crash therefore
 * never leaves a checkpoint ahead of the record states it implies.
 */
export interface BatchCommit {
  batch: BatchRow;
  records: RecordStateRow[];
  checkpoint?: { partitionKey: string; cursor: string | null };
  /** What the batch's write changed on the destination, upserted by (sync ID, kind, name). */
  changes?: DestinationChangeRow[];
}

/**
 * Durable record of every run: what ran, how far it got, what each record ended as, and every API
 * call made. Adapters: `SqliteRunStore` (embedded default), `PostgresRunStore` (shared),
 * `InMemoryRunStore` (tests). All of them pass `tests/contract/run-store.contract.ts`.
 *
 * Methods are async so that network-backed adapters fit; each method is atomic on its own.
 */
export interface RunStore {
  /** Applies pending versioned migrations. Idempotent; safe to call on every start. */
  migrate(): Promise<void>;

  /** Inserts a new run. Fails with `CONFLICT` if the sync ID exists. */
  createRun(run: RunRow): Promise<void>;
  /** Replaces the mutable fields of a run (status, counts, timings, errors). */
  updateRun(run: RunRow): Promise<void>;
  getRun(syncId: string): Promise<RunRow | undefined>;
  /** Runs matching the filter, most recent first (start time, then sync ID, both descending). */
  listRuns(filter?: RunFilter): Promise<RunRow[]>;

  /**
   * Asks a running run to stop, atomically: only a `running` run without a pending request gets
   * one. The process running it sees the request (`getCancelRequest`) between batches and ends the
   * run `cancelled`, resumable. Works across processes: the store is the only channel.
   */
  requestCancel(syncId: string, request: CancelRequest): Promise<CancelOutcome>;
  /** The pending cancel request of a run (cheap enough to poll every second), or null. */
  getCancelRequest(syncId: string): Promise<CancelRequest | null>;
  /** Drops a run's cancel request, when it resumes: the request was for the attempt it stopped. */
  clearCancelRequest(syncId: string): Promise<void>;
  /**
   * Takes the sync's lease by compare-and-swap: granted when there is none, when it is the
   * caller's, stale (heartbeat before `staleBefore`) or held by `replaceOwner`; otherwise the
   * holder's lease is returned untouched. Atomic across processes sharing the store.
   */
  acquireLease(request: LeaseRequest): Promise<LeaseOutcome>;
  /** Moves the lease's heartbeat to `now`; false when the caller no longer holds it. */
  heartbeatLease(syncId: string, owner: string, now: string): Promise<boolean>;
  /** Drops the lease if the caller holds it (a no-op otherwise). */
  releaseLease(syncId: string, owner: string): Promise<void>;
  /** The sync's lease, if one is held (possibly stale). */
  getLease(syncId: string): Promise<RunLease | undefined>;
  /** The most recent run of `pipeline` that started before `syncId` (for report deltas). */
  previousRun(pipeline: string, syncId: string): Promise<RunRow | undefined>;

  /** Inserts or replaces an attempt (keyed by sync ID and attempt number). */
  saveAttempt(attempt: RunAttemptRow): Promise<void>;
  listAttempts(syncId: string): Promise<RunAttemptRow[]>;

  /** Inserts or replaces a partition (keyed by sync ID and partition key). */
  savePartition(partition: PartitionRow): Promise<void>;
  listPartitions(syncId: string): Promise<PartitionRow[]>;

  /** See `BatchCommit`. Record states are upserted by (sync ID, record key). */
  commitBatch(commit: BatchCommit): Promise<void>;
  listBatches(syncId: string): Promise<BatchRow[]>;

  /** Appends API call audit rows. */
  recordApiCalls(calls: ApiCallRow[]): Promise<void>;
  listApiCalls(syncId: string, query?: ApiCallQuery): Promise<ApiCallRow[]>;
  /** API calls aggregated per connector and resource (no bodies loaded). */
  apiUsage(syncId: string): Promise<ApiUsageRow[]>;
  /** The same, per partition as well: what each customer or repository spent. */
  apiUsageByPartition(syncId: string): Promise<PartitionApiUsageRow[]>;
  /** The same per connector, resource and operation, costliest first (the summary's top queries). */
  apiUsageByOperation(syncId: string): Promise<OperationApiUsageRow[]>;

  listRecordStates(syncId: string, query?: RecordStateQuery): Promise<RecordStateRow[]>;
  /** Counts of the sync's record states by status (zeros included). */
  countRecordStates(syncId: string): Promise<RecordCounts>;
  /** Failed records of the sync counted by error category, most frequent first. */
  failuresByCategory(syncId: string): Promise<FailureCategoryRow[]>;

  /** The sync's destination changes, by kind then name. */
  listDestinationChanges(syncId: string, query?: DestinationChangeQuery): Promise<DestinationChangeRow[]>;
  /** Its destination changes counted per partition, kind and action (no rows loaded). */
  countDestinationChanges(syncId: string): Promise<DestinationChangeCount[]>;
  /**
   * Upserts rate-limit states, keyed by (sync ID, connector, resource). Each row replaces the
   * stored one whole: a row without `heldUntil` clears the hold.
   */
  saveRateLimits(rows: RateLimitRow[]): Promise<void>;
  /** The latest rate-limit state per connector and resource of a sync, by connector then resource. */
  listRateLimits(syncId: string): Promise<RateLimitRow[]>;

  /** Checkpoint cursor per partition key (`null`: partition finished). */
  getCheckpoints(syncId: string): Promise<Map<string, string | null>>;

  /** Deletes runs started before `before` (ISO) with all their rows; returns their sync IDs. */
  deleteRunsStartedBefore(before: string): Promise<string[]>;

  /**
   * Drops the request/response bodies of the API calls of runs started before `before` (ISO),
   * keeping every call's row (`audit.body_retention` is shorter than the rows'); returns how many
   * calls lost bodies.
   */
  dropApiCallBodiesBefore(before: string): Promise<number>;

  /** Closes connections. */
  close(): Promise<void>;
}
