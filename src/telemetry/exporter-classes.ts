import type { OTLPLogExporter as OTLPLogExporterType } from '@opentelemetry/exporter-logs-otlp-http';
import type { OTLPTraceExporter as OTLPTraceExporterType } from '@opentelemetry/exporter-trace-otlp-http';
import type { BatchLogRecordProcessor as BatchLogRecordProcessorType } from '@opentelemetry/sdk-logs';
import type { OpenTelemetryTransportV3 as OpenTelemetryTransportV3Type } from '@opentelemetry/winston-transport';
import { lazyClass, requireExport } from './lazy-load.js';

/*
 * The classes that export telemetry, loaded when the first one is made, i.e. only when an OTLP
 * endpoint is configured. The OTLP exporters bring the transformer, the metrics SDK and more:
 * ~300 of the ~700 modules a CLI run used to load without sending anything.
 */

export const OTLPTraceExporter = lazyClass(() => requireExport<typeof OTLPTraceExporterType>('@opentelemetry/exporter-trace-otlp-http', 'OTLPTraceExporter'));
export const OTLPLogExporter = lazyClass(() => requireExport<typeof OTLPLogExporterType>('@opentelemetry/exporter-logs-otlp-http', 'OTLPLogExporter'));
export const BatchLogRecordProcessor = lazyClass(() => requireExport<typeof BatchLogRecordProcessorType>('@opentelemetry/sdk-logs', 'BatchLogRecordProcessor'));
export const OpenTelemetryTransportV3 = lazyClass(() => requireExport<typeof OpenTelemetryTransportV3Type>('@opentelemetry/winston-transport', 'OpenTelemetryTransportV3'));
