import type { ErrorCategory } from '../../errors/sync-error.js';
import { SyncError } from '../../errors/sync-error.js';
import type {
  ApiUsageRow,
  OperationApiUsageRow,
  DestinationChangeCount, DestinationChangeQuery, DestinationChangeRow, PartitionApiUsageRow,
  FailureCategoryRow,
  ApiCallQuery, ApiCallRow, BatchCommit, BatchRow, CancelOutcome, CancelRequest, PartitionRow, RateLimitRow,
  RecordCounts, RecordStateQuery, RecordStateRow, RunAttemptRow, RunFilter, RunRow, RunStore,
  LeaseOutcome, LeaseRequest, RunLease,
} from '../../ports/run-store.js';
import { DEFAULT_RUN_LIMIT, normalizeLimit, zeroCounts } from '../query-limits.js';
import { MemoryChangeLog } from './change-log.js';
import { byKeys, take } from './sorting.js';

/** Everything stored for one sync; deleting a run drops the whole entry. */
interface SyncRows {
  run: RunRow;
  attempts: Map<number, RunAttemptRow>;
  partitions: Map<string, PartitionRow>;
  batches: Map<string, BatchRow>;
  records: Map<string, RecordStateRow>;
  /** With their insertion sequence, the tie-breaker the SQL stores' autoincrement id gives. */
  apiCalls: { seq: number; row: ApiCallRow }[];
  checkpoints: Map<string, string | null>;
  changes: MemoryChangeLog;
  rateLimits: Map<string, RateLimitRow>;
}

/**
 * A `RunStore` in process memory for unit tests and `--store memory`. Behaves like the SQL
 * stores, down to their orders, their CONFLICT on rows of unknown runs (the foreign keys) and
 * copying rows in and out, so a caller mutating a row it passed or got back changes nothing here.
 */
export class InMemoryRunStore implements RunStore {
  private readonly syncs = new Map<string, SyncRows>();
  private apiCallSeq = 0;
  private closed = false;
  private readonly leases = new Map<string, RunLease>();

  async migrate(): Promise<void> {
    this.assertOpen();
  }

  async createRun(run: RunRow): Promise<void> {
    if (this.rowsOf(run.syncId) !== undefined) throw new SyncError('CONFLICT', `run ${run.syncId} already exists`);
    this.syncs.set(run.syncId, {
      run: copy(run),
      attempts: new Map(),
      partitions: new Map(),
      batches: new Map(),
      records: new Map(),
      apiCalls: [],
      checkpoints: new Map(),
      changes: new MemoryChangeLog(),
      rateLimits: new Map(),
    });
  }

  async updateRun(run: RunRow): Promise<void> {
    const rows = this.rowsOf(run.syncId);
    if (rows === undefined) throw new SyncError('NOT_FOUND', `run ${run.syncId} does not exist`);
    const { syncId, pipeline, organization, options, startedAt, traceId, rootSpanId, retryOf, cancelRequest } = rows.run;
    rows.run = { ...copy(run), syncId, pipeline, organization, options, startedAt, traceId, rootSpanId, retryOf, cancelRequest };
  }

  async requestCancel(syncId: string, request: CancelRequest): Promise<CancelOutcome> {
    const rows = this.rowsOf(syncId);
    if (rows === undefined) return { result: 'not_found' };
    if (rows.run.status !== 'running') return { result: 'not_running', status: rows.run.status };
    if (rows.run.cancelRequest) return { result: 'already_requested', request: copy(rows.run.cancelRequest) };
    rows.run.cancelRequest = copy(request);
    return { result: 'requested', request: copy(request) };
  }

  async getCancelRequest(syncId: string): Promise<CancelRequest | null> {
    const request = this.rowsOf(syncId)?.run.cancelRequest;
    return request ? copy(request) : null;
  }

  async clearCancelRequest(syncId: string): Promise<void> {
    const rows = this.rowsOf(syncId);
    if (rows) rows.run.cancelRequest = null;
  }

