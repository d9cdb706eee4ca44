import { context, trace, TraceFlags } from '@opentelemetry/api';
import type winston from 'winston';
import type { PartitionKind } from '../ports/records.js';
import { EVENTS, type CatalogEntry } from './event-catalog.js';
import { componentOfEvent, type LogLevelPolicy } from './log-levels.js';
import { EVENT_NAME_KEY } from './logger.js';
import type { Redactor } from './redaction.js';

export type EventFields = Record<string, string | number | boolean | null | undefined>;

export interface RunEventContext {
  syncId: string;
  pipeline: string;
  /** Used when an event is emitted outside any span (before the root span, after it ends). */
  traceId?: string;
  /** The run's root span, the parent such events are attributed to. */
  rootSpanId?: string;
  /** The `syncscope worker` process that emits the events of a distributed run. */
  workerId?: string;
}

/**
 * The one facade through which a run emits catalog events. Each method is the single source of
 * its event name; every event gets the run's `sync_id` and `pipeline`, and the `trace_id` and
 * `span_id` of the span active where it was emitted.
 */
export class RunEvents {
  constructor(
    private readonly logger: winston.Logger,
    private readonly policy: LogLevelPolicy,
    private readonly context: RunEventContext,
    private readonly redactor?: Redactor,
  ) {}

  /** Events emitted outside any span carry this trace ID (e.g. `syncscope report` rebuilding a run's reports). */
  withTraceId(traceId: string): RunEvents {
    return new RunEvents(this.logger, this.policy, { ...this.context, traceId }, this.redactor);
  }

  /** Events of a distributed run carry the worker process that emitted them (`worker_id`). */
  withWorker(workerId: string): RunEvents {
    return new RunEvents(this.logger, this.policy, { ...this.context, workerId }, this.redactor);
  }

  /** Events emitted outside any span (e.g. while reports are written) belong to this trace and root span. */
  withTraceContext(traceId: string, rootSpanId: string): RunEvents {
    return new RunEvents(this.logger, this.policy, { ...this.context, traceId, rootSpanId }, this.redactor);
  }

  pipelineStarted(f: EventFields) { this.emit(EVENTS.pipelineStarted, f); }
  pipelineCompleted(f: EventFields) { this.emit(EVENTS.pipelineCompleted, f); }
  pipelineFailed(f: EventFields) { this.emit(EVENTS.pipelineFailed, f); }
  phaseChanged(f: { phase: string; previous_phase: string | null }) { this.emit(EVENTS.phaseChanged, f); }
  cancelRequested(f: { requested_at: string; requested_by: string }) { this.emit(EVENTS.cancelRequested, f); }
  cancelCheckFailed(f: { error_message: string }) { this.emit(EVENTS.cancelCheckFailed, f); }

  partitionStarted(kind: PartitionKind, f: EventFields) {
    this.emit(kind === 'repo' ? EVENTS.repoStarted : EVENTS.customerStarted, f);
  }
  partitionProgress(kind: PartitionKind, f: EventFields) {
    this.emit(kind === 'repo' ? EVENTS.repoProgress : EVENTS.customerProgress, f);
  }
  partitionCompleted(kind: PartitionKind, f: EventFields) {
    this.emit(kind === 'repo' ? EVENTS.repoCompleted : EVENTS.customerCompleted, f);
  }
  partitionFailed(kind: PartitionKind, f: EventFields) {
    this.emit(kind === 'repo' ? EVENTS.repoFailed : EVENTS.customerFailed, f);
  }

  batchCompleted(f: EventFields) { this.emit(EVENTS.batchCompleted, f); }
  batchFailed(f: EventFields) { this.emit(EVENTS.batchFailed, f); }
  apiCall(protocol: 'rest' | 'graphql', f: EventFields) {
    this.emit(protocol === 'rest' ? EVENTS.apiRest : EVENTS.apiGraphql, f);
  }
  apiRateLimit(f: EventFields) { this.emit(EVENTS.apiRateLimit, f); }
  apiRateWait(f: EventFields) { this.emit(EVENTS.apiRateWait, f); }
  apiHoldRestored(f: EventFields) { this.emit(EVENTS.apiHoldRestored, f); }
  apiRetry(f: EventFields) { this.emit(EVENTS.apiRetry, f); }
  dbWrite(f: EventFields) { this.emit(EVENTS.dbWrite, f); }
  sourceWriteBack(f: EventFields) { this.emit(EVENTS.sourceWriteBack, f); }
  recordFailed(f: EventFields) { this.emit(EVENTS.recordFailed, f); }
  reportWritten(f: EventFields) { this.emit(EVENTS.reportWritten, f); }
  reportFailed(f: EventFields) { this.emit(EVENTS.reportFailed, f); }
  auditWriteFailed(f: EventFields) { this.emit(EVENTS.auditWriteFailed, f); }
  metricsPushFailed(f: EventFields) { this.emit(EVENTS.metricsPushFailed, f); }

  private emit(entry: CatalogEntry, fields: EventFields): void {
    if (!this.policy.enabled(componentOfEvent(entry.name), entry.level)) return;
    const active = trace.getActiveSpan()?.spanContext();
    const { traceId, rootSpanId } = this.context;
    const safeFields = this.redactor ? this.redactor.fields(fields) : fields;
    const log = () =>
      this.logger.log({
        ...safeFields,
        level: entry.level,
        message: entry.name,
        event: entry.name,
        // The OTLP transport turns this key into the log record's EventName (the semconv field for
        // an event's name); `event` stays as an attribute for Loki queries and older collectors.
        [EVENT_NAME_KEY]: entry.name,
        sync_id: this.context.syncId,
        pipeline: this.context.pipeline,
        ...(this.context.workerId ? { worker_id: this.context.workerId } : {}),
        trace_id: active?.traceId ?? traceId ?? '',
        span_id: active?.spanId ?? rootSpanId ?? '',
      });
    if (active || !traceId || !rootSpanId) {
      log();
      return;
    }
    // Outside any span, shipped log records would lose their trace: attribute them to the root.
    const root = trace.setSpanContext(context.active(), { traceId, spanId: rootSpanId, traceFlags: TraceFlags.SAMPLED });
    context.with(root, log);
  }
}

/** Which sync a process-level event belongs to. */
export interface RunReference {
  syncId: string;
  pipeline: string;
  traceId: string;
}

/**
 * A process-level event written straight to a stream: used at exit, after the logger is closed,
 * when the telemetry backend could not take the last spans and logs. It names the sync the process
 * ran (whose spans and logs were lost), so it is found with that sync's other events.
 */
export function writeTelemetryFlushFailed(
  stream: NodeJS.WritableStream,
  service: string,
  message: string,
  run?: RunReference,
): void {
  const entry = EVENTS.telemetryFlushFailed;
  const scope = run ? { sync_id: run.syncId, pipeline: run.pipeline, trace_id: run.traceId } : {};
  stream.write(`${JSON.stringify({ timestamp: new Date().toISOString(), level: entry.level, event: entry.name, service, ...scope, message })}\n`);
}
