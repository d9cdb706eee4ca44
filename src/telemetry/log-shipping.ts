import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BatchLogRecordProcessor, type LogRecordExporter, type LogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { DEFAULT_EXPORT_DELAY_MS } from '../config/environment.js';
import { deferredLogExporter } from './deferred-exporter.js';
import { OpenTelemetryTransportV3 } from './exporter-classes.js';
import type TransportStream from 'winston-transport';
import { EXPORT_TIMEOUT_MS, exportGuard } from './export-guard.js';

export interface LogShippingOptions {
  /** OTLP/HTTP logs URL; undefined and no processors = no shipping. */
  logsUrl?: string;
  headers?: Record<string, string>;
  /** How long a log record may wait for its batch's export, ms (`OTEL_BLRP_SCHEDULE_DELAY`; default DEFAULT_EXPORT_DELAY_MS). */
  exportDelayMs?: number;
  /** Tests: processors instead of the OTLP exporter. */
  processors?: LogRecordProcessor[];
  onExportFailure?: () => void;
}

/** Counts failed log exports instead of letting them surface; a shutdown may abandon them (counted). */
class ReportingLogExporter implements LogRecordExporter {
  constructor(
    private readonly inner: LogRecordExporter,
    private readonly onFailure: (() => void) | undefined,
  ) {}

  export(logs: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    exportGuard.export((settle) => this.inner.export(logs, settle), (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.onFailure?.();
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return exportGuard.forceFlush(() => this.inner.forceFlush());
  }
}

/**
 * Ships winston events to an OTLP logs endpoint (Loki's native OTLP ingestion via the collector)
 * while they also stay on stderr. The winston transport emits into the global LoggerProvider the
 * SDK registers with these processors; trace context comes from the active span at emit time.
 */
export function createLogShipping(options: LogShippingOptions): { processors: LogRecordProcessor[]; transport?: TransportStream } {
  const processors =
    options.processors ??
    (options.logsUrl
      ? [
          new BatchLogRecordProcessor({
            exporter: new ReportingLogExporter(
              deferredLogExporter({ url: options.logsUrl, headers: options.headers, timeoutMillis: EXPORT_TIMEOUT_MS }),
              options.onExportFailure,
            ),
            maxQueueSize: 4096,
            maxExportBatchSize: 512,
            scheduledDelayMillis: options.exportDelayMs ?? DEFAULT_EXPORT_DELAY_MS,
            exportTimeoutMillis: EXPORT_TIMEOUT_MS,
          }),
        ]
      : []);
  if (processors.length === 0) return { processors };
  return { processors, transport: new OpenTelemetryTransportV3() };
}
