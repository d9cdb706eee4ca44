/**
 * One measured orders sync in its own process (the Monday simulator runs in the bench process, as
 * the real API runs elsewhere). Prints one JSON line with the measurements.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { limitHeapGrowth } from '../src/cli/heap-growth.js';
import { readEnvironment } from '../src/config/environment.js';
import { parsePipelineConfig } from '../src/config/load-config.js';
import { withSelection } from '../src/config/orders-selection.js';
import { openRunStore } from '../src/store/open-run-store.js';
import { DEMO_MONDAY_TOKEN, ordersDemoConfig } from '../src/wiring/demo/orders-demo.js';
import { Runtime } from '../src/wiring/runtime.js';
import { runSync } from '../src/wiring/run-sync.js';
import { runWorkerMain } from './lib/worker-main.js';

// As bin.ts does: the product's processes start so.
limitHeapGrowth();

export interface OrdersWorkerArgs {
  dir: string;
  apiUrl: string;
  ordersPath: string;
  timeScale: number;
  batchSize: number;
  concurrency: number;
  mutationsPerRequest: number;
}

export interface OrdersWorkerResult {
  elapsedMs: number;
  status: string;
  synced: number;
  failed: number;
  requests: number;
  retries: number;
  rateLimitWaits: number;
  batches: number;
  batchesSucceeded: number;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as OrdersWorkerArgs;
  const logStream = createWriteStream('/dev/null');
  const runtime = Runtime.start({ env: readEnvironment(), logFormat: 'json', logStream });
  const store = await openRunStore({ kind: 'sqlite', path: join(args.dir, 'store.db') });
  const raw = ordersDemoConfig({
    name: 'bench-orders',
    apiUrl: args.apiUrl,
    ordersPath: args.ordersPath,
    reportsDir: join(args.dir, 'reports'),
    timeScale: args.timeScale,
    batchSize: args.batchSize,
    concurrency: args.concurrency,
    mutationsPerRequest: args.mutationsPerRequest,
  });
  (raw.audit as unknown) = { bodies: 'errors' };
  const config = withSelection(parsePipelineConfig(raw), { skipSubitems: true });
  const started = performance.now();
  const run = await runSync(runtime, { config, store, token: DEMO_MONDAY_TOKEN, execute: true });
  const elapsedMs = performance.now() - started;
  await runtime.shutdown(3000);
  await store.close();
  await new Promise<void>((resolve) => logStream.end(resolve));
  const result: OrdersWorkerResult = {
    elapsedMs,
    status: run.status,
    synced: run.records.synced,
    failed: run.records.failed,
    requests: run.api.requests,
    retries: run.api.retries,
    rateLimitWaits: run.api.rateLimitWaits,
    batches: run.batches.total,
    batchesSucceeded: run.batches.succeeded,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

runWorkerMain(main);
