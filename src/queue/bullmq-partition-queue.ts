import { DelayedError, FlowProducer, Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { PartitionJobData, PartitionJobResult } from '../engine/partition-job.js';
import { initialiseQueueSeries, type JobEndStatus } from '../telemetry/metric-series.js';
import type { SyncMetrics } from '../telemetry/metrics.js';

/** A distributed run's finalise job (the flow's parent): what the finalising worker needs. */
export interface RunJobData {
  syncId: string;
  /** The pipeline config, validated (it names the variables secrets are read from, never a secret). */
  config: unknown;
  execute: boolean;
  traceparent: string;
  enqueuedAtMs: number;
}

/** Partition jobs carry the same config, so any worker can build the run's connectors. */
export type PartitionJob = PartitionJobData & { config: unknown; execute: boolean };

export interface BullmqSettings {
  /** redis:// URL. */
  url: string;
  /** Key prefix of the queues (tests use one per test). Default `syncscope`. */
  prefix?: string;
  /** Deliveries of a partition job before it fails its partition. Default 3. */
  attempts?: number;
  /** First retry delay; doubles per attempt. Default 1000 ms. */
  backoffMs?: number;
}

export const RUNS_QUEUE = 'sync-runs';
export const PARTITIONS_QUEUE = 'sync-partitions';

/** Redis connections BullMQ can block on (its workers need `maxRetriesPerRequest: null`). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/**
 * The producer side of distributed mode on BullMQ: one flow per run, the run's finalise job as the
 * parent and one child per partition. A child that exhausts its attempts does not fail the parent
 * (`ignoreDependencyOnFailure`): the parent still runs, marks that partition failed with the last
 * error and the run ends `partial`, with its reports.
 */
export class BullmqRunQueue {
  private readonly connection: Redis;
  private readonly flows: FlowProducer;
  private events: QueueEvents | undefined;
  private readonly prefix: string;

  constructor(private readonly settings: BullmqSettings) {
    this.prefix = settings.prefix ?? 'syncscope';
    this.connection = redisConnection(settings.url);
    this.flows = new FlowProducer({ connection: this.connection, prefix: this.prefix });
  }

  /** Adds the run's flow; resolves with the parent job's ID. */
  async enqueueRun(run: RunJobData, partitions: PartitionJob[]): Promise<string> {
    const attempts = this.settings.attempts ?? 3;
    const backoff = { type: 'exponential', delay: this.settings.backoffMs ?? 1000 };
    const node = await this.flows.add({
      name: 'finalise',
      queueName: RUNS_QUEUE,
      data: run,
      // BullMQ refuses `:` in custom IDs (its key separator).
      opts: { jobId: `run-${run.syncId}`, attempts, backoff },
      children: partitions.map((p) => ({
        name: 'partition',
        queueName: PARTITIONS_QUEUE,
        data: p,
        opts: { jobId: `${run.syncId}--${p.partition.key.replace(/:/g, '_')}`, attempts, backoff, ignoreDependencyOnFailure: true },
      })),
    });
    return node.job.id!;
  }

  /** Waits for the run's finalise job; resolves with the final run status it returned. */
  async waitForRun(jobId: string, timeoutMs?: number): Promise<RunJobResult> {
    this.events ??= new QueueEvents(RUNS_QUEUE, { connection: redisConnection(this.settings.url), prefix: this.prefix });
    await this.events.waitUntilReady();
    const queue = new Queue(RUNS_QUEUE, { connection: this.connection, prefix: this.prefix });
    try {
      const job = await queue.getJob(jobId);
      if (!job) throw new Error(`no job ${jobId} in the queue`);
      return (await job.waitUntilFinished(this.events, timeoutMs)) as RunJobResult;
    } finally {
      await queue.close();
    }
  }

  async close(): Promise<void> {
    await this.events?.close();
    await this.flows.close();
    await this.connection.quit().catch(() => undefined);
  }
}

export interface RunJobResult {
  syncId: string;
  status: string;
}

export interface BullmqWorkerSettings extends BullmqSettings {
  concurrency: number;
  workerId: string;
  /** Stalled-job detection: how long a job's lock lasts without renewal (default BullMQ's 30 s). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Where `sync_queue_wait_seconds` and `sync_job_duration_seconds` are observed (the worker's /metrics). */
  metrics?: SyncMetrics;
}

/** A partition whose job exhausted its attempts, with the last error. */
export interface FailedPartition {
  partitionKey: string;
  reason: string;
}

export interface JobHandlers {
  partition: (job: Job<PartitionJob, PartitionJobResult>, signal: AbortSignal) => Promise<PartitionJobResult>;
  /**
   * The run's finalise job; `children` are the completed partitions' results, `failed` the reasons
   * of those that exhausted their attempts, by job key.
   */
  finalise: (job: Job<RunJobData, RunJobResult>, children: PartitionJobResult[], failed: FailedPartition[]) => Promise<RunJobResult>;
  /** A partition job failed one attempt (it is retried with backoff unless it was its last). */
  onFailed?: (job: Job<PartitionJob> | undefined, error: Error, willRetry: boolean) => void;
  onStalled?: (jobId: string) => void;
}

/**
 * The consumer side: a worker on each queue. SIGTERM → `close()`: the workers stop taking jobs and
 * abort the signal of the active ones, whose partitions stop at the next batch boundary (their
 * checkpoints committed) and whose jobs are then released to be picked up by another worker.
 */
export class BullmqWorkers {
  private readonly partitions: Worker<PartitionJob, PartitionJobResult>;
  private readonly runs: Worker<RunJobData, RunJobResult>;
  private readonly controller = new AbortController();
  private readonly lookup: Queue<PartitionJob>;

  private readonly metrics: BullmqWorkerSettings['metrics'];

  constructor(settings: BullmqWorkerSettings, handlers: JobHandlers) {
    const prefix = settings.prefix ?? 'syncscope';
    this.metrics = settings.metrics;
    if (settings.metrics) initialiseQueueSeries(settings.metrics, [RUNS_QUEUE, PARTITIONS_QUEUE]);
    this.lookup = new Queue<PartitionJob>(PARTITIONS_QUEUE, { connection: redisConnection(settings.url), prefix });
    const timings = {
      ...(settings.lockDurationMs ? { lockDuration: settings.lockDurationMs } : {}),
      ...(settings.stalledIntervalMs ? { stalledInterval: settings.stalledIntervalMs } : {}),
      maxStalledCount: 2,
    };
    this.partitions = new Worker<PartitionJob, PartitionJobResult>(
      PARTITIONS_QUEUE,
      (job, token) => this.timed(PARTITIONS_QUEUE, job, async () => {
        const result = await handlers.partition(job, this.controller.signal);
        // Stopped by this worker's shutdown at a batch boundary (checkpoint committed): release the
        // job at once, without spending an attempt, so another worker resumes the partition.
        if (result.status === 'interrupted' && this.controller.signal.aborted) {
          await job.moveToDelayed(Date.now(), token);
          throw new DelayedError();
        }
        return result;
      }),
      { connection: redisConnection(settings.url), prefix, concurrency: settings.concurrency, name: settings.workerId, ...timings },
    );
    this.runs = new Worker<RunJobData, RunJobResult>(
      RUNS_QUEUE,
      (job) => this.timed(RUNS_QUEUE, job, async () => {
        const values = await job.getChildrenValues<PartitionJobResult>();
        const failures = await job.getIgnoredChildrenFailures();
        const failed: FailedPartition[] = [];
        for (const [key, reason] of Object.entries(failures)) {
          // Keys are `<prefix>:<queue>:<job id>`; the job's data names its partition.
          const marker = `:${PARTITIONS_QUEUE}:`;
          const child = await this.lookup.getJob(key.slice(key.indexOf(marker) + marker.length));
          failed.push({ partitionKey: child?.data.partition.key ?? key, reason });
        }
        return handlers.finalise(job, Object.values(values), failed);
      }),
      { connection: redisConnection(settings.url), prefix, concurrency: 1, name: settings.workerId, ...timings },
    );
    this.partitions.on('failed', (job, error) => {
      const willRetry = job !== undefined && job.attemptsMade < (job.opts.attempts ?? 1);
      handlers.onFailed?.(job, error, willRetry);
    });
    this.partitions.on('stalled', (jobId) => handlers.onStalled?.(jobId));
    // A worker's Redis hiccup is logged by the caller's handlers, never an unhandled 'error'.
    this.partitions.on('error', () => undefined);
    this.runs.on('error', () => undefined);
  }

  /**
   * One delivery of a job, timed: its queue wait (first attempt only: a retry's wait is its
   * backoff, not the queue's) and how long this worker spent on it, by how it ended.
   */
  private async timed<D extends { enqueuedAtMs: number }, R>(queue: string, job: Job<D, R>, work: () => Promise<R>): Promise<R> {
    const started = Date.now();
    if (job.attemptsMade === 0 && !job.stalledCounter) this.metrics?.queueWait.observe({ queue }, Math.max(0, started - job.data.enqueuedAtMs) / 1000);
    let status: JobEndStatus = 'failed';
    try {
      const result = await work();
      status = 'completed';
      return result;
    } catch (error) {
      if (error instanceof DelayedError) status = 'released';
      throw error;
    } finally {
      this.metrics?.jobDuration.observe({ queue, status }, (Date.now() - started) / 1000);
    }
  }

  /** Partition jobs by BullMQ state, for `sync_queue_jobs{state}` (read at each /metrics scrape). */
  async counts(): Promise<Record<string, number>> {
    return this.lookup.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
  }

  async waitUntilReady(): Promise<void> {
    await Promise.all([this.partitions.waitUntilReady(), this.runs.waitUntilReady()]);
  }

  /** Active jobs of this process. */
  get running(): boolean {
    return this.partitions.isRunning();
  }

  async close(): Promise<void> {
    this.controller.abort(new Error('the worker is shutting down'));
    await Promise.all([this.partitions.close(), this.runs.close()]);
    await this.lookup.close();
  }
}

/** Jobs by state, for `sync_queue_jobs{state}` and `/api/v1/queue/stats`. */
export async function partitionJobCounts(settings: BullmqSettings): Promise<Record<string, number>> {
  const connection = redisConnection(settings.url);
  const queue = new Queue(PARTITIONS_QUEUE, { connection, prefix: settings.prefix ?? 'syncscope' });
  try {
    return await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'waiting-children');
  } finally {
    await queue.close();
    await connection.quit().catch(() => undefined);
  }
}
