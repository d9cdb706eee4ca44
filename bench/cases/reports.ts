import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorCategory } from '../../src/errors/sync-error.js';
import type { ApiCallRow, BatchRow, RecordStateRow, RunRow, RunStore } from '../../src/ports/run-store.js';
import { writeSyncReports } from '../../src/reports/report-writer.js';
import { openRunStore } from '../../src/store/open-run-store.js';
import type { BenchFigure } from '../lib/report.js';

const PARTITIONS = 1_000;
const RECORDS_PER_PARTITION = 100;
const BATCH_SIZE = 50;
const SYNC_ID = '202611231200-SYNC-BE4C0001';
const TARGET_SECONDS = 2;
const TARGET_RSS_MB = 100;
const RUNS = 3;

interface ChildResult {
  elapsedMs: number;
  rssGrowthMb: number;
  files: number;
}

/**
 * Time to write the whole report folder of a large sync (100,000 records in 1,000 partitions, some
 * failures, API calls), generated straight into a SQLite store, not through the engine. The write
 * runs in a child process (this file, with `--child`) so its peak RSS is measured on a clean heap:
 * growth = max RSS − RSS before writing. Target ≤ 2 s; the memory must not scale with records
 * (the writer reads counts and aggregates, at most 10,000 failed records, never all states).
 */
