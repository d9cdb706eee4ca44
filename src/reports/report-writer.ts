import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunStore } from '../ports/run-store.js';
import type { DigestPartition, RunDigest } from './digest-types.js';
import { SUMMARY_JSON, SUMMARY_MARKDOWN, syncReportDir } from './file-names.js';
import { buildPartitionReport, renderPartitionMarkdown } from './partition-report.js';
import { buildRunDigest, type DigestOptions } from './run-digest.js';
import { renderSummaryMarkdown } from './summary-markdown.js';

/** What was written: one notice per summary file, one per partition folder (not one per file). */
export interface ReportWritten {
  path: string;
  /** For a partition folder: how many files it got (a markdown and a JSON file per partition). */
  files?: number;
}

export interface ReportWriterOptions extends DigestOptions {
  /** Root of the report folders (`reports.dir`); the sync's folder is `<dir>/sync/<sync ID>`. */
  reportsDir: string;
  onWritten?: (written: ReportWritten) => void;
  /** Partition reports written at once. */
  concurrency?: number;
}

export interface WrittenReports {
  dir: string;
  summaryMarkdown: string;
  summaryJson: string;
  partitionFiles: number;
  digest: RunDigest;
}

/**
 * Writes a sync's whole report folder from the run store: the executive summary and its JSON twin,
 * then one markdown + JSON report per partition. The post-run write and `syncscope report` both
 * come here, so a rebuilt folder is the one the run wrote. Each file is written to a temporary name
 * and renamed, so a reader never sees half a report. Undefined for an unknown sync.
 */
export async function writeSyncReports(store: RunStore, syncId: string, options: ReportWriterOptions): Promise<WrittenReports | undefined> {
  const digest = await buildRunDigest(store, syncId, options);
  if (!digest) return undefined;
  const dir = syncReportDir(options.reportsDir, syncId);
  await mkdir(dir, { recursive: true });

  const summaryMarkdown = join(dir, SUMMARY_MARKDOWN);
  await writeAtomically(summaryMarkdown, renderSummaryMarkdown(digest));
  options.onWritten?.({ path: summaryMarkdown });
  const summaryJson = join(dir, SUMMARY_JSON);
  await writeAtomically(summaryJson, `${JSON.stringify(digest, null, 2)}\n`);
  options.onWritten?.({ path: summaryJson });

  const filesPerFolder = new Map<string, number>();
  const folders = new Set(digest.partitions.map((p) => dirname(join(dir, p.report_file))));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  await forEachBounded(digest.partitions, options.concurrency ?? 16, async (partition) => {
    const folder = await writePartition(store, digest, partition, dir, options.redact);
    filesPerFolder.set(folder, (filesPerFolder.get(folder) ?? 0) + 2);
  });
  let partitionFiles = 0;
  for (const [folder, files] of [...filesPerFolder].sort(([a], [b]) => a.localeCompare(b))) {
    partitionFiles += files;
    options.onWritten?.({ path: folder, files });
  }
  return { dir, summaryMarkdown, summaryJson, partitionFiles, digest };
}

async function writePartition(
  store: RunStore,
  digest: RunDigest,
  partition: DigestPartition,
  dir: string,
  redact: ((text: string) => string) | undefined,
): Promise<string> {
  const report = await buildPartitionReport(store, digest, partition, redact);
  const markdownPath = join(dir, partition.report_file);
  await writeAtomically(markdownPath, renderPartitionMarkdown(report));
  await writeAtomically(markdownPath.replace(/\.md$/, '.json'), `${JSON.stringify(report, null, 2)}\n`);
  return dirname(markdownPath);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/** Runs `fn` over `items` with at most `limit` in flight; the first failure stops new work and is thrown. */
async function forEachBounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure;
}
