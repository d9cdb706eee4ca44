import { context, SpanKind, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Partition } from '../ports/records.js';
import type { PartitionRow } from '../ports/run-store.js';
import type { RunApiStats } from '../telemetry/run-telemetry.js';
import { ATTR } from '../telemetry/names.js';
import { BatchWriter } from './batch-writer.js';
import { runPartition, type PartitionRunnerDeps } from './partition-runner.js';

/** One partition of a distributed run, as it travels in a queue job (JSON; never a secret). */
export interface PartitionJobData {
  syncId: string;
  partition: Partition;
  /** W3C `traceparent` of the run's root span: the partition's spans continue that trace. */
  traceparent: string;
  /** When the coordinator enqueued it (epoch ms), for the queue-wait attribute and histogram. */
  enqueuedAtMs: number;
}

/** What a partition job returns to its parent (the run-finalise job). */
export interface PartitionJobResult {
  partitionKey: string;
  status: PartitionRow['status'];
  /** This attempt's API counts, summed into the run row by the finaliser. */
  api: RunApiStats;
}

/** Where the job runs, for the `sync.job` span (messaging semantic conventions). */
export interface JobPlacement {
  jobId: string;
  queueName: string;
  /** 1 on the first delivery, 2 after a retry or a stalled-job recovery. */
  attempt: number;
  workerId: string;
}

export const JOB_SPAN = 'sync.job';
export const JOB_ATTR = {
  workerId: 'sync.worker.id',
  queueWaitMs: 'sync.job.queue_wait_ms',
  jobAttempt: 'sync.job.attempt',
  messagingSystem: 'messaging.system',
  messagingOperation: 'messaging.operation.type',
  messagingDestination: 'messaging.destination.name',
  messagingMessageId: 'messaging.message.id',
} as const;

const w3c = new W3CTraceContextPropagator();
const carrierGetter = { get: (c: Record<string, string>, k: string) => c[k], keys: (c: Record<string, string>) => Object.keys(c) };
const carrierSetter = { set: (c: Record<string, string>, k: string, v: string) => { c[k] = v; } };

/** The active span's context as a `traceparent` header value (our own propagation, no bullmq-otel). */
export function currentTraceparent(active: Context = context.active()): string {
  const carrier: Record<string, string> = {};
  w3c.inject(active, carrier, carrierSetter);
  return carrier.traceparent ?? '';
}

/** The run's context from a job's `traceparent`: spans started in it are children of the run's root. */
export function contextOf(traceparent: string): Context {
  return w3c.extract(context.active(), { traceparent }, carrierGetter);
}

/**
 * Runs one partition job: resumes the partition from its checkpoint (a job redelivered after a
 * worker died re-reads at most one page, and idempotent writes make that harmless), inside a
 * CONSUMER `sync.job` span that continues the run's trace and says how long the job waited.
 */
export async function runPartitionJob(
  deps: Omit<PartitionRunnerDeps, 'writer'> & { writer?: BatchWriter },
  data: PartitionJobData,
  placement: JobPlacement,
): Promise<PartitionRow> {
  const { store, telemetry: t, clock } = deps;
  const startedMs = clock.now();
  const parent = contextOf(data.traceparent);
  return t.tracer.startActiveSpan(
    JOB_SPAN,
    {
      kind: SpanKind.CONSUMER,
      attributes: t.baseAttributes({
        [ATTR.partition]: data.partition.key,
        [JOB_ATTR.workerId]: placement.workerId,
        [JOB_ATTR.queueWaitMs]: Math.max(0, startedMs - data.enqueuedAtMs),
        [JOB_ATTR.jobAttempt]: placement.attempt,
        [JOB_ATTR.messagingSystem]: 'bullmq',
        [JOB_ATTR.messagingOperation]: 'process',
        [JOB_ATTR.messagingDestination]: placement.queueName,
        [JOB_ATTR.messagingMessageId]: placement.jobId,
      }),
    },
    parent,
    async (span) => {
      try {
        const previous = (await store.listPartitions(data.syncId)).find((p) => p.partitionKey === data.partition.key);
        if (!previous) throw new Error(`partition ${data.partition.key} of ${data.syncId} is not in the run store`);
        // Done in an earlier delivery whose completion the queue did not record: nothing to redo.
        if (previous.status === 'succeeded' || previous.status === 'failed') return previous;
        const cursor = (await store.getCheckpoints(data.syncId)).get(data.partition.key) ?? undefined;
        // The source's write-back (an order table marks each row synced or failed) happens in the
        // job that wrote the batch, as it does in-process: no one else will tell the source.
        const { source } = deps;
        const back = source.acknowledge ? { system: source.connector, acknowledge: source.acknowledge.bind(source) } : undefined;
        const writer = deps.writer ?? new BatchWriter(deps.destination, store, t, deps.options, clock, back);
        return await runPartition({ ...deps, writer }, data.partition, previous, cursor);
      } finally {
        span.end();
      }
    },
  );
}
