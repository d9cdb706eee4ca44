import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type winston from 'winston';
import type TransportStream from 'winston-transport';
import type { EnvironmentSettings } from '../config/environment.js';
import type { ProgressListener } from '../ports/progress.js';
import { RunEvents, type RunReference } from '../telemetry/events.js';
import { LogLevelPolicy } from '../telemetry/log-levels.js';
import { closeLogger, createLogger, type LogFormat } from '../telemetry/logger.js';
import { createLogShipping } from '../telemetry/log-shipping.js';
import { createSyncMetrics, type SyncMetrics } from '../telemetry/metrics.js';
import { pushMetrics } from '../telemetry/pushgateway.js';
import { Redactor } from '../telemetry/redaction.js';
import { ServerEvents } from '../telemetry/server-events.js';
import { disabledTracing, startTracing, type TracingHandle } from '../telemetry/tracing.js';
import { VERSION } from './version.js';

export { VERSION } from './version.js';

export interface RuntimeOptions {
  env: EnvironmentSettings;
  logFormat: LogFormat;
  /** Where log lines go (default stderr). */
  logStream?: NodeJS.WritableStream;
  /** Tests: span processors instead of the OTLP exporter. */
  spanProcessors?: SpanProcessor[];
  /** Tests: log processors instead of the OTLP log exporter. */
  logRecordProcessors?: LogRecordProcessor[];
  /** Told about every run's progress (the CLI's terminal progress bar). */
  onProgress?: ProgressListener;
}

/**
 * What one process sets up once: the OpenTelemetry SDK, the logger, the metrics registry. Runs
 * (in the CLI, the server or a worker) borrow it; `shutdown` flushes everything, bounded in time.
 */
export class Runtime {
  readonly metrics: SyncMetrics;
  readonly policy: LogLevelPolicy;
  readonly logger: winston.Logger;
  private readonly tracing: TracingHandle;
  /** The latest sync this process ran (set by `runSync`), so process-level events at exit can point to it. */
  lastRun: RunReference | undefined;

  private constructor(readonly options: RuntimeOptions) {
    const { env } = options;
    this.metrics = createSyncMetrics();
    this.policy = env.telemetryEnabled ? new LogLevelPolicy(env.logLevel, env.componentLevels) : new LogLevelPolicy('error');
    const onExportFailure = (signal: 'traces' | 'logs') => this.metrics.telemetryExportFailures.inc({ signal });
    const shipping = createLogShipping({
      logsUrl: env.otlpLogsUrl,
      headers: env.otlpHeaders,
      exportDelayMs: env.exportDelayMs.logs,
      processors: options.logRecordProcessors,
      onExportFailure: () => onExportFailure('logs'),
    });
    this.tracing = env.telemetryEnabled ? startTracing({
      serviceName: env.serviceName,
      serviceVersion: VERSION,
      resourceAttributes: env.resourceAttributes,
      tracesUrl: env.otlpTracesUrl,
      headers: env.otlpHeaders,
      exportDelayMs: env.exportDelayMs.spans,
      spanProcessors: options.spanProcessors,
      logRecordProcessors: shipping.processors,
      onExportFailure: () => onExportFailure('traces'),
    }) : disabledTracing();
    const transports: TransportStream[] = shipping.transport ? [shipping.transport] : [];
    this.logger = createLogger({
      format: options.logFormat,
      policy: this.policy,
      serviceName: env.serviceName,
      stream: options.logStream,
      transports,
    });
  }

  static start(options: RuntimeOptions): Runtime {
    return new Runtime(options);
  }

  get tracer() {
    return this.tracing.tracer;
  }

  get onProgress(): ProgressListener | undefined {
    return this.options.onProgress;
  }

  /** The service's own events (access log, lifecycle). */
  serverEvents(): ServerEvents {
    return new ServerEvents(this.logger, this.policy);
  }

  eventsFor(syncId: string, pipeline: string, redactor: Redactor): RunEvents {
    return new RunEvents(this.logger, this.policy, { syncId, pipeline }, redactor);
  }

  /**
   * A one-shot run's metrics path: pushes the registry to the Pushgateway, grouped by pipeline and
   * instance, when one is configured. A failed push is counted and logged, never thrown: the sync
   * it reports on is done either way.
   */
  async pushMetrics(pipeline: string): Promise<void> {
    const { env } = this.options;
    const gateway = env.pushgateway;
    if (!gateway) return;
    const grouping = { pipeline, instance: gateway.instance };
    const outcome = await pushMetrics(this.metrics, { url: gateway.url, job: env.serviceName, grouping, timeoutMs: gateway.timeoutMs });
    if (outcome.ok) return;
    this.metrics.telemetryExportFailures.inc({ signal: 'metrics' });
    const redactor = new Redactor();
    const run = this.lastRun;
    const events = run ? this.eventsFor(run.syncId, run.pipeline, redactor).withTraceId(run.traceId) : this.eventsFor('', pipeline, redactor);
    events.metricsPushFailed({
      gateway: redactor.url(gateway.url),
      instance: gateway.instance,
      timeout_ms: gateway.timeoutMs,
      error_message: redactor.text(outcome.error),
    });
  }

  /** Flushes spans and logs. Never throws: a dead backend is returned as `telemetryError`. */
  async shutdown(timeoutMs = 5000): Promise<{ telemetryError?: string }> {
    const result = await this.tracing.shutdown(timeoutMs);
    await closeLogger(this.logger);
    return result.ok ? {} : { telemetryError: result.error };
  }
}
