import { UsageError } from '../errors/sync-error.js';
import type { OrdersPipelineConfig } from './orders-pipeline-schema.js';
import { isOrdersPipeline, type PipelineConfig } from './pipeline-schema.js';

/** The command line's say on which orders a run takes (`--customer`, `--limit`, `--skip-subitems`). */
export interface OrderSelection {
  customers?: string[];
  limit?: number;
  skipSubitems?: boolean;
}

/**
 * The config with the command line's selection applied: `--customer` adds to `source.customers`,
 * `--limit` replaces `source.limit`, `--skip-subitems` drops `destination.subitems`. Flags of
 * another pipeline kind are a usage error, not silently ignored.
 */
export function withSelection(config: PipelineConfig, selection: OrderSelection): PipelineConfig {
  const given = (selection.customers?.length ?? 0) > 0 || selection.limit !== undefined || selection.skipSubitems === true;
  if (!isOrdersPipeline(config)) {
    if (given) throw new UsageError(`--customer, --limit and --skip-subitems apply to orders pipelines; ${config.pipeline.name} is a ${config.pipeline.kind} pipeline`);
    return config;
  }
  if (selection.limit !== undefined && !(Number.isInteger(selection.limit) && selection.limit > 0)) {
    throw new UsageError(`--limit must be a positive whole number, not ${selection.limit}`);
  }
  const next: OrdersPipelineConfig = {
    ...config,
    source: {
      ...config.source,
      customers: [...config.source.customers, ...(selection.customers ?? []).map((c) => c.trim()).filter(Boolean)],
      ...(selection.limit !== undefined ? { limit: selection.limit } : {}),
    },
    destination: { ...config.destination },
  };
  if (selection.skipSubitems) delete next.destination.subitems;
  return next;
}
