import { logs } from '@opentelemetry/api-logs';
import type { Resource } from '@opentelemetry/resources';
import type { LoggerProvider as LoggerProviderType, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { lazyClass, requireExport } from './lazy-load.js';

const LoggerProvider = lazyClass(() => requireExport<typeof LoggerProviderType>('@opentelemetry/sdk-logs', 'LoggerProvider'));

/** The options of `@opentelemetry/sdk-node`'s NodeSDK that this process passes. */
export interface NodeSdkOptions {
  resource: Resource;
  /** Always false here: the resource comes detected already. */
  autoDetectResources: false;
  spanProcessors: SpanProcessor[];
  logRecordProcessors: LogRecordProcessor[];
  /** Always empty: prom-client owns metrics. */
  metricReaders: [];
  /** Always empty: spans are made by our own code. */
  instrumentations: [];
}

/**
 * What `@opentelemetry/sdk-node`'s NodeSDK does with the options above, from its parts: a tracer
 * provider registered with an AsyncLocalStorage context manager and the W3C propagators (the
 * sampler and span limits from OTEL_* as before), and a global logger provider when there are log
 * processors. The meta-package itself requires every exporter (gRPC, protobuf, Zipkin), propagator
 * and the metrics SDK whatever the configuration: about a third of the CLI's start-up.
 */
export class NodeSDK {
  private tracerProvider: NodeTracerProvider | undefined;
  private loggerProvider: LoggerProviderType | undefined;

  constructor(private readonly options: NodeSdkOptions) {}

  start(): void {
    const { resource, spanProcessors, logRecordProcessors } = this.options;
    this.tracerProvider = new NodeTracerProvider({ resource, spanProcessors });
    this.tracerProvider.register();
    if (logRecordProcessors.length > 0) {
      this.loggerProvider = new LoggerProvider({ resource, processors: logRecordProcessors });
      logs.setGlobalLoggerProvider(this.loggerProvider);
    }
  }

  async shutdown(): Promise<void> {
    await Promise.all([this.tracerProvider?.shutdown(), this.loggerProvider?.shutdown()]);
  }
}
