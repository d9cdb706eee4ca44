import { UsageError } from '../../errors/sync-error.js';
import { writeSyncReports } from '../../reports/report-writer.js';
import { Redactor } from '../../telemetry/redaction.js';
import { describeStore, openExistingStore } from '../existing-store.js';
import { withRuntime, type OutputOptions } from '../runtime-scope.js';
import { DEFAULT_REPORTS_DIR } from './show.js';

export interface ReportOptions extends OutputOptions {
  store?: string;
  reportsDir?: string;
}

/**
 * `syncscope report SYNC_ID`: rebuilds the sync's report folder from the run store, with the code
 * the run itself wrote it with, and announces each file written through the same event as the run does.
 */
export async function reportCommand(syncId: string, options: ReportOptions): Promise<number> {
  const store = await openExistingStore(options.store, { readonly: true });
  try {
    const run = await store.getRun(syncId);
    if (!run) throw new UsageError(`no sync ${syncId} in the run store ${describeStore(options.store)} (list them with \`syncscope runs\`)`);
    return await withRuntime(options, async (runtime) => {
      // The run's token is not known here; key names and credential patterns still get redacted.
      const redactor = new Redactor();
      const events = runtime.eventsFor(syncId, run.pipeline, redactor).withTraceContext(run.traceId, run.rootSpanId);
      const { env } = runtime.options;
      const written = await writeSyncReports(store, syncId, {
        reportsDir: options.reportsDir ?? DEFAULT_REPORTS_DIR,
        grafanaUrl: env.grafanaUrl,
        serviceName: env.serviceName,
        redact: (text) => redactor.text(text),
        onWritten: ({ path, files }) => events.reportWritten(files === undefined ? { path } : { path, files }),
      });
      if (!written) throw new UsageError(`no sync ${syncId} in the run store`);
      const result = { sync_id: syncId, report_dir: written.dir, summary: written.summaryMarkdown, summary_json: written.summaryJson, partition_files: written.partitionFiles };
      process.stdout.write(options.json
        ? `${JSON.stringify(result)}\n`
        : `Wrote ${written.summaryMarkdown}, ${written.summaryJson} and ${written.partitionFiles} partition report files under ${written.dir}\n`);
      return 0;
    });
  } finally {
    await store.close();
  }
}
