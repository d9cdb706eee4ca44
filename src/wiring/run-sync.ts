import { createHash } from 'node:crypto';
import { isOrdersPipeline, type GithubSourceMode, type PipelineConfig } from '../config/pipeline-schema.js';
import { BufferedAuditSink } from '../engine/buffered-audit-sink.js';
import { DEFAULT_RETRY_POLICY } from '../scheduling/retry-policy.js';
import { runPipeline } from '../engine/run-pipeline.js';
import { newSyncId } from '../engine/sync-id.js';
import { SyncError, UsageError } from '../errors/sync-error.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Destination } from '../ports/destination.js';
import type { RunRow, RunStore } from '../ports/run-store.js';
import type { HoldInForce } from '../reports/holds-in-force.js';
import type { PartitionRowsReader } from '../reports/customer-report.js';
import { writeSyncReports, type ReportWritten } from '../reports/report-writer.js';
import { Redactor } from '../telemetry/redaction.js';
import { RunTelemetry } from '../telemetry/run-telemetry.js';
import type { PipelineConnectors, PipelineContext, PlannedContainer } from './pipeline-connectors.js';
import { assertSameReadOptions, READ_OPTIONS_KEY } from './resume-check.js';
import { withGithubMode } from './github-mode.js';
import { HeldRunLease } from './run-lease.js';
import { RateLimitRecorder } from './rate-limit-recorder.js';
import { restoreHolds } from './restored-holds.js';
import type { Runtime } from './runtime.js';
import { SchedulerPool } from './scheduler-pool.js';
import { durationMs } from '../config/durations.js';

export interface SyncRequest {
  config: PipelineConfig;
  store: RunStore;
  /** The API token, already read from the environment variable the config names. */
  token?: string;
  /** A database source's connection string (orders on PostgreSQL), read from the variable the config names. */
  sourceUrl?: string;
  /** Write to the destination; without it the run is dry and every record ends `skipped`. */
  execute: boolean;
  /** Resume this interrupted sync from its checkpoints. */
  resume?: string;
  /** Re-run only the records that failed in this sync, as a new sync linked to it. */
  retryFailed?: string;
  /** GitHub `--mode`: overrides `source.mode`; on a resume, differing from the recorded mode is refused. */
  mode?: GithubSourceMode;
  /** Recorded with the run, e.g. the demo's simulator settings, so a resume can rebuild them. */
  extraOptions?: Record<string, unknown>;
  signal?: AbortSignal;
  clock?: Clock;
  /** The sync ID to run as (the service assigns it when the job is accepted); new by default. */
  syncId?: string;
  /**
   * The process's schedulers, one per token, shared by every run in the process (the service);
   * by default a pool of this run alone (one CLI run per process).
   */
  schedulers?: SchedulerPool;
}

/**
 * The final run row, the executive summary written for it (null if reports could not be written)
 * and, for pipelines that say, what the run read per container (the dry run's planned work).
 */
export type SyncedRun = RunRow & { reportPath: string | null; plan?: PlannedContainer[] };

/**
 * Wires one run: connectors, scheduler, telemetry and store, then the engine, then the report
 * folder (phase `reporting`), which is written whatever the run's outcome: failed and interrupted
 * runs are the ones an on-call reads reports of.
 */
