import { ERROR_CATEGORIES, isRetryableCategory } from '../errors/sync-error.js';
import type { RecordStatus } from '../ports/records.js';
import type { WaitReason } from '../ports/request-scheduler.js';
import type { RunStatus } from '../ports/run-store.js';
import type { SyncMetrics } from './metrics.js';

/*
 * prom-client creates a labelled series on its first increment. Until then a panel shows
 * "No data" instead of 0, `increase()` cannot see the first increment (a series that appears
 * at 1 has not increased), and a pipeline that fails before its first record is missing from
 * the dashboards' pipeline list. Every bounded label set is therefore created at 0 as soon as its
 * unbounded part (pipeline, connector, resource) is known.
 */

/** Every status a run ends in; a Record so a new RunStatus cannot be forgotten here. */
const FINAL_RUN_STATUSES: Record<Exclude<RunStatus, 'running'>, true> = { succeeded: true, partial: true, failed: true, interrupted: true, cancelled: true };
const FINAL_RECORD_STATUSES: Record<Exclude<RecordStatus, 'pending'>, true> = { synced: true, failed: true, skipped: true };
const BATCH_STATUSES = ['success', 'failure'] as const;
const WAIT_REASONS: Record<WaitReason, true> = { primary: true, secondary: true, retry_after: true, pacing: true };
/** What cannot be delivered: spans, log records, a metrics push. */
export const TELEMETRY_SIGNALS = ['traces', 'logs', 'metrics'] as const;
export type TelemetrySignal = (typeof TELEMETRY_SIGNALS)[number];

/** Label sets already created per registry: `zero()` would wipe a histogram's observations. */
const created = new WeakMap<SyncMetrics, Set<string>>();

function once(metrics: SyncMetrics, key: string, create: () => void): void {
  let done = created.get(metrics);
  if (!done) created.set(metrics, (done = new Set()));
  if (done.has(key)) return;
  done.add(key);
  create();
}

/** Series of the process itself, present from its start. */
export function initialiseProcessSeries(metrics: SyncMetrics): void {
  for (const signal of TELEMETRY_SIGNALS) metrics.telemetryExportFailures.inc({ signal }, 0);
}

/** Series of a pipeline, created when a run of it starts. */
export function initialisePipelineSeries(metrics: SyncMetrics, pipeline: string): void {
  once(metrics, `pipeline\0${pipeline}`, () => createPipelineSeries(metrics, pipeline));
}

function createPipelineSeries(metrics: SyncMetrics, pipeline: string): void {
  for (const status of Object.keys(FINAL_RUN_STATUSES)) metrics.runs.inc({ pipeline, status }, 0);
  for (const status of Object.keys(FINAL_RECORD_STATUSES)) metrics.records.inc({ pipeline, status }, 0);
  for (const status of BATCH_STATUSES) metrics.batches.inc({ pipeline, status }, 0);
  for (const category of ERROR_CATEGORIES) metrics.errors.inc({ pipeline, error_category: category }, 0);
  metrics.partitionsInProgress.inc({ pipeline }, 0);
  metrics.runDuration.zero({ pipeline });
  metrics.batchDuration.zero({ pipeline });
}

/** Series of an API connector, created when a run builds its client. */
export function initialiseConnectorSeries(metrics: SyncMetrics, connector: string): void {
  once(metrics, `connector\0${connector}`, () => createConnectorSeries(metrics, connector));
}

function createConnectorSeries(metrics: SyncMetrics, connector: string): void {
  for (const reason of Object.keys(WAIT_REASONS)) {
    metrics.rateLimitWaits.inc({ connector, reason }, 0);
    metrics.rateLimitWaitSeconds.inc({ connector, reason }, 0);
  }
  // Only retryable categories are ever retried.
  for (const category of ERROR_CATEGORIES.filter(isRetryableCategory)) metrics.retries.inc({ connector, error_category: category }, 0);
  metrics.apiRequestsInFlight.inc({ connector }, 0);
}

/** Series of a rate-limit resource, created when an API first reports it. */
export function initialiseResourceSeries(metrics: SyncMetrics, connector: string, resource: string): void {
  once(metrics, `resource\0${connector}\0${resource}`, () => metrics.rateLimitRejections.inc({ connector, resource }, 0));
}

/** How one delivery of a queued job ends on a worker. */
export const JOB_END_STATUSES = ['completed', 'failed', 'released'] as const;
export type JobEndStatus = (typeof JOB_END_STATUSES)[number];

/** Series of a worker's queues, created when it starts consuming them. */
export function initialiseQueueSeries(metrics: SyncMetrics, queues: readonly string[]): void {
  for (const queue of queues) {
    once(metrics, `queue\0${queue}`, () => {
      metrics.queueWait.zero({ queue });
      for (const status of JOB_END_STATUSES) metrics.jobDuration.zero({ queue, status });
    });
  }
}
