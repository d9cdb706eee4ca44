import { requiredCredentialsOf } from '../../config/credentials.js';
import { loadPipelineConfig } from '../../config/load-config.js';
import { withSelection } from '../../config/orders-selection.js';
import { isOrdersPipeline, type GithubSourceMode, type PipelineConfig } from '../../config/pipeline-schema.js';
import { withGithubMode } from '../../wiring/github-mode.js';
import { UsageError } from '../../errors/sync-error.js';
import { openStoreFor } from '../store-access.js';
import { runSync } from '../../wiring/run-sync.js';
import { exitCodeOf } from '../exit-codes.js';
import { renderPlannedWork } from '../output/planned-work.js';
import { apiPointsOfRun } from '../../reports/api-points.js';
import { renderHumanSummary, toJsonSummary } from '../output/run-summary.js';
import { renderPartitionTable } from '../output/partition-table.js';
import { withRuntime, type OutputOptions } from '../runtime-scope.js';
import { abortOnSignals } from '../shutdown-signal.js';

export interface RunOptions extends OutputOptions {
  config: string;
  execute?: boolean;
  resume?: string;
  retryFailed?: string;
  environment?: string;
  customer?: string[];
  limit?: number;
  skipSubitems?: boolean;
  /** Accepted for the order-sync CLI's users: reports are always written. */
  generateReport?: boolean;
  /** Enqueue the partitions for `syncscope worker` processes (also `distributed = true` in the pipeline). */
  distributed?: boolean;
  /** With --distributed: print the sync ID and job ID and return without waiting. */
  detach?: boolean;
  /** GitHub: `rest` or `graphql`, over `source.mode` (a resume keeps its recorded mode). */
  mode?: GithubSourceMode;
}

/** `syncscope run --config FILE`: runs a configured pipeline (dry unless --execute). */
export async function runCommand(options: RunOptions): Promise<number> {
  if (options.resume && options.retryFailed) throw new UsageError('--resume and --retry-failed cannot be combined');
  const loaded = await loadPipelineConfig(options.config, { environment: options.environment });
  const config = withSelection(loaded, { customers: options.customer, limit: options.limit, skipSubitems: options.skipSubitems });
  const credentials = requiredCredentialsOf(config);
  if (options.distributed || config.options.distributed) {
    if (options.resume || options.retryFailed) throw new UsageError('--resume and --retry-failed do not run distributed yet');
    return (await import('./run-distributed.js')).runDistributed(options, withGithubMode(config, options.mode, undefined));
  }
  const store = await openStoreFor(config.store);
  const signals = abortOnSignals();
  try {
    return await withRuntime(options, async (runtime) => {
      const run = await runSync(runtime, {
        config,
        store,
        ...credentials,
        execute: options.execute === true,
        resume: options.resume,
        retryFailed: options.retryFailed,
        mode: options.mode,
        extraOptions: { config_file: options.config, ...(options.environment ? { environment: options.environment } : {}) },
        signal: signals.signal,
      });
      const summary = toJsonSummary(run, { reportPath: run.reportPath ?? undefined, plan: run.plan, points: await apiPointsOfRun(store, run) });
      const planned = !options.execute && run.plan && !options.json ? renderPlannedWork(run.plan, targetOf(config)) : '';
      process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : planned + renderHumanSummary(summary) + renderPartitionTable(await store.listPartitions(run.syncId)));
      return exitCodeOf(run.status);
    }, { pipeline: config.pipeline.name });
  } finally {
    signals.dispose();
    await store.close();
  }
}

function targetOf(config: PipelineConfig): string {
  return isOrdersPipeline(config) ? `Monday.com board ${config.destination.board_id} from ${config.source.table}` : `${config.destination.type} ${config.destination.path}`;
}
