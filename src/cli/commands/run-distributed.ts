import type { PipelineConfig } from '../../config/pipeline-schema.js';
import { BullmqRunQueue, redisConnection } from '../../queue/bullmq-partition-queue.js';
import { enqueueDistributedSync } from '../../wiring/distributed-sync.js';
import { sharedBudgetSchedulers } from '../../wiring/shared-budget.js';
import { exitCodeOf } from '../exit-codes.js';
import { apiPointsOfRun } from '../../reports/api-points.js';
import { renderHumanSummary, toJsonSummary } from '../output/run-summary.js';
import { withRuntime } from '../runtime-scope.js';
import { openStoreFor } from '../store-access.js';
import { queueSettingsFromEnv } from './distributed-settings.js';
import type { RunOptions } from './run.js';

/**
 * `run --distributed`: records the run and enqueues its partitions as one BullMQ flow. With
 * `--detach` it prints the sync and job IDs and returns; otherwise it waits for the flow's parent
 * (the run finalised by a worker) and prints the same summary as a local run.
 */
export async function runDistributed(options: RunOptions, config: PipelineConfig): Promise<number> {
  const settings = queueSettingsFromEnv(process.env);
  const store = await openStoreFor(config.store);
  const queue = new BullmqRunQueue(settings);
  // The partition listing spends the token's budget too: through Redis, as the workers do.
  const budgetRedis = redisConnection(settings.url);
  try {
    return await withRuntime(options, async (runtime) => {
      const enqueued = await enqueueDistributedSync(runtime, {
        config,
        store,
        queue,
        execute: options.execute === true,
        // Redis unreachable: this process's own view of the budget decides (the workers report it).
        schedulers: sharedBudgetSchedulers({ redis: budgetRedis, prefix: settings.prefix ?? 'syncscope' }),
        extraOptions: { config_file: options.config, ...(options.environment ? { environment: options.environment } : {}) },
      });
      runtime.lastRun = { syncId: enqueued.run.syncId, pipeline: enqueued.run.pipeline, traceId: enqueued.run.traceId };
      if (enqueued.jobId === null || options.detach) {
        enqueued.endRootSpan();
        const done = enqueued.jobId === null ? await store.getRun(enqueued.run.syncId) : undefined;
        const line = { sync_id: enqueued.run.syncId, job_id: enqueued.jobId, partitions: enqueued.partitions, trace_id: enqueued.run.traceId, status: done?.status ?? 'queued' };
        process.stdout.write(options.json ? `${JSON.stringify(line)}\n` : `Enqueued ${line.partitions} partitions of ${line.sync_id} (job ${line.job_id}); follow it with: syncscope status ${line.sync_id}\n`);
        return done ? exitCodeOf(done.status) : 0;
      }
      await queue.waitForRun(enqueued.jobId);
      const run = (await store.getRun(enqueued.run.syncId))!;
      enqueued.endRootSpan(run);
      const summary = toJsonSummary(run, { points: await apiPointsOfRun(store, run) });
      process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : renderHumanSummary(summary));
      return exitCodeOf(run.status);
    }, { pipeline: config.pipeline.name });
  } finally {
    await budgetRedis.quit().catch(() => undefined);
    await queue.close();
    await store.close();
  }
}
