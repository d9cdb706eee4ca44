import type { OpenTelemetryTransportV3 as OpenTelemetryTransportV3Type } from '@opentelemetry/winston-transport';
import { lazyClass, requireExport } from './lazy-load.js';

/*
 * The winston transport that ships log events, loaded from node_modules when the first one is
 * made, i.e. only when an OTLP logs endpoint is configured (a process without one never loads
 * it). It emits through @opentelemetry/api-logs, which the bundle keeps external so that it and
 * the SDK's LoggerProvider share one copy (packaging/bundle-cli.ts). The exporters themselves are
 * bundled and imported on demand (deferred-exporter.ts).
 */

export const OpenTelemetryTransportV3 = lazyClass(() => requireExport<typeof OpenTelemetryTransportV3Type>('@opentelemetry/winston-transport', 'OpenTelemetryTransportV3'));