  async acquireLease(request: LeaseRequest): Promise<LeaseOutcome> {
    this.assertOpen();
    const held = this.leases.get(request.syncId);
    const free = !held || held.owner === request.owner || held.heartbeatAt < request.staleBefore || held.owner === request.replaceOwner;
    if (free) this.leases.set(request.syncId, { syncId: request.syncId, owner: request.owner, acquiredAt: request.now, heartbeatAt: request.now });
    const lease = this.leases.get(request.syncId) as RunLease;
    return { acquired: lease.owner === request.owner, lease: { ...lease } };
  }

  async heartbeatLease(syncId: string, owner: string, now: string): Promise<boolean> {
    this.assertOpen();
    const held = this.leases.get(syncId);
    if (held?.owner !== owner) return false;
    held.heartbeatAt = now;
    return true;
  }

  async releaseLease(syncId: string, owner: string): Promise<void> {
    this.assertOpen();
    if (this.leases.get(syncId)?.owner === owner) this.leases.delete(syncId);
  }

  async getLease(syncId: string): Promise<RunLease | undefined> {
    this.assertOpen();
    const held = this.leases.get(syncId);
    return held ? { ...held } : undefined;
  }

  async getRun(syncId: string): Promise<RunRow | undefined> {
    const rows = this.rowsOf(syncId);
    return rows === undefined ? undefined : copy(rows.run);
  }

  async listRuns(filter: RunFilter = {}): Promise<RunRow[]> {
    const runs = this.allRuns().filter(
      (run) =>
        (filter.status === undefined || run.status === filter.status) &&
        (filter.pipeline === undefined || run.pipeline === filter.pipeline) &&
        (filter.organization === undefined || run.organization === filter.organization) &&
        (filter.since === undefined || run.startedAt >= filter.since) &&
        (filter.after === undefined || newestFirst(run, { startedAt: filter.after.startedAt, syncId: filter.after.syncId }) > 0),
    );
    return take(runs.sort(newestFirst), normalizeLimit(filter.limit) ?? DEFAULT_RUN_LIMIT).map(copy);
  }

  async previousRun(pipeline: string, syncId: string): Promise<RunRow | undefined> {
    const reference = this.rowsOf(syncId)?.run;
    if (reference === undefined) return undefined;
    const earlier = this.allRuns()
      .filter((run) => run.pipeline === pipeline && newestFirst(run, reference) > 0)
      .sort(newestFirst);
    return earlier[0] === undefined ? undefined : copy(earlier[0]);
  }

  async saveAttempt(attempt: RunAttemptRow): Promise<void> {
    this.existing(attempt.syncId, 'saveAttempt').attempts.set(attempt.attempt, copy(attempt));
  }

  async listAttempts(syncId: string): Promise<RunAttemptRow[]> {
    return [...(this.rowsOf(syncId)?.attempts.values() ?? [])].sort(byKeys((a) => [a.attempt])).map(copy);
  }

  async savePartition(partition: PartitionRow): Promise<void> {
    this.existing(partition.syncId, 'savePartition').partitions.set(partition.partitionKey, copy(partition));
  }

  async listPartitions(syncId: string): Promise<PartitionRow[]> {
    const partitions = [...(this.rowsOf(syncId)?.partitions.values() ?? [])];
    return partitions.sort(byKeys((p) => [p.partitionKey])).map(copy);
  }

  async commitBatch(commit: BatchCommit): Promise<void> {
    // Check every row before changing anything: the SQL stores roll the whole commit back.
    const rows = this.existing(commit.batch.syncId, 'commitBatch');
    const states = commit.records.map((state) => ({ state, target: this.existing(state.syncId, 'commitBatch') }));
    rows.batches.set(commit.batch.batchId, copy(commit.batch));
    for (const { state, target } of states) target.records.set(state.recordKey, copy(state));
    if (commit.checkpoint !== undefined) {
      rows.checkpoints.set(commit.checkpoint.partitionKey, commit.checkpoint.cursor);
    }
    for (const change of commit.changes ?? []) this.existing(change.syncId, 'commitBatch').changes.upsert(change);
  }

