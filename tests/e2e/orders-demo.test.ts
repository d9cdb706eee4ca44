import Database from 'better-sqlite3';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYNC_ID_PATTERN } from '../../src/engine/sync-id.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { tableRows } from './orders-helpers.js';

/** Must show 4: `demo orders` from a clean state, no services; --customer and --limit pick exactly those rows. */
describe('syncscope demo orders', () => {
  it('runs the whole pipeline on embedded defaults and exits 0', async () => {
    const tmp = tempDir();
    try {
      // As `npm run demo -- orders` runs it, from a directory with nothing in it yet.
      const result = await runCli(['demo', 'orders', '--json', '--data-dir', join(tmp.dir, 'data'), '--reports-dir', join(tmp.dir, 'reports')]);
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      const summary = JSON.parse(result.stdout);
      expect(summary.sync_id).toMatch(SYNC_ID_PATTERN);
      expect(summary.pipeline).toBe('orders-demo');
      expect(summary.records).toEqual({ synced: 120, failed: 0, skipped: 0, pending: 0 });
      expect(summary.partitions).toEqual({ total: 5, succeeded: 5, failed: 0 });
      expect(summary.simulator).toMatchObject({ groups: 10, items: 120, duplicate_items: 0, concurrent_board_mutations: 0, rate_limit_rejections: 0 });
      const rows = tableRows(join(tmp.dir, 'data/demo-orders.db'));
      expect(rows.every((r) => r.SYNC_STATE === 'SYNCED' && r.SYNC_ID === summary.sync_id && r.MONDAY_ITEM_ID && r.MONDAY_GROUP_ID)).toBe(true);
      const folder = join(tmp.dir, 'reports/sync', summary.sync_id);
      expect(readdirSync(join(folder, 'customer_reports')).sort()).toEqual(
        ['CONTOSO', 'FABRIKAM', 'NORTHWIND', 'PELOTON', 'TAILSPIN'].flatMap((c) => [`${c}.json`, `${c}.md`]),
      );
      expect(existsSync(join(folder, '_SYNC_SUMMARY.md'))).toBe(true);
    } finally {
      tmp.cleanup();
    }
  });

  it('prints the summary and a table of its customers, as `npm run demo` shows them', async () => {
    const tmp = tempDir();
    try {
      const result = await runCli(['demo', 'orders', '--limit', '30', '--data-dir', join(tmp.dir, 'data'), '--reports-dir', join(tmp.dir, 'reports')]);
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      expect(result.stdout).toMatch(/Status\s+✅ succeeded/);
      expect(result.stdout).toMatch(/Records\s+30 synced · 0 failed · 0 skipped · 0 pending/);
      expect(result.stdout).toMatch(/Customer\s+Status\s+Synced\s+Failed\s+Skipped\s+Pending\s+Duration\s+Error/);
      // By customer then key, --limit 30 takes CONTOSO's 24 orders and FABRIKAM's first 6.
      expect(result.stdout).toMatch(/CONTOSO\s+✅ succeeded\s+24\s+0\s+0\s+0/);
      expect(result.stdout).toMatch(/FABRIKAM\s+✅ succeeded\s+6\s+0\s+0\s+0/);
    } finally {
      tmp.cleanup();
    }
  });

  it("refuses the other demo's own flags with exit code 2, naming them, before doing anything", async () => {
    const tmp = tempDir();
    try {
      const data = join(tmp.dir, 'data');
      const orders = await runCli(['demo', 'orders', '--mode', 'rest', '--per-page', '50', '--data-dir', data]);
      expect(orders.code).toBe(2);
      expect(orders.stderr).toContain('--per-page, --mode apply to the GitHub demo, not demo orders');
      const github = await runCli(['demo', '--scale', 'small', '--data-dir', data]);
      expect(github.code).toBe(2);
      expect(github.stderr).toContain('--scale applies to demo orders');
      expect(existsSync(data)).toBe(false);
    } finally {
      tmp.cleanup();
    }
  });

  it('takes exactly the rows --customer and --limit select, the first by key', async () => {
    const tmp = tempDir();
    try {
      const data = join(tmp.dir, 'data');
      const result = await runCli(['demo', 'orders', '--json', '--customer', 'peloton', '--customer', 'CONTOSO', '--limit', '30', '--skip-subitems', '--data-dir', data, '--reports-dir', join(tmp.dir, 'reports')]);
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      const summary = JSON.parse(result.stdout);
      const rows = tableRows(join(data, 'demo-orders.db'));
      const taken = rows.filter((r) => r.SYNC_ID === summary.sync_id);
      // By customer then key: all 24 of CONTOSO's orders, then PELOTON's first 6.
      const contoso = rows.filter((r) => r.CUSTOMER === 'CONTOSO');
      const peloton = rows.filter((r) => r.CUSTOMER === 'PELOTON').slice(0, 6);
      expect(taken.map((r) => r.ORDER_ID)).toEqual([...peloton, ...contoso].map((r) => r.ORDER_ID).sort((a, b) => Number(a) - Number(b)));
      expect(taken.every((r) => r.SYNC_STATE === 'SYNCED')).toBe(true);
      expect(rows.filter((r) => r.SYNC_ID !== summary.sync_id).every((r) => r.SYNC_STATE === 'PENDING' && r.MONDAY_ITEM_ID === null)).toBe(true);
      expect(summary.records.synced).toBe(30);
      expect(summary.simulator.items).toBe(30);
      const store = new Database(join(data, 'syncscope.db'), { readonly: true });
      const partitions = store.prepare('SELECT partition_key FROM partitions WHERE sync_id = ? ORDER BY 1').pluck().all(summary.sync_id);
      store.close();
      expect(partitions).toEqual(['CONTOSO', 'PELOTON']);
    } finally {
      tmp.cleanup();
    }
  });
});
