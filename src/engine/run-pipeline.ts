import { context, SpanKind, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { InterruptedError, toSyncError, type SyncError } from '../errors/sync-error.js';
import { CancelWatch } from './cancel-watch.js';
import type { Clock } from '../ports/clock.js';
import type { Destination } from '../ports/destination.js';
import type { Partition } from '../ports/records.js';
import type { CancelRequest, PartitionRow, RunRow, RunStatus, RunStore } from '../ports/run-store.js';
import type { ProgressListener } from '../ports/progress.js';
import type { Source } from '../ports/source.js';
import { ATTR, SPAN } from '../telemetry/names.js';
import type { RunTelemetry } from '../telemetry/run-telemetry.js';
import { BatchWriter } from './batch-writer.js';
import type { EngineOptions } from './engine-options.js';
import { mapWithConcurrency } from './concurrency.js';
import { runPartition } from './partition-runner.js';
import { deriveRunStatus, emptyRun, summariseRun } from './run-state.js';

export interface RunPipelineInput {
  syncId: string;
  pipeline: string;
  /** The organization the run belongs to (default `default`). */
  organization?: string;
  source: Source;
  destination: Destination;
  store: RunStore;
  telemetry: RunTelemetry;
  options: EngineOptions;
  clock: Clock;
  /** Options recorded with the run (secrets already removed), e.g. to resume it the same way. */
  recordedOptions: Record<string, unknown>;
  /** Continue an interrupted run under the same sync ID, from its checkpoints. */
  resume?: boolean;
  /** The sync whose failed records this run retries. */
  retryOf?: string;
  /** Aborted on SIGINT/SIGTERM: no new work starts, in-flight batches finish. */
  signal?: AbortSignal;
  /** Told as partitions finish and batches commit (a terminal progress bar listens here). */
  onProgress?: ProgressListener;
  /**
   * Told once when a stored cancel request is seen (see `RunStore.requestCancel`): the wiring aborts
   * the connectors' waits. The engine itself stops at the next batch boundary either way.
   */
  onCancelRequested?: (request: CancelRequest) => void;
  /**
   * Told once the attempt has started (its pipeline-started event written, inside the run's span),
   * before the source's first request: the wiring says here which stored holds it will wait out.
   */
  onStarted?: () => void;
}

/**
 * Runs one pipeline end to end inside the root `sync.pipeline` span and returns the stored run.
 * Failures of records, partitions and even the whole run (listing partitions failed) end up in the
 * run's status, counts and error fields, not as a throw: the caller always gets a run to report.
 */
export async function runPipeline(input: RunPipelineInput): Promise<RunRow> {
  const { telemetry: t, store, clock } = input;
  const existing = input.resume ? await store.getRun(input.syncId) : undefined;
  const parent = existing ? continuationOf(existing) : context.active();
  const attempt = existing ? existing.resumeCount + 2 : 1;
  const started = clock.now();

  return t.tracer.startActiveSpan(
    SPAN.pipeline,
    // SERVER: the sync is the work this service was asked to do (by the CLI, the API, a schedule);
    // a service graph draws its caller → syncscope → the APIs it calls (peer.service).
    { kind: SpanKind.SERVER, attributes: t.baseAttributes({ [ATTR.attempt]: attempt }) },
    parent,
    async (root) => {
      const { traceId, spanId } = root.spanContext();
      t.events = t.events.withTraceContext(traceId, spanId);
      let run: RunRow = existing
        ? { ...existing, status: 'running', resumeCount: existing.resumeCount + 1, finishedAt: null, cancelRequest: null }
        : emptyRun(input, traceId, spanId, new Date(started).toISOString());
      if (existing) {
        await store.updateRun(run);
        // A request that stopped an earlier attempt is spent: this attempt was asked for.
        await store.clearCancelRequest(input.syncId);
      } else await store.createRun(run);
      const cancel = new CancelWatch({
        store,
        syncId: input.syncId,
        clock,
        pollMs: input.options.cancelPollMs ?? 1000,
        onRequested: (request) => {
          t.events.cancelRequested({ requested_at: request.requestedAt, requested_by: request.requestedBy });
          input.onCancelRequested?.(request);
        },
        onPollFailed: (error) => t.events.cancelCheckFailed({ error_message: t.redactor.text(toSyncError(error).message) }),
      });
      cancel.start();
      await store.saveAttempt({ syncId: input.syncId, attempt, startedAt: new Date(started).toISOString(), finishedAt: null, status: 'running', traceId, spanId });
      t.events.pipelineStarted({ attempt, dry_run: input.options.dryRun, resumed: Boolean(existing), retry_of: input.retryOf ?? null });
      input.onStarted?.();

      let uncommitted = 0;
      let runError: SyncError | undefined;
      try {
        phase(t, 'listing_partitions', null);
        const partitions = await input.source.listPartitions();
        phase(t, 'syncing', 'listing_partitions');
        await syncPartitions(input, partitions, cancel, (delta) => (uncommitted += delta));
      } catch (error) {
        runError = toSyncError(error);
      } finally {
        cancel.stop();
      }
      phase(t, 'finalizing', 'syncing');
      await t.audit.flush();

      const partitions = await store.listPartitions(input.syncId);
      const interrupted = input.signal?.aborted === true || runError instanceof InterruptedError;
      const cancelled = cancel.requested !== null && (interrupted || unfinished(partitions));
      const status: RunStatus = cancelled ? 'cancelled' : interrupted ? 'interrupted' : deriveRunStatus(partitions, runError);
      const finished = clock.now();
      run = await summariseRun(store, run, {
        status,
        partitions,
        stats: t.stats,
        uncommitted,
        finishedAt: new Date(finished).toISOString(),
        attemptDurationMs: finished - started,
        error: runError ? { category: runError.category, message: t.redactor.text(runError.message) } : undefined,
      });
      await store.updateRun(run);
      run = { ...run, cancelRequest: cancel.requested };
      await store.saveAttempt({ syncId: input.syncId, attempt, startedAt: new Date(started).toISOString(), finishedAt: run.finishedAt, status, traceId, spanId });

      t.metrics.runs.inc({ pipeline: input.pipeline, status });
      t.metrics.runDuration.observe({ pipeline: input.pipeline }, (finished - started) / 1000);
      const fields = {
        status,
        attempt,
        records_synced: run.records.synced,
        records_failed: run.records.failed,
        records_skipped: run.records.skipped,
        records_pending: run.records.pending,
        partitions: run.partitions.total,
        duration_ms: Math.round(finished - started),
        error_category: run.errorCategory,
        error_message: run.errorMessage,
        ...(cancelled ? { cancelled_by: cancel.requested?.requestedBy ?? null } : {}),
      };
      if (status === 'succeeded' || status === 'partial') t.events.pipelineCompleted(fields);
      else {
        if (runError) {
          t.markSpanError(root, runError);
          t.metrics.errors.inc({ pipeline: input.pipeline, error_category: runError.category });
        }
        t.events.pipelineFailed(fields);
      }
      root.setAttribute(ATTR.recordsSynced, run.records.synced);
      root.setAttribute(ATTR.recordsFailed, run.records.failed);
      root.end();
      return run;
    },
  );
}

async function syncPartitions(input: RunPipelineInput, partitions: Partition[], cancel: CancelWatch, onUncommitted: (d: number) => void): Promise<void> {
  const { store, syncId } = input;
  const known = new Map((await store.listPartitions(syncId)).map((p) => [p.partitionKey, p]));
  const checkpoints = await store.getCheckpoints(syncId);
  for (const partition of partitions) {
    if (!known.has(partition.key)) {
      const row = pendingPartition(syncId, partition);
      known.set(partition.key, row);
      await store.savePartition(row);
    }
  }
  const { source } = input;
  const back = source.acknowledge ? { system: source.connector, acknowledge: source.acknowledge.bind(source) } : undefined;
  const writer = new BatchWriter(input.destination, store, input.telemetry, input.options, input.clock, back);
  const isDone = (row: PartitionRow) => row.status === 'succeeded' || row.status === 'failed';
  const progress = {
    partitionsTotal: partitions.length,
    partitionsDone: partitions.filter((p) => { const row = known.get(p.key); return row !== undefined && isDone(row); }).length,
    recordsDone: 0,
    recordsFailed: 0,
  };
  for (const row of known.values()) {
    progress.recordsDone += row.records.synced + row.records.failed + row.records.skipped;
    progress.recordsFailed += row.records.failed;
  }
  const report = () => input.onProgress?.({ ...progress });
  report();
  const deps = {
    ...input,
    writer,
    cancelled: () => cancel.check(),
    onUncommitted,
    onBatch: (records: number, failed: number) => {
      progress.recordsDone += records;
      progress.recordsFailed += failed;
      report();
    },
  };
  await mapWithConcurrency(partitions, input.options.partitionConcurrency, async (partition) => {
    const previous = known.get(partition.key);
    if (!previous || isDone(previous)) return;
    if (input.signal?.aborted || (await cancel.check())) return;
    const cursor = checkpoints.get(partition.key);
    const row = await runPartition(deps, partition, previous, cursor ?? undefined);
    if (isDone(row)) progress.partitionsDone += 1;
    report();
  });
  input.onProgress?.({ ...progress, finished: true });
}

/** Whether some partition did not finish (a cancel seen after the last batch changes nothing). */
function unfinished(partitions: PartitionRow[]): boolean {
  return partitions.some((p) => p.status !== 'succeeded' && p.status !== 'failed');
}

/** The row a partition starts as before any of its records are read. */
export function pendingPartition(syncId: string, partition: Partition): PartitionRow {
  return {
    syncId,
    partitionKey: partition.key,
    kind: partition.kind,
    status: 'pending',
    records: { synced: 0, failed: 0, skipped: 0, pending: 0 },
    batchesTotal: 0,
    batchesFailed: 0,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    errorCategory: null,
    errorMessage: null,
    recordsExpected: null,
  };
}

function phase(t: RunTelemetry, next: string, previous: string | null): void {
  t.events.phaseChanged({ phase: next, previous_phase: previous });
}

/** A resumed attempt's root span continues the first attempt's trace as a child of its root. */
function continuationOf(run: RunRow): Context {
  return trace.setSpanContext(context.active(), {
    traceId: run.traceId,
    spanId: run.rootSpanId,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}
