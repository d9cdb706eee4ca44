import { hostname } from 'node:os';
import type { Job } from 'bullmq';
import { isOrdersPipeline, type PipelineConfig } from '../config/pipeline-schema.js';
import { requiredCredentialsOf } from '../config/credentials.js';
import { BufferedAuditSink } from '../engine/buffered-audit-sink.js';
import { finaliseDistributedRun, startDistributedRun } from '../engine/distributed-run.js';
import { runPartitionJob, type PartitionJobResult } from '../engine/partition-job.js';
import { newSyncId } from '../engine/sync-id.js';
import { SyncError } from '../errors/sync-error.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Destination } from '../ports/destination.js';
import type { MutationLock } from '../ports/mutation-lock.js';
import type { RunRow, RunStore } from '../ports/run-store.js';
import { BullmqRunQueue, PARTITIONS_QUEUE, type FailedPartition, type PartitionJob, type RunJobData, type RunJobResult } from '../queue/bullmq-partition-queue.js';
import { writeSyncReports } from '../reports/report-writer.js';
import { DEFAULT_RETRY_POLICY } from '../scheduling/retry-policy.js';
import { Redactor } from '../telemetry/redaction.js';
import { RunTelemetry, type RunApiStats } from '../telemetry/run-telemetry.js';
import { githubConnectors } from './github-connectors.js';
import { ordersConnectors } from './orders-connectors.js';
import type { PipelineConnectors } from './pipeline-connectors.js';
import { RateLimitRecorder } from './rate-limit-recorder.js';
import { tokenIdOf } from './run-sync.js';
import type { Runtime } from './runtime.js';
import { SchedulerPool } from './scheduler-pool.js';

/** This process in events, spans and BullMQ's worker name: host and PID unless told otherwise. */
export function defaultWorkerId(): string {
  return process.env.SYNCSCOPE_WORKER_ID ?? `${hostname()}-${process.pid}`;
}

interface RunParts {
  telemetry: RunTelemetry;
  connectors: PipelineConnectors;
  destination: Destination;
  rateLimits: RateLimitRecorder;
}

/**
 * Who builds a run's parts: the coordinator lists (and an order table claims) the run's rows once;
 * a worker reads what was claimed (a resume, for the source) and writes under the shared lock.
 */
type Role = { kind: 'coordinator' } | { kind: 'worker'; mutationLock?: MutationLock; signal?: AbortSignal };

/**
 * The connectors and telemetry of one run in this process (the coordinator, or a worker for one
 * partition job). Same wiring as `runSync`: tokens read from the environment here, never from the job.
 */
function runParts(runtime: Runtime, config: PipelineConfig, store: RunStore, syncId: string, execute: boolean, schedulers: SchedulerPool, clock: Clock, role: Role): RunParts {
  const { token, sourceUrl } = requiredCredentialsOf(config);
  const redactor = new Redactor({
    secretKeys: config.audit.secret_keys,
    knownSecrets: [token, sourceUrl].filter((x): x is string => Boolean(x)),
    maxBodyBytes: config.audit.max_body_bytes,
  });
  const telemetry: RunTelemetry = new RunTelemetry({
    syncId,
    pipeline: config.pipeline.name,
    tracer: runtime.tracer,
    metrics: runtime.metrics,
    events: runtime.eventsFor(syncId, config.pipeline.name, redactor),
    redactor,
    audit: new BufferedAuditSink(store, (error, dropped) =>
      telemetry.events.auditWriteFailed({ dropped_rows: dropped, error_message: error instanceof Error ? error.message : String(error) }),
    ),
  });
  const rateLimits = new RateLimitRecorder({ store, syncId, connector: () => connectors.connector, now: () => clock.now(), onWriteFailed: () => undefined });
  const tokenId = tokenIdOf(token);
  const scheduler = schedulers.forRun(tokenId, config.api, clock, {
    onWait: (notice) => telemetry.recordWait(connectors.connector, notice),
    onObserve: (observation) => rateLimits.observe(observation),
    // Kept with the run like a one-process run's; workers share live holds through Redis.
    onHold: (hold) => void rateLimits.hold(hold.key.resource, hold.untilMs, hold.reason),
  });
  const worker = role.kind === 'worker' ? role : undefined;
  const context = {
    token, tokenId, scheduler, telemetry, redactor, clock, execute, sourceUrl,
    // Only the coordinator claims an order table's pending rows (once, for the whole run); every
    // partition job reads the rows claimed for this sync ID, as a resumed run does.
    resume: worker !== undefined,
    signal: worker?.signal,
    mutationLock: worker?.mutationLock,
  };
  const connectors: PipelineConnectors = isOrdersPipeline(config) ? ordersConnectors(config, context) : githubConnectors(config, context);
  const destination = connectors.destination ?? {
    name: 'dry run',
    writeBatch: () => Promise.reject(new SyncError('INTERNAL', 'a dry run must not write')),
    close: () => Promise.resolve(),
  };
  return { telemetry, connectors, destination, rateLimits };
}

export interface DistributedSyncRequest {
  config: PipelineConfig;
  store: RunStore;
  queue: BullmqRunQueue;
  execute: boolean;
  extraOptions?: Record<string, unknown>;
  clock?: Clock;
  syncId?: string;
  /** The token's scheduler: the shared budget in Redis, so the partition listing counts in it (default: this process's own). */
  schedulers?: SchedulerPool;
}

export interface EnqueuedSync {
  run: RunRow;
  jobId: string | null;
  partitions: number;
  endRootSpan: (final?: RunRow) => void;
}

