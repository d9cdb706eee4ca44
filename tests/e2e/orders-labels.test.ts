import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMondaySimulator, type MondaySimulator } from '../../src/simulator/monday/index.js';
import { DEMO_BOARD_ID, DEMO_MONDAY_TOKEN, demoBoard, seedDemoOrders } from '../../src/wiring/demo/orders-demo.js';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { ordersToml, tableRows, updateRows } from './orders-helpers.js';

/** Must show 2: a status the board lacks, on a column told not to create labels. */
describe('orders: rows with a label Monday does not have fail alone, with Monday\'s message', () => {
  const tmp = tempDir();
  let sim: MondaySimulator;
  let result: CliResult;
  let summary: Record<string, any>;
  const ordersPath = join(tmp.dir, 'orders.db');

  beforeAll(async () => {
    await seedDemoOrders(ordersPath, { customers: 3, groups: 6, orders: 30 });
    // NORTHWIND's orders 100012 and 100014 carry a status no label (nor value map, nor case) matches.
    updateRows(ordersPath, "UPDATE FACT_ORDER_LIST SET ORDER_STATUS = 'ON HOLD' WHERE ORDER_ID IN (100012, 100014)");
    sim = await startMondaySimulator({ boards: [demoBoard()], token: DEMO_MONDAY_TOKEN });
    const config = ordersToml({ dir: tmp.dir, name: 'orders-labels', apiUrl: sim.url });
    result = await runCli(['run', '--config', config, '--execute', '--generate-report', '--json'], { env: { MONDAY_API_TOKEN: DEMO_MONDAY_TOKEN } });
    summary = JSON.parse(result.stdout);
  });
  afterAll(async () => {
    await sim.close();
    tmp.cleanup();
  });

  it('exits 1 with those rows failed and the rest synced', () => {
    expect(result.code, result.stderr.slice(-2000)).toBe(1);
    expect(summary.status).toBe('partial');
    expect(summary.records).toEqual({ synced: 28, failed: 2, skipped: 0, pending: 0 });
    expect(sim.board(DEMO_BOARD_ID).items).toHaveLength(28);
    expect(sim.stats().labelsCreated).toBeGreaterThan(0);
    expect(sim.board(DEMO_BOARD_ID).labels.status).toEqual(['OPEN', 'SHIPPED', 'CANCELLED']);
  });

  it('stores them failed with VALIDATION_ERROR, Monday\'s message and its request ID', () => {
    const db = new Database(join(tmp.dir, 'store.db'), { readonly: true });
    const failed = db.prepare("SELECT record_key, error_category, error_message FROM record_states WHERE sync_id = ? AND status = 'failed' ORDER BY record_key").all(summary.sync_id) as Array<Record<string, string>>;
    db.close();
    expect(failed.map((f) => [f.record_key, f.error_category])).toEqual([['100012', 'VALIDATION_ERROR'], ['100014', 'VALIDATION_ERROR']]);
    for (const f of failed) {
      expect(f.error_message).toMatch(/^Monday refused the new item: ColumnValueException: invalid value - label does not exist in column\..* \(column status, value \{"label":"ON HOLD"\}\) \(request_id [0-9a-f-]{36}\)$/);
    }
  });

  it('writes the failure back to the order table, the rest synced with their item and group IDs', () => {
    const rows = tableRows(ordersPath);
    const failed = rows.filter((r) => r.SYNC_STATE === 'FAILED');
    expect(failed.map((r) => r.ORDER_ID)).toEqual([100012, 100014]);
    expect(failed[0]).toMatchObject({ SYNC_ERROR_CATEGORY: 'VALIDATION_ERROR', SYNC_ID: summary.sync_id, MONDAY_ITEM_ID: null });
    expect(String(failed[0]?.SYNC_ERROR_MESSAGE)).toContain('ColumnValueException');
    // The group was created for the customer and season all the same: the failed rows know it.
    expect(failed[0]?.MONDAY_GROUP_ID).toMatch(/^new_group/);
    expect(rows.filter((r) => r.SYNC_STATE === 'SYNCED').every((r) => r.MONDAY_ITEM_ID && r.MONDAY_GROUP_ID && r.SYNC_ID === summary.sync_id)).toBe(true);
  });

  it('shows that customer ❌ and the others ✅ in the table right after the status header', () => {
    const markdown = readFileSync(summary.report_path, 'utf8');
    const [header, blank, table] = [markdown.split('\n')[0], markdown.split('\n')[1], markdown.split('\n\n')[1]];
    expect(header).toBe(`# ⚠️ Sync ${summary.sync_id}`);
    expect(blank).toBe('');
    expect(table?.split('\n')).toEqual([
      '| Customer | Status | Records processed | Errors | Execution time |',
      '| --- | --- | ---: | --- | ---: |',
      expect.stringMatching(/^\| \[NORTHWIND\]\(customer_reports\/NORTHWIND\.md\) \| ❌ failed \| 10 \| 2 failed · VALIDATION_ERROR \| \d/),
      expect.stringMatching(/^\| \[CONTOSO\]\(customer_reports\/CONTOSO\.md\) \| ✅ succeeded \| 10 \| 0 \| /),
      expect.stringMatching(/^\| \[PELOTON\]\(customer_reports\/PELOTON\.md\) \| ✅ succeeded \| 10 \| 0 \| /),
    ]);
    expect(markdown).toMatch(/\| Groups created \| 6 \|/);
    expect(markdown).toMatch(/\| Labels created \| [1-9]\d* \|/);
  });

  it('lists the failed rows in that customer\'s report, from the run store and the order table', () => {
    const dir = join(summary.report_path, '..');
    const report = readFileSync(join(dir, 'customer_reports/NORTHWIND.md'), 'utf8');
    expect(report).toContain('# ❌ NORTHWIND');
    expect(report).toMatch(/\| `100012` \| order \| VALIDATION_ERROR \| Monday refused the new item: ColumnValueException/);
    expect(report).toContain('0 row(s) still pending · 2 row(s) failed.');
    const json = JSON.parse(readFileSync(join(dir, 'customer_reports/NORTHWIND.json'), 'utf8'));
    expect(json.customer.items).toEqual({ created: 8, updated: 0 });
    expect(json.customer.groups.map((g: { action: string }) => g.action)).toEqual(['created', 'created']);
    expect(json.customer.source_rows.failed.map((f: { key: string }) => f.key)).toEqual(['100012', '100014']);
    const contoso = JSON.parse(readFileSync(join(dir, 'customer_reports/CONTOSO.json'), 'utf8'));
    expect(contoso.partition.mark).toBe('✅');
    expect(contoso.customer.api.cost).toBeGreaterThan(100_000);
  });
});
