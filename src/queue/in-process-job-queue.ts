import { randomUUID } from 'node:crypto';
import { SyncError } from '../errors/sync-error.js';
import type { JobInfo, JobProcessor, JobQueue, JobRequest, QueueStats } from '../ports/job-queue.js';

export interface InProcessJobQueueOptions {
  /** Jobs that run at the same time. */
  concurrency: number;
  /** What runs a job (the run wiring). */
  processor: JobProcessor;
  /** Finished jobs kept for `getJob` and stats, oldest dropped first. Default 1000. */
  history?: number;
  /** Waiting jobs at most; more are refused (the caller answers 503). Default 100. */
  maxWaiting?: number;
  now?: () => number;
  /** Told when a job changes state (e.g. to update the `sync_queue_jobs` gauge). */
  onChange?: (stats: QueueStats) => void;
}

/**
 * The `JobQueue` of a single `serve` process: jobs wait in memory and run in this process, at most
 * `concurrency` at once, each with its own abort signal. Nothing survives a restart, which is why a
 * run interrupted by shutdown is resumable from the run store rather than from the queue.
 */
export class InProcessJobQueue implements JobQueue {
  private readonly jobs = new Map<string, JobInfo>();
  private readonly waiting: string[] = [];
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private closing = false;
  private readonly now: () => number;

  constructor(private readonly options: InProcessJobQueueOptions) {
    this.now = options.now ?? Date.now;
  }

  async enqueue(request: JobRequest): Promise<JobInfo> {
    if (this.closing) throw new SyncError('SERVER_ERROR', 'the service is shutting down and accepts no new runs');
    if (this.waiting.length >= (this.options.maxWaiting ?? 100)) {
      throw new SyncError('RATE_LIMITED', `${this.waiting.length} runs are already waiting; try again later`);
    }
    const job: JobInfo = {
      ...request,
      jobId: randomUUID(),
      state: 'waiting',
      createdAt: this.iso(),
      startedAt: null,
      finishedAt: null,
      runStatus: null,
      error: null,
    };
    this.jobs.set(job.jobId, job);
    this.waiting.push(job.jobId);
    this.changed();
    this.pump();
    return { ...job };
  }

  async getJob(organization: string, jobId: string): Promise<JobInfo | undefined> {
    const job = this.jobs.get(jobId);
    return job && job.organization === organization ? { ...job } : undefined;
  }

  async findBySyncId(organization: string, syncId: string): Promise<JobInfo | undefined> {
    for (const job of this.jobs.values()) if (job.syncId === syncId && job.organization === organization) return { ...job };
    return undefined;
  }

  async stats(organization: string): Promise<QueueStats> {
    return this.count((job) => job.organization === organization);
  }

  async cancelWaiting(organization: string, jobId: string): Promise<boolean> {
    const job = this.jobs.get(jobId);
    const at = this.waiting.indexOf(jobId);
    if (!job || job.organization !== organization || at < 0) return false;
    this.waiting.splice(at, 1);
    this.finish(job, 'cancelled', null, null);
    return true;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const jobId of this.waiting.splice(0)) {
      const job = this.jobs.get(jobId);
      if (job) this.finish(job, 'cancelled', null, 'the service shut down before the run started');
    }
    for (const { controller } of this.running.values()) controller.abort(new Error('the service is shutting down'));
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  private pump(): void {
    while (!this.closing && this.running.size < this.options.concurrency && this.waiting.length > 0) {
      const job = this.jobs.get(this.waiting.shift()!);
      if (job) this.start(job);
    }
  }

  private start(job: JobInfo): void {
    const controller = new AbortController();
    job.state = 'active';
    job.startedAt = this.iso();
    this.changed();
    const done = this.options
      .processor({ ...job }, controller.signal)
      .then(
        (status) => this.finish(job, 'completed', status, null),
        (error: unknown) => this.finish(job, 'failed', null, error instanceof Error ? error.message : String(error)),
      )
      .finally(() => {
        this.running.delete(job.jobId);
        this.pump();
      });
    this.running.set(job.jobId, { controller, done });
  }

  private finish(job: JobInfo, state: JobInfo['state'], runStatus: JobInfo['runStatus'], error: string | null): void {
    job.state = state;
    job.runStatus = runStatus;
    job.error = error;
    job.finishedAt = this.iso();
    this.trimHistory();
    this.changed();
  }

  private trimHistory(): void {
    const limit = this.options.history ?? 1000;
    const finished = [...this.jobs.values()].filter((j) => j.finishedAt !== null);
    for (const job of finished.slice(0, Math.max(0, finished.length - limit))) this.jobs.delete(job.jobId);
  }

  private count(include: (job: JobInfo) => boolean): QueueStats {
    const stats: QueueStats = { waiting: 0, active: 0, completed: 0, failed: 0, cancelled: 0, concurrency: this.options.concurrency };
    for (const job of this.jobs.values()) if (include(job)) stats[job.state] += 1;
    return stats;
  }

  private changed(): void {
    this.options.onChange?.(this.count(() => true));
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}
