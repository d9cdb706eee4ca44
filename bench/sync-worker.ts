/**
 * One measured sync in its own process, so each variant (telemetry on/off, ...) starts from a
 * clean heap and its own OpenTelemetry SDK. Telemetry is set through the environment, as a user
 * would. Prints one JSON line with the measurements.
 */
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { limitHeapGrowth } from '../src/cli/heap-growth.js';
import { readEnvironment } from '../src/config/environment.js';
import { parsePipelineConfig } from '../src/config/load-config.js';
import { openRunStore } from '../src/store/open-run-store.js';
import type { RunStore } from '../src/ports/run-store.js';
import { Runtime } from '../src/wiring/runtime.js';
import { runSync } from '../src/wiring/run-sync.js';
import { runWorkerMain } from './lib/worker-main.js';

// As bin.ts does: the product's processes start so.
limitHeapGrowth();

export interface WorkerArgs {
  baseUrl: string;
  org: string;
  token?: string;
  dir: string;
  perPage: number;
  batchSize: number;
  partitionConcurrency: number;
  maxConcurrentRequests: number;
  execute: boolean;
  auditBodies: 'errors+sample' | 'all' | 'errors' | 'none';
  maxPerEndpointPerMinute?: number;
  /** Epoch ms to start the sync at (e.g. a rate-limit window boundary). */
  startAt?: number;
  /** Write the JSON events to a file in `dir` (counted in the result) instead of /dev/null. */
  logToFile?: boolean;
  /** Also read each pull request's reviews (`source.include_reviews`). */
  includeReviews?: boolean;
  /**
   * Run the same sync once more in this process, into a fresh destination, once the first has
   * ended: what a long-lived process (`serve`, a queue worker) pays per sync, its code warm.
   */
  syncAgain?: boolean;
}

/** The measurements of one sync inside the worker. */
export interface SyncMeasure {
  elapsedMs: number;
  cpuMs: number;
  status: string;
  records: number;
}

export interface WorkerResult {
  elapsedMs: number;
  /** Epoch ms at which the sync began (after any `startAt` wait). */
  startedAtMs: number;
  status: string;
  records: number;
  requests: number;
  retries: number;
  rejections: number;
  maxRssMb: number;
  /** CPU time (user + system) of the worker during the sync, ms: steadier than wall time on a busy machine. */
  cpuMs: number;
  /** Wall time of `runtime.shutdown` (flushing spans and logs), ms. */
  shutdownMs: number;
  exportFailures: number;
  /** What `runtime.shutdown` reported when the telemetry backend could not take the last data. */
  telemetryError?: string;
  /** JSON event lines written (0 unless `logToFile`). */
  eventLines: number;
  /** Bytes of the run store and of the destination database once closed. */
  storeBytes: number;
  destinationBytes: number;
  /** With `syncAgain`: the second sync of the process. */
  again?: SyncMeasure;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const logFile = args.logToFile ? join(args.dir, 'events.jsonl') : '/dev/null';
const logStream = createWriteStream(logFile);
const runtime = Runtime.start({ env: readEnvironment(), logFormat: 'json', logStream });
const configFor = (destination: string) => parsePipelineConfig({
  pipeline: { name: 'bench' },
  // REST: the request-budget, throughput and peer cases measure REST calls (their README figures
  // were taken so); the graphql case compares the two modes itself.
  source: { type: 'github', mode: 'rest', base_url: args.baseUrl, org: args.org, per_page: args.perPage, include_reviews: args.includeReviews ?? false },
  destination: { type: 'sqlite', path: join(args.dir, destination) },
  options: { batch_size: args.batchSize, partition_concurrency: args.partitionConcurrency },
  api: {
    max_concurrent_per_token: args.maxConcurrentRequests,
    request_timeout_ms: 15_000,
    max_attempts: 6,
    reset_margin_ms: 20,
    pace_below_share: 0.1,
    max_requests_per_minute_per_endpoint: args.maxPerEndpointPerMinute ?? 800,
  },
  audit: { bodies: args.auditBodies, max_body_bytes: 65_536, secret_keys: ['token', 'password', 'secret', 'api_key'] },
  reports: { dir: join(args.dir, 'reports') },
});

async function main(): Promise<void> {
  const store = await openRunStore({ kind: 'sqlite', path: join(args.dir, 'store.db') });
  if (args.startAt) await new Promise((r) => setTimeout(r, Math.max(0, args.startAt! - Date.now())));
  const startedAtMs = Date.now();
  const { run, measure } = await measuredSync(store, 'github.db');
  const again = args.syncAgain ? (await measuredSync(store, 'github-again.db')).measure : undefined;
  const shutdownStarted = performance.now();
  const { telemetryError } = await runtime.shutdown(3000);
  const shutdownMs = performance.now() - shutdownStarted;
  const exportFailures = (await runtime.metrics.telemetryExportFailures.get()).values.reduce((sum, v) => sum + v.value, 0);
  await store.close();
  await new Promise<void>((resolve) => logStream.end(resolve));
  const fileBytes = (path: string) => [path, `${path}-wal`].reduce((sum, p) => sum + (existsSync(p) ? statSync(p).size : 0), 0);
  const eventLines = args.logToFile ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean).length : 0;
  const result: WorkerResult = {
    ...measure,
    startedAtMs,
    requests: run.api.requests,
    retries: run.api.retries,
    rejections: run.api.rateLimitRejections,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    shutdownMs,
    exportFailures,
    eventLines,
    storeBytes: fileBytes(join(args.dir, 'store.db')),
    destinationBytes: fileBytes(join(args.dir, 'github.db')),
    ...(telemetryError ? { telemetryError } : {}),
    ...(again ? { again } : {}),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** One sync into `destination` (a file in the run's dir), timed: wall and CPU of this process. */
async function measuredSync(store: RunStore, destination: string) {
  const startedAt = performance.now();
  const cpuAt = process.cpuUsage();
  const synced = await runSync(runtime, { config: configFor(destination), store, token: args.token, execute: args.execute });
  const elapsedMs = performance.now() - startedAt;
  const used = process.cpuUsage(cpuAt);
  const measure: SyncMeasure = {
    elapsedMs,
    cpuMs: (used.user + used.system) / 1000,
    status: synced.status,
    records: synced.records.synced + synced.records.skipped,
  };
  return { run: synced, measure };
}

runWorkerMain(main);
