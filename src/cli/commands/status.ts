import { colorAllowed, readClientToken, readEnvironment } from '../../config/environment.js';
import { UsageError } from '../../errors/sync-error.js';
import type { RunStore } from '../../ports/run-store.js';
import { progressOf } from '../../reports/run-progress.js';
import { buildRunStatus } from '../../reports/run-status.js';
import type { RunStatusView } from '../../reports/run-status-types.js';
import { runStatusMark } from '../../reports/status-marks.js';
import { describeStore, openExistingStore } from '../existing-store.js';
import { exitCodeOf } from '../exit-codes.js';
import { renderStatusList, renderStatusScreen, type StatusListItem } from '../output/status-screen.js';
import { ServiceClient } from '../service-client.js';

export interface StatusOptions {
  store?: string;
  url?: string;
  watch?: boolean;
  interval?: string;
  json?: boolean;
}

/** Where status is read from: the run store directly, or a service's API. */
interface StatusSource {
  run(syncId: string): Promise<RunStatusView | undefined>;
  list(): Promise<{ items: StatusListItem[]; queue: { waiting: number; active: number } | null }>;
  describe(): string;
  close(): Promise<void>;
}

/**
 * `syncscope status [sync-id]`: the live view of a sync (progress bar, ETA and its basis,
 * partitions, errors) from the run store or from a service (`--url`, token in SYNCSCOPE_TOKEN).
 * `--watch` redraws until the run ends and exits with the run's exit code.
 */
export async function statusCommand(syncId: string | undefined, options: StatusOptions): Promise<number> {
  const intervalMs = Number(options.interval ?? '2') * 1000;
  if (!(intervalMs >= 200)) throw new UsageError('--interval must be a number of seconds, at least 0.2');
  const source = options.url ? remoteSource(options.url) : await localSource(options.store);
  const tty = process.stdout.isTTY === true && !options.json;
  try {
    for (let frame = 0; ; frame++) {
      if (syncId) {
        const view = await source.run(syncId);
        if (!view) throw new UsageError(`no sync ${syncId} in ${source.describe()}`);
        draw(tty, frame, options.json ? `${JSON.stringify(view)}\n` : renderStatusScreen(view, tty && colorAllowed()));
        if (!options.watch || !view.live) return options.watch && view.status !== 'queued' ? exitCodeOf(view.status) : 0;
      } else {
        const { items, queue } = await source.list();
        draw(tty, frame, options.json ? `${JSON.stringify(items)}\n` : renderStatusList(items, queue));
        if (!options.watch || !items.some((i) => i.status === 'running')) return 0;
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  } finally {
    await source.close();
  }
}

/** In a terminal each frame replaces the last; piped, frames follow each other. */
function draw(tty: boolean, frame: number, text: string): void {
  process.stdout.write(tty && frame > 0 ? `\x1b[H\x1b[2J${text}` : text);
}

async function localSource(location: string | undefined): Promise<StatusSource> {
  const store: RunStore = await openExistingStore(location, { readonly: true });
  const env = readEnvironment(process.env);
  return {
    run: (id) => buildRunStatus(store, id, { grafanaUrl: env.grafanaUrl, serviceName: env.serviceName }),
    list: async () => {
      const recent = await store.listRuns({ limit: 10 });
      const running = await store.listRuns({ status: 'running', limit: 50 });
      const runs = [...running, ...recent.filter((r) => r.status !== 'running')];
      const items = await Promise.all(runs.map(async (run): Promise<StatusListItem> => {
        let percent = 100;
        let records = run.records;
        if (run.status === 'running') {
          const [partitions, counts] = await Promise.all([store.listPartitions(run.syncId), store.countRecordStates(run.syncId)]);
          percent = progressOf(partitions, counts).progress.percent;
          records = counts;
        }
        return { sync_id: run.syncId, pipeline: run.pipeline, status: run.status, status_mark: runStatusMark(run.status), percent, records, started_at: run.startedAt, duration_ms: run.durationMs };
      }));
      return { items, queue: null };
    },
    describe: () => `the run store ${describeStore(location)}`,
    close: () => store.close(),
  };
}

function remoteSource(url: string): StatusSource {
  const client = new ServiceClient(url, readClientToken());
  return {
    run: (id) => client.run(id),
    list: async () => {
      const [runs, queue] = await Promise.all([client.runs(20), client.queueStats()]);
      const running = runs.filter((r) => r.status === 'running');
      return { items: [...running, ...runs.filter((r) => r.status !== 'running').slice(0, 10)], queue };
    },
    describe: () => client.describe(),
    close: async () => {},
  };
}