  async listBatches(syncId: string): Promise<BatchRow[]> {
    const batches = [...(this.rowsOf(syncId)?.batches.values() ?? [])];
    return batches.sort(byKeys((b) => [b.partitionKey, b.sequence, b.batchId])).map(copy);
  }

  async recordApiCalls(calls: ApiCallRow[]): Promise<void> {
    const targets = calls.map((call) => ({ call, target: this.existing(call.syncId, 'recordApiCalls') }));
    for (const { call, target } of targets) target.apiCalls.push({ seq: ++this.apiCallSeq, row: copy(call) });
  }

  async listApiCalls(syncId: string, query: ApiCallQuery = {}): Promise<ApiCallRow[]> {
    const calls = (this.rowsOf(syncId)?.apiCalls ?? []).filter(
      (call) => query.onlyErrors !== true || call.row.errorCategory !== null,
    );
    const order =
      query.order === 'slowest'
        ? byKeys<{ seq: number; row: ApiCallRow }>((c) => [-c.row.durationMs, c.seq])
        : byKeys<{ seq: number; row: ApiCallRow }>((c) => [c.row.startedAt, c.seq]);
    return take(calls.sort(order), normalizeLimit(query.limit)).map((c) => copy(c.row));
  }

  async listRecordStates(syncId: string, query: RecordStateQuery = {}): Promise<RecordStateRow[]> {
    const states = [...(this.rowsOf(syncId)?.records.values() ?? [])].filter(
      (s) =>
        (query.status === undefined || s.status === query.status) &&
        (query.partitionKey === undefined || s.partitionKey === query.partitionKey) &&
        (query.afterKey === undefined || s.recordKey > query.afterKey),
    );
    return take(states.sort(byKeys((s) => [s.recordKey])), normalizeLimit(query.limit)).map(copy);
  }

  async countRecordStates(syncId: string): Promise<RecordCounts> {
    const counts = zeroCounts();
    for (const state of this.rowsOf(syncId)?.records.values() ?? []) counts[state.status] += 1;
    return counts;
  }

  async apiUsage(syncId: string): Promise<ApiUsageRow[]> {
    return (await this.apiUsageByPartition(syncId, false)).map(({ partitionKey: _, ...usage }) => usage);
  }

  async apiUsageByOperation(syncId: string): Promise<OperationApiUsageRow[]> {
    const groups = new Map<string, OperationApiUsageRow>();
    for (const { row } of this.rowsOf(syncId)?.apiCalls ?? []) {
      const key = `${row.connector}\u0000${row.resource ?? ''}\u0000${row.operation}`;
      const usage = groups.get(key) ?? { connector: row.connector, resource: row.resource, operation: row.operation, calls: 0, errors: 0, cost: 0, totalDurationMs: 0 };
      usage.calls += 1;
      usage.errors += row.errorCategory === null ? 0 : 1;
      usage.cost += row.cost ?? 0;
      usage.totalDurationMs += row.durationMs;
      groups.set(key, usage);
    }
    // Costliest first, as the SQL stores order them.
    return [...groups.values()].sort(byKeys((u) => [-u.cost, -u.calls, u.connector, u.resource ?? '', u.operation]));
  }

  async apiUsageByPartition(syncId: string, byPartition = true): Promise<PartitionApiUsageRow[]> {
    const groups = new Map<string, PartitionApiUsageRow>();
    for (const { row } of this.rowsOf(syncId)?.apiCalls ?? []) {
      const partitionKey = byPartition ? row.partitionKey : null;
      const key = `${partitionKey ?? ''}\u0000${row.connector}\u0000${row.resource ?? ''}`;
      const usage = groups.get(key) ?? { partitionKey, connector: row.connector, resource: row.resource, calls: 0, errors: 0, cost: 0, totalDurationMs: 0 };
      usage.calls += 1;
      usage.errors += row.errorCategory === null ? 0 : 1;
      usage.cost += row.cost ?? 0;
      usage.totalDurationMs += row.durationMs;
      groups.set(key, usage);
    }
    // Calls outside any partition last, as the SQL stores order them.
    return [...groups.values()].sort(byKeys((u) => [u.partitionKey === null ? 1 : 0, u.partitionKey ?? '', u.connector, u.resource ?? '']));
  }

