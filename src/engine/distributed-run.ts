import { context, SpanKind, trace } from '@opentelemetry/api';
import { toSyncError, type SyncError } from '../errors/sync-error.js';
import type { Clock } from '../ports/clock.js';
import type { Partition } from '../ports/records.js';
import type { PartitionRow, RunRow, RunStatus, RunStore } from '../ports/run-store.js';
import type { Source } from '../ports/source.js';
import { ATTR, SPAN } from '../telemetry/names.js';
import type { RunApiStats, RunTelemetry } from '../telemetry/run-telemetry.js';
import { currentTraceparent } from './partition-job.js';
import { deriveRunStatus, emptyRun, summariseRun } from './run-state.js';
import { pendingPartition } from './run-pipeline.js';

export interface StartDistributedRunInput {
  syncId: string;
  pipeline: string;
  organization?: string;
  source: Source;
  store: RunStore;
  telemetry: RunTelemetry;
  clock: Clock;
  recordedOptions: Record<string, unknown>;
  /**
   * Enqueues the run's flow (parent = the run's finalise job, children = its partitions) with the
   * root span's `traceparent`; resolves with the parent job's ID.
   */
  enqueue: (partitions: Partition[], traceparent: string, startedAtMs: number) => Promise<string>;
}

export interface StartedDistributedRun {
  run: RunRow;
  /** The flow's parent job, or null when listing partitions failed (the run is then already `failed`). */
  jobId: string | null;
  partitions: number;
  /** Ends the run's root span (after waiting for the run, or at once with `--detach`). */
  endRootSpan: (final?: RunRow) => void;
}

/**
 * The coordinator's half of a distributed run: opens the root `sync.pipeline` span, records the
 * run and its pending partitions, and hands the partitions to the queue. Workers do the rest; the
 * flow's parent job finalises the run when its last child ends (see `finaliseDistributedRun`).
 */
export async function startDistributedRun(input: StartDistributedRunInput): Promise<StartedDistributedRun> {
  const { telemetry: t, store, clock } = input;
  const started = clock.now();
  const root = t.tracer.startSpan(SPAN.pipeline, { kind: SpanKind.SERVER, attributes: t.baseAttributes({ [ATTR.attempt]: 1 }) }, context.active());
  const rootContext = trace.setSpan(context.active(), root);
  const { traceId, spanId } = root.spanContext();
  t.events = t.events.withTraceContext(traceId, spanId);
  const run = emptyRun(input, traceId, spanId, new Date(started).toISOString());
  await store.createRun(run);
  await store.saveAttempt({ syncId: input.syncId, attempt: 1, startedAt: run.startedAt, finishedAt: null, status: 'running', traceId, spanId });
  t.events.pipelineStarted({ attempt: 1, dry_run: run.options.execute !== true, resumed: false, retry_of: null, distributed: true });
  const endRootSpan = (final?: RunRow) => {
    if (final) {
      root.setAttribute(ATTR.recordsSynced, final.records.synced);
      root.setAttribute(ATTR.recordsFailed, final.records.failed);
    }
    root.end();
  };
  let partitions: Partition[];
  try {
    t.events.phaseChanged({ phase: 'listing_partitions', previous_phase: null });
    partitions = await context.with(rootContext, () => input.source.listPartitions());
  } catch (error) {
    const failed = toSyncError(error);
    t.markSpanError(root, failed);
    const final = await finaliseDistributedRun({
      syncId: input.syncId, store, telemetry: t, clock, failedJobs: new Map(), stats: t.stats,
      runError: { category: failed.category, message: t.redactor.text(failed.message) },
    });
    endRootSpan(final.run);
    return { run: final.run, jobId: null, partitions: 0, endRootSpan: () => {} };
  }
  for (const partition of partitions) await store.savePartition(pendingPartition(input.syncId, partition));
  t.events.phaseChanged({ phase: 'syncing', previous_phase: 'listing_partitions' });
  const jobId = await input.enqueue(partitions, currentTraceparent(rootContext), started);
  return { run, jobId, partitions: partitions.length, endRootSpan };
}

export interface FinaliseDistributedRunInput {
  syncId: string;
  store: RunStore;
  telemetry: RunTelemetry;
  clock: Clock;
  /** Partitions whose job exhausted its attempts, with the last error (they end `failed`). */
  failedJobs: Map<string, string>;
  /** The API counts of every partition job, summed. */
  stats: RunApiStats;
  runError?: { category: SyncError['category']; message: string };
}

/**
 * The run-finalise job: runs once the flow's last child completed or failed. Sets the run's final
 * status and counts from the store. A second delivery (the finalising worker died after writing)
 * finds the run finished and changes nothing, so the caller writes reports only when `finalised`.
 */
export async function finaliseDistributedRun(input: FinaliseDistributedRunInput): Promise<{ run: RunRow; finalised: boolean }> {
  const { store, telemetry: t, clock } = input;
  const current = await store.getRun(input.syncId);
  if (!current) throw new Error(`run ${input.syncId} is not in the run store`);
  if (current.status !== 'running') return { run: current, finalised: false };
  t.events = t.events.withTraceContext(current.traceId, current.rootSpanId);
  t.events.phaseChanged({ phase: 'finalizing', previous_phase: 'syncing' });
  for (const row of await store.listPartitions(input.syncId)) {
    const reason = input.failedJobs.get(row.partitionKey);
    if (reason === undefined || row.status === 'succeeded' || row.status === 'failed') continue;
    await store.savePartition({ ...row, status: 'failed', errorCategory: 'INTERNAL', errorMessage: t.redactor.text(reason), finishedAt: new Date(clock.now()).toISOString() });
  }
  const partitions = await store.listPartitions(input.syncId);
  const status: RunStatus = deriveRunStatus(partitions, input.runError ? toSyncError(new Error(input.runError.message)) : undefined);
  const finishedMs = clock.now();
  const attemptDurationMs = finishedMs - Date.parse(current.startedAt);
  const run = await summariseRun(store, current, {
    status,
    partitions,
    stats: input.stats,
    uncommitted: 0,
    finishedAt: new Date(finishedMs).toISOString(),
    attemptDurationMs,
    error: input.runError,
  });
  await store.updateRun(run);
  await store.saveAttempt({ syncId: input.syncId, attempt: 1, startedAt: current.startedAt, finishedAt: run.finishedAt, status, traceId: current.traceId, spanId: current.rootSpanId });
  t.metrics.runs.inc({ pipeline: run.pipeline, status });
  t.metrics.runDuration.observe({ pipeline: run.pipeline }, attemptDurationMs / 1000);
  const fields = {
    status,
    attempt: 1,
    records_synced: run.records.synced,
    records_failed: run.records.failed,
    records_skipped: run.records.skipped,
    records_pending: run.records.pending,
    partitions: run.partitions.total,
    duration_ms: Math.round(attemptDurationMs),
    error_category: run.errorCategory,
    error_message: run.errorMessage,
    distributed: true,
  };
  if (status === 'succeeded' || status === 'partial') t.events.pipelineCompleted(fields);
  else t.events.pipelineFailed(fields);
  return { run, finalised: true };
}
