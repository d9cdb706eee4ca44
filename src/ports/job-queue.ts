import type { RunStatus } from './run-store.js';

/**
 * Where a job stands. Named as BullMQ names them (`waiting`, `active`, `completed`, `failed`), plus
 * `cancelled` for a job removed before it started, so that the distributed adapter maps one to one.
 */
export type JobState = 'waiting' | 'active' | 'completed' | 'failed' | 'cancelled';

/** What a job is asked to do: run one declared pipeline as the sync `syncId`. */
export interface JobRequest {
  organization: string;
  pipeline: string;
  /** Assigned when the job is accepted, so the caller can link to the run before it starts. */
  syncId: string;
  /** Dry unless true. */
  execute: boolean;
  /** Pipeline-specific options (e.g. `limit`), already validated against the pipeline. */
  options: Record<string, unknown>;
  /** Who asked (an API token ID), for the audit trail; never a secret. */
  requestedBy: string;
}

export interface JobInfo extends JobRequest {
  jobId: string;
  state: JobState;
  /** ISO timestamps. */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The run's final status once the job is done (a job `completed` may hold a `partial` run). */
  runStatus: RunStatus | null;
  /** Why a job `failed` (the run could not even start), redacted. */
  error: string | null;
}

/** Jobs by state. Counts are of one organization when the caller asks for one. */
export interface QueueStats {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Runs the queue executes at once (the same for every organization). */
  concurrency: number;
}

/** What the queue calls to run a job; resolves with the run's final status. */
export type JobProcessor = (job: JobInfo, signal: AbortSignal) => Promise<RunStatus>;

/**
 * Accepts sync jobs and runs them with bounded concurrency. Adapters: `InProcessJobQueue` (jobs run
 * inside the `serve` process; history kept in memory, bounded) and, with distributed mode, a BullMQ
 * adapter (jobs run on `syncscope worker` processes). The run itself is always in the run store:
 * the queue only knows what was asked and where the job stands.
 *
 * Every read takes the caller's organization, and answers only about its jobs: a job of another
 * organization is `undefined`, exactly like one that does not exist.
 */
export interface JobQueue {
  /** Accepts a job; resolves once it is queued (not when it runs). Rejects once the queue is closing. */
  enqueue(request: JobRequest): Promise<JobInfo>;
  /** A job of `organization` by job ID. */
  getJob(organization: string, jobId: string): Promise<JobInfo | undefined>;
  /** The job that runs (or will run) `syncId`, if this queue accepted it. */
  findBySyncId(organization: string, syncId: string): Promise<JobInfo | undefined>;
  /** Counts of `organization`'s jobs by state. */
  stats(organization: string): Promise<QueueStats>;
  /** Removes a job that has not started (it ends `cancelled`); false if it is not waiting. */
  cancelWaiting(organization: string, jobId: string): Promise<boolean>;
  /**
   * Stops accepting jobs, drops waiting ones (`cancelled`), aborts the signal of active ones (their
   * runs end `interrupted`, resumable) and resolves when they have all returned.
   */
  close(): Promise<void>;
}
