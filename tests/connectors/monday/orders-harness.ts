import Database from 'better-sqlite3';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { readEnvironment } from '../../../src/config/environment.js';
import { parsePipelineConfig } from '../../../src/config/load-config.js';
import { withSelection, type OrderSelection } from '../../../src/config/orders-selection.js';
import type { MondaySimulator, MondaySimulatorOptions } from '../../../src/simulator/monday/index.js';
import { startMondaySimulator } from '../../../src/simulator/monday/index.js';
import { InMemoryRunStore } from '../../../src/store/memory/in-memory-run-store.js';
import { generateOrders, type OrderBookSpec } from '../../../src/wiring/demo/order-data.js';
import { DEMO_BOARD_ID, DEMO_MONDAY_TOKEN, demoBoard, ordersDemoConfig, seedDemoOrders } from '../../../src/wiring/demo/orders-demo.js';
import { Runtime } from '../../../src/wiring/runtime.js';
import { runSync, type SyncedRun } from '../../../src/wiring/run-sync.js';
import { tempDir } from '../../helpers/cli.js';

export { DEMO_BOARD_ID, DEMO_MONDAY_TOKEN };

/** One process-wide runtime per test file (the OpenTelemetry SDK registers globally), spans kept in memory. */
export function ordersRuntime(): { runtime: Runtime; exporter: InMemorySpanExporter; lines: Array<Record<string, unknown>> } {
  const exporter = new InMemorySpanExporter();
  const stream = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  stream.on('data', (chunk) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const runtime = Runtime.start({ env: readEnvironment({ SYNCSCOPE_LOG_LEVEL: 'debug' }), logFormat: 'json', logStream: stream, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { runtime, exporter, lines };
}

export interface OrdersWorld {
  sim: MondaySimulator;
  ordersPath: string;
  store: InMemoryRunStore;
  dir: string;
  /** Runs the pipeline as `run --config` would (execute unless told otherwise). */
  run(options?: { execute?: boolean; selection?: OrderSelection; config?: (c: Record<string, unknown>) => void; token?: string; resume?: string }): Promise<SyncedRun>;
  rows(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A seeded order table, a Monday simulator with the demo board, and the pipeline config between them. */
export async function ordersWorld(runtime: Runtime, book: OrderBookSpec, sim: Partial<MondaySimulatorOptions> = {}): Promise<OrdersWorld> {
  const tmp = tempDir('syncscope-orders-');
  const ordersPath = join(tmp.dir, 'orders.db');
  await seedDemoOrders(ordersPath, book);
  const simulator = await startMondaySimulator({ boards: [demoBoard()], token: DEMO_MONDAY_TOKEN, ...sim });
  const store = new InMemoryRunStore();
  return {
    sim: simulator,
    ordersPath,
    store,
    dir: tmp.dir,
    async run(options = {}) {
      const raw = ordersDemoConfig({ name: 'orders-test', apiUrl: simulator.url, ordersPath, reportsDir: join(tmp.dir, 'reports'), timeScale: sim.timeScale ?? 1, batchSize: 20, concurrency: 3 });
      (raw.api as Record<string, unknown>).request_timeout_ms = 2_000;
      options.config?.(raw);
      const config = withSelection(parsePipelineConfig(raw), options.selection ?? {});
      return runSync(runtime, { config, store, token: options.token ?? DEMO_MONDAY_TOKEN, execute: options.execute ?? true, resume: options.resume });
    },
    rows() {
      const db = new Database(ordersPath, { readonly: true });
      try {
        return db.prepare('SELECT * FROM FACT_ORDER_LIST ORDER BY ORDER_ID').all() as Array<Record<string, unknown>>;
      } finally {
        db.close();
      }
    },
    async close() {
      await simulator.close();
      await store.close();
      tmp.cleanup();
    },
  };
}

export { generateOrders };