export async function reportsBench(): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'syncscope-bench-reports-'));
  try {
    const store = await openRunStore({ kind: 'sqlite', path: join(dir, 'store.db') });
    const generatedAt = performance.now();
    await generateRun(store);
    await store.close();
    const generationMs = performance.now() - generatedAt;
    // The median of three writes, each in a fresh process and folder: file creation time swings with the host's I/O load.
    const results: ChildResult[] = [];
    for (let i = 0; i < RUNS; i++) results.push(await runChild(dir, `reports-${i}`));
    const times = results.map((r) => r.elapsedMs).sort((a, b) => a - b);
    const result = { ...results[0]!, elapsedMs: times[Math.floor(RUNS / 2)]!, rssGrowthMb: Math.max(...results.map((r) => r.rssGrowthMb)) };
    const seconds = result.elapsedMs / 1000;
    return [
      {
        case: 'reports',
        metric: `report folder, ${PARTITIONS * RECORDS_PER_PARTITION} records / ${PARTITIONS} partitions`,
        value: seconds,
        unit: 's',
        target: `≤ ${TARGET_SECONDS} s`,
        pass: seconds <= TARGET_SECONDS,
        note: `median of ${RUNS} (${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s); ${result.files} files each; store generated in ${(generationMs / 1000).toFixed(1)} s (not timed)`,
      },
      { case: 'reports', metric: `peak RSS growth while writing (max of ${RUNS})`, value: result.rssGrowthMb, unit: 'MB', target: `≤ ${TARGET_RSS_MB} MB`, pass: result.rssGrowthMb <= TARGET_RSS_MB },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One run as the engine would leave it: partitions, batches with record states, API calls. */
async function generateRun(store: RunStore): Promise<void> {
  const startedAt = '2026-11-23T12:00:00.000Z';
  const run: RunRow = {
    syncId: SYNC_ID, pipeline: 'bench-reports', organization: 'default', status: 'running', options: { execute: true }, startedAt, finishedAt: null, durationMs: null,
    traceId: 'a'.repeat(32), rootSpanId: 'b'.repeat(16), resumeCount: 0, retryOf: null,
    records: { synced: 0, failed: 0, skipped: 0, pending: 0 }, partitions: { total: 0, succeeded: 0, failed: 0 },
    batches: { total: 0, succeeded: 0, failed: 0 },
    api: { requests: 0, retries: 0, rateLimitWaits: 12, rateLimitWaitSeconds: 41.5, rateLimitRejections: 0 },
    errorCategory: null, errorMessage: null, cancelRequest: null,
  };
  await store.createRun(run);
  const categories: ErrorCategory[] = ['VALIDATION_ERROR', 'INVALID_CREDENTIALS', 'CONFLICT'];
  let synced = 0;
  let failed = 0;
  let failedPartitions = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    const key = `bench-org/repo-${String(p).padStart(4, '0')}`;
    // Every 20th partition has a few failed records; that is 5% of partitions, 0.5% of records.
    const failing = p % 20 === 7 ? 10 : 0;
    const calls: ApiCallRow[] = [];
    for (let b = 0; b < RECORDS_PER_PARTITION / BATCH_SIZE; b++) {
      const records: RecordStateRow[] = [];
      for (let r = 0; r < BATCH_SIZE; r++) {
        const n = b * BATCH_SIZE + r;
        const fails = n < failing;
        records.push({
          syncId: SYNC_ID, recordKey: `${key}#${n + 1}`, partitionKey: key, entity: 'pull_request', status: fails ? 'failed' : 'synced',
          externalId: fails ? null : String(p * 1000 + n), errorCategory: fails ? categories[n % categories.length]! : null,
          errorMessage: fails ? `record ${key}#${n + 1} rejected: field "title" is too long (${300 + n} > 256)` : null,
          requestId: null, updatedAt: startedAt,
        });
      }
      const batchFailed = records.filter((r) => r.status === 'failed').length;
      const batch: BatchRow = {
        syncId: SYNC_ID, partitionKey: key, batchId: `${key}#${b + 1}`, sequence: b + 1, status: batchFailed ? 'failure' : 'success',
        records: BATCH_SIZE, synced: BATCH_SIZE - batchFailed, failed: batchFailed, attempt: b === 0 && p % 50 === 0 ? 2 : 1,
        startedAt, durationMs: 3 + (p % 7), errorCategory: null, errorMessage: null,
      };
      await store.commitBatch({ batch, records, checkpoint: { partitionKey: key, cursor: String(b + 2) } });
      calls.push(apiCall(key, b, p % 100 === 3 && b === 0));
    }
    synced += RECORDS_PER_PARTITION - failing;
    failed += failing;
    if (failing) failedPartitions += 1;
    await store.recordApiCalls(calls);
    await store.savePartition({
      syncId: SYNC_ID, partitionKey: key, kind: 'repo', status: failing ? 'failed' : 'succeeded',
      records: { synced: RECORDS_PER_PARTITION - failing, failed: failing, skipped: 0, pending: 0 },
      batchesTotal: RECORDS_PER_PARTITION / BATCH_SIZE, batchesFailed: failing ? 1 : 0, startedAt, finishedAt: startedAt,
      durationMs: 200 + (p % 300), errorCategory: failing ? 'VALIDATION_ERROR' : null, errorMessage: null,
      recordsExpected: RECORDS_PER_PARTITION,
    });
  }
  await store.updateRun({
    ...run, status: 'partial', finishedAt: '2026-11-23T12:03:20.000Z', durationMs: 200_000,
    records: { synced, failed, skipped: 0, pending: 0 }, partitions: { total: PARTITIONS, succeeded: PARTITIONS - failedPartitions, failed: failedPartitions },
    api: { ...run.api, requests: PARTITIONS * 2, retries: 10 },
  });
}

function apiCall(key: string, page: number, failedCall: boolean): ApiCallRow {
  return {
    syncId: SYNC_ID, partitionKey: key, connector: 'github', operation: 'pulls.list', method: 'GET', route: '/repos/{owner}/{repo}/pulls',
    url: `https://api.github.com/repos/${key}/pulls?page=${page + 1}`, status: failedCall ? 502 : 200, durationMs: 40 + (page * 17) % 90,
    attempt: 1, errorCategory: failedCall ? 'SERVER_ERROR' : null, traceId: 'a'.repeat(32), spanId: 'c'.repeat(16),
    requestId: `REQ:${key}:${page}`, resource: 'core', cost: 1, rateLimitRemaining: 4000, requestHeaders: { accept: 'application/json' },
    requestBody: null, responseBody: '[{"number":1,"title":"a pull request"}]', truncated: false, startedAt: '2026-11-23T12:00:01.000Z',
  };
}

function runChild(dir: string, reports: string): Promise<ChildResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', dir, reports], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += String(c)));
  child.stderr.on('data', (c) => (stderr += String(c)));
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`reports bench child failed (exit ${code}): ${stderr.slice(-2000)}`));
      else resolve(JSON.parse(last) as ChildResult);
    });
  });
}

/** The measured part, in its own process. */
async function child(dir: string, reports: string): Promise<void> {
  const store = await openRunStore({ kind: 'sqlite', path: join(dir, 'store.db') });
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const written = await writeSyncReports(store, SYNC_ID, { reportsDir: join(dir, reports) });
  const elapsedMs = performance.now() - started;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  await store.close();
  if (!written) throw new Error('bench sync not found');
  const files = 2 + readdirSync(join(written.dir, 'repo_reports')).length;
  const result: ChildResult = { elapsedMs, rssGrowthMb: Math.max(0, maxRss - before) / 1024 / 1024, files };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[2] === '--child' && process.argv[1] === fileURLToPath(import.meta.url)) await child(process.argv[3] ?? '.', process.argv[4] ?? 'reports');
