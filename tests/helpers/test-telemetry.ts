import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { PassThrough } from 'node:stream';
import type { ApiCallRow } from '../../src/ports/run-store.js';
import { RunEvents } from '../../src/telemetry/events.js';
import { LogLevelPolicy } from '../../src/telemetry/log-levels.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { createSyncMetrics } from '../../src/telemetry/metrics.js';
import { Redactor } from '../../src/telemetry/redaction.js';
import { RunTelemetry } from '../../src/telemetry/run-telemetry.js';

let contextManagerSet = false;

/** A RunTelemetry that records spans in memory, events as parsed lines and audit rows in an array. */
export function testTelemetry(options: { knownSecrets?: string[]; maxBodyBytes?: number } = {}) {
  if (!contextManagerSet) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerSet = true;
  }
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const stream = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  stream.on('data', (chunk) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  const policy = new LogLevelPolicy('debug');
  const logger = createLogger({ format: 'json', policy, serviceName: 'syncscope', stream });
  const redactor = new Redactor({ knownSecrets: options.knownSecrets, maxBodyBytes: options.maxBodyBytes });
  const audit: ApiCallRow[] = [];
  const telemetry = new RunTelemetry({
    syncId: '202611231200-SYNC-ABCDEF01',
    pipeline: 'test',
    tracer: provider.getTracer('test'),
    metrics: createSyncMetrics(),
    events: new RunEvents(logger, policy, { syncId: '202611231200-SYNC-ABCDEF01', pipeline: 'test' }, redactor),
    redactor,
    audit: { record: (row) => audit.push(row), flush: async () => {} },
  });
  /** Lets the logger's stream deliver what was written. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { telemetry, exporter, lines, audit, settle };
}
