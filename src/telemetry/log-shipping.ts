import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { BatchLogRecordProcessor, type LogRecordExporter, type LogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { OpenTelemetryTransportV3 } from '@opentelemetry/winston-transport';
import type TransportStream from 'winston-transport';

export interface LogShippingOptions {
  /** OTLP/HTTP logs URL; undefined and no processors = no shipping. */
  logsUrl?: string;
  headers?: Record<string, string>;
  /** Tests: processors instead of the OTLP exporter. */
  processors?: LogRecordProcessor[];
  onExportFailure?: () => void;
}

/** Counts failed log exports instead of letting them surface. */
class ReportingLogExporter implements LogRecordExporter {
  constructor(
    private readonly inner: LogRecordExporter,
    private readonly onFailure: (() => void) | undefined,
  ) {}

  export(logs: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    this.inner.export(logs, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.onFailure?.();
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
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
              new OTLPLogExporter({ url: options.logsUrl, headers: options.headers, timeoutMillis: 10_000 }),
              options.onExportFailure,
            ),
            maxQueueSize: 4096,
            maxExportBatchSize: 512,
            scheduledDelayMillis: 1000,
          }),
        ]
      : []);
  if (processors.length === 0) return { processors };
  return { processors, transport: new OpenTelemetryTransportV3() };
}
