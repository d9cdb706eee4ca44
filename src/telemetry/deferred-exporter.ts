import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OtlpExporterConfig } from './otlp-exporters.js';

/** What the span and the log record exporters have in common. */
interface Exporter<T> {
  export(items: T[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

export type ExporterModule = typeof import('./otlp-exporters.js');

/**
 * An exporter whose code is imported when it is made, without waiting for it: the SDK gets its
 * exporter at once (the processors need one to start), the import runs alongside start-up, and
 * a batch that comes before it has finished waits for it. A failed import fails each export with
 * its error (counted like any failed export), never the process.
 */
export class DeferredExporter<T> implements Exporter<T> {
  private real: Exporter<T> | undefined;
  private readonly loading: Promise<Exporter<T> | undefined>;
  private loadError: unknown;

  constructor(make: (exporters: ExporterModule) => Exporter<T>, load: () => Promise<ExporterModule> = () => import('./otlp-exporters.js')) {
    // `make` runs inside the chain, so an exporter that throws on construction fails the exports
    // like a failed import instead of leaving a rejection nobody handles.
    this.loading = load().then(make).then(
      (real) => (this.real = real),
      (error: unknown) => {
        this.loadError = error;
        return undefined;
      },
    );
  }

  export(items: T[], done: (result: ExportResult) => void): void {
    if (this.real) {
      this.real.export(items, done);
      return;
    }
    void this.loading.then((real) => {
      if (real) real.export(items, done);
      else done({ code: ExportResultCode.FAILED, error: asError(this.loadError) });
    });
  }

  async shutdown(): Promise<void> {
    await (await this.loading)?.shutdown();
  }

  async forceFlush(): Promise<void> {
    await (await this.loading)?.forceFlush?.();
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(`loading the OTLP exporters failed: ${String(error)}`);
}

/** The OTLP/HTTP span exporter, its code imported on demand. */
export function deferredTraceExporter(config: OtlpExporterConfig): SpanExporter {
  return new DeferredExporter<ReadableSpan>((exporters) => exporters.createTraceExporter(config));
}

/** The OTLP/HTTP log record exporter, its code imported on demand. */
export function deferredLogExporter(config: OtlpExporterConfig): LogRecordExporter {
  return new DeferredExporter<ReadableLogRecord>((exporters) => exporters.createLogExporter(config));
}
