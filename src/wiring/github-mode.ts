import { GITHUB_SOURCE_MODES, isOrdersPipeline, type GithubSourceMode, type PipelineConfig } from '../config/pipeline-schema.js';
import { UsageError } from '../errors/sync-error.js';
import type { RunRow } from '../ports/run-store.js';
import { MODE_BEFORE_RECORDED, recordedMode } from './resume-check.js';

/**
 * The config a GitHub run reads with: `--mode` when given, else on a resume the mode the sync
 * started with (REST for runs recorded before GraphQL became the default, whose checkpoints are
 * REST offsets), else `source.mode`. A `--mode` that differs from the resumed run's is left for
 * the resume check to refuse, naming the option.
 */
export function withGithubMode(config: PipelineConfig, flag: GithubSourceMode | undefined, resumed: RunRow | undefined): PipelineConfig {
  if (isOrdersPipeline(config)) {
    if (flag !== undefined) throw new UsageError('--mode applies to GitHub pipelines only');
    return config;
  }
  const mode = flag ?? (resumed ? knownMode(recordedMode(resumed)) : config.source.mode);
  return mode === config.source.mode ? config : { ...config, source: { ...config.source, mode } };
}

function knownMode(mode: string): GithubSourceMode {
  return (GITHUB_SOURCE_MODES as readonly string[]).includes(mode) ? (mode as GithubSourceMode) : MODE_BEFORE_RECORDED;
}
