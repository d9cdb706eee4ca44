import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvironment } from '../../config/environment.js';
import { UsageError } from '../../errors/sync-error.js';
import { SUMMARY_MARKDOWN, syncReportDir } from '../../reports/file-names.js';
import { buildRunDigest } from '../../reports/run-digest.js';
import { describeStore, openExistingStore } from '../existing-store.js';
import { renderShowScreen, toSlowCall } from '../output/show-screen.js';

export interface ShowOptions {
  store?: string;
  reportsDir?: string;
  json?: boolean;
}

export const DEFAULT_REPORTS_DIR = './reports';
const SLOWEST_CALLS = 5;

/**
 * `syncscope show SYNC_ID`: the on-call view of one sync, read live from the store (so it works
 * while the sync runs). `--json` prints the same digest as `_SYNC_SUMMARY.json`, plus the slowest calls.
 */
export async function showCommand(syncId: string, options: ShowOptions): Promise<number> {
  const env = readEnvironment(process.env);
  const store = await openExistingStore(options.store, { readonly: true });
  try {
    const digest = await buildRunDigest(store, syncId, { grafanaUrl: env.grafanaUrl, serviceName: env.serviceName });
    if (!digest) throw new UsageError(`no sync ${syncId} in the run store ${describeStore(options.store)} (list them with \`syncscope runs\`)`);
    const slowest = (await store.listApiCalls(syncId, { order: 'slowest', limit: SLOWEST_CALLS })).map(toSlowCall);
    const summary = join(syncReportDir(options.reportsDir ?? DEFAULT_REPORTS_DIR, syncId), SUMMARY_MARKDOWN);
    const reportPath = existsSync(summary) ? summary : null;
    process.stdout.write(options.json
      ? `${JSON.stringify({ ...digest, slowest_calls: slowest, report_path: reportPath })}\n`
      : renderShowScreen(digest, slowest, reportPath));
    return 0;
  } finally {
    await store.close();
  }
}
