import { readToken } from '../../config/environment.js';
import { loadPipelineConfig } from '../../config/load-config.js';
import { UsageError } from '../../errors/sync-error.js';
import { openStoreFor } from '../store-access.js';
import { runSync } from '../../wiring/run-sync.js';
import { exitCodeOf } from '../exit-codes.js';
import { renderHumanSummary, toJsonSummary } from '../output/run-summary.js';
import { withRuntime, type OutputOptions } from '../runtime-scope.js';
import { abortOnSignals } from '../shutdown-signal.js';

export interface RunOptions extends OutputOptions {
  config: string;
  execute?: boolean;
  resume?: string;
  retryFailed?: string;
}

/** `syncscope run --config FILE`: runs a configured pipeline (dry unless --execute). */
export async function runCommand(options: RunOptions): Promise<number> {
  if (options.resume && options.retryFailed) throw new UsageError('--resume and --retry-failed cannot be combined');
  const config = await loadPipelineConfig(options.config);
  const store = await openStoreFor(config.store);
  const signals = abortOnSignals();
  try {
    return await withRuntime(options, async (runtime) => {
      const run = await runSync(runtime, {
        config,
        store,
        token: readToken(config.source.token_env),
        execute: options.execute === true,
        resume: options.resume,
        retryFailed: options.retryFailed,
        extraOptions: { config_file: options.config },
        signal: signals.signal,
      });
      const summary = toJsonSummary(run, { reportPath: run.reportPath ?? undefined });
      process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : renderHumanSummary(summary));
      return exitCodeOf(run.status);
    }, { pipeline: config.pipeline.name });
  } finally {
    signals.dispose();
    await store.close();
  }
}
