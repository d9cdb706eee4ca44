import { diag, DiagLogLevel, trace, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { defaultResource, detectResources, hostDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { randomUUID } from 'node:crypto';
import { DEFAULT_EXPORT_DELAY_MS } from '../config/environment.js';
import { collectorRefuses } from './collector-probe.js';
import { deferredTraceExporter } from './deferred-exporter.js';
import { EXPORT_TIMEOUT_MS, exportGuard } from './export-guard.js';

export const TRACER_NAME = 'syncscope';

export interface TracingOptions {
  serviceName: string;
  serviceVersion: string;
  /** `OTEL_RESOURCE_ATTRIBUTES`, parsed: added to the resource (e.g. deployment.environment). */
  resourceAttributes?: Record<string, string>;
  /** Full OTLP/HTTP traces URL (`.../v1/traces`); undefined = record spans, export nothing. */
  tracesUrl?: string;
  /** Extra OTLP headers (e.g. a collector API key); never logged. */
  headers?: Record<string, string>;
  /** Span processors used instead of the OTLP exporter (tests: an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
  /** Log processors for OTLP log shipping; none = logs stay on stderr only. */
  logRecordProcessors?: LogRecordProcessor[];
  /** Spans queued at most while the backend is slow or down; beyond it spans are dropped. */
  maxQueueSize?: number;
  /** How long a span may wait for its batch's export, ms (`OTEL_BSP_SCHEDULE_DELAY`; default DEFAULT_EXPORT_DELAY_MS). */
  exportDelayMs?: number;
  /**
   * Bound on one export (retries included), so a backend that never answers cannot hold memory
   * long, nor the process at exit (default `EXPORT_TIMEOUT_MS`).
   */
  exportTimeoutMillis?: number;
  /** Told about every failed export (the backend is down or refused the data). */
  onExportFailure?: (signal: 'traces', spans: number, error: Error | undefined) => void;
}

export interface TracingHandle {
  tracer: Tracer;
  /** Flushes and stops. Never rejects: a dead backend is reported in the result instead. */
  shutdown(timeoutMs?: number): Promise<{ ok: boolean; error?: string }>;
}

/**
 * Counts failed exports instead of letting them surface as unhandled errors; an export a
 * shutdown gives up on fails (and counts) at once.
 */
class ReportingExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly onFailure: TracingOptions['onExportFailure'],
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    exportGuard.export((settle) => this.inner.export(spans, settle), (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.onFailure?.('traces', spans.length, result.error);
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return exportGuard.forceFlush(() => this.inner.forceFlush?.() ?? Promise.resolve());
  }
}

function spanProcessorsFor(options: TracingOptions): SpanProcessor[] {
  if (options.spanProcessors) return options.spanProcessors;
  // Without a backend we still record spans: trace IDs tie logs, store rows and reports together.
  if (!options.tracesUrl) return [new NoopSpanProcessor()];
  const timeoutMillis = options.exportTimeoutMillis ?? EXPORT_TIMEOUT_MS;
  const exporter = deferredTraceExporter({ url: options.tracesUrl, headers: options.headers, timeoutMillis });
  return [
    new BatchSpanProcessor(new ReportingExporter(exporter, options.onExportFailure), {
      maxQueueSize: options.maxQueueSize ?? 4096,
      maxExportBatchSize: 512,
      scheduledDelayMillis: options.exportDelayMs ?? DEFAULT_EXPORT_DELAY_MS,
      exportTimeoutMillis: timeoutMillis,
    }),
  ];
}

/**
 * The resource of every span and log record: the SDK's defaults (`telemetry.sdk.*`), a
 * `service.instance.id` per process, the host, a few process facts, `OTEL_RESOURCE_ATTRIBUTES`,
 * then the service name and version (already resolved from OTEL_SERVICE_NAME). Later parts win.
 * No process detector: `process.command_args` would carry a `--store postgres://user:pass@…`.
 */
export function resourceFor(options: Pick<TracingOptions, 'serviceName' | 'serviceVersion' | 'resourceAttributes'>): Resource {
  return defaultResource()
    .merge(resourceFromAttributes({
      'service.instance.id': randomUUID(),
      'process.pid': process.pid,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
    }))
    .merge(detectResources({ detectors: [hostDetector] }))
    .merge(resourceFromAttributes(options.resourceAttributes ?? {}))
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName, [ATTR_SERVICE_VERSION]: options.serviceVersion }));
}

/**
 * Starts the OpenTelemetry SDK for this process. Metrics stay with prom-client, so the SDK gets no
 * metric readers (otherwise it would build an OTLP metrics exporter from the environment).
 */
export function startTracing(options: TracingOptions): TracingHandle {
  // The SDK's own diagnostics (e.g. "export failed") would otherwise print raw to the console
  // in the middle of JSON log lines; failures are counted through onExportFailure instead.
  diag.setLogger({ error() {}, warn() {}, info() {}, debug() {}, verbose() {} }, DiagLogLevel.NONE);
  const sdk = new NodeSDK({
    resource: resourceFor(options),
    // Detection is done above, without the process detector and without reading the environment here.
    autoDetectResources: false,
    spanProcessors: spanProcessorsFor(options),
    logRecordProcessors: options.logRecordProcessors ?? [],
    metricReaders: [],
    instrumentations: [],
  });
  exportGuard.reopen();
  sdk.start();
  return {
    tracer: trace.getTracer(TRACER_NAME, options.serviceVersion),
    async shutdown(timeoutMs = 5000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`telemetry flush exceeded ${timeoutMs} ms`)), timeoutMs);
      });
      let refusedBefore = exportGuard.beginShutdown();
      // A refusing collector is given up on as soon as the probe says so, not after the budget.
      const probe = !refusedBefore && options.tracesUrl
        ? collectorRefuses(options.tracesUrl).then((refused) => {
            if (refused) refusedBefore = exportGuard.refuse();
          })
        : Promise.resolve();
      try {
        await Promise.race([sdk.shutdown(), timeout]);
        await probe;
        if (refusedBefore) return { ok: false, error: 'the collector refused connections (ECONNREFUSED); spans and logs of this run were not exported' };
        return { ok: true };
      } catch (error) {
        // Whatever still waits for the backend is lost: count it now rather than when it times out.
        const abandoned = exportGuard.giveUp(`abandoned at shutdown after ${timeoutMs} ms`);
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, error: abandoned > 0 ? `${message}; ${abandoned} export(s) abandoned` : message };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** No SDK: the API's no-op tracer (spans cost nothing and record nothing). */
export function disabledTracing(): TracingHandle {
  return { tracer: trace.getTracer(TRACER_NAME), shutdown: async () => ({ ok: true }) };
}
