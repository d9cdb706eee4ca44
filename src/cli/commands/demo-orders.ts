import { join } from 'node:path';
import { parsePipelineConfig } from '../../config/load-config.js';
import { withSelection } from '../../config/orders-selection.js';
import { UsageError } from '../../errors/sync-error.js';
import { startMondaySimulator, type MondaySimulator } from '../../simulator/monday/index.js';
import { openRunStore } from '../../store/open-run-store.js';
import { PRODUCTION_BOOK, SMALL_BOOK } from '../../wiring/demo/order-data.js';
import { DEMO_BOARD_ID, DEMO_MONDAY_TOKEN, demoBoard, ordersDemoConfig, seedDemoOrders } from '../../wiring/demo/orders-demo.js';
import { runSync } from '../../wiring/run-sync.js';
import { exitCodeOf } from '../exit-codes.js';
import { renderPlannedWork } from '../output/planned-work.js';
import { renderHumanSummary, toJsonSummary } from '../output/run-summary.js';
import { renderPartitionTable } from '../output/partition-table.js';
import { withRuntime, type OutputOptions } from '../runtime-scope.js';
import { abortOnSignals } from '../shutdown-signal.js';

export const ORDERS_DEMO_PIPELINE = 'orders-demo';

export interface OrdersDemoOptions extends OutputOptions {
  dataDir: string;
  reportsDir?: string;
  scale?: string;
  customer?: string[];
  limit?: number;
  skipSubitems?: boolean;
  dryRun?: boolean;
  latencyMs?: number;
  faultRate?: number;
  timeScale?: number;
  seed?: number;
  batchSize?: number;
  concurrency?: number;
}

/** Real Monday answers a 25-item write in a second or so; the demo answers at a tenth of that (`--latency-ms` sets the base). */
const LATENCY_MS = 40;
const LATENCY_PER_MUTATION_MS = 2;

/**
 * `syncscope demo orders`: seeds a fresh SQLite order table, starts the Monday simulator on a
 * free loopback port and runs the orders pipeline against both — no service, no token, no setup.
 */
export async function demoOrdersCommand(options: OrdersDemoOptions): Promise<number> {
  const scale = options.scale ?? 'small';
  if (scale !== 'small' && scale !== 'production') throw new UsageError(`--scale must be small or production, not "${scale}"`);
  const book = scale === 'production' ? PRODUCTION_BOOK : SMALL_BOOK;
  // The production book is bound by Monday's 10M points a minute (~7 min real); the demo compresses it.
  const timeScale = options.timeScale ?? (scale === 'production' ? 20 : 1);
  const ordersPath = join(options.dataDir, 'demo-orders.db');
  await seedDemoOrders(ordersPath, { ...book, seed: options.seed ?? 42 });
  const store = await openRunStore({ kind: 'sqlite', path: join(options.dataDir, 'syncscope.db') });
  let simulator: MondaySimulator | undefined;
  const signals = abortOnSignals();
  try {
    simulator = await startMondaySimulator({
      boards: [demoBoard()],
      token: DEMO_MONDAY_TOKEN,
      latencyMs: (options.latencyMs ?? LATENCY_MS) / timeScale,
      latencyPerMutationMs: LATENCY_PER_MUTATION_MS / timeScale,
      latencyJitterMs: 10 / timeScale,
      timeScale,
      seed: options.seed ?? 42,
      ...(options.faultRate ? { faults: { rate: options.faultRate, slowMs: 3000 } } : {}),
    });
    const sim = simulator;
    const parsed = parsePipelineConfig(
      ordersDemoConfig({
        name: ORDERS_DEMO_PIPELINE,
        apiUrl: sim.url,
        ordersPath,
        reportsDir: options.reportsDir ?? './reports',
        timeScale,
        batchSize: options.batchSize,
        concurrency: options.concurrency,
      }),
      'demo settings',
    );
    const config = withSelection(parsed, { customers: options.customer, limit: options.limit, skipSubitems: options.skipSubitems });
    return await withRuntime(options, async (runtime) => {
      const run = await runSync(runtime, {
        config,
        store,
        token: DEMO_MONDAY_TOKEN,
        execute: options.dryRun !== true,
        extraOptions: { demo: { pipeline: 'orders', scale, orders: book.orders, time_scale: timeScale } },
        signal: signals.signal,
      });
      const stats = sim.stats();
      const items = sim.board(DEMO_BOARD_ID).items.length;
      const summary = toJsonSummary(run, {
        reportPath: run.reportPath ?? undefined,
        plan: run.plan,
        simulator: {
          requests: stats.requests,
          rate_limit_rejections: stats.budgetRejections + stats.rateLimitRejections,
          faults_injected: stats.faultsInjected,
          groups: stats.groupsCreated,
          items,
          duplicate_items: stats.duplicateItemsByExternalKey,
          concurrent_board_mutations: stats.concurrentBoardMutations,
        },
      });
      const note = timeScale === 1 ? '' : `  (Monday simulator clock ×${timeScale}: its 60 s complexity window lasts ${(60 / timeScale).toFixed(1)} s)\n`;
      const planned = options.dryRun && run.plan ? renderPlannedWork(run.plan, `the simulated board ${DEMO_BOARD_ID}`) : '';
      process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : planned + renderHumanSummary(summary) + note + renderPartitionTable(await store.listPartitions(run.syncId)));
      return exitCodeOf(run.status);
    });
  } finally {
    signals.dispose();
    await simulator?.close();
    await store.close();
  }
}