/** `run --distributed`: records the run, lists its partitions and enqueues them as one flow. */
export async function enqueueDistributedSync(runtime: Runtime, request: DistributedSyncRequest): Promise<EnqueuedSync> {
  const clock = request.clock ?? systemClock;
  const { config, store } = request;
  const syncId = request.syncId ?? newSyncId(new Date(clock.now()));
  const parts = runParts(runtime, config, store, syncId, request.execute, request.schedulers ?? new SchedulerPool(), clock, { kind: 'coordinator' });
  try {
    return await startDistributedRun({
      syncId,
      pipeline: config.pipeline.name,
      organization: config.pipeline.organization,
      source: parts.connectors.source,
      store,
      telemetry: parts.telemetry,
      clock,
      recordedOptions: { execute: request.execute, distributed: true, ...parts.connectors.recordedOptions, batch_size: config.options.batch_size, ...request.extraOptions },
      enqueue: (partitions, traceparent, startedAtMs) => {
        const shared = { syncId, traceparent, enqueuedAtMs: clock.now(), config, execute: request.execute };
        return request.queue.enqueueRun(
          { syncId, config, execute: request.execute, traceparent, enqueuedAtMs: startedAtMs },
          partitions.map((partition) => ({ ...shared, partition })),
        );
      },
    });
  } finally {
    await parts.telemetry.audit.flush();
    await parts.rateLimits.flush();
    await parts.connectors.source.close();
  }
}

export interface WorkerContext {
  runtime: Runtime;
  workerId: string;
  /** Opens (and caches) the run store a pipeline config names. */
  storeFor: (config: PipelineConfig) => Promise<RunStore>;
  /** One scheduler pool per process, shared by every job on the same token. */
  schedulers: SchedulerPool;
  /** Serialises writes to one destination resource (a Monday board) across every worker. */
  mutationLock?: MutationLock;
  clock?: Clock;
}

/** A partition job on a worker: the partition synced from its checkpoint on. */
export async function processPartitionJob(ctx: WorkerContext, job: Job<PartitionJob, PartitionJobResult>, signal: AbortSignal): Promise<PartitionJobResult> {
  const clock = ctx.clock ?? systemClock;
  const config = job.data.config as PipelineConfig;
  const store = await ctx.storeFor(config);
  const parts = runParts(ctx.runtime, config, store, job.data.syncId, job.data.execute, ctx.schedulers, clock, { kind: 'worker', mutationLock: ctx.mutationLock, signal });
  parts.telemetry.events = parts.telemetry.events.withWorker(ctx.workerId);
  try {
    const row = await runPartitionJob(
      {
        source: parts.connectors.source,
        destination: parts.destination,
        store,
        telemetry: parts.telemetry,
        clock,
        signal,
        options: { batchSize: config.options.batch_size, partitionConcurrency: 1, dryRun: !job.data.execute, writeRetry: DEFAULT_RETRY_POLICY },
      },
      job.data,
      { jobId: job.id ?? '', queueName: PARTITIONS_QUEUE, attempt: job.attemptsMade + 1, workerId: ctx.workerId },
    );
    return { partitionKey: row.partitionKey, status: row.status, api: { ...parts.telemetry.stats } };
  } finally {
    await parts.telemetry.audit.flush();
    await parts.rateLimits.flush();
    await parts.destination.close();
    await parts.connectors.source.close();
  }
}

/** The flow's parent on a worker: the run's final status, then its reports (only the first time). */
export async function processRunJob(ctx: WorkerContext, job: Job<RunJobData, RunJobResult>, children: PartitionJobResult[], failed: FailedPartition[]): Promise<RunJobResult> {
  const clock = ctx.clock ?? systemClock;
  const config = job.data.config as PipelineConfig;
  const store = await ctx.storeFor(config);
  const parts = runParts(ctx.runtime, config, store, job.data.syncId, job.data.execute, ctx.schedulers, clock, { kind: 'worker', mutationLock: ctx.mutationLock });
  parts.telemetry.events = parts.telemetry.events.withWorker(ctx.workerId);
  try {
    const failedJobs = new Map(failed.map((f) => [f.partitionKey, f.reason]));
    const { run, finalised } = await finaliseDistributedRun({ syncId: job.data.syncId, store, telemetry: parts.telemetry, clock, failedJobs, stats: sumStats(children) });
    if (finalised) {
      parts.telemetry.events.phaseChanged({ phase: 'reporting', previous_phase: 'finalizing' });
      try {
        await writeSyncReports(store, run.syncId, {
          reportsDir: config.reports.dir,
          grafanaUrl: ctx.runtime.options.env.grafanaUrl,
          serviceName: ctx.runtime.options.env.serviceName,
          redact: (text: string) => parts.telemetry.redactor.text(text),
          // An order table's pending and failed rows per customer, as an in-process run reports them.
          partitionRows: parts.connectors.source.describeRows?.bind(parts.connectors.source),
          onWritten: ({ path, files }) => parts.telemetry.events.reportWritten(files === undefined ? { path } : { path, files }),
        });
      } catch (error) {
        parts.telemetry.events.reportFailed({ reports_dir: config.reports.dir, error_message: parts.telemetry.redactor.text(error instanceof Error ? error.message : String(error)) });
      }
    }
    return { syncId: run.syncId, status: run.status };
  } finally {
    await parts.connectors.source.close();
    await parts.destination.close();
  }
}

function sumStats(children: PartitionJobResult[]): RunApiStats {
  const total: RunApiStats = { requests: 0, retries: 0, rateLimitWaits: 0, rateLimitWaitSeconds: 0, rateLimitRejections: 0, apiTimeMs: 0, destinationTimeMs: 0 };
  for (const child of children) for (const key of Object.keys(total) as (keyof RunApiStats)[]) (total[key] as number) += (child.api[key] as number) ?? 0;
  return total;
}
