import { describe, expect, it } from 'vitest';
import type { ApiCallRow } from '../../src/ports/run-store.js';
import { aRun, anApiCall, isoAt, syncIdAt } from './run-store.fixtures.js';
import { expectSyncError } from './run-store.helpers.js';
import type { StoreContext } from './run-store.helpers.js';

/** The API call audit. */
export function describeAuditContract(ctx: StoreContext): void {
  const run = aRun({ syncId: syncIdAt(5, '7AC96AF9'), startedAt: isoAt(5) });
  const sync = run.syncId;

  const calls: ApiCallRow[] = [
    anApiCall(sync, { requestId: 'r1', startedAt: isoAt(6, 0), durationMs: 40 }),
    anApiCall(sync, {
      requestId: 'r2',
      startedAt: isoAt(6, 1),
      durationMs: 1250.5,
      status: 403,
      errorCategory: 'RATE_LIMITED',
      rateLimitRemaining: 0,
      responseBody: '{"message":"You have exceeded a secondary rate limit"}',
    }),
    anApiCall(sync, { requestId: 'r3', startedAt: isoAt(6, 2), durationMs: 300, attempt: 2 }),
    anApiCall(sync, {
      requestId: null,
      startedAt: isoAt(6, 3),
      durationMs: 10_000,
      status: null,
      errorCategory: 'TIMEOUT',
      responseBody: null,
      resource: null,
      cost: null,
      rateLimitRemaining: null,
      partitionKey: null,
    }),
  ];
  const ids = (list: ApiCallRow[]) => list.map((c) => c.requestId);

  describe('api calls', () => {
    it('lists calls in call order, by default and as chronological', async () => {
      await ctx.store.createRun(run);
      await ctx.store.recordApiCalls([calls[0]!, calls[1]!]);
      await ctx.store.recordApiCalls([calls[2]!, calls[3]!]);
      expect(await ctx.store.listApiCalls(sync)).toEqual(calls);
      expect(await ctx.store.listApiCalls(sync, { order: 'chronological' })).toEqual(calls);
    });

    it('orders calls recorded late by when they started', async () => {
      await ctx.store.createRun(run);
      await ctx.store.recordApiCalls([calls[2]!, calls[0]!]);
      await ctx.store.recordApiCalls([calls[1]!]);
      expect(ids(await ctx.store.listApiCalls(sync))).toEqual(['r1', 'r2', 'r3']);
    });

    it('keeps calls that started in the same instant in the order recorded', async () => {
      await ctx.store.createRun(run);
      const same = ['a', 'b', 'c', 'd', 'e'].map((id) => anApiCall(sync, { requestId: id, startedAt: isoAt(6) }));
      await ctx.store.recordApiCalls(same.slice(0, 3));
      await ctx.store.recordApiCalls(same.slice(3));
      expect(ids(await ctx.store.listApiCalls(sync))).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    it('lists the slowest calls first, only errors, with a limit', async () => {
      await ctx.store.createRun(run);
      await ctx.store.recordApiCalls(calls);
      expect(ids(await ctx.store.listApiCalls(sync, { order: 'slowest' }))).toEqual([null, 'r2', 'r3', 'r1']);
      expect(ids(await ctx.store.listApiCalls(sync, { order: 'slowest', limit: 2 }))).toEqual([null, 'r2']);
      expect(ids(await ctx.store.listApiCalls(sync, { onlyErrors: true }))).toEqual(['r2', null]);
      expect(ids(await ctx.store.listApiCalls(sync, { onlyErrors: true, order: 'slowest', limit: 1 }))).toEqual([null]);
      expect(ids(await ctx.store.listApiCalls(sync, { limit: 1 }))).toEqual(['r1']);
      expect(await ctx.store.listApiCalls(syncIdAt(9, 'DEADBEEF'))).toEqual([]);
    });

    it('round-trips headers, bodies and flags as given', async () => {
      await ctx.store.createRun(run);
      const call = anApiCall(sync, {
        connector: 'monday',
        operation: 'create_item',
        method: 'POST',
        route: '/v2',
        url: 'https://api.monday.com/v2',
        requestHeaders: {
          'content-type': 'application/json',
          'api-version': '2025-10',
          'x-note': 'quotes " and \\ backslash, {braces}, commas, ünïcödé ✅',
          authorization: '[REDACTED]',
        },
        requestBody: '{"query":"mutation { create_item (board_id: 1, item_name: \\"PELOTON #42\\") { id } }"}',
        responseBody: 'x'.repeat(10_000),
        truncated: true,
        cost: 10_010.5,
        resource: 'complexity',
      });
      await ctx.store.recordApiCalls([call, anApiCall(sync, { requestHeaders: {}, startedAt: isoAt(7) })]);
      expect(await ctx.store.listApiCalls(sync)).toEqual([call, anApiCall(sync, { requestHeaders: {}, startedAt: isoAt(7) })]);
    });

    it('drops the bodies of calls of runs started before a cutoff, keeping every row (body retention)', async () => {
      const later = aRun({ syncId: syncIdAt(8, '0B0D1E50'), startedAt: isoAt(8) });
      await ctx.store.createRun(run);
      await ctx.store.createRun(later);
      await ctx.store.recordApiCalls(calls);
      await ctx.store.recordApiCalls([anApiCall(later.syncId, { startedAt: isoAt(8, 1) })]);
      // Three of the old run's four calls hold a body (the timeout has none).
      expect(await ctx.store.dropApiCallBodiesBefore(isoAt(7))).toBe(3);
      const old = await ctx.store.listApiCalls(sync);
      expect(old).toEqual(calls.map((c) => ({ ...c, requestBody: null, responseBody: null })));
      expect(await ctx.store.listApiCalls(later.syncId)).toEqual([anApiCall(later.syncId, { startedAt: isoAt(8, 1) })]);
      expect(await ctx.store.dropApiCallBodiesBefore(isoAt(7))).toBe(0);
    });

    it('accepts an empty list of calls', async () => {
      await ctx.store.createRun(run);
      await ctx.store.recordApiCalls([]);
      expect(await ctx.store.listApiCalls(sync)).toEqual([]);
    });

    it('rejects calls of an unknown run as CONFLICT and records none of the list', async () => {
      await ctx.store.createRun(run);
      const stray = anApiCall(syncIdAt(9, 'DEADBEEF'));
      await expectSyncError(ctx.store.recordApiCalls([calls[0]!, stray]), 'CONFLICT');
      expect(await ctx.store.listApiCalls(sync)).toEqual([]);
    });
  });
}
