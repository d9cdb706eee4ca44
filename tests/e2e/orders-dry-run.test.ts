import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMondaySimulator, type MondaySimulator } from '../../src/simulator/monday/index.js';
import { DEMO_BOARD_ID, DEMO_MONDAY_TOKEN, demoBoard, seedDemoOrders } from '../../src/wiring/demo/orders-demo.js';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { ordersToml, tableRows } from './orders-helpers.js';

/** Must show 3: a dry run writes nothing to Monday or the table, and says what it would do. */
describe('orders: run without --execute', () => {
  const tmp = tempDir();
  let sim: MondaySimulator;
  let result: CliResult;
  let before: Array<Record<string, unknown>>;
  const ordersPath = join(tmp.dir, 'orders.db');

  beforeAll(async () => {
    await seedDemoOrders(ordersPath, { customers: 2, groups: 3, orders: 12 });
    before = tableRows(ordersPath);
    sim = await startMondaySimulator({ boards: [demoBoard()], token: DEMO_MONDAY_TOKEN });
    const config = ordersToml({ dir: tmp.dir, name: 'orders-dry', apiUrl: sim.url });
    // No token at all: a dry run needs none, since it does not call Monday.
    result = await runCli(['run', '--config', config, '--customer', 'peloton', '--customer', 'NORTHWIND', '--limit', '10']);
  });
  afterAll(async () => {
    await sim.close();
    tmp.cleanup();
  });

  it('exits 0, every record skipped', () => {
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(result.stdout).toMatch(/Records\s+0 synced · 0 failed · 10 skipped · 0 pending/);
  });

  it('changes nothing: the simulator saw no request and the rows are as they were', () => {
    const stats = sim.stats();
    expect(stats).toMatchObject({ requests: 0, groupsCreated: 0, itemsCreated: 0, itemsUpdated: 0 });
    expect(sim.board(DEMO_BOARD_ID).items).toEqual([]);
    expect(tableRows(ordersPath)).toEqual(before);
  });

  it('prints the planned groups and items per customer', () => {
    const lines = result.stdout.split('\n');
    expect(lines).toContain(`  Dry run: nothing was written. Planned for Monday.com board ${DEMO_BOARD_ID} from FACT_ORDER_LIST:`);
    expect(lines).toContain('  NORTHWIND: 1 group (1 to find or create), 4 items (4 to create, 0 to update)');
    expect(lines).toContain('  PELOTON: 2 groups (2 to find or create), 6 items (6 to create, 0 to update)');
    expect(lines).toContain('    ▸ group "PELOTON SS25": 4 items');
    expect(lines.filter((l) => /^ {8}1000\d\d · PO-/.test(l))).toHaveLength(10);
  });

  it('still writes its reports, flagged as a dry run', () => {
    const report = /Report\s+(\S+)/.exec(result.stdout)?.[1];
    expect(report && existsSync(report)).toBe(true);
  });

  it('refuses --execute without the token variable, naming it', async () => {
    const config = join(tmp.dir, 'orders-dry.toml');
    const refused = await runCli(['run', '--config', config, '--execute']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('destination.token_env: environment variable MONDAY_API_TOKEN is not set');
    expect(sim.stats().requests).toBe(0);
  });
});
