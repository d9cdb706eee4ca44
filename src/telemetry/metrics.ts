import { Counter, Gauge, Histogram, Registry, type LabelValues, type RegistryContentType } from 'prom-client';
import type { ErrorCategory } from '../errors/sync-error.js';
import { initialiseProcessSeries } from './metric-series.js';
import { prepareRendering } from './metrics-render.js';

/**
 * Every Prometheus metric Syncscope exports. Labels are bounded on purpose: never a sync ID, a
 * record key or a URL with IDs. Per-sync detail lives in traces, logs and the run store.
 */
export interface SyncMetrics {
  readonly registry: Registry<RegistryContentType>;
  /** Whether histograms take trace exemplars (OpenMetrics). */
  readonly exemplars: boolean;
  readonly runs: Counter<'pipeline' | 'status'>;
  readonly runDuration: Histogram<'pipeline'>;
  readonly records: Counter<'pipeline' | 'status'>;
  readonly batches: Counter<'pipeline' | 'status'>;
  readonly batchDuration: Histogram<'pipeline'>;
  readonly apiRequests: Counter<'connector' | 'operation' | 'status_class' | 'error_category'>;
  readonly apiRequestDuration: Histogram<'connector' | 'operation'>;
  readonly apiCostPoints: Counter<'connector' | 'operation'>;
  readonly apiRequestsInFlight: Gauge<'connector'>;
  readonly rateLimitRemaining: Gauge<'connector' | 'resource'>;
  readonly rateLimitLimit: Gauge<'connector' | 'resource'>;
  readonly rateLimitReset: Gauge<'connector' | 'resource'>;
  readonly rateLimitWaits: Counter<'connector' | 'reason'>;
  readonly rateLimitWaitSeconds: Counter<'connector' | 'reason'>;
  readonly rateLimitRejections: Counter<'connector' | 'resource'>;
  readonly retries: Counter<'connector' | 'error_category'>;
  readonly errors: Counter<'pipeline' | 'error_category'>;
  readonly partitionsInProgress: Gauge<'pipeline'>;
  readonly queueJobs: Gauge<'state'>;
  /** Enqueued → a worker started the job's first attempt (distributed mode). */
  readonly queueWait: Histogram<'queue'>;
  /** One delivery of a job on this worker, by how it ended (completed, failed, released). */
  readonly jobDuration: Histogram<'queue' | 'status'>;
  readonly telemetryExportFailures: Counter<'signal'>;
}

const API_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60];
/** Queue waits and job runs: from a free worker's milliseconds to a backlog's minutes. */
const QUEUE_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600];
const RUN_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200];

/** `none` is the label value for "no error", so every series has the same label set. */
export type ErrorCategoryLabel = ErrorCategory | 'none';

/** `2xx`..`5xx`, or `error` when no response arrived (network error, timeout). */
export function statusClass(status: number | null | undefined): string {
  if (status === null || status === undefined || status < 100) return 'error';
  return `${Math.floor(status / 100)}xx`;
}

