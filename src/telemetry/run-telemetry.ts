import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import type { ErrorCategory } from '../errors/sync-error.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { WaitNotice } from '../ports/request-scheduler.js';
import type { RunEvents } from './events.js';
import type { SyncMetrics } from './metrics.js';
import { initialisePipelineSeries } from './metric-series.js';
import { ATTR } from './names.js';
import type { Redactor } from './redaction.js';

/** Totals a run reports in its summary; concurrent calls make the times cumulative. */
export interface RunApiStats {
  requests: number;
  retries: number;
  rateLimitWaits: number;
  rateLimitWaitSeconds: number;
  rateLimitRejections: number;
  apiTimeMs: number;
  destinationTimeMs: number;
}

export interface RunTelemetryParts {
  syncId: string;
  pipeline: string;
  tracer: Tracer;
  metrics: SyncMetrics;
  events: RunEvents;
  redactor: Redactor;
  audit: AuditSink;
}

/**
 * Everything one run reports through: its tracer, metrics, events, redaction and audit trail, with
 * the sync ID and pipeline stamped on every span. Created once per run by the composition root
 * and handed to the engine and the connectors.
 */
export class RunTelemetry {
  readonly syncId: string;
  readonly pipeline: string;
  readonly tracer: Tracer;
  readonly metrics: SyncMetrics;
  events: RunEvents;
  readonly redactor: Redactor;
  readonly audit: AuditSink;
  readonly stats: RunApiStats = {
    requests: 0,
    retries: 0,
    rateLimitWaits: 0,
    rateLimitWaitSeconds: 0,
    rateLimitRejections: 0,
    apiTimeMs: 0,
    destinationTimeMs: 0,
  };

  constructor(parts: RunTelemetryParts) {
    this.syncId = parts.syncId;
    this.pipeline = parts.pipeline;
    this.tracer = parts.tracer;
    this.metrics = parts.metrics;
    this.events = parts.events;
    this.redactor = parts.redactor;
    this.audit = parts.audit;
    initialisePipelineSeries(this.metrics, this.pipeline);
  }

  /** Attributes every span of the run carries. */
  baseAttributes(extra: Attributes = {}): Attributes {
    return { [ATTR.syncId]: this.syncId, [ATTR.pipeline]: this.pipeline, ...extra };
  }

  /** Runs `fn` inside a new active INTERNAL span; ends it, marking ERROR if `fn` throws. */
  async inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
    return this.tracer.startActiveSpan(name, { attributes: this.baseAttributes(attributes) }, async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        this.markSpanError(span, error);
        throw error;
      } finally {
        span.end();
      }
    });
  }

  /** Starts a CLIENT span for one API call attempt, child of the active span; not made active. */
  startClientSpan(name: string, attributes: Attributes): Span {
    return this.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: this.baseAttributes(attributes) }, context.active());
  }

  /** A scheduler wait: metrics, run totals, and (if worth an on-call's attention) an event. */
  recordWait(connector: string, notice: WaitNotice): void {
    const seconds = notice.waitMs / 1000;
    this.metrics.rateLimitWaits.inc({ connector, reason: notice.reason });
    this.metrics.rateLimitWaitSeconds.inc({ connector, reason: notice.reason }, seconds);
    this.stats.rateLimitWaits += 1;
    this.stats.rateLimitWaitSeconds += seconds;
    // Pacing holds are many and short by design; only a long one says something is wrong.
    if (notice.reason !== 'pacing' || notice.waitMs >= 1000) {
      this.events.apiRateWait({
        connector,
        resource: notice.key.resource,
        reason: notice.reason,
        wait_seconds: Number(seconds.toFixed(3)),
      });
    }
  }

  /**
   * Marks a span failed by a thrown error: status ERROR with the redacted message, an `exception`
   * event (type, redacted message and stack), `error.type` and `sync.error.category` = category.
   */
  markSpanError(span: Span, error: unknown): void {
    const category =
      error !== null && typeof error === 'object' && 'category' in error && typeof error.category === 'string'
        ? (error.category as ErrorCategory)
        : 'INTERNAL';
    const message = this.redactor.text(error instanceof Error ? error.message : String(error));
    this.setErrorCategory(span, category);
    span.recordException({
      name: error instanceof Error ? error.name : 'Error',
      message,
      ...(error instanceof Error && error.stack ? { stack: this.redactor.text(error.stack) } : {}),
    });
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }

  /** `error.type` and `sync.error.category` of a span whose work failed (records, a partition). */
  setErrorCategory(span: Span, category: ErrorCategory): void {
    span.setAttributes({ [ATTR.errorType]: category, [ATTR.errorCategory]: category });
  }

  /**
   * Marks an API call attempt failed, per the HTTP semantic conventions: `error.type` is the
   * response's status code when there was an error status (4xx and 5xx are errors on a client
   * span), else the category (no response: timeout, network error; or an error inside a 2xx body),
   * which `sync.error.category` always carries.
   */
  markClientSpanError(span: Span, status: number | undefined, category: ErrorCategory, message: string): void {
    span.setAttributes({
      [ATTR.errorType]: status !== undefined && status >= 400 ? String(status) : category,
      [ATTR.errorCategory]: category,
    });
    span.setStatus({ code: SpanStatusCode.ERROR, message: this.redactor.text(message) });
  }

  activeTraceIds(): { traceId: string; spanId: string } {
    const ctx = trace.getActiveSpan()?.spanContext();
    return { traceId: ctx?.traceId ?? '', spanId: ctx?.spanId ?? '' };
  }
}
