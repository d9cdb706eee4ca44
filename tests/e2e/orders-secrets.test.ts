import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMondaySimulator, type MondaySimulator } from '../../src/simulator/monday/index.js';
import { demoBoard, seedDemoOrders } from '../../src/wiring/demo/orders-demo.js';
import { OtlpReceiver } from '../helpers/otlp-receiver.js';
import { jsonLines, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { ordersToml, updateRows } from './orders-helpers.js';
import { decodedRows } from '../helpers/store-rows.js';

/** The Monday token (MONDAY_API_TOKEN): on every request's Authorization header. */
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.PlantedMondayToken.s3cr3tSignature42';
const API_KEY = 'sk_live_planted_monday_key_5d2c';
const SECRETS = [TOKEN, API_KEY];

/** Between client and simulator: secret fields in every answer, the token echoed in every error message. */
async function startLeakyProxy(upstream: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)) headers[name] = value;
    const answer = await fetch(upstream, { method: req.method, headers, body: Buffer.concat(chunks) });
    const json = (await answer.json()) as { errors?: Array<{ message: string }>; extensions?: Record<string, unknown> };
    for (const error of json.errors ?? []) error.message = `${error.message} (for token ${TOKEN})`;
    json.extensions = { ...json.extensions, token: TOKEN, settings: { api_key: API_KEY } };
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function expectClean(where: string, text: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${where} contains ${secret.slice(0, 12)}…`).toBe(false);
}

/** Must show 6, part 1: the orders run passes the same secrets checks as the GitHub pipeline. */
describe('orders: the Monday token and secret fields stay out of every output', () => {
  const tmp = tempDir();
  const receiver = new OtlpReceiver();
  const ordersPath = join(tmp.dir, 'orders.db');
  const storePath = join(tmp.dir, 'store.db');
  let sim: MondaySimulator;
  let proxy: { url: string; close: () => Promise<void> };
  let result: CliResult;
  let summary: Record<string, any>;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    await seedDemoOrders(ordersPath, { customers: 2, groups: 2, orders: 12 });
    updateRows(ordersPath, "UPDATE FACT_ORDER_LIST SET ORDER_STATUS = 'ON HOLD' WHERE ORDER_ID = 100003");
    sim = await startMondaySimulator({ boards: [demoBoard()], token: TOKEN });
    proxy = await startLeakyProxy(sim.url);
    const config = ordersToml({ dir: tmp.dir, name: 'orders-secrets', apiUrl: proxy.url, extra: ['[audit]', 'bodies = "all"'] });
    result = await runCli(['run', '--config', config, '--execute', '--json', '--log-level', 'debug'], {
      env: { MONDAY_API_TOKEN: TOKEN, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, SYNCSCOPE_GRAFANA_URL: 'http://grafana.test:3000' },
    });
    summary = JSON.parse(result.stdout);
  });
  afterAll(async () => {
    await proxy.close();
    await sim.close();
    await receiver.stop();
    tmp.cleanup();
  });

  it('went through the planted fields and the echoed token (the test is not vacuous)', () => {
    expect(result.code, result.stderr.slice(-2000)).toBe(1);
    expect(summary.records).toMatchObject({ synced: 11, failed: 1 });
    const db = new Database(storePath, { readonly: true });
    const call = decodedRows(db, "SELECT * FROM api_calls WHERE sync_id = ? AND operation = 'writeItems' LIMIT 1", summary.sync_id)[0] as unknown as { request_headers: string; response_body: string };
    const failed = db.prepare("SELECT error_message FROM record_states WHERE sync_id = ? AND status = 'failed'").pluck().get(summary.sync_id) as string;
    db.close();
    expect(JSON.parse(call.request_headers).authorization).toBe('[REDACTED]');
    expect(call.response_body).toContain('"token":"[REDACTED]"');
    expect(call.response_body).toContain('"api_key":"[REDACTED]"');
    expect(failed).toContain('(for token [REDACTED])');
  });

  it('is in no stderr event and not on stdout', () => {
    expect(jsonLines(result.stderr).length).toBeGreaterThan(20);
    expectClean('stderr', result.stderr);
    expectClean('stdout', result.stdout);
  });

  it('is in no exported span or log record', () => {
    expect(receiver.spans.length).toBeGreaterThan(10);
    expectClean('OTLP bodies', receiver.rawBodies.join('\n'));
  });

  it('is in no row of any store table, nor in the store files', () => {
    const db = new Database(storePath, { readonly: true });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['runs', 'record_states', 'api_calls', 'destination_changes']));
    for (const table of tables) expectClean(`table ${table}`, JSON.stringify(decodedRows(db, `SELECT * FROM "${table}"`)));
    db.close();
    for (const file of [storePath, `${storePath}-wal`].filter(existsSync)) expectClean(file, readFileSync(file).toString('latin1'));
  });

  it('is not written back to the order table', () => {
    const db = new Database(ordersPath, { readonly: true });
    const message = db.prepare("SELECT SYNC_ERROR_MESSAGE FROM FACT_ORDER_LIST WHERE SYNC_STATE = 'FAILED'").pluck().get() as string;
    const everything = JSON.stringify(db.prepare('SELECT * FROM FACT_ORDER_LIST').all());
    db.close();
    expect(message).toContain('[REDACTED]');
    expectClean('order table', everything);
  });

  it('is in no report file', () => {
    const folder = join(tmp.dir, 'reports/sync', summary.sync_id);
    const files = readdirSync(folder, { recursive: true }).map((name) => join(folder, String(name))).filter((path) => /\.(md|json)$/.test(path));
    expect(files.length).toBe(2 + 2 * 2);
    for (const file of files) expectClean(file, readFileSync(file, 'utf8'));
  });
});