  async listDestinationChanges(syncId: string, query?: DestinationChangeQuery): Promise<DestinationChangeRow[]> {
    return this.rowsOf(syncId)?.changes.list(query) ?? [];
  }

  async countDestinationChanges(syncId: string): Promise<DestinationChangeCount[]> {
    return this.rowsOf(syncId)?.changes.count() ?? [];
  }

  async failuresByCategory(syncId: string): Promise<FailureCategoryRow[]> {
    const counts = new Map<ErrorCategory, number>();
    for (const state of this.rowsOf(syncId)?.records.values() ?? []) {
      if (state.status !== 'failed') continue;
      const category = state.errorCategory ?? 'INTERNAL';
      counts.set(category, (counts.get(category) ?? 0) + 1);
    }
    return [...counts.entries()].map(([category, count]) => ({ category, count })).sort(byKeys((f) => [-f.count, f.category]));
  }

  async saveRateLimits(rows: RateLimitRow[]): Promise<void> {
    const targets = rows.map((row) => ({ row, target: this.existing(row.syncId, 'saveRateLimits') }));
    for (const { row, target } of targets) target.rateLimits.set(`${row.connector}\u0000${row.resource}`, copy(row));
  }

  async listRateLimits(syncId: string): Promise<RateLimitRow[]> {
    const limits = [...(this.rowsOf(syncId)?.rateLimits.values() ?? [])];
    return limits.sort(byKeys((l) => [l.connector, l.resource])).map(copy);
  }

  async getCheckpoints(syncId: string): Promise<Map<string, string | null>> {
    const checkpoints = [...(this.rowsOf(syncId)?.checkpoints.entries() ?? [])];
    return new Map(checkpoints.sort(byKeys(([key]) => [key])));
  }

  async deleteRunsStartedBefore(before: string): Promise<string[]> {
    const old = this.allRuns()
      .filter((run) => run.startedAt < before)
      .sort(byKeys((run) => [run.startedAt, run.syncId]));
    for (const run of old) {
      this.syncs.delete(run.syncId);
      this.leases.delete(run.syncId);
    }
    return old.map((run) => run.syncId);
  }

  async dropApiCallBodiesBefore(before: string): Promise<number> {
    let dropped = 0;
    for (const run of this.allRuns().filter((r) => r.startedAt < before)) {
      for (const entry of this.rowsOf(run.syncId)?.apiCalls ?? []) {
        if (entry.row.requestBody === null && entry.row.responseBody === null) continue;
        entry.row = { ...entry.row, requestBody: null, responseBody: null };
        dropped += 1;
      }
    }
    return dropped;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private allRuns(): RunRow[] {
    this.assertOpen();
    return [...this.syncs.values()].map((rows) => rows.run);
  }

  private rowsOf(syncId: string): SyncRows | undefined {
    this.assertOpen();
    return this.syncs.get(syncId);
  }

  /** The SQL stores' foreign keys reject rows of unknown runs as a constraint violation. */
  private existing(syncId: string, operation: string): SyncRows {
    const rows = this.rowsOf(syncId);
    if (rows === undefined) {
      throw new SyncError('CONFLICT', `run store (memory): ${operation} failed: run ${syncId} does not exist`);
    }
    return rows;
  }

  private assertOpen(): void {
    if (this.closed) throw new SyncError('INTERNAL', 'run store (memory): the store is closed');
  }
}

type RunPosition = Pick<RunRow, 'startedAt' | 'syncId'>;

/** Most recent first: by start time, then sync ID (both descending), as the SQL stores order. */
function newestFirst(a: RunPosition, b: RunPosition): number {
  return byKeys<RunPosition>((run) => [run.startedAt, run.syncId])(b, a);
}

function copy<T>(value: T): T {
  return structuredClone(value);
}
