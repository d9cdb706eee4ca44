import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

/*
 * The OTLP/HTTP exporters, imported on demand (deferred-exporter.ts) by a process that has a
 * telemetry backend. In the bundle they are a chunk of their own: a run without a backend never
 * loads it, and one with a backend loads it from the bundle, beside the SDK it shares
 * @opentelemetry/core and the resources with, rather than from node_modules with second copies of
 * both (about 270 modules and 70–110 ms of start-up).
 */

export interface OtlpExporterConfig {
  url: string;
  headers?: Record<string, string>;
  timeoutMillis: number;
}

export function createTraceExporter(config: OtlpExporterConfig): SpanExporter {
  return new OTLPTraceExporter(config);
}

export function createLogExporter(config: OtlpExporterConfig): LogRecordExporter {
  return new OTLPLogExporter(config);
}