export function createSyncMetrics(options: { exemplars?: boolean } = {}): SyncMetrics {
  const registry = new Registry<RegistryContentType>();
  const enableExemplars = options.exemplars ?? true;
  if (enableExemplars) registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const registers = [registry];
  const metrics: SyncMetrics = {
    registry,
    exemplars: enableExemplars,
    runs: new Counter({
      name: 'sync_runs_total',
      help: 'Sync runs finished, by pipeline and final status.',
      labelNames: ['pipeline', 'status'],
      registers,
    }),
    runDuration: new Histogram({
      name: 'sync_run_duration_seconds',
      help: 'Wall time of finished sync runs.',
      labelNames: ['pipeline'],
      buckets: RUN_BUCKETS,
      registers,
    }),
    records: new Counter({
      name: 'sync_records_total',
      help: 'Records that reached a final state, by status (synced, failed, skipped).',
      labelNames: ['pipeline', 'status'],
      registers,
    }),
    batches: new Counter({
      name: 'sync_batches_total',
      help: 'Record batches written, by outcome (success, failure).',
      labelNames: ['pipeline', 'status'],
      registers,
    }),
    batchDuration: new Histogram({
      name: 'sync_batch_duration_seconds',
      help: 'Time to write one batch to the destination, retries included.',
      labelNames: ['pipeline'],
      buckets: BATCH_BUCKETS,
      registers,
    }),
    apiRequests: new Counter({
      name: 'sync_api_requests_total',
      help: 'API call attempts, by connector, operation, status class and error category.',
      labelNames: ['connector', 'operation', 'status_class', 'error_category'],
      registers,
    }),
    apiCostPoints: new Counter({
      name: 'sync_api_cost_points_total',
      help: 'Points the API said its calls cost (GraphQL rateLimit.cost), by connector and operation (a fixed set of query names).',
      labelNames: ['connector', 'operation'],
      registers,
    }),
    apiRequestDuration: new Histogram({
      name: 'sync_api_request_duration_seconds',
      help: 'Duration of one API call attempt; exemplars carry the trace ID.',
      labelNames: ['connector', 'operation'],
      buckets: API_BUCKETS,
      enableExemplars,
      registers,
    }),
    apiRequestsInFlight: new Gauge({
      name: 'sync_api_requests_in_flight',
      help: 'API calls currently in flight per connector (GitHub allows at most 100 concurrent).',
      labelNames: ['connector'],
      registers,
    }),
    rateLimitRemaining: new Gauge({
      name: 'sync_api_rate_limit_remaining',
      help: 'Requests or points left in the current rate-limit window, as last reported by the API.',
      labelNames: ['connector', 'resource'],
      registers,
    }),
    rateLimitLimit: new Gauge({
      name: 'sync_api_rate_limit_limit',
      help: 'Size of the rate-limit window budget, as last reported by the API.',
      labelNames: ['connector', 'resource'],
      registers,
    }),
    rateLimitReset: new Gauge({
      name: 'sync_api_rate_limit_reset_timestamp_seconds',
      help: 'Unix time at which the rate-limit window resets.',
      labelNames: ['connector', 'resource'],
      registers,
    }),
    rateLimitWaits: new Counter({
      name: 'sync_api_rate_limit_waits_total',
      help: 'Times the scheduler waited for a rate limit (primary, secondary, retry_after, pacing).',
      labelNames: ['connector', 'reason'],
      registers,
    }),
    rateLimitWaitSeconds: new Counter({
      name: 'sync_api_rate_limit_wait_seconds_total',
      help: 'Seconds spent waiting for rate limits.',
      labelNames: ['connector', 'reason'],
      registers,
    }),
    rateLimitRejections: new Counter({
      name: 'sync_api_rate_limit_rejections_total',
      help: 'Responses rejected by a primary rate limit (the budget was overdrawn).',
      labelNames: ['connector', 'resource'],
      registers,
    }),
    retries: new Counter({
      name: 'sync_api_retries_total',
      help: 'API call retries, by the error category that caused them.',
      labelNames: ['connector', 'error_category'],
      registers,
    }),
    errors: new Counter({
      name: 'sync_errors_total',
      help: 'Errors that failed a record, batch, partition or run, by category.',
      labelNames: ['pipeline', 'error_category'],
      registers,
    }),
    partitionsInProgress: new Gauge({
      name: 'sync_partitions_in_progress',
      help: 'Partitions (repos, customers) being synced right now.',
      labelNames: ['pipeline'],
      registers,
    }),
    queueJobs: new Gauge({
      name: 'sync_queue_jobs',
      help: 'Jobs in the distributed queue, by state.',
      labelNames: ['state'],
      registers,
    }),
    queueWait: new Histogram({
      name: 'sync_queue_wait_seconds',
      help: 'Time a distributed job waited in its queue: enqueued until a worker started its first attempt.',
      labelNames: ['queue'],
      buckets: QUEUE_BUCKETS,
      registers,
    }),
    jobDuration: new Histogram({
      name: 'sync_job_duration_seconds',
      help: 'Time a worker spent on one delivery of a distributed job, by how it ended (completed, failed, released at shutdown).',
      labelNames: ['queue', 'status'],
      buckets: QUEUE_BUCKETS,
      registers,
    }),
    telemetryExportFailures: new Counter({
      name: 'sync_telemetry_export_failures_total',
      help: 'Telemetry that could not be delivered: span and log batches dropped, metrics pushes to the Pushgateway that failed.',
      labelNames: ['signal'],
      registers,
    }),
  };
  initialiseProcessSeries(metrics);
  prepareRendering(registry);
  return metrics;
}

/**
 * Observes a duration with the trace as exemplar, so a slow bucket in Grafana links to its trace.
 * prom-client types exemplar labels as the metric's own label names, hence the cast.
 */
export function observeWithExemplar<T extends string>(
  metrics: SyncMetrics,
  histogram: Histogram<T>,
  labels: LabelValues<T>,
  value: number,
  trace: { traceId: string; spanId: string },
): void {
  if (!metrics.exemplars || !trace.traceId) {
    histogram.observe(labels, value);
    return;
  }
  const exemplarLabels = { trace_id: trace.traceId, span_id: trace.spanId } as unknown as LabelValues<T>;
  histogram.observe({ labels, value, exemplarLabels });
}
