import { MONDAY_TRANSIENT_FAULTS, startMondaySimulator } from '../../simulator/monday/index.js';
import { DEMO_BOARD_ID, demoBoard } from '../../wiring/demo/orders-demo.js';

export interface SimulateMondayOptions {
  port: string;
  latencyMs: number;
  faultRate: number;
  seed: number;
  token?: string;
  timeScale?: number;
  complexityPerMinute?: number;
}

/**
 * `syncscope simulate monday`: serves the Monday.com simulator alone with the demo board, for an
 * orders config's development environment to point at (see examples/orders.toml).
 */
export async function simulateMondayCommand(options: SimulateMondayOptions): Promise<number> {
  const token = options.token ?? 'dev-monday-token';
  const simulator = await startMondaySimulator({
    boards: [demoBoard()],
    token,
    port: Number(options.port),
    latencyMs: options.latencyMs,
    seed: options.seed,
    timeScale: options.timeScale ?? 1,
    ...(options.complexityPerMinute ? { limits: { complexityPerMinute: options.complexityPerMinute } } : {}),
    ...(options.faultRate > 0 ? { faults: { rate: options.faultRate, kinds: [...MONDAY_TRANSIENT_FAULTS] } } : {}),
  });
  process.stdout.write(`Monday.com simulator on ${simulator.url} (board ${DEMO_BOARD_ID}, token "${options.token ? '<as given>' : token}"); Ctrl-C stops it.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const stats = simulator.stats();
  await simulator.close();
  process.stdout.write(`${JSON.stringify(stats)}\n`);
  return 0;
}
