import { createServer, type Server } from 'node:http';
import type { PipelineConfig } from '../../config/pipeline-schema.js';
import { UsageError } from '../../errors/sync-error.js';
import type { RunStore } from '../../ports/run-store.js';
import { BullmqWorkers } from '../../queue/bullmq-partition-queue.js';
import { renderPrometheusText } from '../../telemetry/metrics-render.js';
import { WorkerEvents } from '../../telemetry/worker-events.js';
import { defaultWorkerId, processPartitionJob, processRunJob, type WorkerContext } from '../../wiring/distributed-sync.js';
import { sharedBudgetSchedulers } from '../../wiring/shared-budget.js';
import { redisConnection } from '../../queue/bullmq-partition-queue.js';
import { RedisMutationLock } from '../../scheduling/redis-mutation-lock.js';
import { openStoreFor } from '../store-access.js';
import { withRuntime, type OutputOptions } from '../runtime-scope.js';
import { queueSettingsFromEnv } from './distributed-settings.js';

export interface WorkerOptions extends OutputOptions {
  concurrency?: number;
  port?: string;
  host?: string;
}

/**
 * `syncscope worker`: processes distributed runs' partition jobs (and their finalise jobs) from
 * Redis until SIGTERM/SIGINT, then stops taking jobs, lets the active ones stop at a batch boundary
 * (released to another worker) and exits 0. `/metrics` and `/healthz` on its own port.
 */
export async function workerCommand(options: WorkerOptions): Promise<number> {
  const settings = queueSettingsFromEnv(process.env);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError('--concurrency must be a positive integer');
  const port = Number(options.port ?? process.env.SYNCSCOPE_WORKER_PORT ?? 9465);
  const workerId = defaultWorkerId();
  return withRuntime(options, async (runtime) => {
    const events = new WorkerEvents(runtime.logger, runtime.policy, workerId);
    const stores = new Map<string, Promise<RunStore>>();
    // One API budget for all workers: every token's remaining/reset and holds are kept in Redis.
    const budgetRedis = redisConnection(settings.url);
    const schedulers = sharedBudgetSchedulers({
      redis: budgetRedis,
      prefix: settings.prefix ?? 'syncscope',
      onError: (error) => events.budgetUnavailable({ error_message: error instanceof Error ? error.message : String(error) }),
    });
    // One writer per board across all workers (Monday: concurrent mutations on a board corrupt it).
    const mutationLock = new RedisMutationLock({
      redis: budgetRedis,
      prefix: settings.prefix ?? 'syncscope',
      onLost: (key) => events.lockLost({ lock_key: key }),
    });
    const ctx: WorkerContext = {
      runtime,
      workerId,
      schedulers,
      mutationLock,
      storeFor: (config: PipelineConfig) => {
        const key = JSON.stringify(config.store);
        let store = stores.get(key);
        if (!store) stores.set(key, (store = openStoreFor(config.store)));
        return store;
      },
    };
    const workers = new BullmqWorkers(
      { ...settings, concurrency, workerId, metrics: runtime.metrics },
      {
        partition: (job, signal) => processPartitionJob(ctx, job, signal),
        finalise: (job, children, failed) => processRunJob(ctx, job, children, failed),
        onFailed: (job, error, willRetry) => {
          const fields = {
            sync_id: job?.data.syncId ?? null,
            job_id: job?.id ?? null,
            partition: job?.data.partition.key ?? null,
            attempt: job?.attemptsMade ?? 0,
            error_message: error.message,
          };
          if (willRetry) events.jobRetrying(fields);
          else events.jobFailed(fields);
        },
        onStalled: (jobId) => events.jobStalled({ job_id: jobId }),
      },
    );
    await workers.waitUntilReady();
    const server = await listen(port, options.host ?? '127.0.0.1', async (path) => {
      if (path === '/healthz') return { status: 200, type: 'application/json', body: JSON.stringify({ status: 'ok', worker_id: workerId }) };
      if (path === '/metrics') {
        // The queue's own numbers (shared by every worker), so the dashboard's queue panels fill.
        const counts = await workers.counts().catch(() => ({}));
        for (const [state, n] of Object.entries(counts)) runtime.metrics.queueJobs.set({ state }, n);
        return { status: 200, type: 'text/plain; version=0.0.4', body: await renderPrometheusText(runtime.metrics) };
      }
      return { status: 404, type: 'text/plain', body: 'not found' };
    });
    events.started({ concurrency, port: (server.address() as { port: number }).port });
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', () => resolve());
      process.once('SIGINT', () => resolve());
    });
    events.stopping();
    await workers.close();
    await new Promise((resolve) => server.close(resolve));
    for (const store of stores.values()) await (await store).close();
    await budgetRedis.quit().catch(() => undefined);
    events.stopped();
    return 0;
  }, { progressBar: false });
}

type Answer = { status: number; type: string; body: string };

function listen(port: number, host: string, answer: (path: string) => Promise<Answer>): Promise<Server> {
  const server = createServer((req, res) => {
    answer(new URL(req.url ?? '/', 'http://x').pathname).then(
      (a) => res.writeHead(a.status, { 'content-type': a.type }).end(a.body),
      (error: unknown) => res.writeHead(500).end(error instanceof Error ? error.message : String(error)),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
