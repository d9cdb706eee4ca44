import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { collectStackExpressions, exposedSeriesNames, syncscopeMetricNamesIn } from '../stack/promql-metrics.js';
import { ordersRuntime, ordersWorld, type OrdersWorld } from '../connectors/monday/orders-harness.js';

/** Must show 6, part 2: every dashboard and alert metric is exported after an orders run, complexity gauges included. */
describe('/metrics after an orders run', () => {
  const { runtime } = ordersRuntime();
  let world: OrdersWorld;
  let server: Server;
  let base = '';

  beforeAll(async () => {
    world = await ordersWorld(runtime, { customers: 3, groups: 6, orders: 60 }, {
      faults: { rate: 0.15, kinds: ['server_error', 'rate_limited'], retryAfterSeconds: 0.05 },
      limits: { complexityPerMinute: 300_000 },
      timeScale: 60,
    });
    const run = await world.run({ selection: { skipSubitems: true }, config: (c) => ((c.destination as Record<string, unknown>).complexity_per_minute = 300_000) });
    expect(run.status).toBe('succeeded');
    server = createApp({ metrics: runtime.metrics }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await world.close();
    await runtime.shutdown();
  });

  it('exports every metric name used by the dashboards and alert rules', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => ({ name: m[1]!, type: m[2]! }));
    const exported = exposedSeriesNames(families);
    const expressions = collectStackExpressions();
    const missing = expressions.flatMap(({ source, expr }) => syncscopeMetricNamesIn(expr).filter((n) => !exported.has(n)).map((n) => `${n} (${source})`));
    expect(missing).toEqual([]);
    expect(text).toMatch(/^sync_records_total\{pipeline="orders-test",status="synced"\} 60$/m);
    expect(text).toMatch(/^sync_api_requests_total\{connector="monday",operation="writeItems",status_class="2xx",error_category="none"\} \d+$/m);
    expect(text).toMatch(/^sync_api_retries_total\{connector="monday",error_category="(SERVER_ERROR|RATE_LIMITED)"\} \d+$/m);
    expect(text).toMatch(/^sync_api_rate_limit_remaining\{connector="monday",resource="complexity"\} \d+$/m);
    expect(text).toMatch(/^sync_api_rate_limit_limit\{connector="monday",resource="complexity"\} 300000$/m);
    expect(text).toMatch(/^sync_api_rate_limit_waits_total\{connector="monday",reason="pacing"\} \d+$/m);
    // Bounded labels: operations are the connector's few GraphQL names, never IDs.
    const operations = new Set([...text.matchAll(/connector="monday",operation="([^"]+)"/g)].map((m) => m[1]));
    expect([...operations].every((o) => ['boardMetadata', 'boardGroups', 'createGroup', 'findItemsByKey', 'findItemsByKeyNext', 'writeItems', 'createSubitems'].includes(o ?? ''))).toBe(true);
  });
});
