import { UsageError } from '../../errors/sync-error.js';
import { RUN_STATUSES, type RunFilter, type RunRow, type RunStatus } from '../../ports/run-store.js';
import { openStoreAt } from '../store-access.js';
import { renderTable } from '../output/table.js';
import { parseSince } from '../time-args.js';

export interface RunsOptions {
  store?: string;
  status?: string;
  pipeline?: string;
  since?: string;
  limit?: string;
  json?: boolean;
}

const STATUSES: readonly RunStatus[] = RUN_STATUSES;

/** `syncscope runs`: recent runs, most recent first, with filters. */
export async function runsCommand(options: RunsOptions): Promise<number> {
  const filter = parseFilter(options);
  const store = await openStoreAt(options.store, { readonly: true });
  try {
    const runs = await store.listRuns(filter);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(runs)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      process.stdout.write('No runs match.\n');
      return 0;
    }
    process.stdout.write(renderTable(['Sync ID', 'Pipeline', 'Status', 'Synced', 'Failed', 'Skipped', 'Duration', 'Started (UTC)'], runs.map(row)));
    return 0;
  } finally {
    await store.close();
  }
}

function row(run: RunRow): string[] {
  return [
    run.syncId,
    run.pipeline,
    run.status,
    String(run.records.synced),
    String(run.records.failed),
    String(run.records.skipped),
    run.durationMs === null ? '—' : `${(run.durationMs / 1000).toFixed(1)} s`,
    run.startedAt.replace('T', ' ').slice(0, 19),
  ];
}

function parseFilter(options: RunsOptions): RunFilter {
  const filter: RunFilter = {};
  if (options.status) {
    if (!STATUSES.includes(options.status as RunStatus)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
    filter.status = options.status as RunStatus;
  }
  if (options.pipeline) filter.pipeline = options.pipeline;
  if (options.since) filter.since = parseSince(options.since);
  if (options.limit) {
    const limit = Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
    filter.limit = limit;
  }
  return filter;
}
