import { afterEach, describe, expect, it } from 'vitest';
import type { MondaySimulator } from '../../../src/simulator/monday/index.js';
import { BOARD, TOKEN, gql, startSim } from './helpers.js';

const CREATE = `mutation { create_item(board_id: ${BOARD}, item_name: "once") { id } }`;

describe('Monday simulator: credentials, versions, bodies, idempotency', () => {
  let sim: MondaySimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('answers a missing token 401 and a wrong one 403, and requires API-Version', async () => {
    sim = await startSim();
    const missing = await gql(sim, '{ me { id } }', {}, { authorization: '' });
    expect(missing.status).toBe(401);
    const wrong = await gql(sim, '{ me { id } }', {}, { authorization: 'not-the-token' });
    expect(wrong.status).toBe(403);
    expect(wrong.json.errors[0].extensions.code).toBe('USER_UNAUTHORIZED');
    expect((await gql(sim, '{ me { id } }', {}, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    const response = await fetch(sim.url, { method: 'POST', headers: { authorization: TOKEN, 'content-type': 'application/json' }, body: '{"query":"{ me { id } }"}' });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.code).toBe('API_VERSION_REQUIRED');
  });

  it('answers a body that is not JSON with 400 JsonParseException', async () => {
    sim = await startSim();
    const response = await fetch(sim.url, { method: 'POST', headers: { authorization: TOKEN, 'api-version': '2026-10' }, body: '{"query": ' });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('JsonParseException');
    expect(body.extensions.request_id).toBeTruthy();
  });

  it('replays a mutation by Idempotency-Key, and refuses a duplicate still running with 409', async () => {
    sim = await startSim({ latencyMs: 150 });
    const key = { 'idempotency-key': 'order-42' };
    const [first, concurrent] = await Promise.all([gql(sim, CREATE, {}, key), new Promise((r) => setTimeout(r, 30)).then(() => gql(sim!, CREATE, {}, key))]);
    expect(first.status).toBe(200);
    expect(concurrent.status).toBe(409);
    expect(concurrent.headers.get('retry-after')).toBe('1');
    expect(concurrent.json.errors[0].extensions.code).toBe('IDEMPOTENCY_CONFLICT');
    const replay = await gql(sim, CREATE, {}, key);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect(replay.json.data.create_item.id).toBe(first.json.data.create_item.id);
    expect(sim.stats()).toMatchObject({ itemsCreated: 1, idempotentReplays: 1, idempotencyConflicts: 1 });
  });

  it('forgets keys after 30 minutes of its clock', async () => {
    sim = await startSim({ timeScale: 30 * 60 * 20 });
    const key = { 'idempotency-key': 'order-43' };
    await gql(sim, CREATE, {}, key);
    await new Promise((r) => setTimeout(r, 80));
    const later = await gql(sim, CREATE, {}, key);
    expect(later.headers.get('idempotency-replayed')).toBeNull();
    expect(sim.stats().itemsCreated).toBe(2);
  });
});
