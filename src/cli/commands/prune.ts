import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { isSyncId } from '../../engine/sync-id.js';
import { syncReportDir } from '../../reports/file-names.js';
import { openExistingStore } from '../existing-store.js';
import { parseOlderThan } from '../time-args.js';
import { DEFAULT_REPORTS_DIR } from './show.js';

export interface PruneOptions {
  olderThan: string;
  /** Audit bodies of runs older than this go too, their rows stay (default 7d, as `audit.body_retention`). */
  bodiesOlderThan?: string;
  store?: string;
  reportsDir?: string;
  json?: boolean;
}

/**
 * `syncscope prune --older-than 30d`: retention. Deletes the runs that started before the cutoff
 * (with all their rows) and their report folders, and prints what went. Only folders of runs the
 * store deleted are touched: a reports directory may be shared by other stores.
 */
export async function pruneCommand(options: PruneOptions): Promise<number> {
  const cutoff = parseOlderThan(options.olderThan);
  const store = await openExistingStore(options.store);
  const bodiesCutoff = parseOlderThan(options.bodiesOlderThan ?? '7d');
  let removed: string[];
  let bodiesDropped: number;
  try {
    removed = await store.deleteRunsStartedBefore(cutoff);
    bodiesDropped = await store.dropApiCallBodiesBefore(bodiesCutoff);
  } finally {
    await store.close();
  }
  const reportsDir = options.reportsDir ?? DEFAULT_REPORTS_DIR;
  const folders: string[] = [];
  for (const syncId of removed) {
    // The ID becomes a path: anything but the design's format is not ours to delete.
    if (!isSyncId(syncId)) continue;
    const dir = syncReportDir(reportsDir, syncId);
    if (!existsSync(dir)) continue;
    await rm(dir, { recursive: true, force: true });
    folders.push(dir);
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ cutoff, runs_removed: removed, report_folders_removed: folders, bodies_cutoff: bodiesCutoff, api_call_bodies_dropped: bodiesDropped })}\n`);
  } else if (removed.length === 0) {
    process.stdout.write(`No runs started before ${cutoff}.\n`);
  } else {
    const lines = removed.map((id) => `  ${id}${folders.includes(syncReportDir(reportsDir, id)) ? ' (+ report folder)' : ''}`);
    process.stdout.write(`Removed ${removed.length} run(s) started before ${cutoff} and ${folders.length} report folder(s):\n${lines.join('\n')}\n`);
  }
  if (!options.json && bodiesDropped > 0) process.stdout.write(`Dropped the audit bodies of ${bodiesDropped} API call(s) of runs started before ${bodiesCutoff} (the rows stay).\n`);
  return 0;
}