export async function runSync(runtime: Runtime, request: SyncRequest): Promise<SyncedRun> {
  const { store } = request;
  const clock = request.clock ?? systemClock;
  const resumed = request.resume ? await assertResumable(store, request.resume) : undefined;
  const config = withGithubMode(request.config, request.mode, resumed);
  const onlyRecordKeys = request.retryFailed ? await failedRecordKeys(store, request.retryFailed) : undefined;
  const syncId = request.resume ?? request.syncId ?? newSyncId(new Date(clock.now()));
  // audit.body_retention: older runs' bodies go, their audit rows stay. Best effort: a store too
  // busy for it now is cleared by the next run (or `prune`), and must not fail this one.
  await store.dropApiCallBodiesBefore(new Date(clock.now() - durationMs(config.audit.body_retention)).toISOString()).catch(() => 0);

  const redactor = new Redactor({
    secretKeys: config.audit.secret_keys,
    knownSecrets: [request.token, ...secretsOfUrl(request.sourceUrl)].filter((x): x is string => Boolean(x)),
    maxBodyBytes: config.audit.max_body_bytes,
  });
  const telemetry = new RunTelemetry({
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
  const rateLimits = new RateLimitRecorder({
    store,
    syncId,
    connector: () => connectors.connector,
    now: () => clock.now(),
    onWriteFailed: (error, rows) => telemetry.events.auditWriteFailed({
      table: 'run_rate_limits',
      dropped_rows: 0,
      pending_rows: rows,
      error_message: error instanceof Error ? error.message : String(error),
    }),
  });
  const tokenId = tokenIdOf(request.token);
  const scheduler = (request.schedulers ?? new SchedulerPool()).forRun(tokenId, config.api, clock, {
    onWait: (notice) => telemetry.recordWait(connectors.connector, notice),
    onObserve: (observation) => rateLimits.observe(observation),
    onHold: (hold) => void rateLimits.hold(hold.key.resource, hold.untilMs, hold.reason),
  });
  // A cancel request (seen by the engine) also ends the connectors' waits, e.g. for a reset an hour away.
  const cancelled = new AbortController();
  const connectorSignal = request.signal ? AbortSignal.any([request.signal, cancelled.signal]) : cancelled.signal;
  const context = {
    token: request.token,
    tokenId,
    scheduler,
    telemetry,
    redactor,
    clock,
    execute: request.execute,
    resume: Boolean(request.resume),
    sourceUrl: request.sourceUrl,
    signal: connectorSignal,
  };
  const connectors = await connectorsFor(config, context);
  const { source } = connectors;
  let lease: HeldRunLease;
  // The holds this run must wait out: its own earlier attempt's (a resume), or those of the sync
  // whose failures it re-runs (a retry starts under the same token's limits). Announced once the
  // run has started (inside its span, after sync.pipeline.started).
  const heldBy = resumed ? syncId : request.retryFailed;
  let restoredHolds: HoldInForce[] = [];
  try {
    if (resumed) assertSameReadOptions(resumed, connectors.readOptions, connectors.readOptionsBeforeRecorded);
    if (heldBy) restoredHolds = await restoreHolds({ store, syncId: heldBy, tokenId, scheduler, now: () => clock.now() });
    lease = await HeldRunLease.acquire(store, syncId, clock, {
      onHeartbeatFailed: (error) => telemetry.events.auditWriteFailed({
        table: 'run_leases',
        dropped_rows: 0,
        error_message: error instanceof Error ? error.message : String(error),
      }),
    });
  } catch (error) {
    await source.close();
    await connectors.destination?.close();
    throw error;
  }
  const destination: Destination = connectors.destination ?? dryRunDestination(config.destination.type);
  let run: RunRow;
  try {
    run = await runPipeline({
      syncId,
      pipeline: config.pipeline.name,
      organization: config.pipeline.organization,
      source,
      destination,
      store,
      telemetry,
      clock,
      signal: request.signal,
      onCancelRequested: () => cancelled.abort(new Error('cancel requested')),
      onStarted: () => {
        for (const hold of restoredHolds) {
          telemetry.events.apiHoldRestored({
            connector: hold.connector,
            resource: hold.resource,
            reason: hold.reason,
            held_until: new Date(hold.untilMs).toISOString(),
            wait_seconds: Number(((hold.untilMs - clock.now()) / 1000).toFixed(3)),
          });
        }
      },
      onProgress: runtime.onProgress,
      resume: Boolean(request.resume),
      retryOf: request.retryFailed,
      options: {
        batchSize: config.options.batch_size,
        partitionConcurrency: config.options.partition_concurrency,
        dryRun: !request.execute,
        writeRetry: DEFAULT_RETRY_POLICY,
        onlyRecordKeys,
      },
      recordedOptions: {
        execute: request.execute,
        ...connectors.recordedOptions,
        [READ_OPTIONS_KEY]: connectors.readOptions,
        batch_size: config.options.batch_size,
        partition_concurrency: config.options.partition_concurrency,
        ...request.extraOptions,
      },
    });
  } catch (error) {
    await source.close();
    throw error;
  } finally {
    await rateLimits.flush();
    await destination.close();
    // Left behind, the lease goes stale in 30 s (or at once: this pid will be dead); say so.
    await lease.release().catch((error: unknown) => telemetry.events.auditWriteFailed({
      table: 'run_leases',
      dropped_rows: 0,
      error_message: error instanceof Error ? error.message : String(error),
    }));
  }
  runtime.lastRun = { syncId: run.syncId, pipeline: run.pipeline, traceId: run.traceId };
  try {
    // The source stays open for its partitions' reports (an order table's pending and failed rows).
    const rows = source.describeRows?.bind(source);
    const reportPath = await writeReports(runtime, telemetry, store, config, request.retryFailed, rows);
    return { ...run, reportPath, ...(connectors.plan ? { plan: connectors.plan() } : {}) };
  } finally {
    await source.close();
  }
}

/**
 * A report that cannot be written is recorded, not thrown: the sync itself is done and stored.
 * A retry also rewrites the original sync's reports, so they point to it ("retried by").
 */
async function writeReports(
  runtime: Runtime,
  t: RunTelemetry,
  store: RunStore,
  config: PipelineConfig,
  retryOf: string | undefined,
  partitionRows: PartitionRowsReader | undefined,
): Promise<string | null> {
  t.events.phaseChanged({ phase: 'reporting', previous_phase: 'finalizing' });
  const options = {
    reportsDir: config.reports.dir,
    grafanaUrl: runtime.options.env.grafanaUrl,
    serviceName: runtime.options.env.serviceName,
    redact: (text: string) => t.redactor.text(text),
    onWritten: ({ path, files }: ReportWritten) => t.events.reportWritten(files === undefined ? { path } : { path, files }),
    partitionRows,
  };
  try {
    const written = await writeSyncReports(store, t.syncId, options);
    if (retryOf) await writeSyncReports(store, retryOf, options);
    return written?.summaryMarkdown ?? null;
  } catch (error) {
    t.events.reportFailed({ reports_dir: config.reports.dir, error_message: t.redactor.text(error instanceof Error ? error.message : String(error)) });
    return null;
  }
}

/** Budgets are per token; the ID is a hash so the token itself is never kept. */
export function tokenIdOf(token: string | undefined): string {
  return token ? `token-${createHash('sha256').update(token).digest('hex').slice(0, 12)}` : 'anonymous';
}

/** A connection string and the password in it: both are secrets the redactor must know. */
function secretsOfUrl(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? [url, password] : [url];
  } catch {
    return [url];
  }
}

async function assertResumable(store: RunStore, syncId: string): Promise<RunRow> {
  const run = await store.getRun(syncId);
  if (!run) throw new UsageError(`no run ${syncId} in the run store`);
  if (run.status === 'succeeded') throw new UsageError(`run ${syncId} already succeeded; nothing to resume`);
  return run;
}

async function failedRecordKeys(store: RunStore, syncId: string): Promise<Set<string>> {
  const run = await store.getRun(syncId);
  if (!run) throw new UsageError(`no run ${syncId} in the run store`);
  const failed = await store.listRecordStates(syncId, { status: 'failed', limit: 1_000_000 });
  if (failed.length === 0) throw new UsageError(`run ${syncId} has no failed records to retry`);
  return new Set(failed.map((r) => r.recordKey));
}

function dryRunDestination(type: string): Destination {
  return {
    name: `${type} (dry run)`,
    writeBatch: () => Promise.reject(new SyncError('INTERNAL', 'a dry run must not write')),
    close: () => Promise.resolve(),
  };
}

/**
 * The pipeline's adapters, each family imported when a run needs it: a GitHub sync never loads
 * kysely, pg or the Monday client (about a third of the modules the demo loaded before its first
 * request), an orders sync never loads octokit.
 */
async function connectorsFor(config: PipelineConfig, context: PipelineContext): Promise<PipelineConnectors> {
  if (isOrdersPipeline(config)) return (await import('./orders-connectors.js')).ordersConnectors(config, context);
  return (await import('./github-connectors.js')).githubConnectors(config, context);
}
