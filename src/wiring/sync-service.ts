import { requiredCredentialsOf } from '../config/credentials.js';
import type { DeclaredPipeline } from '../config/load-service-config.js';
import { isOrdersPipeline } from '../config/pipeline-schema.js';
import { applyStartOptions, startOptionsHelp } from '../config/start-options.js';
import { newSyncId } from '../engine/sync-id.js';
import { ConfigError, SyncError } from '../errors/sync-error.js';
import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import type { JobInfo, JobQueue } from '../ports/job-queue.js';
import type { RunStatus, RunStore } from '../ports/run-store.js';
import { InProcessJobQueue } from '../queue/in-process-job-queue.js';
import type { PipelineSummary, RunLauncher, StartRequest } from '../server/api/launcher.js';
import { Redactor } from '../telemetry/redaction.js';
import { runSync } from './run-sync.js';
import type { Runtime } from './runtime.js';
import { SchedulerPool } from './scheduler-pool.js';

export interface SyncServiceOptions {
  runtime: Runtime;
  store: RunStore;
  pipelines: DeclaredPipeline[];
  concurrency: number;
  maxWaiting: number;
  clock?: Clock;
  env?: Record<string, string | undefined>;
}

/**
 * The service's runs: the declared pipelines, the in-process job queue that runs them (bounded
 * concurrency, each run its own sync ID, trace and report folder) through the same `runSync` as
 * the CLI, and one scheduler per token shared by every run in the process.
 */
export class SyncService implements RunLauncher {
  readonly queue: JobQueue;
  readonly schedulers = new SchedulerPool();
  private readonly byName: Map<string, DeclaredPipeline>;
  private readonly clock: Clock;

  constructor(private readonly options: SyncServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.byName = new Map(options.pipelines.map((p) => [p.name, p]));
    // Refuse at start-up, naming the file and the variable, rather than fail (or run anonymously) on the first request.
    for (const p of options.pipelines) {
      try {
        requiredCredentialsOf(p.config, options.env);
      } catch (error) {
        throw new ConfigError(`${p.file}: pipeline "${p.name}": ${(error as Error).message}`);
      }
    }
    this.queue = new InProcessJobQueue({
      concurrency: options.concurrency,
      maxWaiting: options.maxWaiting,
      processor: (job, signal) => this.process(job, signal),
      onChange: (stats) => {
        for (const state of ['waiting', 'active', 'completed', 'failed', 'cancelled'] as const) {
          options.runtime.metrics.queueJobs.set({ state }, stats[state]);
        }
      },
    });
  }

  pipelines(organization: string): PipelineSummary[] {
    return [...this.byName.values()].filter((p) => p.organization === organization).map((p) => ({
      name: p.name,
      organization: p.organization,
      source: isOrdersPipeline(p.config)
        ? { type: p.config.source.type, table: p.config.source.table, customers: p.config.source.customers }
        : {
            type: p.config.source.type,
            base_url: new Redactor({}).url(p.config.source.base_url),
            org: p.config.source.org ?? null,
            repos: p.config.source.repos,
          },
      destination: { type: p.config.destination.type },
      start_options: startOptionsHelp(),
      file: p.file,
    }));
  }

  async start(organization: string, request: StartRequest, requestedBy: string): Promise<JobInfo> {
    const declared = this.declared(organization, request.pipeline);
    const { options } = applyStartOptions(declared.config, request.options);
    return this.queue.enqueue({
      organization,
      pipeline: declared.name,
      syncId: newSyncId(new Date(this.clock.now())),
      execute: request.execute,
      options: { ...options },
      requestedBy,
    });
  }

  async resume(organization: string, syncId: string, requestedBy: string): Promise<JobInfo> {
    const run = await this.options.store.getRun(syncId);
    if (!run || run.organization !== organization) throw new SyncError('NOT_FOUND', `no run ${syncId}`);
    if (run.status !== 'interrupted' && run.status !== 'cancelled') {
      throw new SyncError('CONFLICT', `run ${syncId} is ${run.status}; only an interrupted or cancelled run can be resumed`);
    }
    const declared = this.declared(organization, run.pipeline);
    const service = run.options['service'] as { options?: Record<string, unknown> } | undefined;
    return this.queue.enqueue({
      organization,
      pipeline: declared.name,
      syncId,
      execute: run.options['execute'] === true,
      options: { ...(service?.options ?? {}), resume: true },
      requestedBy,
    });
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  private declared(organization: string, name: string): DeclaredPipeline {
    const declared = this.byName.get(name);
    if (!declared || declared.organization !== organization) {
      throw new SyncError('NOT_FOUND', `no declared pipeline "${name}" (GET /api/v1/pipelines lists them)`);
    }
    return declared;
  }

  private async process(job: JobInfo, signal: AbortSignal): Promise<RunStatus> {
    const declared = this.declared(job.organization, job.pipeline);
    const { resume, ...startOptions } = job.options;
    const { config } = applyStartOptions(declared.config, startOptions);
    const run = await runSync(this.options.runtime, {
      config,
      store: this.options.store,
      ...requiredCredentialsOf(config, this.options.env),
      execute: job.execute,
      ...(resume === true ? { resume: job.syncId } : { syncId: job.syncId }),
      schedulers: this.schedulers,
      signal,
      clock: this.clock,
      extraOptions: { service: { job_id: job.jobId, requested_by: job.requestedBy, options: startOptions }, config_file: declared.file },
    });
    return run.status;
  }
}
