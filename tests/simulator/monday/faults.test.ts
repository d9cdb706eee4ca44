import { afterEach, describe, expect, it } from 'vitest';
import type { MondayFaultKind, MondaySimulator } from '../../../src/simulator/monday/index.js';
import { BOARD, gql, startSim } from './helpers.js';

const CREATE = `mutation { create_item(board_id: ${BOARD}, item_name: "x") { id } }`;

describe('Monday simulator: injected faults', () => {
  let sim: MondaySimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  const shapes: Array<[MondayFaultKind, number, string | null]> = [
    ['server_error', 500, 'INTERNAL_SERVER_ERROR'],
    ['locked', 423, 'RESOURCE_LOCKED'],
    ['rate_limited', 429, 'RATE_LIMIT_EXCEEDED'],
    ['field_limit', 200, 'FIELD_LIMIT_EXCEEDED'],
    ['daily_limit', 429, 'DAILY_LIMIT_EXCEEDED'],
    ['unauthorized', 403, 'USER_UNAUTHORIZED'],
  ];
  it.each(shapes)('%s answers %i with code %s and changes nothing', async (kind, status, code) => {
    sim = await startSim({ faults: { rate: 1, kinds: [kind] } });
    const r = await gql(sim, CREATE);
    expect(r.status).toBe(status);
    expect(r.json.errors[0].extensions.code).toBe(code);
    expect(r.json.extensions.request_id).toBeTruthy();
    expect(sim.stats()).toMatchObject({ itemsCreated: 0, faultsInjected: 1 });
  });

  it('bad_gateway_html answers an HTML page, truncated_json a cut body (the item is created)', async () => {
    sim = await startSim({ faults: { rate: 1, kinds: ['bad_gateway_html'] } });
    const html = await gql(sim, CREATE);
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toContain('text/html');
    sim.setFaults({ rate: 1, kinds: ['truncated_json'] });
    const cut = await gql(sim, CREATE);
    expect(cut.status).toBe(200);
    expect(cut.json).toBeUndefined();
    expect(sim.stats().itemsCreated).toBe(1);
  });

  it('html_200 answers a proxy page with status 200 and runs nothing', async () => {
    sim = await startSim({ faults: { rate: 1, kinds: ['html_200'] } });
    const page = await gql(sim, CREATE);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.json).toBeUndefined();
    expect(sim.stats()).toMatchObject({ itemsCreated: 0, faultsInjected: 1 });
  });

  it('connection_reset drops the socket after the mutation ran: the item exists, the answer is lost', async () => {
    sim = await startSim({ faults: { rate: 1, kinds: ['connection_reset'] } });
    await expect(gql(sim, CREATE)).rejects.toThrow();
    expect(sim.stats().itemsCreated).toBe(1);
  });

  it('decides faults from the seed: the same seed faults the same requests', async () => {
    const pattern = async (seed: number) => {
      const s = await startSim({ seed, faults: { rate: 0.5, kinds: ['server_error'] } });
      const statuses = [];
      for (let i = 0; i < 12; i++) statuses.push((await gql(s, '{ me { id } }')).status);
      await s.close();
      return statuses;
    };
    const a = await pattern(3);
    expect(await pattern(3)).toEqual(a);
    expect(a).toContain(500);
    expect(a).toContain(200);
  });

  it('faults only mutations when asked', async () => {
    sim = await startSim({ faults: { rate: 1, kinds: ['server_error'], only: 'mutation' } });
    expect((await gql(sim, '{ me { id } }')).status).toBe(200);
    expect((await gql(sim, CREATE)).status).toBe(500);
  });
});
